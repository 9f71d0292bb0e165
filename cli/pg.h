/*
 * cli/pg — the libpq plumbing permitctl's database commands share.
 * Operator tool: PostgreSQL's messages are printed to stderr for the DBA.
 */
#ifndef PERMIT_CLI_PG_H
#define PERMIT_CLI_PG_H

#include <libpq-fe.h>

/*
 * Connects with `conninfo` (as cli_database() returns it; "" means libpq's
 * defaults), to database `dbname` instead of the conninfo's when not NULL.
 * connect_timeout defaults to 10 and application_name to permitctl. Returns
 * the connection (PQfinish it), or NULL after printing why.
 */
PGconn *cli_pg_connect(const char *conninfo, const char *dbname);

/* Runs `sql`, a constant or escaped command, with PQexec. 0, or -1 after
 * printing PostgreSQL's message prefixed with `what`. */
int cli_pg_command(PGconn *conn, const char *sql, const char *what);

/* Prints a failed result's message (or the connection's) after `what`. */
void cli_pg_report(PGconn *conn, const PGresult *res, const char *what);

#endif
