/* app/query: query strings into pairs; every malformed shape refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pipe/query.h"
#include "core/arena.h"

#include "tests/unit/arena_fixture.h"

static void
test_empty_query_has_no_pairs(void **state)
{
	struct pipe_query q;

	(void)state;
	assert_int_equal(pipe_query_parse(a, "", &q), 0);
	assert_int_equal(q.n, 0);
	assert_null(pipe_query_get(&q, "from"));
}

static void
test_pairs_are_split_and_found(void **state)
{
	struct pipe_query q;

	(void)state;
	assert_int_equal(pipe_query_parse(a, "from=2026-12-01&to=2026-12-05", &q), 0);
	assert_int_equal(q.n, 2);
	assert_string_equal(pipe_query_get(&q, "from"), "2026-12-01");
	assert_string_equal(pipe_query_get(&q, "to"), "2026-12-05");
}

static void
test_percent_and_plus_are_decoded(void **state)
{
	struct pipe_query q;

	(void)state;
	assert_int_equal(pipe_query_parse(a, "n%61me=a+b%2Fc", &q), 0);
	assert_string_equal(pipe_query_get(&q, "name"), "a b/c");
}

static void
test_empty_value_is_kept(void **state)
{
	struct pipe_query q;

	(void)state;
	assert_int_equal(pipe_query_parse(a, "from=", &q), 0);
	assert_string_equal(pipe_query_get(&q, "from"), "");
}

static void
test_empty_pieces_are_skipped(void **state)
{
	struct pipe_query q;

	(void)state;
	assert_int_equal(pipe_query_parse(a, "&from=1&&to=2&", &q), 0);
	assert_int_equal(q.n, 2);
}

static void
test_malformed_queries_are_refused(void **state)
{
	static const char *const bad[] = {
		"from",            /* no '=' */
		"=1",              /* empty name */
		"from=%",          /* truncated escape */
		"from=%2",         /* truncated escape */
		"from=%zz",        /* not hex */
		"from=%00",        /* encoded NUL */
		"from=1&from=2",   /* a name twice */
		"%66rom=1&from=2", /* the same name, once encoded */
	};
	struct pipe_query q;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pipe_query_parse(a, bad[i], &q), -1);
}

static void
test_unknown_names_the_first_stranger(void **state)
{
	static const char *const known[] = { "from", "to", NULL };
	struct pipe_query q;

	(void)state;
	assert_int_equal(pipe_query_parse(a, "from=1&x=2&to=3", &q), 0);
	assert_string_equal(pipe_query_unknown(&q, known), "x");
	assert_int_equal(pipe_query_parse(a, "to=3&from=1", &q), 0);
	assert_null(pipe_query_unknown(&q, known));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_query_has_no_pairs),
		cmocka_unit_test(test_pairs_are_split_and_found),
		cmocka_unit_test(test_percent_and_plus_are_decoded),
		cmocka_unit_test(test_empty_value_is_kept),
		cmocka_unit_test(test_empty_pieces_are_skipped),
		cmocka_unit_test(test_malformed_queries_are_refused),
		cmocka_unit_test(test_unknown_names_the_first_stranger),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
