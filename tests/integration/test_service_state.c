/*
 * Who may change the service mode, and make staff (migrations/0015),
 * asked with plain SQL as permit_app, as anything running as permitd's
 * role could: only a transaction bound to a live admin's session, through
 * permit_maintenance_set and permit_staff_create. Direct UPDATEs are
 * refused; a citizen's or a reviewer's binding is refused; so is a
 * binding forged with set_config, since the role is read again from the
 * account and its live session. Every attempt is rolled back, and the
 * mode, checked as the superuser, never moves. The accounts and sessions
 * are made as the superuser.
 */
#include "tests/integration/itest.h"

#include <unistd.h>

enum who { CITIZEN, REVIEWER, ADMIN, BLOCKED_ADMIN, SIGNED_OUT_ADMIN, NWHO };

static const struct {
	const char *role, *office;
	int blocked, revoked;
} who_rows[NWHO] = {
	[CITIZEN] = { "citizen", NULL, 0, 0 },
	[REVIEWER] = { "reviewer", "JKT-SEL", 0, 0 },
	[ADMIN] = { "admin", NULL, 0, 0 },
	[BLOCKED_ADMIN] = { "admin", NULL, 1, 0 },
	[SIGNED_OUT_ADMIN] = { "admin", NULL, 0, 1 },
};

struct fx {
	PGconn *super;
	PGconn *app;
	char id[NWHO][40];      /* account ids */
	char bidx[NWHO][80];    /* their emails' blind indexes, bytea literals */
	char hash[NWHO][80];    /* their sessions' token hashes, bytea literals */
	char mode[64];          /* service_state before the test */
};

static char buf[256];

/* An account of row `w` with one session, both as the superuser. */
static void
fx_account(struct fx *f, enum who w)
{
	const struct itest_account a = {
		.role = who_rows[w].role, .office = who_rows[w].office,
		.blocked = who_rows[w].blocked, .revoked = who_rows[w].revoked,
	};

	itest_account_new(f->super, &a, (long)getpid() * 100 + 10 * (long)w,
	    f->id[w], f->bidx[w], f->hash[w]);
}

static const char *
state_now(struct fx *f, char *out, size_t len)
{
	return itest_value(f->super, "SELECT mode || '|' || coalesce(message, '')"
	    " FROM service_state", out, len);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->super = itest_connect("PERMIT_TEST_SUPER_DSN");
	f->app = itest_connect("PERMIT_TEST_APP_DSN");
	for (int w = 0; w < NWHO; w++)
		fx_account(f, (enum who)w);
	state_now(f, f->mode, sizeof(f->mode));
	*state = f;
	return 0;
}

/* Fails unless the mode is still what it was before the test. */
static void
mode_unchanged(struct fx *f)
{
	char now[64];

	assert_string_equal(state_now(f, now, sizeof(now)), f->mode);
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	mode_unchanged(f);
	for (int w = 0; w < NWHO; w++)
		itest_okf(f->super, "DELETE FROM accounts WHERE id = '%s'", f->id[w]);
	PQfinish(f->app);
	PQfinish(f->super);
	free(f);
	return 0;
}

/* BEGIN on the app connection, bound through permit_bind to `w`'s session. */
static void
app_bind(struct fx *f, enum who w)
{
	itest_ok(f->app, "BEGIN");
	itest_valuef(f->app, buf, sizeof(buf),
	    "SELECT coalesce(account_id::text, '') FROM permit_bind(%s, 60)",
	    f->hash[w]);
}

/* The SQLSTATE `sql` fails with in a transaction bound to `w` (NWHO: not
 * bound at all), then rolled back. */
static const char *
as_who(struct fx *f, int w, const char *sql, char *out, size_t len)
{
	if (w == NWHO)
		itest_ok(f->app, "BEGIN");
	else
		app_bind(f, (enum who)w);
	itest_sqlstate(f->app, sql, out, len);
	itest_ok(f->app, "ROLLBACK");
	return out;
}

#define SET_CLOSED "SELECT * FROM permit_maintenance_set('closed', 'x')"

static void
no_one_updates_service_state_directly(void **state)
{
	struct fx *f = *state;
	static const char *const updates[] = {
		"UPDATE service_state SET mode = 'closed'",
		"UPDATE service_state SET message = 'x'",
		"UPDATE service_state SET updated_at = now()",
	};

	for (size_t i = 0; i < sizeof(updates) / sizeof(updates[0]); i++) {
		assert_string_equal(as_who(f, NWHO, updates[i], buf,
		    sizeof(buf)), "42501");
		assert_string_equal(as_who(f, CITIZEN, updates[i], buf,
		    sizeof(buf)), "42501");
		/* Not even an admin's transaction: only the function writes. */
		assert_string_equal(as_who(f, ADMIN, updates[i], buf,
		    sizeof(buf)), "42501");
	}
	mode_unchanged(f);
}

