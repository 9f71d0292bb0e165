/*
 * db/: transactions bound to a principal, status mapping, and reconnecting
 * after the server comes back. White-box: the checks use plain libpq on the
 * handle's own connection (db/internal.h), so no test-only statement exists.
 *
 * The last group stops and restarts the cluster (scripts/pg.sh), so this
 * program must not run alongside other users of the same cluster.
 */
#include "tests/integration/itest.h"

#include <sys/wait.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/log.h"
#include "core/monotime.h"
#include "db/db.h"
#include "db/internal.h"

struct seen {
	char account_id[64], role[64], office[64];
	enum db_status ret;   /* what fn returns */
	char marker[64];      /* fn writes it into an office's daily_quota, the
	                       * one column permit_app may update unbound */
};

static char buf[256];

static int
db_setup(void **state)
{
	*state = itest_db("PERMIT_TEST_APP_DSN");
	return 0;
}

static int
db_teardown(void **state)
{
	db_close(*state);
	return 0;
}

/* The three settings as the handle's connection sees them now. */
static enum db_status
read_settings(struct db *db, void *arg)
{
	struct seen *s = arg;
	PGresult *r = PQexec(db->conn,
	    "SELECT current_setting('permit.account_id', true),"
	    " current_setting('permit.role', true),"
	    " current_setting('permit.office', true)");

	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	snprintf(s->account_id, sizeof(s->account_id), "%s", PQgetvalue(r, 0, 0));
	snprintf(s->role, sizeof(s->role), "%s", PQgetvalue(r, 0, 1));
	snprintf(s->office, sizeof(s->office), "%s", PQgetvalue(r, 0, 2));
	PQclear(r);
	return s->ret;
}

static enum db_status
write_marker_then_fail(struct db *db, void *arg)
{
	struct seen *s = arg;
	const char *p[1] = { s->marker };
	/* A session-level setting: a transaction's effect that permit_app may
	 * make anonymously (it writes no table outside a binding), kept by a
	 * COMMIT and undone by a ROLLBACK. */
	PGresult *r = PQexecParams(db->conn,
	    "SELECT set_config('permit.test_marker', $1, false)", 1, NULL, p,
	    NULL, NULL, 0);

	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	PQclear(r);
	return DB_ERROR;
}

static void
tx_run_binds_the_principal(void **state)
{
	struct db_principal who = { "acct-42", "citizen", "JKT-SEL" };
	struct seen s = { .ret = DB_OK };

	assert_int_equal(db_tx_run(*state, &who, read_settings, &s), DB_OK);
	assert_string_equal(s.account_id, "acct-42");
	assert_string_equal(s.role, "citizen");
	assert_string_equal(s.office, "JKT-SEL");
}

static void
tx_run_binds_null_fields_as_empty(void **state)
{
	struct db_principal who = { "acct-7", NULL, NULL };
	struct seen s = { .ret = DB_OK };

	assert_int_equal(db_tx_run(*state, &who, read_settings, &s), DB_OK);
	assert_string_equal(s.account_id, "acct-7");
	assert_string_equal(s.role, "");
	assert_string_equal(s.office, "");
}

static void
binding_ends_with_the_transaction(void **state)
{
	struct db *db = *state;
	struct db_principal who = { "acct-42", "citizen", "JKT-SEL" };
	struct seen s = { .ret = DB_OK };

	assert_int_equal(db_tx_run(db, &who, read_settings, &s), DB_OK);
	/* A transaction that binds nothing must not inherit the last one's. */
	itest_ok(db->conn, "BEGIN");
	itest_value(db->conn, "SELECT coalesce("
	    "current_setting('permit.account_id', true), '')", buf, sizeof(buf));
	itest_ok(db->conn, "COMMIT");
	assert_string_equal(buf, "");
}

static void
failing_fn_rolls_back(void **state)
{
	struct db *db = *state;
	struct seen s = { .ret = DB_ERROR };
	snprintf(s.marker, sizeof(s.marker), "%ld",
	    900000 + (long)getpid() % 100000);
	assert_int_equal(db_tx_run(db, NULL, write_marker_then_fail, &s), DB_ERROR);
	assert_int_equal(PQtransactionStatus(db->conn), PQTRANS_IDLE);
	assert_string_equal(itest_value(db->conn, "SELECT coalesce("
	    "current_setting('permit.test_marker', true), '')", buf,
	    sizeof(buf)), "");
}

