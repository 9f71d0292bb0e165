/*
 * migrations/0014: the audit trail is append-only. permit_app holds SELECT
 * and INSERT on audit_log and nothing else (no UPDATE, DELETE or TRUNCATE,
 * no grant on the head); the append-only trigger refuses UPDATE, DELETE
 * and TRUNCATE to the owner too. Nothing here changes a row: every refused
 * statement would touch no row, or runs in a transaction rolled back.
 */
#include "tests/integration/itest.h"

#include "core/log.h"

static char buf[256];

static void
app_cannot_update_audit_log(void **state)
{
	assert_string_equal(itest_sqlstate(*state,
	    "UPDATE audit_log SET detail = 'x' WHERE false", buf, sizeof(buf)),
	    "42501");
}

static void
app_cannot_delete_from_audit_log(void **state)
{
	assert_string_equal(itest_sqlstate(*state,
	    "DELETE FROM audit_log WHERE false", buf, sizeof(buf)), "42501");
}

static void
app_cannot_truncate_audit_log(void **state)
{
	itest_ok(*state, "BEGIN");
	assert_string_equal(itest_sqlstate(*state, "TRUNCATE audit_log", buf,
	    sizeof(buf)), "42501");
	itest_ok(*state, "ROLLBACK");
}

static void
app_cannot_move_the_head(void **state)
{
	assert_string_equal(itest_sqlstate(*state,
	    "UPDATE audit_head SET seq = seq WHERE false", buf, sizeof(buf)),
	    "42501");
	assert_string_equal(itest_sqlstate(*state,
	    "SELECT seq FROM audit_head", buf, sizeof(buf)), "42501");
}

/* The grants themselves, table- and column-wide: exactly SELECT and
 * INSERT (so the trigger is never permit_app's only guard). */
static void
app_holds_only_select_and_insert_on_audit_log(void **state)
{
	assert_string_equal(itest_value(*state,
	    "SELECT string_agg(p, ',' ORDER BY p) FROM unnest(ARRAY['SELECT',"
	    " 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES',"
	    " 'TRIGGER']) p WHERE has_table_privilege('permit_app',"
	    " 'public.audit_log', p)", buf, sizeof(buf)), "INSERT,SELECT");
	assert_string_equal(itest_value(*state,
	    "SELECT has_any_column_privilege('permit_app', 'public.audit_log',"
	    " 'UPDATE') OR has_any_column_privilege('permit_app',"
	    " 'public.audit_head', 'SELECT, INSERT, UPDATE')", buf,
	    sizeof(buf)), "f");
}

/* The owner owns the table, so only the trigger stops it. */
static void
owner_cannot_update_delete_or_truncate_audit_log(void **state)
{
	itest_ok(*state, "BEGIN");
	assert_string_equal(itest_sqlstate(*state,
	    "UPDATE audit_log SET detail = 'x'", buf, sizeof(buf)), "42501");
	itest_ok(*state, "ROLLBACK");
	itest_ok(*state, "BEGIN");
	assert_string_equal(itest_sqlstate(*state, "DELETE FROM audit_log", buf,
	    sizeof(buf)), "42501");
	itest_ok(*state, "ROLLBACK");
	itest_ok(*state, "BEGIN");
	assert_string_equal(itest_sqlstate(*state, "TRUNCATE audit_log", buf,
	    sizeof(buf)), "42501");
	itest_ok(*state, "ROLLBACK");
}

static int
owner_setup(void **state)
{
	*state = itest_connect("PERMIT_TEST_OWNER_DSN");
	return 0;
}

#define APP_TEST(f) \
	cmocka_unit_test_setup_teardown(f, itest_app_setup, itest_conn_teardown)
#define OWNER_TEST(f) \
	cmocka_unit_test_setup_teardown(f, owner_setup, itest_conn_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		APP_TEST(app_cannot_update_audit_log),
		APP_TEST(app_cannot_delete_from_audit_log),
		APP_TEST(app_cannot_truncate_audit_log),
		APP_TEST(app_cannot_move_the_head),
		APP_TEST(app_holds_only_select_and_insert_on_audit_log),
		OWNER_TEST(owner_cannot_update_delete_or_truncate_audit_log),
	};

	log_init("test_audit_grants", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests_name("audit_grants", tests, NULL, NULL) != 0;
}
