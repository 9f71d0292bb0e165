/* core/arena: allocation, alignment, growth, deferred clean-up, reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"

static void
test_alloc_is_aligned_to_16(void **state)
{
	arena *a = arena_new(1024);

	(void)state;
	for (size_t n = 1; n < 100; n += 7)
		assert_int_equal((uintptr_t)arena_alloc(a, n) % 16, 0);
	arena_free(a);
}

static void
test_grows_past_the_first_chunk(void **state)
{
	arena *a = arena_new(1024);
	char *small, *big;

	(void)state;
	small = arena_alloc(a, 16);
	memset(small, 's', 16);
	/* All of it usable (ASan sees a short chunk), none of it the first's. */
	big = arena_alloc(a, 1 << 20);
	memset(big, 'x', 1 << 20);
	for (int i = 0; i < 16; i++)
		assert_int_equal(small[i], 's');
	arena_free(a);
}

static void
test_reset_forgets_everything(void **state)
{
	arena *a = arena_new(1024);
	char *first;

	(void)state;
	first = arena_alloc(a, 100);
	arena_alloc(a, 5000);   /* a second chunk, now the current one */
	arena_alloc(a, 100);
	arena_reset(a);
	/* Back to the start of the first chunk, the second one forgotten. */
	assert_ptr_equal(arena_alloc(a, 100), first);
	arena_free(a);
}

static void
test_reset_wipes_the_first_chunk(void **state)
{
	arena *a = arena_new(1024);
	char *s, *again;

	(void)state;
	s = arena_strdup(a, "3174051705900001");
	arena_reset(a);
	/* The first chunk is kept: the same address comes back, wiped. */
	again = arena_alloc(a, 17);
	assert_ptr_equal(s, again);
	for (int i = 0; i < 17; i++)
		assert_int_equal(again[i], 0);
	arena_free(a);
}

static void
test_strndup_stops_at_n(void **state)
{
	arena *a = arena_new(1024);

	(void)state;
	assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
	assert_string_equal(arena_strndup(a, "ab", 10), "ab");
	arena_free(a);
}

static void
test_printf_formats(void **state)
{
	arena *a = arena_new(1024);

	(void)state;
	assert_string_equal(arena_printf(a, "%s-%d", "w", 42), "w-42");
	arena_free(a);
}

static int deferred_calls;
static int deferred_order[4];

static void
note(void *p)
{
	deferred_order[deferred_calls++] = *(int *)p;
}

static void
test_defer_runs_at_reset_newest_first(void **state)
{
	arena *a = arena_new(1024);
	static int one = 1, two = 2;

	(void)state;
	deferred_calls = 0;
	arena_defer(a, note, &one);
	arena_defer(a, note, &two);
	assert_int_equal(deferred_calls, 0);
	arena_reset(a);
	assert_int_equal(deferred_calls, 2);
	assert_int_equal(deferred_order[0], 2);
	assert_int_equal(deferred_order[1], 1);
	arena_reset(a);
	assert_int_equal(deferred_calls, 2);
	arena_free(a);
}

static void
test_defer_runs_at_free(void **state)
{
	arena *a = arena_new(1024);
	static int three = 3;

	(void)state;
	deferred_calls = 0;
	arena_defer(a, note, &three);
	arena_free(a);
	assert_int_equal(deferred_calls, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_is_aligned_to_16),
		cmocka_unit_test(test_grows_past_the_first_chunk),
		cmocka_unit_test(test_reset_forgets_everything),
		cmocka_unit_test(test_reset_wipes_the_first_chunk),
		cmocka_unit_test(test_strndup_stops_at_n),
		cmocka_unit_test(test_printf_formats),
		cmocka_unit_test(test_defer_runs_at_reset_newest_first),
		cmocka_unit_test(test_defer_runs_at_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
