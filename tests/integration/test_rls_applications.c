/*
 * Row-level security on applications and idempotency_keys
 * (docs/DESIGN.md invariant 4b),
 * with plain libpq: connected as permit_app, a transaction without settings sees no row, and one bound to an account sees only that
 * account's rows. Rows are made as the superuser (PERMIT_TEST_SUPER_DSN);
 * the runtime role connects with PERMIT_TEST_APP_DSN.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

/* Two accounts with one application each; fixed ids, made once. */
#define ACC_A "0e3c4f5a-0000-4000-8000-00000000000a"
#define ACC_B "0e3c4f5a-0000-4000-8000-00000000000b"
#define APP_A "0e3c4f5a-0000-4000-8000-0000000000aa"
#define APP_B "0e3c4f5a-0000-4000-8000-0000000000bb"

static PGconn *
connect_env(const char *var)
{
	const char *dsn = getenv(var);
	PGconn *c;

	if (dsn == NULL) {
		print_error("%s is not set\n", var);
		return NULL;
	}
	c = PQconnectdb(dsn);
	if (PQstatus(c) != CONNECTION_OK) {
		print_error("%s: %s", var, PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

static void
exec_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		print_error("%s: %s", sql, PQresultErrorMessage(r));
	assert_true(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
	PQclear(r);
}

/* The rows of `sql` as one comma-joined string of the first column. */
static void
rows_of(PGconn *c, const char *sql, char *out, size_t outlen)
{
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		print_error("%s: %s", sql, PQresultErrorMessage(r));
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	out[0] = '\0';
	for (int i = 0; i < PQntuples(r); i++)
		snprintf(out + strlen(out), outlen - strlen(out), "%s%s",
		    i ? "," : "", PQgetvalue(r, i, 0));
	PQclear(r);
}

#define ACCOUNT_ROW(id, n) \
	"INSERT INTO accounts (id, email_bidx, email_sealed, dek_wrapped," \
	" kek_id, password_hash) VALUES ('" id "', decode(repeat('" n "', 32)," \
	" 'hex'), '\\x00', '\\x01026b31', 'k1', '$argon2id$test')" \
	" ON CONFLICT DO NOTHING"

#define APPLICATION_ROW(id, acc, n) \
	"INSERT INTO applications (id, account_id, kind, office, passport_type," \
	" nik_bidx, dek_wrapped, kek_id, s_full_name, s_nik, s_kk_number," \
	" s_birth_date, s_birth_place, s_sex, s_phone, s_address," \
	" s_mother_name) VALUES ('" id "', '" acc "', 'passport'," \
	" (SELECT min(code) FROM offices), 'new', decode(repeat('" n "', 32)," \
	" 'hex'), '\\x01026b31', 'k1', '\\x00', '\\x00', '\\x00', '\\x00', '\\x00'," \
	" '\\x00', '\\x00', '\\x00', '\\x00') ON CONFLICT DO NOTHING"

static int
setup(void **state)
{
	PGconn *su = connect_env("PERMIT_TEST_SUPER_DSN");

	(void)state;
	if (su == NULL)
		return -1;
	exec_ok(su, "INSERT INTO offices (code, name, city) VALUES"
	    " ('RLS', 'RLS test office', 'Nowhere') ON CONFLICT DO NOTHING");
	exec_ok(su, ACCOUNT_ROW(ACC_A, "a1"));
	exec_ok(su, ACCOUNT_ROW(ACC_B, "b1"));
	exec_ok(su, APPLICATION_ROW(APP_A, ACC_A, "a2"));
	exec_ok(su, APPLICATION_ROW(APP_B, ACC_B, "b2"));
	exec_ok(su, "INSERT INTO idempotency_keys (account_id, key_hash, request_hash)"
	    " VALUES ('" ACC_A "', decode(repeat('a4', 32), 'hex'),"
	    " decode(repeat('a3', 32), 'hex'))"
	    " ON CONFLICT DO NOTHING");
	PQfinish(su);
	return 0;
}

static int
teardown(void **state)
{
	PGconn *su = connect_env("PERMIT_TEST_SUPER_DSN");

	(void)state;
	if (su == NULL)
		return -1;
	/* A failed assertion leaves its connection open inside a transaction,
	 * holding locks the deletes below would wait on forever. */
	exec_ok(su, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
	    " WHERE usename = 'permit_app' AND state LIKE 'idle in transaction%'");
	exec_ok(su, "DELETE FROM idempotency_keys WHERE account_id IN ('"
	    ACC_A "', '" ACC_B "')");
	exec_ok(su, "DELETE FROM applications WHERE id IN ('" APP_A "', '"
	    APP_B "')");
	exec_ok(su, "DELETE FROM accounts WHERE id IN ('" ACC_A "', '" ACC_B "')");
	PQfinish(su);
	return 0;
}

/* No settings at all: RLS admits nothing, whatever rows exist. */
static void
test_unbound_app_role_sees_no_application(void **state)
{
	PGconn *c = connect_env("PERMIT_TEST_APP_DSN");
	char out[512];

	(void)state;
	assert_non_null(c);
	rows_of(c, "SELECT id FROM applications", out, sizeof(out));
	assert_string_equal(out, "");
	rows_of(c, "SELECT account_id FROM idempotency_keys", out, sizeof(out));
	assert_string_equal(out, "");
	PQfinish(c);
}

/* An empty account id (an anonymous transaction) is no account either. */
static void
test_empty_setting_sees_no_application(void **state)
{
	PGconn *c = connect_env("PERMIT_TEST_APP_DSN");
	char out[512];

	(void)state;
	assert_non_null(c);
	exec_ok(c, "BEGIN");
	exec_ok(c, "SELECT set_config('permit.account_id', '', true)");
	rows_of(c, "SELECT id FROM applications", out, sizeof(out));
	assert_string_equal(out, "");
	exec_ok(c, "ROLLBACK");
	PQfinish(c);
}

/* Bound to B: only B's application, none of A's, and no A's keys. */
static void
test_bound_app_role_sees_only_that_account(void **state)
{
	PGconn *c = connect_env("PERMIT_TEST_APP_DSN");
	char out[512];

	(void)state;
	assert_non_null(c);
	exec_ok(c, "BEGIN");
	exec_ok(c, "SELECT set_config('permit.account_id', '" ACC_B "', true)");
	rows_of(c, "SELECT id FROM applications", out, sizeof(out));
	assert_string_equal(out, APP_B);
	rows_of(c, "SELECT id FROM applications WHERE account_id = '" ACC_A "'",
	    out, sizeof(out));
	assert_string_equal(out, "");
	rows_of(c, "SELECT account_id FROM idempotency_keys", out, sizeof(out));
	assert_string_equal(out, "");
	exec_ok(c, "ROLLBACK");
	PQfinish(c);
}

/* Bound to A, an UPDATE of B's row touches nothing. */
static void
test_bound_app_role_cannot_change_another_account(void **state)
{
	PGconn *c = connect_env("PERMIT_TEST_APP_DSN");
	PGresult *r;

	(void)state;
	assert_non_null(c);
	exec_ok(c, "BEGIN");
	exec_ok(c, "SELECT set_config('permit.account_id', '" ACC_A "', true)");
	r = PQexec(c, "UPDATE applications SET status = 'cancelled'"
	    " WHERE id = '" APP_B "'");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	assert_string_equal(PQcmdTuples(r), "0");
	PQclear(r);
	exec_ok(c, "ROLLBACK");
	PQfinish(c);
}

/* Bound to A, inserting a row owned by B is refused by WITH CHECK. */
static void
test_bound_app_role_cannot_insert_for_another_account(void **state)
{
	PGconn *c = connect_env("PERMIT_TEST_APP_DSN");
	PGresult *r;

	(void)state;
	assert_non_null(c);
	exec_ok(c, "BEGIN");
	exec_ok(c, "SELECT set_config('permit.account_id', '" ACC_A "', true)");
	r = PQexec(c, "INSERT INTO idempotency_keys (account_id, key_hash,"
	    " request_hash) VALUES ('" ACC_B "', decode(repeat('01', 32), 'hex'),"
	    " decode(repeat('00', 32), 'hex'))");
	assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
	PQclear(r);
	exec_ok(c, "ROLLBACK");
	PQfinish(c);
}

/* The SQLSTATE of `sql` as permit_app bound to A, rolled back. */
static void
as_a_refused(const char *sql, const char *sqlstate)
{
	PGconn *c = connect_env("PERMIT_TEST_APP_DSN");
	PGresult *r;
	const char *st;

	assert_non_null(c);
	exec_ok(c, "BEGIN");
	exec_ok(c, "SELECT set_config('permit.account_id', '" ACC_A "', true)");
	r = PQexec(c, sql);
	st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	if (st == NULL || strcmp(st, sqlstate) != 0)
		print_error("%s: %s (%s)\n", sql, st != NULL ? st : "no error",
		    PQcmdTuples(r));
	assert_non_null(st);
	assert_string_equal(st, sqlstate);
	PQclear(r);
	exec_ok(c, "ROLLBACK");
	PQfinish(c);
}

/* Bound to A, an application row owned by B is never written: not
 * inserted (the policy's WITH CHECK), not moved over to B (no grant on
 * account_id, and the WITH CHECK again). */
static void
test_bound_app_role_cannot_write_an_application_for_another(void **state)
{
	(void)state;
	as_a_refused("INSERT INTO applications (id, account_id, kind, office,"
	    " passport_type, nik_bidx, dek_wrapped, kek_id, s_full_name, s_nik,"
	    " s_kk_number, s_birth_date, s_birth_place, s_sex, s_phone,"
	    " s_address, s_mother_name) VALUES (gen_random_uuid(), '" ACC_B "',"
	    " 'passport', 'RLS', 'new', decode(repeat('c3', 32), 'hex'),"
	    " '\\x01026b31', 'k1', '\\x00', '\\x00', '\\x00', '\\x00',"
	    " '\\x00', '\\x00', '\\x00', '\\x00', '\\x00')", "42501");
	as_a_refused("UPDATE applications SET account_id = '" ACC_B "'"
	    " WHERE id = '" APP_A "'", "42501");
}

/* The same for the other tables permit_app writes under a policy:
 * idempotency keys, the account itself, sessions. */
static void
test_bound_app_role_cannot_move_rows_to_another(void **state)
{
	(void)state;
	as_a_refused("UPDATE idempotency_keys SET account_id = '" ACC_B "'",
	    "42501");
	as_a_refused("UPDATE accounts SET id = '" ACC_B "'", "42501");
	as_a_refused("UPDATE sessions SET account_id = '" ACC_B "'", "42501");
	as_a_refused("INSERT INTO sessions (token_hash, account_id, expires_at,"
	    " idle_expires_at) VALUES (decode(repeat('c4', 32), 'hex'), '"
	    ACC_B "', now() + interval '1 hour', now() + interval '1 hour')",
	    "42501");
}

/* Bound to A, B's account row is not written. */
static void
test_bound_app_role_cannot_rehash_another(void **state)
{
	PGconn *c = connect_env("PERMIT_TEST_APP_DSN");
	PGresult *r;

	(void)state;
	assert_non_null(c);
	exec_ok(c, "BEGIN");
	exec_ok(c, "SELECT set_config('permit.account_id', '" ACC_A "', true)");
	r = PQexec(c, "UPDATE accounts SET password_hash = 'x'"
	    " WHERE id = '" ACC_B "'");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	assert_string_equal(PQcmdTuples(r), "0");
	PQclear(r);
	exec_ok(c, "ROLLBACK");
	PQfinish(c);
}

/* The runtime role may not delete applications at all. */
static void
test_app_role_cannot_delete_applications(void **state)
{
	PGconn *c = connect_env("PERMIT_TEST_APP_DSN");
	PGresult *r;

	(void)state;
	assert_non_null(c);
	exec_ok(c, "BEGIN");
	exec_ok(c, "SELECT set_config('permit.account_id', '" ACC_A "', true)");
	r = PQexec(c, "DELETE FROM applications WHERE id = '" APP_A "'");
	assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
	PQclear(r);
	exec_ok(c, "ROLLBACK");
	PQfinish(c);
}

/* kek_id must name the KEK in the wrapped DEK's header, even for the owner,
 * so what keys retire counts by the column is what needs the KEK. */
static void
test_kek_column_must_match_the_wrapped_dek(void **state)
{
	PGconn *c = connect_env("PERMIT_TEST_SUPER_DSN");
	PGresult *r;

	(void)state;
	assert_non_null(c);
	r = PQexec(c, "UPDATE applications SET kek_id = 'k9' WHERE id = '" APP_A "'");
	assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
	assert_string_equal(PQresultErrorField(r, PG_DIAG_SQLSTATE), "23514");
	PQclear(r);
	r = PQexec(c, "UPDATE accounts SET dek_wrapped = '\\x01026b39' WHERE id = '" ACC_A "'");
	assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
	assert_string_equal(PQresultErrorField(r, PG_DIAG_SQLSTATE), "23514");
	PQclear(r);
	PQfinish(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unbound_app_role_sees_no_application),
		cmocka_unit_test(test_empty_setting_sees_no_application),
		cmocka_unit_test(test_bound_app_role_sees_only_that_account),
		cmocka_unit_test(test_bound_app_role_cannot_change_another_account),
		cmocka_unit_test(test_bound_app_role_cannot_insert_for_another_account),
		cmocka_unit_test(test_bound_app_role_cannot_write_an_application_for_another),
		cmocka_unit_test(test_bound_app_role_cannot_move_rows_to_another),
		cmocka_unit_test(test_bound_app_role_cannot_rehash_another),
		cmocka_unit_test(test_app_role_cannot_delete_applications),
		cmocka_unit_test(test_kek_column_must_match_the_wrapped_dek),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