static void
citizen_and_reviewer_cannot_set_the_mode(void **state)
{
	struct fx *f = *state;

	assert_string_equal(as_who(f, NWHO, SET_CLOSED, buf, sizeof(buf)),
	    "42501");
	assert_string_equal(as_who(f, CITIZEN, SET_CLOSED, buf, sizeof(buf)),
	    "42501");
	assert_string_equal(as_who(f, REVIEWER, SET_CLOSED, buf, sizeof(buf)),
	    "42501");
	mode_unchanged(f);
}

/* permit.role and permit.account_id are anyone's to set: neither makes an
 * admin of a citizen, a blocked admin or one whose session ended. */
static void
a_forged_binding_cannot_set_the_mode(void **state)
{
	struct fx *f = *state;
	static const enum who as_admin[] = { CITIZEN, BLOCKED_ADMIN,
	    SIGNED_OUT_ADMIN };

	for (size_t i = 0; i < sizeof(as_admin) / sizeof(as_admin[0]); i++) {
		itest_ok(f->app, "BEGIN");
		itest_okf(f->app, "SELECT set_config('permit.account_id', '%s',"
		    " true), set_config('permit.role', 'admin', true)",
		    f->id[as_admin[i]]);
		assert_string_equal(itest_sqlstate(f->app, SET_CLOSED, buf,
		    sizeof(buf)), "42501");
		itest_ok(f->app, "ROLLBACK");
	}
	itest_ok(f->app, "BEGIN");
	itest_ok(f->app, "SELECT set_config('permit.account_id', 'x'' OR true',"
	    " true), set_config('permit.role', 'admin', true)");
	assert_string_equal(itest_sqlstate(f->app, SET_CLOSED, buf, sizeof(buf)),
	    "42501");
	itest_ok(f->app, "ROLLBACK");
	mode_unchanged(f);
}

/* What the owner's tools call is not permit_app's to call at all. */
static void
app_cannot_call_the_owners_writers(void **state)
{
	struct fx *f = *state;
	static const char *const calls[] = {
		"SELECT * FROM permit_service_state_write('closed', NULL)",
		"SELECT permit_require_admin()",
		"SELECT permit_staff_insert(gen_random_uuid(), '\\x00', '\\x00',"
		" '\\x00', 'k1', '$argon2id$', 'admin', NULL)",
	};

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		assert_string_equal(as_who(f, ADMIN, calls[i], buf, sizeof(buf)),
		    "42501");
	mode_unchanged(f);
}

/* The control: the same call does work for a live admin's binding (and is
 * rolled back here), so the refusals above are about who asks. */
static void
a_live_admin_sets_the_mode(void **state)
{
	struct fx *f = *state;

	app_bind(f, ADMIN);
	assert_string_equal(itest_value(f->app, "SELECT mode || '|' || message"
	    " FROM permit_maintenance_set('closed', 'back soon')", buf,
	    sizeof(buf)), "closed|back soon");
	assert_string_equal(itest_value(f->app, "SELECT mode || '|' || message"
	    " FROM permit_bind(NULL, 60)", buf, sizeof(buf)), "closed|back soon");
	itest_ok(f->app, "ROLLBACK");
	mode_unchanged(f);
}

#define STAFF_CREATE \
	"SELECT permit_staff_create(gen_random_uuid(), decode(md5(random()::text)" \
	" || md5(random()::text), 'hex'), '\\x01', '\\x01026b31', 'k1'," \
	" '$argon2id$v=19$m=1,t=1,p=1$x$y', 'admin', NULL)"

static void
only_a_live_admin_makes_staff(void **state)
{
	struct fx *f = *state;
	char before[32], after[32];

	itest_value(f->super, "SELECT count(*) FROM accounts", before,
	    sizeof(before));
	assert_string_equal(as_who(f, NWHO, STAFF_CREATE, buf, sizeof(buf)),
	    "42501");
	assert_string_equal(as_who(f, CITIZEN, STAFF_CREATE, buf, sizeof(buf)),
	    "42501");
	assert_string_equal(as_who(f, REVIEWER, STAFF_CREATE, buf, sizeof(buf)),
	    "42501");
	itest_ok(f->app, "BEGIN");
	itest_okf(f->app, "SELECT set_config('permit.account_id', '%s', true),"
	    " set_config('permit.role', 'admin', true)", f->id[CITIZEN]);
	assert_string_equal(itest_sqlstate(f->app, STAFF_CREATE, buf,
	    sizeof(buf)), "42501");
	itest_ok(f->app, "ROLLBACK");
	/* The control, rolled back. */
	assert_string_equal(as_who(f, ADMIN, STAFF_CREATE, buf, sizeof(buf)), "");
	itest_value(f->super, "SELECT count(*) FROM accounts", after,
	    sizeof(after));
	assert_string_equal(after, before);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(no_one_updates_service_state_directly),
		TEST(citizen_and_reviewer_cannot_set_the_mode),
		TEST(a_forged_binding_cannot_set_the_mode),
		TEST(app_cannot_call_the_owners_writers),
		TEST(a_live_admin_sets_the_mode),
		TEST(only_a_live_admin_makes_staff),
	};

	return cmocka_run_group_tests_name("service state", tests, NULL,
	    NULL) != 0;
}
