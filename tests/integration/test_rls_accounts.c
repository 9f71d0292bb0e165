/*
 * Row-level security on accounts and sessions (docs/DESIGN.md invariant 4b),
 * checked with plain libpq as permit_app against rows the superuser made:
 * no principal sees nothing, a principal sees only its own rows, and
 * nobody writes another account's row. Also the definer binding: a bogus
 * token hash binds nothing, a live one binds its account.
 */
#include "tests/integration/itest.h"

#include <unistd.h>

struct fx {
	PGconn *super;
	PGconn *app;
	char a[40], b[40];    /* two account ids made by the superuser */
	char ha[80], hb[80];  /* their sessions' token hashes as bytea literals */
};

static char buf[256];

/* An account with one live session, both as the superuser (no RLS). */
static void
fx_account(struct fx *f, char id[40], char hash[80], int n)
{
	char sql[1024];

	itest_value(f->super, "SELECT gen_random_uuid()", id, 40);
	snprintf(hash, 80, "'\\x%064d'::bytea", n + (int)getpid() * 10);
	snprintf(sql, sizeof(sql),
	    "INSERT INTO accounts (id, email_bidx, email_sealed, dek_wrapped,"
	    " kek_id, password_hash) VALUES ('%s',"
	    " decode(md5(random()::text) || md5(random()::text), 'hex'),"
	    " '\\x01', '\\x01026b31', 'k1', '$argon2id$v=19$m=1,t=1,p=1$x$y');"
	    "INSERT INTO sessions (token_hash, account_id, expires_at,"
	    " idle_expires_at) VALUES (%s, '%s', now() + interval '1 hour',"
	    " now() + interval '30 minutes')", id, hash, id);
	itest_ok(f->super, sql);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->super = itest_connect("PERMIT_TEST_SUPER_DSN");
	f->app = itest_connect("PERMIT_TEST_APP_DSN");
	fx_account(f, f->a, f->ha, 1);
	fx_account(f, f->b, f->hb, 2);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char sql[256];

	if (f == NULL)
		return 0;
	snprintf(sql, sizeof(sql), "DELETE FROM accounts WHERE id IN ('%s', '%s')",
	    f->a, f->b);
	itest_ok(f->super, sql);
	PQfinish(f->app);
	PQfinish(f->super);
	free(f);
	return 0;
}

/* BEGIN on the app connection bound to `id` ("" for nobody). */
static void
app_begin_as(struct fx *f, const char *id)
{
	char sql[256];

	itest_ok(f->app, "BEGIN");
	snprintf(sql, sizeof(sql),
	    "SELECT set_config('permit.account_id', '%s', true)", id);
	itest_ok(f->app, sql);
}

static void
no_principal_sees_no_accounts_or_sessions(void **state)
{
	struct fx *f = *state;

	assert_int_not_equal(atoi(itest_value(f->super,
	    "SELECT count(*) FROM accounts", buf, sizeof(buf))), 0);
	assert_int_not_equal(atoi(itest_value(f->super,
	    "SELECT count(*) FROM sessions", buf, sizeof(buf))), 0);
	assert_string_equal(itest_value(f->app,
	    "SELECT count(*) FROM accounts", buf, sizeof(buf)), "0");
	assert_string_equal(itest_value(f->app,
	    "SELECT count(*) FROM sessions", buf, sizeof(buf)), "0");
	app_begin_as(f, "");
	assert_string_equal(itest_value(f->app,
	    "SELECT count(*) FROM accounts", buf, sizeof(buf)), "0");
	assert_string_equal(itest_value(f->app,
	    "SELECT count(*) FROM sessions", buf, sizeof(buf)), "0");
	itest_ok(f->app, "ROLLBACK");
}

static void
a_principal_sees_only_its_own_rows(void **state)
{
	struct fx *f = *state;
	char sql[256];

	app_begin_as(f, f->a);
	assert_string_equal(itest_value(f->app,
	    "SELECT string_agg(id::text, ',') FROM accounts", buf, sizeof(buf)),
	    f->a);
	assert_string_equal(itest_value(f->app,
	    "SELECT string_agg(DISTINCT account_id::text, ',') FROM sessions",
	    buf, sizeof(buf)), f->a);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM accounts WHERE id = '%s'",
	    f->b);
	assert_string_equal(itest_value(f->app, sql, buf, sizeof(buf)), "0");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE token_hash = %s",
	    f->hb);
	assert_string_equal(itest_value(f->app, sql, buf, sizeof(buf)), "0");
	itest_ok(f->app, "ROLLBACK");
}

