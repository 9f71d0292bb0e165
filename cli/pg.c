#include "cli/pg.h"

#include <stdio.h>

PGconn *
cli_pg_connect(const char *conninfo, const char *dbname)
{
	const char *keys[] = { "connect_timeout", "application_name", "dbname",
	    "dbname", NULL };
	const char *vals[] = { "10", "permitctl", conninfo, dbname, NULL };
	PGconn *conn;

	if (dbname == NULL)
		keys[3] = NULL;
	/* Only the first dbname is expanded as a conninfo; a second one
	 * (after it in the array) overrides the database it names. */
	conn = PQconnectdbParams(keys, vals, 1);
	if (conn == NULL) {
		fprintf(stderr, "permitctl: out of memory\n");
		return NULL;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "permitctl: cannot connect: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

void
cli_pg_report(PGconn *conn, const PGresult *res, const char *what)
{
	const char *msg = res != NULL ? PQresultErrorMessage(res) : "";

	if (*msg == '\0')
		msg = PQerrorMessage(conn);
	fprintf(stderr, "permitctl: %s: %s", what, msg);
}

int
cli_pg_command(PGconn *conn, const char *sql, const char *what)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);
	int rc = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		cli_pg_report(conn, res, what);
		rc = -1;
	}
	PQclear(res);
	return rc;
}
