/*
 * The history of blocks (migrations/0025), asked with plain SQL as
 * permit_app, as anything running as permitd's role could: a block keeps
 * its reason and its admin in account_blocks, an unblock closes that row
 * with its own, blocking a blocked account opens no second row, a block
 * after an unblock made by hand closes the row left open, the
 * database holds a reason to 1..500 characters, and permit_app writes the
 * table only through those functions. Accounts and sessions are made, and
 * the rows read, as the superuser.
 */
#include "tests/integration/itest.h"

#include <unistd.h>

enum who { CITIZEN, ADMIN, NWHO };

struct fx {
	PGconn *super, *app;
	char id[NWHO][40];      /* account ids */
	char bidx[NWHO][80];    /* their emails' blind indexes, bytea literals */
	char hash[NWHO][80];    /* their sessions' token hashes, bytea literals */
};

static char buf[1024];

/* An account of role `w` with a live session, as the superuser. */
static void
fx_account(struct fx *f, enum who w)
{
	const struct itest_account a = { .role = w == ADMIN ? "admin" : "citizen" };

	itest_account_new(f->super, &a, (long)getpid() * 100 + 70 + 10 * (long)w,
	    f->id[w], f->bidx[w], f->hash[w]);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->super = itest_connect("PERMIT_TEST_SUPER_DSN");
	f->app = itest_connect("PERMIT_TEST_APP_DSN");
	for (int w = 0; w < NWHO; w++)
		fx_account(f, (enum who)w);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	PQfinish(f->app);
	/* The citizen first: its blocks, which name the admin, go with it. */
	for (int w = CITIZEN; w < NWHO; w++)
		itest_okf(f->super, "DELETE FROM sessions WHERE account_id = '%s';"
		    "DELETE FROM accounts WHERE id = '%s'", f->id[w], f->id[w]);
	PQfinish(f->super);
	free(f);
	return 0;
}

/* `verb` ("block" or "unblock") of the citizen with `reason` (an SQL
 * literal; NULL: the one-argument form of a permitd from before 0025), in
 * a transaction of permit_app bound to the admin's session, committed;
 * the SQLSTATE it failed with, "" when it did not. */
static const char *
admin_acts(struct fx *f, const char *verb, const char *reason)
{
	char sql[1024];

	itest_ok(f->app, "BEGIN");
	itest_valuef(f->app, buf, sizeof(buf), "SELECT coalesce(account_id::text,"
	    " '') FROM permit_bind(%s, 60)", f->hash[ADMIN]);
	assert_string_equal(buf, f->id[ADMIN]);
	snprintf(sql, sizeof(sql), "SELECT * FROM permit_admin_%s('%s'%s%s)",
	    verb, f->id[CITIZEN], reason != NULL ? ", " : "",
	    reason != NULL ? reason : "");
	itest_sqlstate(f->app, sql, buf, sizeof(buf));
	itest_ok(f->app, buf[0] == '\0' ? "COMMIT" : "ROLLBACK");
	return buf;
}

/* The citizen's blocks, oldest first, as "by|reason|unblocked_by|
 * unblock_reason|open" lines joined by ';' (admin ids as "admin"). */
static const char *
blocks_of_citizen(struct fx *f)
{
	return itest_valuef(f->super, buf, sizeof(buf),
	    "SELECT coalesce(string_agg(concat_ws('|',"
	    " replace(b.blocked_by::text, '%s', 'admin'), b.reason,"
	    " coalesce(replace(b.unblocked_by::text, '%s', 'admin'), '-'),"
	    " coalesce(b.unblock_reason, '-'),"
	    " CASE WHEN b.unblocked_at IS NULL THEN 'open' ELSE 'closed' END),"
	    " ';' ORDER BY b.id), '') FROM account_blocks b"
	    " WHERE b.account_id = '%s'", f->id[ADMIN], f->id[ADMIN],
	    f->id[CITIZEN]);
}

/* A block keeps its reason and the admin who blocked, as the open row, at
 * the very time the account was blocked. */