static void
app_cannot_update_another_accounts_row(void **state)
{
	struct fx *f = *state;
	char sql[256];
	PGresult *r;

	app_begin_as(f, f->a);
	snprintf(sql, sizeof(sql), "UPDATE accounts SET password_hash = "
	    "'$argon2id$v=19$m=1,t=1,p=1$hijacked$x' WHERE id = '%s'", f->b);
	r = PQexec(f->app, sql);
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	assert_string_equal(PQcmdTuples(r), "0");
	PQclear(r);
	snprintf(sql, sizeof(sql), "UPDATE sessions SET revoked_at = now()"
	    " WHERE token_hash = %s", f->hb);
	r = PQexec(f->app, sql);
	assert_string_equal(PQcmdTuples(r), "0");
	PQclear(r);
	itest_ok(f->app, "COMMIT");
	snprintf(sql, sizeof(sql), "SELECT password_hash NOT LIKE '%%hijacked%%'"
	    " FROM accounts WHERE id = '%s'", f->b);
	assert_string_equal(itest_value(f->super, sql, buf, sizeof(buf)), "t");
	snprintf(sql, sizeof(sql), "SELECT revoked_at IS NULL FROM sessions"
	    " WHERE token_hash = %s", f->hb);
	assert_string_equal(itest_value(f->super, sql, buf, sizeof(buf)), "t");
}

static void
app_cannot_insert_a_session_for_another_account(void **state)
{
	struct fx *f = *state;
	char sql[512];

	app_begin_as(f, f->a);
	snprintf(sql, sizeof(sql), "INSERT INTO sessions (token_hash, account_id,"
	    " expires_at, idle_expires_at) VALUES ('\\x%064d'::bytea, '%s',"
	    " now() + interval '1 hour', now() + interval '1 minute')",
	    (int)getpid() * 10 + 7, f->b);
	/* 42501: new row violates row-level security policy. */
	assert_string_equal(itest_sqlstate(f->app, sql, buf, sizeof(buf)), "42501");
	itest_ok(f->app, "ROLLBACK");
}

static void
app_has_no_direct_insert_or_delete(void **state)
{
	struct fx *f = *state;
	char sql[256];

	app_begin_as(f, f->a);
	assert_string_equal(itest_sqlstate(f->app,
	    "INSERT INTO accounts (id, email_bidx, email_sealed, dek_wrapped,"
	    " kek_id, password_hash) VALUES (gen_random_uuid(), '\\x00', '\\x00',"
	    " '\\x00', 'k1', '$argon2id$')", buf, sizeof(buf)), "42501");
	itest_ok(f->app, "ROLLBACK");
	app_begin_as(f, f->a);
	snprintf(sql, sizeof(sql), "DELETE FROM accounts WHERE id = '%s'", f->a);
	assert_string_equal(itest_sqlstate(f->app, sql, buf, sizeof(buf)), "42501");
	itest_ok(f->app, "ROLLBACK");
	app_begin_as(f, f->a);
	assert_string_equal(itest_sqlstate(f->app,
	    "SELECT password_hash FROM accounts", buf, sizeof(buf)), "42501");
	itest_ok(f->app, "ROLLBACK");
}

static void
session_bind_binds_only_a_live_session(void **state)
{
	struct fx *f = *state;
	char sql[256], want[64];

	itest_ok(f->app, "BEGIN");
	assert_string_equal(itest_value(f->app, "SELECT count(account_id) FROM"
	    " permit_bind('\\x00'::bytea, 60)", buf, sizeof(buf)), "0");
	assert_string_equal(itest_value(f->app, "SELECT coalesce(current_setting("
	    "'permit.account_id', true), '')", buf, sizeof(buf)), "");
	snprintf(sql, sizeof(sql),
	    "SELECT account_id FROM permit_bind(%s, 60)", f->ha);
	assert_string_equal(itest_value(f->app, sql, buf, sizeof(buf)), f->a);
	snprintf(want, sizeof(want), "%s citizen", f->a);
	assert_string_equal(itest_value(f->app, "SELECT current_setting("
	    "'permit.account_id') || ' ' || current_setting('permit.role')", buf,
	    sizeof(buf)), want);
	assert_string_equal(itest_value(f->app,
	    "SELECT string_agg(id::text, ',') FROM accounts", buf, sizeof(buf)),
	    f->a);
	itest_ok(f->app, "ROLLBACK");
	/* The settings were transaction-local. */
	assert_string_equal(itest_value(f->app, "SELECT coalesce(current_setting("
	    "'permit.account_id', true), '')", buf, sizeof(buf)), "");
}

