/*
 * app/audit: app_audit_add() makes a row only of an entry within the rules
 * the table holds it to, with ids in the canonical form the hash covers
 * (an upper-case id would be stored in lower case and its row read as
 * edited), for a signed-in principal, from the head's one row. Against a
 * real head (DB_STMT_AUDIT_HEAD as permit_app); nothing is inserted, every
 * transaction is rolled back.
 */
#include "tests/integration/itest.h"

#include "app/audit.h"
#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"

#define ACTOR_ID "a1d17e00-0000-4000-8000-00000000000a"
#define APPLICATION "a1d17e00-0000-4000-8000-0000000000aa"

struct fx {
	struct db *db;
	arena *a;
	struct db_result *head;   /* the head, locked by the open transaction */
};

static const struct pipe_principal who = { .role = PIPE_ROLE_REVIEWER,
    .account_id = ACTOR_ID };

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const struct db_param bind[3] = { DB_TEXT(ACTOR_ID), DB_TEXT("reviewer"),
	    DB_TEXT("") };
	struct db_call first[2] = {
		{ DB_STMT_BIND_PRINCIPAL, bind, 3, NULL, DB_ERROR },
		{ DB_STMT_AUDIT_HEAD, NULL, 0, NULL, DB_ERROR },
	};

	assert_non_null(f);
	f->db = itest_db("PERMIT_TEST_APP_DSN");
	f->a = arena_new(8192);
	assert_int_equal(db_batch(f->db, f->a, DB_BATCH_BEGIN, first, 2), DB_OK);
	f->head = first[1].result;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	db_rollback(f->db);
	db_close(f->db);
	arena_free(f->a);
	free(f);
	return 0;
}

/* app_audit_add of `e` by `w` over the fixture's head. */
static enum app_audit_status
add(struct fx *f, const struct pipe_principal *w, const struct app_audit_entry *e)
{
	struct db_call call = { DB_STMT_COUNT, NULL, 0, NULL, DB_ERROR };
	enum app_audit_status st = app_audit_add(f->a, f->head, w, e, &call);

	/* A refusal leaves the call as it was. */
	if (st != APP_AUDIT_OK)
		assert_int_equal(call.stmt, DB_STMT_COUNT);
	return st;
}

static void
an_entry_within_the_rules_makes_the_insert(void **state)
{
	struct fx *f = *state;
	const struct app_audit_entry e = { .action = "review.open",
	    .application = APPLICATION, .account = ACTOR_ID,
	    .detail = "outcome=approved reason_len=12" };
	struct db_call call;
	long long head_seq;

	assert_int_equal(app_audit_add(f->a, f->head, &who, &e, &call),
	    APP_AUDIT_OK);
	assert_int_equal(call.stmt, DB_STMT_AUDIT_INSERT);
	assert_int_equal(call.nparams, DB_NCOLS(AUDIT_INSERT));
	assert_int_equal(db_int64(f->head, 0, DB_COL(AUDIT_HEAD, SEQ),
	    &head_seq), 0);
	assert_int_equal(atoll(call.params[DB_COL(AUDIT_INSERT, SEQ)].value),
	    head_seq + 1);
	assert_string_equal(call.params[DB_COL(AUDIT_INSERT, ACTOR)].value,
	    ACTOR_ID);
	assert_string_equal(call.params[DB_COL(AUDIT_INSERT, ACTOR_KIND)].value,
	    "account");
	assert_int_equal(call.params[DB_COL(AUDIT_INSERT, HASH)].len, 32);
	assert_int_equal(call.params[DB_COL(AUDIT_INSERT, PREV_HASH)].len, 32);
}

