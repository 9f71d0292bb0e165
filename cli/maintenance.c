/*
 * cli/maintenance — permitctl maintenance: the service mode, as the
 * operator reads and sets it.
 *
 *   permitctl maintenance [normal|read_only|closed] [--message M]
 *       [--database OWNER_CONNINFO]
 *
 * Without a mode it prints the mode and message; with one it sets both
 * (no --message: none) and prints them as stored. It does what an admin's
 * PUT /api/v1/admin/maintenance does: the same rules for the message, the
 * same function writes the row (migrations/0015,
 * permit_service_state_write, which permitd reaches only through the
 * admin's check), and every permitd worker of every host sees it at its
 * next request, since each request's binding reads it.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/validate.h"
#include "db/db.h"

/* The modes service_state's check admits (migrations/0001). */
static const char *const cli_modes[] = { "normal", "read_only", "closed" };

struct cli_maintenance_opts {
	const char *database;
	const char *mode;       /* NULL: print the state */
	const char *message;    /* NULL: none */
};

const char cli_maintenance_help[] =
    "usage: permitctl maintenance [normal|read_only|closed] [--message M]\n"
    "                             [--database OWNER_CONNINFO]\n"
    "\n"
    "  Without a mode, prints the current one and its message. With one,\n"
    "  sets it for every permitd on the database (recorded in the audit\n"
    "  trail): read_only serves reads and refuses changes, closed refuses\n"
    "  everything but health, both with 503 `maintenance`.\n"
    "  --message M          what citizens are shown, as on the admin page\n"
    "                       (at most 500 characters); without it, none\n"
    CLI_HELP_DATABASE
    "  -h, --help           this text\n";

static int
cli_maintenance_mode_known(const char *s)
{
	for (size_t i = 0; i < sizeof(cli_modes) / sizeof(cli_modes[0]); i++)
		if (strcmp(s, cli_modes[i]) == 0)
			return 1;
	return 0;
}

/* Parses argv[1..) and judges it. 0, or -1 printed. */
static int
cli_maintenance_args(int argc, char **argv, struct cli_maintenance_opts *o)
{
	enum validate_result r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--message") == 0 && i + 1 < argc)
			o->message = argv[++i];
		else if (strcmp(argv[i], "--database") == 0 && i + 1 < argc)
			o->database = argv[++i];
		else if (o->mode == NULL && cli_maintenance_mode_known(argv[i]))
			o->mode = argv[i];
		else {
			fprintf(stderr, "permitctl maintenance: unexpected "
			    "argument `%s'\n", argv[i]);
			return -1;
		}
	}
	if (o->message != NULL && o->mode == NULL) {
		fprintf(stderr, "permitctl maintenance: --message goes with a "
		    "mode\n");
		return -1;
	}
	if (o->message != NULL && *o->message != '\0' &&
	    (r = validate_staff_text(o->message, VALIDATE_MAINTENANCE_MAX)) !=
	    VALIDATE_OK) {
		fprintf(stderr, "permitctl maintenance: --message %s (at most "
		    "%d characters, no control characters, no identity numbers "
		    "or email addresses: everyone sees it)\n",
		    validate_message(r), VALIDATE_MAINTENANCE_MAX);
		return -1;
	}
	return 0;
}

/* Prints the state in `r` (SERVICE_STATE columns); a missing row is
 * closed, as permitd reads it. */
static void
cli_maintenance_print(const struct db_result *r)
{
	const char *mode = NULL, *message = NULL;

	if (db_rows(r) == 1) {
		mode = db_text(r, 0, DB_COL(SERVICE_STATE, MODE));
		message = db_text(r, 0, DB_COL(SERVICE_STATE, MESSAGE));
	}
	printf("mode: %s\n", mode != NULL ? mode :
	    "closed (service_state has no row; setting a mode restores it)");
	printf("message: %s\n", message != NULL ? message : "");
}

/*
 * The operator's act, in one place: its audit row (cli.maintenance, its
 * mode: the message is free text and stays out of the trail) and the mode
 * and message written, committed together or not at all; the state as
 * stored in *r. DB_OK or the failure (DB_ERROR: the row could not be
 * written, logged).
 */
static enum db_status
cli_maintenance_set(struct db *db, arena *a,
    const struct cli_maintenance_opts *o, struct db_result **r)
{
	const struct db_param p[2] = { DB_TEXT(o->mode), DB_TEXT(o->message) };
	const struct cli_audit_entry entry = { "cli.maintenance", NULL, NULL,
	    arena_printf(a, "mode=%s", o->mode) };
	enum db_status st;

	if ((st = db_begin(db, NULL)) == DB_OK &&
	    (st = cli_audit_write(db, a, &entry) == 0 ? DB_OK : DB_ERROR) ==
	    DB_OK &&
	    (st = db_exec(db, a, DB_STMT_SERVICE_STATE_WRITE, p, 2, r)) ==
	    DB_OK)
		st = db_commit(db);
	db_rollback(db);
	return st;
}

int
cli_maintenance(int argc, char **argv, const struct config *cfg)
{
	struct cli_maintenance_opts o = { NULL, NULL, NULL };
	struct db_result *r = NULL;
	struct db *db = NULL;
	arena *a;
	enum db_status st;

	if (cli_maintenance_args(argc, argv, &o) != 0)
		return cli_usage_error(cli_maintenance_help);
	if (db_open_ctl(cli_database(o.database, cfg), NULL, &db) != DB_OK)
		return 1;
	a = arena_new(4096);
	if (o.mode == NULL)
		st = db_exec(db, a, DB_STMT_SERVICE_STATE_GET, NULL, 0, &r);
	else
		st = cli_maintenance_set(db, a, &o, &r);
	if (st == DB_OK)
		cli_maintenance_print(r);
	arena_free(a);
	db_close(db);
	return st == DB_OK ? 0 : 1;
}
