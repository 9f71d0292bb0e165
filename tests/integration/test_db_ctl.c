/*
 * db/ for permitctl: a connection runs one statement set and refuses the
 * other's; ctl statements run by text, inside or outside a transaction;
 * db_script runs a trusted script only inside a transaction it must not
 * end; db_ddl quotes what fills its slots; a lost ctl connection is not
 * silently replaced. White-box where a check needs the connection itself
 * (db/internal.h), as test_db does.
 */
#include "tests/integration/itest.h"

#include <unistd.h>

#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"
#include "db/internal.h"

static char buf[256];

struct fx {
	struct db *db;     /* ctl handle under test */
	PGconn *super;     /* plain libpq, to look and clean up */
	arena *a;
	char name[64];     /* a per-process object name */
};

static int
fx_setup(void **state, const char *dsn_env)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(db_open_ctl(itest_env(dsn_env), NULL, &f->db), DB_OK);
	f->super = itest_connect("PERMIT_TEST_SUPER_DSN");
	f->a = arena_new(4096);
	snprintf(f->name, sizeof(f->name), "ctl_probe_%ld", (long)getpid());
	*state = f;
	return 0;
}

static int
owner_setup(void **state)
{
	return fx_setup(state, "PERMIT_TEST_OWNER_DSN");
}

static int
super_setup(void **state)
{
	return fx_setup(state, "PERMIT_TEST_SUPER_DSN");
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;

	itest_okf(f->super, "DROP TABLE IF EXISTS public.%s", f->name);
	db_close(f->db);
	PQfinish(f->super);
	arena_free(f->a);
	free(f);
	return 0;
}

static int
role_exists(struct fx *f, const char *role)
{
	struct db_param p = DB_TEXT(role);
	struct db_result *r;

	assert_int_equal(db_exec(f->db, f->a, DB_STMT_ROLE_EXISTS, &p, 1, &r),
	    DB_OK);
	return db_rows(r);
}

static const char *
table_exists(struct fx *f)
{
	return itest_valuef(f->super, buf, sizeof(buf),
	    "SELECT to_regclass('public.%s') IS NOT NULL", f->name);
}

static void
ctl_statement_runs_outside_a_transaction(void **state)
{
	struct fx *f = *state;

	assert_int_equal(role_exists(f, "permit_app"), 1);
	assert_int_equal(role_exists(f, "no_such_role_anywhere"), 0);
}

static void
ctl_handle_refuses_a_runtime_statement(void **state)
{
	struct fx *f = *state;

	assert_int_equal(db_begin(f->db, NULL), DB_OK);
	assert_int_equal(db_exec(f->db, f->a, DB_STMT_OFFICES_LIST, NULL, 0, NULL),
	    DB_ERROR);
	/* Refused before sending: the transaction is untouched. */
	assert_int_equal(PQtransactionStatus(f->db->conn), PQTRANS_INTRANS);
	assert_int_equal(role_exists(f, "permit_app"), 1);
	assert_int_equal(db_commit(f->db), DB_OK);
}

