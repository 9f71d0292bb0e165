/*
 * cli — permitctl's commands, one file each, dispatched by cli/main.c.
 *
 * Each takes the arguments after `permitctl` (argv[0] is the command name),
 * the loaded config, and returns a process exit status: 0 success,
 * 1 the command failed (a message was printed), 2 a usage error.
 *
 * Database commands connect with --database CONNINFO, else $PERMIT_DATABASE,
 * else libpq's own defaults (PGHOST, PGPORT, PGUSER, ...): permitctl runs as
 * the owner or a superuser, never with permitd's runtime credentials. They
 * talk to PostgreSQL only through db/ (db_open_ctl), with the statements of
 * db/sql/ctl/; PostgreSQL's messages reach the operator on stderr through
 * db/'s log.
 */
#ifndef PERMIT_CLI_CLI_H
#define PERMIT_CLI_CLI_H

#include "core/config.h"

int cli_db(int argc, char **argv, const struct config *cfg);
int cli_migrate(int argc, char **argv, const struct config *cfg);
int cli_keys(int argc, char **argv, const struct config *cfg);
int cli_reload(int argc, char **argv, const struct config *cfg);
int cli_audit(int argc, char **argv, const struct config *cfg);

/* The conninfo to use: the --database argument, $PERMIT_DATABASE, or "". */
const char *cli_database(const char *arg);

#endif
