/*
 * permitctl migrate up: refuses the run before anything of it runs when an
 * applied file changed or a pending one breaks a rule; then applies each
 * pending file (up to --target) in its own transaction with its row, or a
 * no-transaction file statement by statement; or, --dry-run, says so.
 */
#include "cli/migstate.h"

#include <stdio.h>
#include <string.h>

#include "cli/migcheck.h"
#include "cli/sqlscan.h"

/* Sets lock_timeout for the transaction (`local`) or the session. */
static int
cli_mig_lock_timeout(struct cli_mig *m, int local)
{
	char v[32];
	const struct db_param p[2] = { DB_TEXT(v), DB_TEXT(local ? "true" : "false") };

	snprintf(v, sizeof(v), "%lds", m->o->ddl_lock_timeout);
	return db_exec(m->db, NULL, DB_STMT_MIGRATE_LOCK_TIMEOUT, p, 2,
	    NULL) == DB_OK ? 0 : -1;
}

/* The catalog rules after `f` ran: 0 when none is broken. */
static int
cli_mig_rules_hold(struct cli_mig *m, const struct cli_mig_file *f)
{
	return cli_migcheck_catalog(m->db, m->a, f->file) == 0 ? 0 : -1;
}

static int
cli_mig_record(struct cli_mig *m, const struct cli_mig_file *f)
{
	char version[16];
	const struct db_param record[3] = { DB_TEXT(version), DB_TEXT(f->name),
	    DB_TEXT(f->checksum) };

	snprintf(version, sizeof(version), "%d", f->version);
	return db_exec(m->db, NULL, DB_STMT_MIGRATION_RECORD, record, 3,
	    NULL) == DB_OK ? 0 : -1;
}

/* Runs the file's SQL, checks the rules and records it, in one
 * transaction. 0, or -1. */
static int
cli_mig_apply_tx(struct cli_mig *m, const struct cli_mig_file *f)
{
	int rc = -1;

	if (db_begin(m->db, NULL) != DB_OK)
		return -1;
	if (cli_mig_lock_timeout(m, 1) != 0 ||
	    db_script(m->db, f->file, f->sql) != DB_OK ||
	    cli_mig_rules_hold(m, f) != 0 || cli_mig_record(m, f) != 0 ||
	    db_commit(m->db) != DB_OK)
		goto out;
	rc = 0;
out:
	db_rollback(m->db);   /* a no-op after the commit */
	return rc;
}

/* A no-transaction file: each statement alone, then the rules, then its
 * row. A failure leaves the statements before it done (said so). */
static int
cli_mig_apply_alone(struct cli_mig *m, const struct cli_mig_file *f)
{
	struct cli_sql_stmt s;
	size_t pos = 0;
	int n = 0, rc = -1;
	char *one;

	if (cli_mig_lock_timeout(m, 0) != 0)
		return -1;
	while (cli_sql_next(f->sql, &pos, &s)) {
		one = arena_strndup(m->a, f->sql + s.start, s.end - s.start);
		if (db_script_alone(m->db, f->file, one) != DB_OK) {
			fprintf(stderr, "permitctl: %s: statement %d failed; the "
			    "%d before it stay done (no-transaction file)\n",
			    f->file, n + 1, n);
			return -1;
		}
		n++;
	}
	if (cli_mig_rules_hold(m, f) != 0 || db_begin(m->db, NULL) != DB_OK)
		return -1;
	if (cli_mig_record(m, f) == 0 && db_commit(m->db) == DB_OK)
		rc = 0;
	db_rollback(m->db);
	return rc;
}

/* 1 when `f` is one this run applies: pending and within --target. */
static int
cli_mig_wanted(const struct cli_mig *m, const struct cli_mig_file *f)
{
	return cli_mig_applied_row(m, f->version) < 0 &&
	    (m->o->target == 0 || f->version <= m->o->target);
}

/* Everything that refuses a run before anything of it runs: applied files
 * changed, pending ones out of order or breaking the file rules. Prints
 * each; returns how many. */
static int
cli_mig_refusals(const struct cli_mig *m)
{
	int problems = cli_mig_problems(m, 1);

	for (size_t i = 0; i < m->files.n; i++) {
		const struct cli_mig_file *f = &m->files.files[i];

		if (!cli_mig_wanted(m, f))
			continue;
		if (cli_mig_out_of_order(m, f) && !m->o->out_of_order) {
			fprintf(stderr, "permitctl: %s is older than the newest "
			    "applied migration (%04d); apply it with "
			    "--out-of-order if that is intended\n", f->file,
			    cli_mig_newest(m));
			problems++;
		}
		problems += cli_migcheck_file(f);
	}
	return problems;
}

static void
cli_mig_say_plan(const struct cli_mig_file *f)
{
	printf("would apply %s (%s)\n", f->file, f->no_tx ?
	    "statement by statement, no transaction" : "in one transaction");
}

int
cli_mig_up(struct cli_mig *m)
{
	size_t done = 0, planned = 0;

	if (!m->o->dry_run && (cli_mig_lock(m) != 0 ||
	    cli_mig_prepare_table(m) != 0))
		return 1;
	if (cli_mig_load_applied(m) != 0)
		return 1;
	if (cli_mig_refusals(m) > 0) {
		fprintf(stderr, "permitctl: nothing applied: fix what is named "
		    "above, then run migrate again\n");
		return 1;
	}
	for (size_t i = 0; i < m->files.n; i++) {
		const struct cli_mig_file *f = &m->files.files[i];

		if (!cli_mig_wanted(m, f))
			continue;
		planned++;
		if (m->o->dry_run) {
			cli_mig_say_plan(f);
			continue;
		}
		if ((f->no_tx ? cli_mig_apply_alone(m, f) :
		    cli_mig_apply_tx(m, f)) != 0) {
			fprintf(stderr, "permitctl: %s failed; %zu applied before "
			    "it\n", f->file, done);
			return 1;
		}
		printf("applied %s\n", f->file);
		done++;
	}
	if (m->o->dry_run)
		printf("migrate: dry run, %zu would be applied, %d already "
		    "applied\n", planned, cli_mig_napplied(m));
	else
		printf("migrate: %zu applied now, %d already applied\n", done,
		    cli_mig_napplied(m));
	return 0;
}