static void
a_block_keeps_its_reason_and_admin(void **state)
{
	struct fx *f = *state;

	assert_string_equal(admin_acts(f, "block", "'Broker pattern.'"), "");
	assert_string_equal(blocks_of_citizen(f), "admin|Broker pattern.|-|-|open");
	assert_string_equal(itest_valuef(f->super, buf, sizeof(buf),
	    "SELECT a.blocked_at = b.blocked_at FROM accounts a"
	    " JOIN account_blocks b ON b.account_id = a.id WHERE a.id = '%s'",
	    f->id[CITIZEN]), "t");
}

/* An unblock closes the open row with its own reason and admin. */
static void
an_unblock_closes_the_block_with_its_reason(void **state)
{
	struct fx *f = *state;

	assert_string_equal(admin_acts(f, "block", "'Check.'"), "");
	assert_string_equal(admin_acts(f, "unblock", "'Cleared at the office.'"),
	    "");
	assert_string_equal(blocks_of_citizen(f),
	    "admin|Check.|admin|Cleared at the office.|closed");
}

/* Blocking a blocked account changes nothing: one open row, the first
 * reason; a block after the unblock is a second row. */
static void
a_second_block_leaves_one_open_row(void **state)
{
	struct fx *f = *state;

	assert_string_equal(admin_acts(f, "block", "'First.'"), "");
	assert_string_equal(admin_acts(f, "block", "'Second.'"), "");
	assert_string_equal(blocks_of_citizen(f), "admin|First.|-|-|open");
	assert_string_equal(admin_acts(f, "unblock", "'Done.'"), "");
	assert_string_equal(admin_acts(f, "block", "'Third.'"), "");
	assert_string_equal(blocks_of_citizen(f),
	    "admin|First.|admin|Done.|closed;admin|Third.|-|-|open");
}

/* An account unblocked by hand (blocked_at cleared outside permitd, its
 * row left open) can be blocked again (migrations/0026): the stale row is
 * closed by the admin blocking, saying so, and the new block has its own. */
static void
a_block_after_a_hand_unblock_closes_the_stale_row(void **state)
{
	struct fx *f = *state;

	assert_string_equal(admin_acts(f, "block", "'First.'"), "");
	itest_okf(f->super, "UPDATE accounts SET blocked_at = NULL WHERE id = '%s'",
	    f->id[CITIZEN]);
	assert_string_equal(admin_acts(f, "block", "'Again.'"), "");
	assert_string_equal(blocks_of_citizen(f),
	    "admin|First.|admin|closed at the next block: the account had been "
	    "unblocked outside permitd|closed;admin|Again.|-|-|open");
	assert_string_equal(itest_valuef(f->super, buf, sizeof(buf),
	    "SELECT blocked_at IS NOT NULL FROM accounts WHERE id = '%s'",
	    f->id[CITIZEN]), "t");
}

/* The database holds a reason to 1..500 characters, and a block refused
 * for it blocks nothing. */
static void
a_reason_out_of_its_length_blocks_nothing(void **state)
{
	struct fx *f = *state;

	assert_string_equal(admin_acts(f, "block", "repeat('x', 501)"), "23514");
	assert_string_equal(admin_acts(f, "block", "''"), "23514");
	assert_string_equal(admin_acts(f, "block", "NULL"), "23502");
	assert_string_equal(blocks_of_citizen(f), "");
	assert_string_equal(itest_valuef(f->super, buf, sizeof(buf),
	    "SELECT blocked_at IS NULL FROM accounts WHERE id = '%s'",
	    f->id[CITIZEN]), "t");
	assert_string_equal(admin_acts(f, "block", "repeat('x', 500)"), "");
}

/* A permitd from before 0025, still running while it is replaced, blocks
 * and unblocks through the one-argument forms; the row says no reason was
 * kept, and a block through the new form afterwards opens a row of its
 * own (no stale open row is left to collide with). */
static void
the_old_forms_still_block_and_unblock(void **state)
{
	struct fx *f = *state;

	assert_string_equal(admin_acts(f, "block", NULL), "");
	assert_string_equal(itest_valuef(f->super, buf, sizeof(buf),
	    "SELECT blocked_at IS NOT NULL FROM accounts WHERE id = '%s'",
	    f->id[CITIZEN]), "t");
	assert_string_equal(admin_acts(f, "unblock", NULL), "");
	assert_string_equal(admin_acts(f, "block", "'New.'"), "");
	assert_string_equal(blocks_of_citizen(f),
	    "admin|not kept: blocked through a permitd from before migration"
	    " 0025|admin|not kept: unblocked through a permitd from before"
	    " migration 0025|closed;admin|New.|-|-|open");
}