/*
 * Committed, not rolled back: a ROLLBACK undoes session-level set_config
 * too, so only a COMMIT shows whether the binding was transaction-local.
 * A later statement on the same connection must run as nobody.
 */
static void
session_binding_ends_with_its_committed_transaction(void **state)
{
	struct fx *f = *state;
	char sql[256];

	itest_ok(f->app, "BEGIN");
	snprintf(sql, sizeof(sql),
	    "SELECT account_id FROM permit_bind(%s, 60)", f->ha);
	assert_string_equal(itest_value(f->app, sql, buf, sizeof(buf)), f->a);
	itest_ok(f->app, "COMMIT");
	assert_string_equal(itest_value(f->app,
	    "SELECT coalesce(current_setting('permit.account_id', true), '')"
	    " || '|' || coalesce(current_setting('permit.role', true), '')"
	    " || '|' || coalesce(current_setting('permit.office', true), '')",
	    buf, sizeof(buf)), "||");
	assert_string_equal(itest_value(f->app, "SELECT count(*) FROM accounts",
	    buf, sizeof(buf)), "0");
}

/* The intervals permitd passes are checked, not trusted: a binding or an
 * activity record with a touch interval that is not positive is refused. */
static void
binding_and_touch_refuse_intervals_that_are_not_positive(void **state)
{
	struct fx *f = *state;
	static const char *const calls[] = {
		"SELECT count(*) FROM permit_bind(NULL, 0)",
		"SELECT count(*) FROM permit_bind(NULL, NULL)",
		"SELECT permit_session_touch('\\x00'::bytea, 1800, -1)",
		"SELECT permit_session_touch('\\x00'::bytea, 0, 60)",
	};

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		assert_string_equal(itest_sqlstate(f->app, calls[i], buf,
		    sizeof(buf)), "P0001");
	assert_string_equal(itest_sqlstate(f->app,
	    "SELECT count(*) FROM permit_bind(NULL, 60)", buf, sizeof(buf)), "");
}

static void
public_cannot_call_the_definer_functions(void **state)
{
	struct fx *f = *state;

	assert_string_equal(itest_value(f->super,
	    "SELECT count(*) FROM pg_proc p, aclexplode(p.proacl) a"
	    " WHERE p.proname LIKE 'permit\\_%' AND a.grantee = 0", buf,
	    sizeof(buf)), "0");
	/* Every definer function is the owner's and pins its search_path with
	 * pg_temp last, so no temporary object can shadow a table it reads. */
	assert_string_equal(itest_value(f->super,
	    "SELECT count(*) FROM pg_proc WHERE prosecdef AND proname LIKE 'permit\\_%'"
	    " AND (proconfig IS NULL OR NOT proconfig @>"
	    " ARRAY['search_path=pg_catalog, public, pg_temp']"
	    " OR pg_get_userbyid(proowner) <> 'permit_owner')", buf, sizeof(buf)), "0");
	assert_string_equal(itest_value(f->super,
	    "SELECT count(*) >= 5 FROM pg_proc WHERE prosecdef"
	    " AND proname LIKE 'permit\\_%'", buf, sizeof(buf)), "t");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_principal_sees_no_accounts_or_sessions),
		cmocka_unit_test(a_principal_sees_only_its_own_rows),
		cmocka_unit_test(app_cannot_update_another_accounts_row),
		cmocka_unit_test(app_cannot_insert_a_session_for_another_account),
		cmocka_unit_test(app_has_no_direct_insert_or_delete),
		cmocka_unit_test(session_bind_binds_only_a_live_session),
		cmocka_unit_test(session_binding_ends_with_its_committed_transaction),
		cmocka_unit_test(binding_and_touch_refuse_intervals_that_are_not_positive),
		cmocka_unit_test(public_cannot_call_the_definer_functions),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
