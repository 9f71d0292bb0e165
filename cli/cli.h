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

#include "core/arena.h"
#include "core/config.h"
#include "db/db.h"

int cli_db(int argc, char **argv, const struct config *cfg);
int cli_migrate(int argc, char **argv, const struct config *cfg);
int cli_keys(int argc, char **argv, const struct config *cfg);
int cli_reload(int argc, char **argv, const struct config *cfg);
int cli_staff(int argc, char **argv, const struct config *cfg);
int cli_maintenance(int argc, char **argv, const struct config *cfg);
int cli_audit(int argc, char **argv, const struct config *cfg);
int cli_draw(int argc, char **argv, const struct config *cfg);
/* keys backup / keys restore --backup (cli/backup.c); argv[0] is the
 * subcommand. */
int cli_keys_backup(int argc, char **argv, const struct config *cfg);
int cli_keys_restore_backup(int argc, char **argv, const struct config *cfg);

/*
 * Each command's help: its usage lines, a blank line, then every option
 * explained. `permitctl COMMAND --help` prints it to stdout (exit 0); a
 * usage error prints its usage lines to stderr (cli_usage_error).
 */
extern const char cli_db_help[];
extern const char cli_migrate_help[];
extern const char cli_keys_help[];
extern const char cli_reload_help[];
extern const char cli_staff_help[];
extern const char cli_maintenance_help[];
extern const char cli_audit_help[];
extern const char cli_draw_help[];

/* The --database line of a help text, for the commands that run as the
 * owner (cli_database with the config). */
#define CLI_HELP_DATABASE \
    "  --database CONNINFO  the owner role's connection (default:\n" \
    "                       $PERMIT_DATABASE, the config's owner_database,\n" \
    "                       then libpq's PG* variables)\n"

/* Prints `help`'s usage lines and where the rest is to stderr; returns 2,
 * the exit status of a usage error. */
int cli_usage_error(const char *help);

/*
 * The conninfo to use: the --database argument, else $PERMIT_DATABASE,
 * else the config's owner_database (when `cfg` is not NULL and sets it),
 * else "" (libpq's PG* variables). Never the config's `database`: that is
 * permitd's runtime role, and permitctl runs as the owner.
 */
const char *cli_database(const char *arg, const struct config *cfg);

/*
 * Option `opt`'s value `s` as a whole number from min to max into *out.
 * 0, or -1 after printing what the option takes.
 */
int cli_number(const char *opt, const char *s, long min, long max, long *out);

/* The longest secret cli_read_secret reads, in bytes. */
#define CLI_SECRET_MAX 1024

/*
 * A secret (a password), one line of standard input, never an argument.
 * From a terminal it is asked for twice with echo off (`what` is the
 * prompt, on stderr) and the two must match; from a pipe it is read once.
 * The line's newline is dropped. 0 with the secret in buf[0..*len) and a
 * NUL after it (cap >= CLI_SECRET_MAX + 2); -1 at end of input, for a line
 * that does not fit, or two entries that differ (buf wiped). The caller
 * wipes buf with sodium_memzero. Leaves stdin unbuffered: call it before
 * anything else reads stdin.
 */
int cli_read_secret(const char *what, char *buf, size_t cap, size_t *len)
    __attribute__((warn_unused_result));

/*
 * What an operator's act records in the audit trail (migrations/0014):
 * action a static name ("cli.staff_add"), what it was done to as
 * canonical lower-case UUIDs or NULL, and a detail of workflow data only
 * (a role, an office, a mode; never the email or any identity data:
 * docs/DESIGN.md invariant 1), printable ASCII or NULL. The caller's strings.
 */
struct cli_audit_entry {
	const char *action;
	const char *application;
	const char *account;
	const char *detail;
};

/*
 * Writes the row of `e`, by the database role permitctl runs as
 * (actor_kind 'cli', actor current_user), inside the act's open
 * transaction on `db` (a ctl handle, not READ ONLY), before the act's own
 * statements: it locks the chain's head until that transaction ends, and
 * taking that lock first, as permitd does, means an admin's concurrent act
 * through the API never waits for the head while holding what this act
 * waits for (a deadlock). The head's result lives in `a`. 0, or -1
 * (logged): the caller rolls back, so there is no act without its row and
 * no row without its act, and commits only when both succeeded.
 */
int cli_audit_write(struct db *db, arena *a, const struct cli_audit_entry *e)
    __attribute__((warn_unused_result));

#endif