static void
exec_with_wrong_param_count_fails(void **state)
{
	struct db *db = *state;
	struct db_param one[1] = { DB_TEXT("x") };
	arena *a = arena_new(4096);

	assert_int_equal(db_begin(db, NULL), DB_OK);
	assert_int_equal(db_exec(db, a, DB_STMT_OFFICES_LIST, one, 1, NULL), DB_ERROR);
	assert_int_equal(db_exec(db, a, DB_STMT_BIND_PRINCIPAL, one, 1, NULL), DB_ERROR);
	/* Refused before sending: the transaction is still usable. */
	assert_int_equal(db_exec(db, a, DB_STMT_OFFICES_LIST, NULL, 0, NULL), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	arena_free(a);
}

static void
exec_outside_a_transaction_fails(void **state)
{
	arena *a = arena_new(4096);

	assert_int_equal(db_exec(*state, a, DB_STMT_OFFICES_LIST, NULL, 0, NULL),
	    DB_ERROR);
	arena_free(a);
}

static void
exec_returns_rows_that_live_in_the_arena(void **state)
{
	char mode[64] = "";

	assert_int_equal(db_tx_run(*state, NULL, itest_read_mode, mode), DB_OK);
	assert_string_equal(mode, "normal");
}

static void
commit_of_a_failed_transaction_fails(void **state)
{
	struct db *db = *state;
	PGresult *r;

	assert_int_equal(db_begin(db, NULL), DB_OK);
	r = PQexec(db->conn, "SELECT 1/0");
	PQclear(r);
	assert_int_equal(db_commit(db), DB_ERROR);
	assert_int_equal(PQtransactionStatus(db->conn), PQTRANS_IDLE);
}

static void
begin_ends_a_transaction_left_open(void **state)
{
	struct db *db = *state;

	assert_int_equal(db_begin(db, NULL), DB_OK);
	assert_int_equal(db_begin(db, NULL), DB_ERROR);
	assert_int_equal(PQtransactionStatus(db->conn), PQTRANS_IDLE);
	assert_int_equal(db_begin(db, NULL), DB_OK);
	db_rollback(db);
}

/* Invalid UTF-8 makes the pipelined bind fail after BEGIN succeeded. */
static void
failed_bind_leaves_no_transaction_open(void **state)
{
	struct db *db = *state;
	struct db_principal bad = { "\xff\xfe", "citizen", "" };

	assert_int_equal(db_begin(db, &bad), DB_ERROR);
	assert_int_equal(PQtransactionStatus(db->conn), PQTRANS_IDLE);
	assert_int_equal(PQpipelineStatus(db->conn), PQ_PIPELINE_OFF);
	assert_int_equal(db_begin(db, NULL), DB_OK);
	db_rollback(db);
}

/* The status db_fail() maps an error raised with `sqlstate` to. */
static enum db_status
status_of(struct db *db, const char *sqlstate)
{
	char sql[256];
	PGresult *r;
	enum db_status st;

	snprintf(sql, sizeof(sql),
	    "DO $$ BEGIN RAISE EXCEPTION 'probe' USING ERRCODE = '%s'; END $$",
	    sqlstate);
	r = PQexec(db->conn, sql);
	assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
	st = db_fail(db, r, "probe");
	PQclear(r);
	return st;
}

static void
unique_violation_is_a_conflict(void **state)
{
	assert_int_equal(status_of(*state, "23505"), DB_CONFLICT);
}

static void
exclusion_violation_is_a_conflict(void **state)
{
	assert_int_equal(status_of(*state, "23P01"), DB_CONFLICT);
}

static void
other_errors_are_errors(void **state)
{
	assert_int_equal(status_of(*state, "22012"), DB_ERROR);
}

static void
admin_shutdown_is_unavailable_and_reconnects(void **state)
{
	struct db *db = *state;
	PGconn *before = db->conn;

	assert_int_equal(status_of(db, "57P01"), DB_UNAVAILABLE);
	assert_int_equal(db_ensure(db), DB_OK);
	assert_ptr_not_equal(db->conn, NULL);
	assert_true(db->conn != before || !db->broken);
}

/* scripts/pg.sh VERB PERMIT_TEST_PG_DIR, which must succeed. */
static void
pg_sh(const char *verb)
{
	char script[4096];
	const char *dir = itest_env("PERMIT_TEST_PG_DIR");
	pid_t pid;
	int status;

	snprintf(script, sizeof(script), "%s/scripts/pg.sh",
	    itest_env("PERMIT_TEST_ROOT"));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(script, script, verb, dir, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int
server_teardown(void **state)
{
	pg_sh("start");   /* whatever happened, leave the server running */
	db_close(*state);
	return 0;
}

static void
server_down_is_unavailable_quickly_then_the_handle_recovers(void **state)
{
	struct db *db = *state;
	char mode[64] = "";
	double t;

	assert_int_equal(db_tx_run(db, NULL, itest_read_mode, mode), DB_OK);
	pg_sh("stop");
	for (int attempt = 0; attempt < 2; attempt++) {
		t = monotime_now();
		assert_int_equal(db_begin(db, NULL), DB_UNAVAILABLE);
		assert_true(monotime_now() - t < 1.0);
	}
	pg_sh("start");
	assert_int_equal(db_tx_run(db, NULL, itest_read_mode, mode), DB_OK);
	assert_string_equal(mode, "normal");
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, db_setup, db_teardown)

int
main(void)
{
	/* One group, so the runner's summary line counts every test; the
	 * server stop/start runs last. */
	const struct CMUnitTest tests[] = {
		DB_TEST(tx_run_binds_the_principal),
		DB_TEST(tx_run_binds_null_fields_as_empty),
		DB_TEST(binding_ends_with_the_transaction),
		DB_TEST(failing_fn_rolls_back),
		DB_TEST(exec_with_wrong_param_count_fails),
		DB_TEST(exec_outside_a_transaction_fails),
		DB_TEST(exec_returns_rows_that_live_in_the_arena),
		DB_TEST(commit_of_a_failed_transaction_fails),
		DB_TEST(begin_ends_a_transaction_left_open),
		DB_TEST(failed_bind_leaves_no_transaction_open),
		DB_TEST(unique_violation_is_a_conflict),
		DB_TEST(exclusion_violation_is_a_conflict),
		DB_TEST(other_errors_are_errors),
		DB_TEST(admin_shutdown_is_unavailable_and_reconnects),
		cmocka_unit_test_setup_teardown(
		    server_down_is_unavailable_quickly_then_the_handle_recovers,
		    db_setup, server_teardown),
	};

	/* The expected failures log errors: they show what an operator sees. */
	log_init("test_db", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests_name("db", tests, NULL, NULL) != 0;
}
