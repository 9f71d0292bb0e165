#include "cli/migcheck.h"

#include <stdio.h>

#include "cli/sqlscan.h"

#define CLI_MIG_GUARD "select permit_assert_migrator ( )"

/* 1 when statement `s` creates the guard (the first migration does). */
static int
cli_migcheck_defines_guard(const char *sql, const struct cli_sql_stmt *s)
{
	return cli_sql_starts_with(sql, s,
	    "create function permit_assert_migrator") ||
	    cli_sql_starts_with(sql, s,
	    "create or replace function permit_assert_migrator");
}

int
cli_migcheck_file(const struct cli_mig_file *f)
{
	struct cli_sql_stmt s;
	size_t pos = 0;
	int n = 0, problems = 0, guarded = 0, defines = 0;

	while (cli_sql_next(f->sql, &pos, &s)) {
		if (++n == 1)
			guarded = cli_sql_starts_with(f->sql, &s, CLI_MIG_GUARD);
		defines |= cli_migcheck_defines_guard(f->sql, &s);
		if (cli_sql_is_tx_control(f->sql, &s)) {
			fprintf(stderr, "permitctl: %s: statement %d ends or opens "
			    "a transaction (`%.*s'); permitctl runs each file in "
			    "its own\n", f->file, n,
			    (int)(s.end - s.start > 40 ? 40 : s.end - s.start),
			    f->sql + s.start);
			problems++;
		}
	}
	if (!guarded && !defines) {
		fprintf(stderr, "permitctl: %s: must start with "
		    "SELECT permit_assert_migrator();\n", f->file);
		problems++;
	}
	return problems;
}

/* Runs `stmt`, whose column `col` names what breaks `rule`; prints each. */
static int
cli_migcheck_list(struct db *db, arena *a, enum db_stmt stmt, int col,
    const char *file, const char *rule)
{
	struct db_result *r;
	int n;

	if (db_exec(db, a, stmt, NULL, 0, &r) != DB_OK)
		return -1;
	n = db_rows(r);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "permitctl: %s: %s %s\n", file, db_text(r, i, col),
		    rule);
	return n;
}

int
cli_migcheck_catalog(struct db *db, arena *a, const char *file)
{
	int rls, owns;

	rls = cli_migcheck_list(db, a, DB_STMT_MIGRATE_RLS_MISSING,
	    DB_COL(MIGRATE_RLS_MISSING, UNGUARDED_TABLE), file,
	    "has an account_id or owner_id column but row-level security is "
	    "not enabled and forced (ALTER TABLE ... ENABLE and FORCE ROW "
	    "LEVEL SECURITY)");
	if (rls < 0)
		return -1;
	owns = cli_migcheck_list(db, a, DB_STMT_MIGRATE_APP_OWNS,
	    DB_COL(MIGRATE_APP_OWNS, APP_OBJECT), file,
	    "is owned by permit_app; the runtime role owns nothing");
	return owns < 0 ? -1 : rls + owns;
}
