/*
 * What permit_app may do to sessions and to what only admins change, asked
 * with plain SQL as anything running as permitd's role could
 * (migrations/0022):
 *
 * - a session is opened only with the proof sign-in holds: the email's
 *   blind index (which needs the keyring) and the password hash verified,
 *   never for a bare account id;
 * - blocking deletes the account's sessions, so unblocking revives none,
 *   and a sign-in racing the block opens none; a revoked session is never
 *   un-revoked;
 * - offices and service_state change only through the admin functions.
 *
 * Accounts and sessions are made as the superuser.
 */
#include "tests/integration/itest.h"

#include <unistd.h>

#include <libpq-fe.h>

#define PW_HASH "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA"

enum who { ADMIN, CITIZEN, NWHO };

struct fx {
	PGconn *super, *app, *app2;
	char id[NWHO][40];
	char bidx[NWHO][80];   /* the email's blind index, a bytea literal */
	char hash[NWHO][80];   /* the session's token hash, a bytea literal */
	char quota[2048];
};

static char buf[256];

static void
fx_account(struct fx *f, enum who w)
{
	const struct itest_account a = {
		.role = w == ADMIN ? "admin" : "citizen", .password_hash = PW_HASH,
	};

	itest_account_new(f->super, &a, (long)getpid() * 10 + (long)w, f->id[w],
	    f->bidx[w], f->hash[w]);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->super = itest_connect("PERMIT_TEST_SUPER_DSN");
	f->app = itest_connect("PERMIT_TEST_APP_DSN");
	f->app2 = itest_connect("PERMIT_TEST_APP_DSN");
	for (int w = 0; w < NWHO; w++)
		fx_account(f, (enum who)w);
	itest_value(f->super, "SELECT string_agg(code || '=' || daily_quota,"
	    " ',' ORDER BY code) FROM offices", f->quota, sizeof(f->quota));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char now[2048];

	PQfinish(f->app);
	PQfinish(f->app2);
	assert_string_equal(itest_value(f->super, "SELECT string_agg(code ||"
	    " '=' || daily_quota, ',' ORDER BY code) FROM offices", now,
	    sizeof(now)), f->quota);
	/* The citizen first: its blocks (which name the admin) go with it. */
	for (int w = NWHO - 1; w >= 0; w--)
		itest_okf(f->super, "DELETE FROM sessions WHERE account_id = '%s';"
		    "DELETE FROM accounts WHERE id = '%s'", f->id[w], f->id[w]);
	PQfinish(f->super);
	free(f);
	return 0;
}

/* BEGIN on `c`, bound through permit_bind to `w`'s session (NWHO: not
 * bound); the account id bound, "" for none. */
static const char *
bind_as(struct fx *f, PGconn *c, int w)
{
	itest_ok(c, "BEGIN");
	return itest_valuef(c, buf, sizeof(buf), "SELECT coalesce(account_id::"
	    "text, '') FROM permit_bind(%s, 60)", w == NWHO ? "NULL" :
	    f->hash[w]);
}

/* The SQLSTATE of `sql` in a transaction bound to `w`, rolled back. */
static const char *
as_who(struct fx *f, int w, const char *sql, char *out, size_t len)
{
	bind_as(f, f->app, w);
	itest_sqlstate(f->app, sql, out, len);
	itest_ok(f->app, "ROLLBACK");
	return out;
}

/* The account a transaction binds to with `hash`, "" for none. */
static const char *
binds_to(struct fx *f, const char *hash, char *out, size_t len)
{
	itest_valuef(f->app, out, len, "SELECT coalesce(account_id::text, '')"
	    " FROM permit_bind(%s, 60)", hash);
	return out;
}

static void
sessions_of(struct fx *f, enum who w, char *out, size_t len)
{
	itest_valuef(f->super, out, len, "SELECT count(*) FROM sessions"
	    " WHERE account_id = '%s'", f->id[w]);
}

/* permit_app writes no office and no service state, bound or not. */
static void
app_cannot_update_offices_or_the_mode(void **state)
{
	struct fx *f = *state;
	static const char *const updates[] = {
		"UPDATE offices SET daily_quota = 1",
		"UPDATE service_state SET mode = 'closed'",
	};

	for (size_t i = 0; i < sizeof(updates) / sizeof(updates[0]); i++)
		for (int w = 0; w <= NWHO; w++)
			assert_string_equal(as_who(f, w, updates[i], buf,
			    sizeof(buf)), "42501");
}

/* The control: an admin changes a quota through its function. */
static void
an_admin_sets_a_quota_through_its_function(void **state)
{
	struct fx *f = *state;

	assert_string_equal(as_who(f, CITIZEN, "SELECT permit_admin_office_quota("
	    "(SELECT min(code) FROM offices), 7)", buf, sizeof(buf)), "42501");
	assert_string_equal(as_who(f, ADMIN, "SELECT permit_admin_office_quota("
	    "(SELECT min(code) FROM offices), 7)", buf, sizeof(buf)), "");
}

