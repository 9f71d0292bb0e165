/*
 * permitctl migrate up|status|verify — applies migrations/NNNN_name.sql as
 * the owner role, each in its own transaction with its schema_migrations
 * row, under an advisory lock so concurrent runs apply each file once; and
 * refuses to go on when an applied file was edited or removed.
 *
 * Its statements are db/sql/ctl/migrate.def; a migration file is a trusted
 * script (db_script), the one kind of free-form SQL permitctl sends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/migfiles.h"
#include "core/arena.h"
#include "db/db.h"

struct cli_mig {
	struct db *db;
	arena *a;                   /* results; lives for the whole command */
	const char *dir;
	struct cli_mig_set files;
	struct db_result *applied;  /* schema_migrations rows by version; NULL: none */
};

/* 1 if schema_migrations exists, 0 if not, -1 on error (logged). */
static int
cli_mig_table_exists(struct cli_mig *m)
{
	struct db_result *r;
	const char *v;

	if (db_exec(m->db, m->a, DB_STMT_MIGRATIONS_EXIST, NULL, 0, &r) != DB_OK)
		return -1;
	v = db_text(r, 0, DB_COL(MIGRATIONS_EXIST, PRESENT));
	return v != NULL && strcmp(v, "t") == 0;
}

/* Reads schema_migrations into m->applied (NULL when there is no table). */
static int
cli_mig_load_applied(struct cli_mig *m)
{
	int exists = cli_mig_table_exists(m);

	if (exists <= 0)
		return exists;
	return db_exec(m->db, m->a, DB_STMT_MIGRATIONS_APPLIED, NULL, 0,
	    &m->applied) == DB_OK ? 0 : -1;
}

static int
cli_mig_napplied(const struct cli_mig *m)
{
	return m->applied != NULL ? db_rows(m->applied) : 0;
}

/* Column number `col` of applied row `row`; "" for NULL. */
static const char *
cli_mig_text(const struct cli_mig *m, int row, int col)
{
	const char *v = db_text(m->applied, row, col);

	return v != NULL ? v : "";
}

/* Column `col` (named as in MIGRATIONS_APPLIED) of applied row `row`. */
#define CLI_MIG_COL(m, row, col) \
	cli_mig_text((m), (row), DB_COL(MIGRATIONS_APPLIED, col))

static int
cli_mig_version(const struct cli_mig *m, int row)
{
	return atoi(CLI_MIG_COL(m, row, VERSION));
}

/* The schema_migrations row of `version`, or -1 when it is pending. */
static int
cli_mig_applied_row(const struct cli_mig *m, int version)
{
	for (int i = 0; i < cli_mig_napplied(m); i++)
		if (cli_mig_version(m, i) == version)
			return i;
	return -1;
}

/* 1 when the applied row no longer matches file `f` (edited or renamed). */
static int
cli_mig_differs(const struct cli_mig *m, int row, const struct cli_mig_file *f)
{
	return strcmp(CLI_MIG_COL(m, row, CHECKSUM), f->checksum) != 0 ||
	    strcmp(CLI_MIG_COL(m, row, NAME), f->name) != 0;
}

/* Prints every applied migration whose file was edited, renamed or removed;
 * returns how many. */
static int
cli_mig_problems(const struct cli_mig *m)
{
	int problems = 0;

	for (int i = 0; i < cli_mig_napplied(m); i++) {
		int version = cli_mig_version(m, i);
		const char *name = CLI_MIG_COL(m, i, NAME);
		const struct cli_mig_file *f = cli_migfiles_find(&m->files, version);

		if (f == NULL)
			fprintf(stderr, "permitctl: %04d_%s.sql was applied but its "
			    "file is missing from %s\n", version, name, m->dir);
		else if (strcmp(name, f->name) != 0)
			fprintf(stderr, "permitctl: %s was applied as %04d_%s.sql "
			    "and renamed since\n", f->file, version, name);
		else if (cli_mig_differs(m, i, f))
			fprintf(stderr, "permitctl: %s was edited after it was "
			    "applied (checksum differs)\n", f->file);
		else
			continue;
		problems++;
	}
	return problems;
}

/* Runs the file's SQL and records it, in one transaction. 0, or -1. */
static int
cli_mig_apply(struct cli_mig *m, const struct cli_mig_file *f)
{
	char version[16];
	const struct db_param record[3] = { DB_TEXT(version), DB_TEXT(f->name),
	    DB_TEXT(f->checksum) };
	int rc = -1;

	snprintf(version, sizeof(version), "%d", f->version);
	if (db_begin(m->db, NULL) != DB_OK)
		return -1;
	if (db_script(m->db, f->file, f->sql) != DB_OK ||
	    db_exec(m->db, NULL, DB_STMT_MIGRATION_RECORD, record, 3,
	    NULL) != DB_OK || db_commit(m->db) != DB_OK)
		goto out;
	rc = 0;
out:
	db_rollback(m->db);   /* a no-op after the commit */
	return rc;
}

