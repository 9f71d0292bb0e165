/*
 * permitctl migrate up|status|verify|repair — applies migrations/NNNN_name.sql
 * as the owner role, each in its own transaction with its schema_migrations
 * row (or, a no-transaction file, statement by statement, then its row),
 * under an advisory lock so concurrent runs apply each file once; refuses
 * to go on when an applied file was edited or removed, or a pending one is
 * older than the newest applied (unless --out-of-order), or breaks the
 * project's rules (cli/migcheck.h), all before anything runs.
 *
 * Its statements are db/sql/ctl/migrate.def; a migration file is a trusted
 * script (db_script), the one kind of free-form SQL permitctl sends.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/migstate.h"

const char cli_migrate_help[] =
    "usage: permitctl migrate [up|status|verify] [OPTIONS]\n"
    "       permitctl migrate repair --accept FILE --reason WHY [OPTIONS]\n"
    "\n"
    "  up        apply the pending migrations, in version order (default)\n"
    "  status    list each migration: applied, pending, edited, missing;\n"
    "            exits 1 when an applied file was edited or removed\n"
    "  verify    exit 1 unless every applied file is unchanged\n"
    "  repair    accept a harmless edit of an applied file (recorded)\n"
    "\n"
    "  --database CONNINFO     the owner role's connection (default:\n"
    "                          $PERMIT_DATABASE, the config's\n"
    "                          owner_database, then libpq's PG* variables)\n"
    "  --dir DIR               the migration files (default: migrations)\n"
    "  --target N              up: apply only versions up to N\n"
    "  --dry-run               up: check and print what would run, run nothing\n"
    "  --out-of-order          up: also apply files older than the newest\n"
    "                          applied one\n"
    "  --lock-timeout S        wait up to S seconds (0-86400, default 60)\n"
    "                          for another migrate to finish\n"
    "  --ddl-lock-timeout S    a statement waits up to S seconds (0-3600,\n"
    "                          default 5, 0: no limit) for a table's lock\n"
    "  --accept FILE           repair: the edited file (NNNN_name.sql)\n"
    "  --reason WHY            repair: why the edit is harmless (printable\n"
    "                          ASCII, at most 150 characters)\n"
    "  -h, --help              this text\n";

/* Printable ASCII, 1 to 150 characters: it goes to the audit trail. */
static int
cli_mig_reason_ok(const char *r)
{
	size_t n = strlen(r);

	if (n == 0 || n > 150)
		return 0;
	for (; *r != '\0'; r++)
		if (*r < ' ' || *r > '~')
			return 0;
	return 1;
}

/* The options after the subcommand into `o`. 0, 1 for --help, or -1 for
 * a usage error (printed). */
static int
cli_mig_parse(int argc, char **argv, int i, struct cli_mig_opts *o)
{
	for (; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			return 1;
		if (strcmp(a, "--dry-run") == 0) {
			o->dry_run = 1;
			continue;
		}
		if (strcmp(a, "--out-of-order") == 0) {
			o->out_of_order = 1;
			continue;
		}
		if (v == NULL)
			return -1;
		i++;
		if (strcmp(a, "--database") == 0)
			o->database = v;
		else if (strcmp(a, "--dir") == 0)
			o->dir = v;
		else if (strcmp(a, "--accept") == 0)
			o->accept = v;
		else if (strcmp(a, "--reason") == 0)
			o->reason = v;
		else if (strcmp(a, "--target") == 0) {
			if (cli_number("--target", v, 1, 9999, &o->target) != 0)
				return -1;
		} else if (strcmp(a, "--lock-timeout") == 0) {
			if (cli_number("--lock-timeout", v, 0, 86400,
			    &o->lock_timeout) != 0)
				return -1;
		} else if (strcmp(a, "--ddl-lock-timeout") == 0) {
			if (cli_number("--ddl-lock-timeout", v, 0, 3600,
			    &o->ddl_lock_timeout) != 0)
				return -1;
		} else
			return -1;
	}
	return 0;
}

/* The options that belong to each subcommand, and only there. */
static int
cli_mig_opts_fit(const struct cli_mig_opts *o)
{
	int up = strcmp(o->cmd, "up") == 0, repair = strcmp(o->cmd, "repair") == 0;

	if (!up && (o->target != 0 || o->dry_run || o->out_of_order))
		return 0;
	if (!repair && (o->accept != NULL || o->reason != NULL))
		return 0;
	if (repair && (o->accept == NULL || o->reason == NULL)) {
		fprintf(stderr, "permitctl: migrate repair needs --accept FILE "
		    "and --reason WHY\n");
		return 0;
	}
	if (repair && !cli_mig_reason_ok(o->reason)) {
		fprintf(stderr, "permitctl: --reason must be 1 to 150 printable "
		    "ASCII characters\n");
		return 0;
	}
	return 1;
}

static int
cli_mig_run(const struct cli_mig_opts *o)
{
	struct cli_mig m = { .o = o, .dir = o->dir };
	int rc = 1;

	m.a = arena_new(16384);
	if (cli_migfiles_load(o->dir, &m.files) != 0)
		goto out;
	if (db_open_ctl(cli_database(o->database, o->cfg), NULL, &m.db) != DB_OK)
		goto out;
	if (db_exec(m.db, NULL, DB_STMT_SEARCH_PATH_PUBLIC, NULL, 0, NULL) != DB_OK)
		goto out;
	if (strcmp(o->cmd, "up") == 0)
		rc = cli_mig_up(&m);
	else if (strcmp(o->cmd, "status") == 0)
		rc = cli_mig_status(&m);
	else if (strcmp(o->cmd, "repair") == 0)
		rc = cli_mig_repair(&m);
	else
		rc = cli_mig_verify(&m);
out:
	db_close(m.db);   /* also releases the advisory lock */
	arena_free(m.a);  /* and m.applied with it */
	cli_migfiles_free(&m.files);
	return rc;
}

int
cli_migrate(int argc, char **argv, const struct config *cfg)
{
	struct cli_mig_opts o = { .cmd = "up", .dir = "migrations",
	    .lock_timeout = 60, .ddl_lock_timeout = 5 };
	static const char *const cmds[] = { "up", "status", "verify", "repair" };
	int i = 1, known = 0, parsed;

	o.cfg = cfg;
	if (i < argc && strncmp(argv[i], "-", 1) != 0)
		o.cmd = argv[i++];
	for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++)
		known |= strcmp(o.cmd, cmds[c]) == 0;
	if ((parsed = cli_mig_parse(argc, argv, i, &o)) == 1) {
		fputs(cli_migrate_help, stdout);
		return 0;
	}
	if (!known || parsed != 0 || !cli_mig_opts_fit(&o))
		return cli_usage_error(cli_migrate_help);
	return cli_mig_run(&o);
}
