/*
 * permitctl migrate: what is applied (schema_migrations) against the files,
 * the migration lock, and the status and verify subcommands.
 */
#include "cli/migstate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/monotime.h"

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
int
cli_mig_load_applied(struct cli_mig *m)
{
	int exists = cli_mig_table_exists(m);

	if (exists <= 0)
		return exists;
	return db_exec(m->db, m->a, DB_STMT_MIGRATIONS_APPLIED, NULL, 0,
	    &m->applied) == DB_OK ? 0 : -1;
}

int
cli_mig_napplied(const struct cli_mig *m)
{
	return m->applied != NULL ? db_rows(m->applied) : 0;
}

/* Column number `col` of applied row `row`; "" for NULL. */
const char *
cli_mig_text(const struct cli_mig *m, int row, int col)
{
	const char *v = db_text(m->applied, row, col);

	return v != NULL ? v : "";
}


int
cli_mig_version(const struct cli_mig *m, int row)
{
	return atoi(CLI_MIG_COL(m, row, VERSION));
}

/* The schema_migrations row of `version`, or -1 when it is pending. */
int
cli_mig_applied_row(const struct cli_mig *m, int version)
{
	for (int i = 0; i < cli_mig_napplied(m); i++)
		if (cli_mig_version(m, i) == version)
			return i;
	return -1;
}

/* 1 when the applied row no longer matches file `f` (edited or renamed). */
int
cli_mig_differs(const struct cli_mig *m, int row, const struct cli_mig_file *f)
{
	return strcmp(CLI_MIG_COL(m, row, CHECKSUM), f->checksum) != 0 ||
	    strcmp(CLI_MIG_COL(m, row, NAME), f->name) != 0;
}

/* Every applied migration whose file was edited, renamed or removed,
 * printed when `say`; returns how many. */
int
cli_mig_problems(const struct cli_mig *m, int say)
{
	int problems = 0;

	for (int i = 0; i < cli_mig_napplied(m); i++) {
		int version = cli_mig_version(m, i);
		const char *name = CLI_MIG_COL(m, i, NAME);
		const struct cli_mig_file *f = cli_migfiles_find(&m->files, version);

		if (f != NULL && !cli_mig_differs(m, i, f))
			continue;
		problems++;
		if (!say)
			continue;
		if (f == NULL)
			fprintf(stderr, "permitctl: %04d_%s.sql was applied but its "
			    "file is missing from %s\n", version, name, m->dir);
		else if (strcmp(name, f->name) != 0)
			fprintf(stderr, "permitctl: %s was applied as %04d_%s.sql "
			    "and renamed since\n", f->file, version, name);
		else
			fprintf(stderr, "permitctl: %s was edited after it was "
			    "applied (checksum differs; if the edit is harmless: "
			    "migrate repair --accept %s --reason WHY)\n", f->file,
			    f->file);
	}
	return problems;
}

/* The highest applied version, 0 when none. */
int
cli_mig_newest(const struct cli_mig *m)
{
	int n = cli_mig_napplied(m);

	return n > 0 ? cli_mig_version(m, n - 1) : 0;
}

/* 1 when pending file `f` is older than the newest applied migration. */
int
cli_mig_out_of_order(const struct cli_mig *m, const struct cli_mig_file *f)
{
	return f->version < cli_mig_newest(m);
}

/* Waits up to --lock-timeout for the advisory lock, saying for whom once.
 * 0 with it held, -1 (printed) when it could not be had. */
int
cli_mig_lock(struct cli_mig *m)
{
	const struct timespec pause = { 0, 200 * 1000 * 1000 };
	double until = monotime_now() + (double)m->o->lock_timeout;
	struct db_result *r;
	const char *got, *pid;

	for (int said = 0;; said = 1) {
		if (db_exec(m->db, m->a, DB_STMT_MIGRATE_TRY_LOCK, NULL, 0,
		    &r) != DB_OK)
			return -1;
		got = db_text(r, 0, DB_COL(MIGRATE_TRY_LOCK, GOT));
		if (got != NULL && strcmp(got, "t") == 0)
			return 0;
		if (monotime_now() >= until) {
			fprintf(stderr, "permitctl: another migrate still holds the "
			    "migration lock after %ld s; nothing applied (raise "
			    "--lock-timeout to wait longer)\n", m->o->lock_timeout);
			return -1;
		}
		if (!said) {
			pid = NULL;
			if (db_exec(m->db, m->a, DB_STMT_MIGRATE_LOCK_HOLDER, NULL,
			    0, &r) == DB_OK && db_rows(r) > 0)
				pid = db_text(r, 0,
				    DB_COL(MIGRATE_LOCK_HOLDER, HOLDER_PID));
			fprintf(stderr, "migrate: waiting up to %ld s for another "
			    "migrate (server process %s) to finish\n",
			    m->o->lock_timeout, pid != NULL ? pid : "?");
		}
		nanosleep(&pause, NULL);
	}
}

/* Creates schema_migrations if missing; the caller holds the lock. */
int
cli_mig_prepare_table(struct cli_mig *m)
{
	int exists = cli_mig_table_exists(m);

	if (exists != 0)
		return exists < 0 ? -1 : 0;
	return db_exec(m->db, NULL, DB_STMT_MIGRATIONS_CREATE, NULL, 0,
	    NULL) == DB_OK ? 0 : -1;
}

int
cli_mig_status(struct cli_mig *m)
{
	int pending = 0;

	if (cli_mig_load_applied(m) != 0)
		return 1;
	for (size_t i = 0; i < m->files.n; i++) {
		const struct cli_mig_file *f = &m->files.files[i];
		int row = cli_mig_applied_row(m, f->version);

		if (row < 0) {
			printf("%-40s pending%s\n", f->file,
			    cli_mig_out_of_order(m, f) ? " (out of order)" : "");
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
	/* Edited or missing: the same test verify makes, said above. */
	return cli_mig_problems(m, 0) > 0 ? 1 : 0;
}

int
cli_mig_verify(struct cli_mig *m)
{
	int problems;

	if (cli_mig_load_applied(m) != 0)
		return 1;
	if ((problems = cli_mig_problems(m, 1)) > 0) {
		fprintf(stderr, "permitctl: verify failed: %d applied migration%s "
		    "changed\n", problems, problems == 1 ? "" : "s");
		return 1;
	}
	printf("verify: %d applied migrations match their files\n",
	    cli_mig_napplied(m));
	return 0;
}