/* A bare account id opens no session: not the admin's, not anyone's. */
static void
no_session_for_a_bare_account_id(void **state)
{
	struct fx *f = *state;
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT permit_session_open('\\x%064d',"
	    " '%s'::uuid, 3600, 1800)", 1, f->id[ADMIN]);
	assert_string_not_equal(as_who(f, NWHO, sql, buf, sizeof(buf)), "");
	assert_string_not_equal(as_who(f, CITIZEN, sql, buf, sizeof(buf)), "");
	sessions_of(f, ADMIN, buf, sizeof(buf));
	assert_string_equal(buf, "1");
}

#define OPEN_SQL "SELECT permit_session_open('\\x%064d', %s, '%s', 3600, 1800)"

/* Sign-in's proof opens a session (the control); a wrong blind index or a
 * password hash other than the account's opens none. */
static void
a_session_needs_the_signin_proof(void **state)
{
	struct fx *f = *state;
	char sql[512];

	snprintf(sql, sizeof(sql), OPEN_SQL, 2, f->bidx[ADMIN], "$argon2id$x");
	assert_string_equal(as_who(f, NWHO, sql, buf, sizeof(buf)), "42501");
	snprintf(sql, sizeof(sql), OPEN_SQL, 2, "'\\x00'::bytea", PW_HASH);
	assert_string_equal(as_who(f, NWHO, sql, buf, sizeof(buf)), "42501");
	snprintf(sql, sizeof(sql), OPEN_SQL, 2, f->bidx[ADMIN], PW_HASH);
	bind_as(f, f->app, NWHO);
	itest_ok(f->app, sql);
	binds_to(f, "'\\x0000000000000000000000000000000000000000000000000000"
	    "000000000002'::bytea", buf, sizeof(buf));
	assert_string_equal(buf, f->id[ADMIN]);
	itest_ok(f->app, "ROLLBACK");
}

/* Block, then unblock: the old session is gone, not revived. */
static void
a_block_deletes_the_sessions(void **state)
{
	struct fx *f = *state;

	bind_as(f, f->app, ADMIN);
	itest_valuef(f->app, buf, sizeof(buf), "SELECT revoked FROM"
	    " permit_admin_block('%s', 'test')", f->id[CITIZEN]);
	assert_string_equal(buf, "1");
	itest_ok(f->app, "COMMIT");
	sessions_of(f, CITIZEN, buf, sizeof(buf));
	assert_string_equal(buf, "0");
	bind_as(f, f->app, ADMIN);
	itest_okf(f->app, "SELECT * FROM permit_admin_unblock('%s', 'test')",
	    f->id[CITIZEN]);
	itest_ok(f->app, "COMMIT");
	itest_ok(f->app, "BEGIN");
	assert_string_equal(binds_to(f, f->hash[CITIZEN], buf, sizeof(buf)), "");
	itest_ok(f->app, "ROLLBACK");
}

/* A revoked (signed-out) session stays revoked, whoever the transaction
 * says it is. */
static void
a_revoked_session_is_not_revived(void **state)
{
	struct fx *f = *state;

	itest_okf(f->super, "UPDATE sessions SET revoked_at = now()"
	    " WHERE token_hash = %s", f->hash[CITIZEN]);
	itest_ok(f->app, "BEGIN");
	itest_okf(f->app, "SELECT set_config('permit.account_id', '%s', true)",
	    f->id[CITIZEN]);
	itest_sqlstate(f->app, "UPDATE sessions SET revoked_at = NULL", buf,
	    sizeof(buf));
	itest_ok(f->app, "ROLLBACK");
	assert_string_equal(buf, "42501");
	itest_ok(f->app, "BEGIN");
	assert_string_equal(binds_to(f, f->hash[CITIZEN], buf, sizeof(buf)), "");
	itest_ok(f->app, "ROLLBACK");
}

/* A sign-in whose session is opened while a block of its account is in
 * flight waits for the block and then opens nothing: no session of a
 * blocked account exists for an unblock to revive. */
static void
a_signin_racing_a_block_opens_nothing(void **state)
{
	struct fx *f = *state;
	char sql[512];
	PGresult *r;
	const char *st;

	bind_as(f, f->app, ADMIN);
	itest_valuef(f->app, buf, sizeof(buf), "SELECT revoked FROM"
	    " permit_admin_block('%s', 'test')", f->id[CITIZEN]);
	snprintf(sql, sizeof(sql), OPEN_SQL, 3, f->bidx[CITIZEN], PW_HASH);
	assert_int_equal(PQsendQuery(f->app2, sql), 1);
	usleep(300 * 1000);   /* the open waits on the block's row lock */
	itest_ok(f->app, "COMMIT");
	r = PQgetResult(f->app2);
	st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	snprintf(buf, sizeof(buf), "%s", st != NULL ? st : "");
	PQclear(r);
	while ((r = PQgetResult(f->app2)) != NULL)
		PQclear(r);
	assert_string_equal(buf, "42501");
	sessions_of(f, CITIZEN, buf, sizeof(buf));
	assert_string_equal(buf, "0");
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(app_cannot_update_offices_or_the_mode),
		TEST(an_admin_sets_a_quota_through_its_function),
		TEST(no_session_for_a_bare_account_id),
		TEST(a_session_needs_the_signin_proof),
		TEST(a_block_deletes_the_sessions),
		TEST(a_revoked_session_is_not_revived),
		TEST(a_signin_racing_a_block_opens_nothing),
	};

	return cmocka_run_group_tests_name("session grants", tests, NULL,
	    NULL) != 0;
}