static void
an_upper_case_id_is_refused(void **state)
{
	const struct app_audit_entry e = { .action = "review.open",
	    .application = "A1D17E00-0000-4000-8000-0000000000AA" };
	const struct pipe_principal upper = { .role = PIPE_ROLE_REVIEWER,
	    .account_id = "A1D17E00-0000-4000-8000-00000000000A" };
	const struct app_audit_entry ok = { .action = "review.open" };

	assert_int_equal(add(*state, &who, &e), APP_AUDIT_INVALID);
	assert_int_equal(add(*state, &upper, &ok), APP_AUDIT_INVALID);
}

static void
an_action_out_of_its_pattern_is_refused(void **state)
{
	static const char *const bad[] = { "", "Review.open", "1review",
	    "review open", "review-open",
	    "a234567890123456789012345678901234567890123456789012345678901234x" };
	const char *longest =
	    "a234567890123456789012345678901234567890123456789012345678901234";

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct app_audit_entry e = { .action = bad[i] };

		if (add(*state, &who, &e) != APP_AUDIT_INVALID)
			fail_msg("action \"%s\" accepted", bad[i]);
	}
	assert_int_equal(add(*state, &who,
	    &(struct app_audit_entry){ .action = longest }), APP_AUDIT_OK);
	assert_int_equal(add(*state, &who,
	    &(struct app_audit_entry){ .action = NULL }), APP_AUDIT_INVALID);
}

static void
a_detail_out_of_printable_ascii_or_too_long_is_refused(void **state)
{
	char longest[APP_AUDIT_DETAIL_MAX + 2];
	static const char *const bad[] = { "line\nbreak", "tab\there",
	    "caf\xc3\xa9", "del\x7f" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct app_audit_entry e = { .action = "x", .detail = bad[i] };

		if (add(*state, &who, &e) != APP_AUDIT_INVALID)
			fail_msg("detail %zu accepted", i);
	}
	memset(longest, '~', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	assert_int_equal(add(*state, &who, &(struct app_audit_entry){
	    .action = "x", .detail = longest }), APP_AUDIT_INVALID);
	longest[APP_AUDIT_DETAIL_MAX] = '\0';
	assert_int_equal(add(*state, &who, &(struct app_audit_entry){
	    .action = "x", .detail = longest }), APP_AUDIT_OK);
}

static void
an_anonymous_principal_is_refused(void **state)
{
	const struct pipe_principal anon = { .role = PIPE_ROLE_NONE };
	const struct app_audit_entry e = { .action = "x" };

	assert_int_equal(add(*state, &anon, &e), APP_AUDIT_INVALID);
	assert_int_equal(add(*state, NULL, &e), APP_AUDIT_INVALID);
	assert_int_equal(add(*state, &who, NULL), APP_AUDIT_INVALID);
}

/* Anything but the head's one row: none, or another statement's. */
static void
a_result_that_is_not_the_head_is_refused(void **state)
{
	struct fx *f = *state;
	const struct app_audit_entry e = { .action = "x" };
	struct db_result *other;
	struct db_call call;

	assert_int_equal(app_audit_add(f->a, NULL, &who, &e, &call),
	    APP_AUDIT_BAD_HEAD);
	assert_int_equal(db_exec(f->db, f->a, DB_STMT_BIND_PRINCIPAL,
	    (const struct db_param[3]){ DB_TEXT(ACTOR_ID), DB_TEXT("reviewer"),
	    DB_TEXT("") }, 3, &other), DB_OK);
	assert_int_equal(app_audit_add(f->a, other, &who, &e, &call),
	    APP_AUDIT_BAD_HEAD);
}

#define FX_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(an_entry_within_the_rules_makes_the_insert),
		FX_TEST(an_upper_case_id_is_refused),
		FX_TEST(an_action_out_of_its_pattern_is_refused),
		FX_TEST(a_detail_out_of_printable_ascii_or_too_long_is_refused),
		FX_TEST(an_anonymous_principal_is_refused),
		FX_TEST(a_result_that_is_not_the_head_is_refused),
	};

	log_init("test_audit_entry", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests_name("audit_entry", tests, NULL, NULL) != 0;
}