/* Creates schema_migrations if missing; the caller holds the lock. */
static int
cli_mig_prepare_table(struct cli_mig *m)
{
	int exists = cli_mig_table_exists(m);

	if (exists != 0)
		return exists < 0 ? -1 : 0;
	return db_exec(m->db, NULL, DB_STMT_MIGRATIONS_CREATE, NULL, 0,
	    NULL) == DB_OK ? 0 : -1;
}

static int
cli_mig_up(struct cli_mig *m)
{
	size_t applied_now = 0;

	if (db_exec(m->db, NULL, DB_STMT_MIGRATE_LOCK, NULL, 0, NULL) != DB_OK)
		return 1;
	if (cli_mig_prepare_table(m) != 0 || cli_mig_load_applied(m) != 0)
		return 1;
	if (cli_mig_problems(m) > 0) {
		fprintf(stderr, "permitctl: nothing applied: restore the applied "
		    "files above, then run migrate again\n");
		return 1;
	}
	for (size_t i = 0; i < m->files.n; i++) {
		const struct cli_mig_file *f = &m->files.files[i];

		if (cli_mig_applied_row(m, f->version) >= 0)
			continue;
		if (cli_mig_apply(m, f) != 0) {
			fprintf(stderr, "permitctl: %s failed; %zu applied before it\n",
			    f->file, applied_now);
			return 1;
		}
		printf("applied %s\n", f->file);
		applied_now++;
	}
	printf("migrate: %zu applied now, %d already applied\n", applied_now,
	    cli_mig_napplied(m));
	return 0;
}

static int
cli_mig_status(struct cli_mig *m)
{
	int pending = 0;

	if (cli_mig_load_applied(m) != 0)
		return 1;
	for (size_t i = 0; i < m->files.n; i++) {
		const struct cli_mig_file *f = &m->files.files[i];
		int row = cli_mig_applied_row(m, f->version);

		if (row < 0) {
			printf("%-40s pending\n", f->file);
			pending++;
		} else {
			printf("%-40s %s %s\n", f->file, cli_mig_differs(m, row, f) ?
			    "EDITED since applied" : "applied",
			    CLI_MIG_COL(m, row, APPLIED_AT));
		}
	}
	for (int i = 0; i < cli_mig_napplied(m); i++)
		if (cli_migfiles_find(&m->files, cli_mig_version(m, i)) == NULL)
			printf("%04d_%-35s MISSING, applied %s\n",
			    cli_mig_version(m, i),
			    CLI_MIG_COL(m, i, NAME), CLI_MIG_COL(m, i, APPLIED_AT));
	printf("migrate: %d applied, %d pending\n", cli_mig_napplied(m), pending);
	return 0;
}

static int
cli_mig_verify(struct cli_mig *m)
{
	int problems;

	if (cli_mig_load_applied(m) != 0)
		return 1;
	if ((problems = cli_mig_problems(m)) > 0) {
		fprintf(stderr, "permitctl: verify failed: %d applied migration%s "
		    "changed\n", problems, problems == 1 ? "" : "s");
		return 1;
	}
	printf("verify: %d applied migrations match their files\n",
	    cli_mig_napplied(m));
	return 0;
}

static int
cli_mig_usage(void)
{
	fprintf(stderr, "usage: permitctl migrate [up|status|verify] "
	    "[--database OWNER_CONNINFO] [--dir migrations]\n");
	return 2;
}

static int
cli_mig_run(const char *cmd, const char *conninfo, const char *dir)
{
	struct cli_mig m = { .dir = dir };
	int rc = 1;

	m.a = arena_new(16384);
	if (cli_migfiles_load(dir, &m.files) != 0)
		goto out;
	if (db_open_ctl(conninfo, NULL, &m.db) != DB_OK)
		goto out;
	if (db_exec(m.db, NULL, DB_STMT_SEARCH_PATH_PUBLIC, NULL, 0, NULL) != DB_OK)
		goto out;
	if (strcmp(cmd, "up") == 0)
		rc = cli_mig_up(&m);
	else if (strcmp(cmd, "status") == 0)
		rc = cli_mig_status(&m);
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
	const char *cmd = "up", *database = NULL, *dir = "migrations";
	int i = 1;

	(void)cfg;
	if (i < argc && strncmp(argv[i], "--", 2) != 0)
		cmd = argv[i++];
	if (strcmp(cmd, "up") != 0 && strcmp(cmd, "status") != 0 &&
	    strcmp(cmd, "verify") != 0)
		return cli_mig_usage();
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--database") == 0 && i + 1 < argc)
			database = argv[++i];
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else
			return cli_mig_usage();
	}
	return cli_mig_run(cmd, cli_database(database), dir);
}
