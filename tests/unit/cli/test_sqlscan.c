/*
 * cli/sqlscan: a migration file cut into statements where PostgreSQL would
 * cut it, and the two judgements permitctl makes on them (the migrator
 * guard first, no statement that ends or opens a transaction).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli/sqlscan.h"

#define MAXSTMTS 16

/* The statements of `sql`, as NUL-terminated copies in out[]; how many. */
static int
cut(const char *sql, char out[][256])
{
	struct cli_sql_stmt s;
	size_t pos = 0;
	int n = 0;

	while (n < MAXSTMTS && cli_sql_next(sql, &pos, &s)) {
		snprintf(out[n], 256, "%.*s", (int)(s.end - s.start),
		    sql + s.start);
		n++;
	}
	return n;
}

static void
test_statements_split_at_semicolons(void **state)
{
	char s[MAXSTMTS][256];

	(void)state;
	assert_int_equal(cut("SELECT 1;\n  SELECT 2 ;\nSELECT 3", s), 3);
	assert_string_equal(s[0], "SELECT 1");
	assert_string_equal(s[1], "SELECT 2");
	assert_string_equal(s[2], "SELECT 3");
}

static void
test_comments_and_blanks_are_no_statement(void **state)
{
	char s[MAXSTMTS][256];

	(void)state;
	assert_int_equal(cut("-- only a comment; here\n/* and; /* nested; */ */\n ;; ", s), 0);
}

static void
test_quotes_hide_semicolons(void **state)
{
	char s[MAXSTMTS][256];

	(void)state;
	assert_int_equal(cut("SELECT 'a;''b';SELECT E'c\\';d';SELECT \"x;\"\"y\" FROM t;", s), 3);
	assert_string_equal(s[0], "SELECT 'a;''b'");
	assert_string_equal(s[1], "SELECT E'c\\';d'");
	assert_string_equal(s[2], "SELECT \"x;\"\"y\" FROM t");
}

static void
test_dollar_quotes_hide_semicolons(void **state)
{
	char s[MAXSTMTS][256];

	(void)state;
	assert_int_equal(cut("DO $$ BEGIN COMMIT; END $$;"
	    "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT $$;$$; $body$;"
	    "SELECT $1;", s), 3);
	assert_string_equal(s[0], "DO $$ BEGIN COMMIT; END $$");
	assert_string_equal(s[2], "SELECT $1");
}

static void
test_begin_atomic_body_is_one_statement(void **state)
{
	char s[MAXSTMTS][256];

	(void)state;
	assert_int_equal(cut("CREATE FUNCTION f(i int) RETURNS int LANGUAGE sql "
	    "BEGIN ATOMIC SELECT CASE WHEN i > 0 THEN 1 ELSE 0 END; SELECT 2; END;"
	    "SELECT 3;", s), 2);
	assert_string_equal(s[1], "SELECT 3");
}

static void
test_unterminated_quote_ends_the_text(void **state)
{
	char s[MAXSTMTS][256];

	(void)state;
	assert_int_equal(cut("SELECT 1; SELECT 'open; SELECT 2;", s), 2);
	assert_string_equal(s[1], "SELECT 'open; SELECT 2;");
	assert_int_equal(cut("SELECT $x$ never closed;", s), 1);
	assert_int_equal(cut("SELECT 1 /* never closed;", s), 1);
}

/* The first statement of `sql`. */
static struct cli_sql_stmt
first(const char *sql)
{
	struct cli_sql_stmt s = { 0, 0 };
	size_t pos = 0;

	assert_true(cli_sql_next(sql, &pos, &s));
	return s;
}

static void
test_guard_is_recognised_in_any_spelling(void **state)
{
	const char *g = "select permit_assert_migrator ( )";
	const char *ok[] = {
		"-- header\nSELECT permit_assert_migrator();",
		"select  PERMIT_ASSERT_MIGRATOR ( /* why */ ) ;",
	};
	const char *no[] = {
		"SELECT permit_assert_migratorx();",
		"SELECT 'permit_assert_migrator()';",
		"CREATE TABLE t (i int); SELECT permit_assert_migrator();",
		"SELECT permit_assert_migrator",
	};
	struct cli_sql_stmt s;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		s = first(ok[i]);
		assert_true(cli_sql_starts_with(ok[i], &s, g));
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		s = first(no[i]);
		assert_false(cli_sql_starts_with(no[i], &s, g));
	}
}

static void
test_transaction_control_is_recognised(void **state)
{
	const char *yes[] = {
		"COMMIT", "commit work", "END", "BEGIN", "begin isolation level serializable",
		"START TRANSACTION", "ROLLBACK", "ABORT", "PREPARE TRANSACTION 'x'",
		"COMMIT PREPARED 'x'", "/* c */ Commit",
	};
	const char *no[] = {
		"ROLLBACK TO SAVEPOINT a", "SAVEPOINT a", "RELEASE a",
		"DO $$ BEGIN COMMIT; END $$", "SELECT 'COMMIT'", "CREATE TABLE commit_log (i int)",
		"START", "PREPARE p AS SELECT 1",
	};
	struct cli_sql_stmt s;

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		s = first(yes[i]);
		assert_true(cli_sql_is_tx_control(yes[i], &s));
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		s = first(no[i]);
		assert_false(cli_sql_is_tx_control(no[i], &s));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_statements_split_at_semicolons),
		cmocka_unit_test(test_comments_and_blanks_are_no_statement),
		cmocka_unit_test(test_quotes_hide_semicolons),
		cmocka_unit_test(test_dollar_quotes_hide_semicolons),
		cmocka_unit_test(test_begin_atomic_body_is_one_statement),
		cmocka_unit_test(test_unterminated_quote_ends_the_text),
		cmocka_unit_test(test_guard_is_recognised_in_any_spelling),
		cmocka_unit_test(test_transaction_control_is_recognised),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