/* The number of rows permit_admin_flags() gives the session of `w`. */
static const char *
flags_seen_by(struct fx *f, enum who w)
{
	itest_ok(f->app, "BEGIN");
	itest_valuef(f->app, buf, sizeof(buf), "SELECT coalesce(account_id::text,"
	    " '') FROM permit_bind(%s, 60)", f->hash[w]);
	assert_string_equal(buf, f->id[w]);
	itest_value(f->app, "SELECT count(*) FROM permit_admin_flags()", buf,
	    sizeof(buf));
	itest_ok(f->app, "ROLLBACK");
	return buf;
}

/* Only an admin blocks, unblocks or reads the flags with their blocks: a
 * citizen's session calling the functions is refused, or given nothing. */
static void
a_citizen_neither_blocks_nor_reads_blocks(void **state)
{
	struct fx *f = *state;
	static const char *const acts[] = { "block", "unblock" };
	char sql[256];

	itest_okf(f->super, "INSERT INTO account_flags (account_id, rule, detail)"
	    " VALUES ('%s', 'lapsed_holds', 'probe')", f->id[CITIZEN]);
	assert_string_not_equal(flags_seen_by(f, ADMIN), "0");
	assert_string_equal(flags_seen_by(f, CITIZEN), "0");
	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		itest_ok(f->app, "BEGIN");
		itest_valuef(f->app, buf, sizeof(buf), "SELECT coalesce("
		    "account_id::text, '') FROM permit_bind(%s, 60)",
		    f->hash[CITIZEN]);
		assert_string_equal(buf, f->id[CITIZEN]);
		snprintf(sql, sizeof(sql), "SELECT * FROM permit_admin_%s('%s',"
		    " 'Mine.')", acts[i], f->id[ADMIN]);
		assert_string_equal(itest_sqlstate(f->app, sql, buf,
		    sizeof(buf)), "42501");
		itest_ok(f->app, "ROLLBACK");
	}
	assert_string_equal(itest_valuef(f->super, buf, sizeof(buf),
	    "SELECT count(*) FROM account_blocks WHERE account_id = '%s'",
	    f->id[ADMIN]), "0");
}

/* permit_app writes account_blocks only through the admin functions: a
 * direct INSERT, UPDATE or DELETE is refused, even bound to an admin. */
static void
app_cannot_write_account_blocks(void **state)
{
	struct fx *f = *state;
	static const char *const writes[] = {
		"INSERT INTO account_blocks (account_id, blocked_by, reason)"
		" VALUES (current_setting('permit.account_id')::uuid,"
		" current_setting('permit.account_id')::uuid, 'forged')",
		"UPDATE account_blocks SET reason = 'forged'",
		"DELETE FROM account_blocks",
	};

	assert_string_equal(admin_acts(f, "block", "'Real.'"), "");
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		itest_ok(f->app, "BEGIN");
		itest_valuef(f->app, buf, sizeof(buf), "SELECT count(*) FROM"
		    " permit_bind(%s, 60)", f->hash[ADMIN]);
		assert_string_equal(itest_sqlstate(f->app, writes[i], buf,
		    sizeof(buf)), "42501");
		itest_ok(f->app, "ROLLBACK");
	}
	assert_string_equal(blocks_of_citizen(f), "admin|Real.|-|-|open");
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(a_block_keeps_its_reason_and_admin),
		TEST(an_unblock_closes_the_block_with_its_reason),
		TEST(a_second_block_leaves_one_open_row),
		TEST(a_block_after_a_hand_unblock_closes_the_stale_row),
		TEST(a_reason_out_of_its_length_blocks_nothing),
		TEST(the_old_forms_still_block_and_unblock),
		TEST(a_citizen_neither_blocks_nor_reads_blocks),
		TEST(app_cannot_write_account_blocks),
	};

	return cmocka_run_group_tests_name("account blocks", tests, NULL,
	    NULL) != 0;
}