static void
runtime_handle_refuses_a_ctl_statement(void **state)
{
	struct db *db = NULL;
	struct db_param p = DB_TEXT("permit_app");
	arena *a = arena_new(4096);

	(void)state;
	assert_int_equal(db_open(itest_env("PERMIT_TEST_APP_DSN"), &db), 0);
	assert_int_equal(db_begin(db, NULL), DB_OK);
	assert_int_equal(db_exec(db, a, DB_STMT_ROLE_EXISTS, &p, 1, NULL),
	    DB_ERROR);
	assert_int_equal(db_exec(db, a, DB_STMT_OFFICES_LIST, NULL, 0, NULL),
	    DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(db_script(db, "probe", "SELECT 1"), DB_ERROR);
	assert_int_equal(db_ddl(db, DB_DDL_OWNER_ROLE_ALTER,
	    (const char *const[]){ "permit_owner" }, 1), DB_ERROR);
	db_close(db);
	arena_free(a);
}

static void
ctl_begin_binds_no_principal(void **state)
{
	struct fx *f = *state;
	const struct db_principal who = { "x", "citizen", "" };

	assert_int_equal(db_begin(f->db, &who), DB_ERROR);
	assert_int_equal(PQtransactionStatus(f->db->conn), PQTRANS_IDLE);
}

static void
script_rolled_back_leaves_nothing(void **state)
{
	struct fx *f = *state;
	char sql[256];

	snprintf(sql, sizeof(sql), "CREATE TABLE %s (i int); INSERT INTO %s "
	    "VALUES (1), (2);", f->name, f->name);
	assert_int_equal(db_begin(f->db, NULL), DB_OK);
	assert_int_equal(db_script(f->db, "probe", sql), DB_OK);
	db_rollback(f->db);
	assert_string_equal(table_exists(f), "f");
	assert_int_equal(db_begin(f->db, NULL), DB_OK);
	assert_int_equal(db_script(f->db, "probe", sql), DB_OK);
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_string_equal(table_exists(f), "t");
}

static void
script_outside_a_transaction_is_refused(void **state)
{
	struct fx *f = *state;
	char sql[256];

	snprintf(sql, sizeof(sql), "CREATE TABLE %s (i int)", f->name);
	assert_int_equal(db_script(f->db, "probe", sql), DB_ERROR);
	assert_string_equal(table_exists(f), "f");
}

static void
script_that_ends_its_transaction_is_refused(void **state)
{
	struct fx *f = *state;

	assert_int_equal(db_begin(f->db, NULL), DB_OK);
	assert_int_equal(db_script(f->db, "probe", "SELECT 1; ROLLBACK;"),
	    DB_ERROR);
}

static void
failing_script_fails_its_transaction(void **state)
{
	struct fx *f = *state;
	char sql[256];

	snprintf(sql, sizeof(sql), "CREATE TABLE %s (i int); SELECT 1/0;",
	    f->name);
	assert_int_equal(db_begin(f->db, NULL), DB_OK);
	assert_int_equal(db_script(f->db, "probe", sql), DB_ERROR);
	assert_int_equal(db_commit(f->db), DB_ERROR);
	assert_string_equal(table_exists(f), "f");
}

/* A name that would break out of an unquoted or badly quoted identifier. */
#define ODD_DB "ctl \"odd\"; DROP ROLE permit_app; --"

static void
ddl_quotes_its_identifiers(void **state)
{
	struct fx *f = *state;
	PGresult *r;
	const char *p[1] = { ODD_DB };

	assert_int_equal(db_ddl(f->db, DB_DDL_DATABASE_CREATE,
	    (const char *const[]){ ODD_DB, "permit_owner" }, 2), DB_OK);
	r = PQexecParams(f->super, "SELECT pg_get_userbyid(datdba) FROM "
	    "pg_database WHERE datname = $1", 1, NULL, p, NULL, NULL, 0);
	assert_int_equal(PQntuples(r), 1);
	assert_string_equal(PQgetvalue(r, 0, 0), "permit_owner");
	PQclear(r);
	assert_int_equal(role_exists(f, "permit_app"), 1);
	itest_ok(f->super, "DROP DATABASE \"ctl \"\"odd\"\"; DROP ROLE permit_app; --\"");
}

static void
role_password_is_stored_hashed(void **state)
{
	struct fx *f = *state;

	itest_okf(f->super, "CREATE ROLE %s", f->name);
	assert_int_equal(db_role_password(f->db, f->name, "it's \"quoted\""),
	    DB_OK);
	assert_string_equal(itest_valuef(f->super, buf, sizeof(buf),
	    "SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = '%s'",
	    f->name), "SCRAM-SHA-256$");
	itest_okf(f->super, "DROP ROLE %s", f->name);
}

static void
ddl_with_the_wrong_argument_count_sends_nothing(void **state)
{
	struct fx *f = *state;

	assert_int_equal(db_ddl(f->db, DB_DDL_DATABASE_CREATE,
	    (const char *const[]){ "ctl_never_made" }, 1), DB_ERROR);
	assert_int_equal(db_ddl(f->db, DB_DDL_OWNER_ROLE_ALTER,
	    (const char *const[]){ "permit_owner", "x" }, 2), DB_ERROR);
	assert_string_equal(itest_value(f->super, "SELECT count(*) FROM "
	    "pg_database WHERE datname = 'ctl_never_made'", buf, sizeof(buf)),
	    "0");
}

static void
lost_ctl_connection_is_not_replaced(void **state)
{
	struct fx *f = *state;

	itest_okf(f->super, "SELECT pg_terminate_backend(%d)",
	    PQbackendPID(f->db->conn));
	usleep(100 * 1000);
	assert_int_equal(db_exec(f->db, f->a, DB_STMT_MIGRATIONS_EXIST, NULL, 0,
	    NULL), DB_UNAVAILABLE);
	assert_int_equal(db_begin(f->db, NULL), DB_UNAVAILABLE);
	assert_int_equal(db_ensure(f->db), DB_UNAVAILABLE);
}

static void
ctl_handle_can_name_another_database(void **state)
{
	struct db *db = NULL;
	PGresult *r;

	(void)state;
	assert_int_equal(db_open_ctl(itest_env("PERMIT_TEST_SUPER_DSN"),
	    "postgres", &db), DB_OK);
	r = PQexec(db->conn, "SELECT current_database()");
	assert_string_equal(PQgetvalue(r, 0, 0), "postgres");
	PQclear(r);
	db_close(db);
}

static void
ctl_open_fails_at_once_when_unreachable(void **state)
{
	struct db *db = (struct db *)1;

	(void)state;
	assert_int_equal(db_open_ctl("host=/nonexistent port=1", NULL, &db),
	    DB_UNAVAILABLE);
	assert_null(db);
}

#define OWNER_TEST(t) cmocka_unit_test_setup_teardown(t, owner_setup, fx_teardown)
#define SUPER_TEST(t) cmocka_unit_test_setup_teardown(t, super_setup, fx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		OWNER_TEST(ctl_statement_runs_outside_a_transaction),
		OWNER_TEST(ctl_handle_refuses_a_runtime_statement),
		cmocka_unit_test(runtime_handle_refuses_a_ctl_statement),
		OWNER_TEST(ctl_begin_binds_no_principal),
		OWNER_TEST(script_rolled_back_leaves_nothing),
		OWNER_TEST(script_outside_a_transaction_is_refused),
		OWNER_TEST(script_that_ends_its_transaction_is_refused),
		OWNER_TEST(failing_script_fails_its_transaction),
		SUPER_TEST(ddl_quotes_its_identifiers),
		SUPER_TEST(role_password_is_stored_hashed),
		SUPER_TEST(ddl_with_the_wrong_argument_count_sends_nothing),
		OWNER_TEST(lost_ctl_connection_is_not_replaced),
		cmocka_unit_test(ctl_handle_can_name_another_database),
		cmocka_unit_test(ctl_open_fails_at_once_when_unreachable),
	};

	/* The expected failures log errors: they show what an operator sees. */
	log_init("test_db_ctl", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests_name("db ctl", tests, NULL, NULL) != 0;
}
