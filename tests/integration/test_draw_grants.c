/*
 * migrations/0018: a draw's seed is never readable by permit_app before
 * the draw has run (no grant on draws; permit_draw_public shows the seed
 * only once drawn_at is set), permit_app writes no entry but through the
 * definer functions, and a seed cannot be committed once its window has
 * opened. The rows made here are the superuser's, on a day (MDN,
 * 2031-01-07) no other test uses, and removed at the end.
 */
#include "tests/integration/itest.h"

#include "core/log.h"

#define DAY "'2031-01-07'"
#define SEED "'\\x" \
    "0101010101010101010101010101010101010101010101010101010101010101'"

static char buf[256];

static void
app_cannot_read_or_write_draws(void **state)
{
	assert_string_equal(itest_sqlstate(*state,
	    "SELECT seed FROM draws", buf, sizeof(buf)), "42501");
	assert_string_equal(itest_sqlstate(*state,
	    "UPDATE draws SET drawn_at = now() WHERE false", buf, sizeof(buf)),
	    "42501");
}

static void
app_holds_only_select_on_draw_entries(void **state)
{
	assert_string_equal(itest_value(*state,
	    "SELECT string_agg(p, ',' ORDER BY p) FROM unnest(ARRAY['SELECT',"
	    " 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES',"
	    " 'TRIGGER']) p WHERE has_table_privilege('permit_app',"
	    " 'public.draw_entries', p)", buf, sizeof(buf)), "SELECT");
}

/* A seed for a window that has opened would be chosen knowing entries. */
static void
app_cannot_commit_a_seed_late(void **state)
{
	assert_string_equal(itest_value(*state,
	    "SELECT permit_draw_commit('MDN', " DAY ", now() - interval '1 minute',"
	    " now() + interval '1 minute', " SEED ", " SEED ")", buf,
	    sizeof(buf)), "f");
	assert_string_equal(itest_value(*state,
	    "SELECT count(*) FROM permit_draw_public('MDN', " DAY ")", buf,
	    sizeof(buf)), "0");
}

/* The public view: the hash at once, the seed only after the draw. */
static void
public_view_shows_the_seed_only_once_drawn(void **state)
{
	PGconn *su = itest_connect("PERMIT_TEST_SUPER_DSN");

	itest_ok(su, "INSERT INTO draws (office, day, opens_at, draw_at, seed,"
	    " seed_hash) VALUES ('MDN', " DAY ", now() + interval '1 hour',"
	    " now() + interval '2 hours', " SEED ", " SEED ")");
	assert_string_equal(itest_value(*state,
	    "SELECT coalesce(encode(seed, 'hex'), 'hidden') || ' '"
	    " || length(seed_hash) FROM permit_draw_public('MDN', " DAY ")", buf,
	    sizeof(buf)), "hidden 32");
	itest_ok(su, "UPDATE draws SET drawn_at = now() WHERE office = 'MDN'"
	    " AND day = " DAY);
	assert_string_equal(itest_value(*state,
	    "SELECT length(seed) FROM permit_draw_public('MDN', " DAY ")", buf,
	    sizeof(buf)), "32");
	itest_ok(su, "DELETE FROM draws WHERE office = 'MDN' AND day = " DAY);
	PQfinish(su);
}

#define APP_TEST(f) \
	cmocka_unit_test_setup_teardown(f, itest_app_setup, itest_conn_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		APP_TEST(app_cannot_read_or_write_draws),
		APP_TEST(app_holds_only_select_on_draw_entries),
		APP_TEST(app_cannot_commit_a_seed_late),
		APP_TEST(public_view_shows_the_seed_only_once_drawn),
	};

	log_init("test_draw_grants", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests_name("draw_grants", tests, NULL, NULL) != 0;
}
