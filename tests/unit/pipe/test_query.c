/* pipe/query: query strings into pairs; every malformed shape refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pipe/query.h"
#include "core/arena.h"

#include "tests/unit/arena_fixture.h"

/* A query that parses; with n >= 0 it has n pairs, and with `name` set,
 * pipe_query_get(name) is `value` (NULL: absent). */
struct parse_case {
	const char *raw;
	int n;
	const char *name, *value;
};

static const struct parse_case parse_cases[] = {
	/* The empty query has no pairs. */
	{ "", 0, "from", NULL },
	/* Pairs are split on '&' and found by name. */
	{ "from=2026-12-01&to=2026-12-05", 2, "from", "2026-12-01" },
	{ "from=2026-12-01&to=2026-12-05", 2, "to", "2026-12-05" },
	/* Percent escapes and '+' are decoded, in names and values. */
	{ "n%61me=a+b%2Fc", -1, "name", "a b/c" },
	/* An empty value is kept. */
	{ "from=", -1, "from", "" },
	/* Empty pieces are skipped. */
	{ "&from=1&&to=2&", 2, NULL, NULL },
	/* UTF-8, escaped or not, is text like any other. */
	{ "kota=%C3%A9vian", -1, "kota", "\xc3\xa9vian" },
	{ "k\xc3\xa9=1", -1, "k\xc3\xa9", "1" },
};

static void
test_well_formed_queries_give_their_pairs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]);
	    i++) {
		const struct parse_case *c = &parse_cases[i];
		const char *got;
		struct pipe_query q;

		if (pipe_query_parse(a, c->raw, &q) != 0)
			fail_msg("\"%s\" refused", c->raw);
		if (c->n >= 0 && q.n != (size_t)c->n)
			fail_msg("\"%s\": %zu pairs, not %d", c->raw, q.n, c->n);
		if (c->name == NULL)
			continue;
		got = pipe_query_get(&q, c->name);
		if (c->value == NULL ? got != NULL :
		    got == NULL || strcmp(got, c->value) != 0)
			fail_msg("\"%s\": %s is \"%s\", not \"%s\"", c->raw,
			    c->name, got != NULL ? got : "(absent)",
			    c->value != NULL ? c->value : "(absent)");
	}
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
		/* Text that is not UTF-8: a 422 naming it could not be
		 * written (found by tests/fuzz/fuzz_query.c). */
		"%FF=1",
		"from=%C3%28",
		"a\x87plication=1",
		"from=%ED%A0%80",  /* a surrogate */
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
		cmocka_unit_test(test_well_formed_queries_give_their_pairs),
		cmocka_unit_test(test_malformed_queries_are_refused),
		cmocka_unit_test(test_unknown_names_the_first_stranger),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
