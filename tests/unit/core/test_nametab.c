/* core/nametab: an enum's names looked up both ways; gaps and strangers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/nametab.h"

enum colour { COLOUR_NONE, COLOUR_RED, COLOUR_BLUE };

static const char *const colour_names[] = {
	[COLOUR_NONE] = NULL,
	[COLOUR_RED] = "red",
	[COLOUR_BLUE] = "blue",
};

static void
test_a_value_gives_its_name(void **state)
{
	(void)state;
	assert_string_equal(nametab_name(NAMETAB(colour_names), COLOUR_RED),
	    "red");
	assert_string_equal(nametab_name(NAMETAB(colour_names), COLOUR_BLUE),
	    "blue");
}

static void
test_a_value_without_a_name_or_past_the_table_gives_null(void **state)
{
	(void)state;
	assert_null(nametab_name(NAMETAB(colour_names), COLOUR_NONE));
	assert_null(nametab_name(NAMETAB(colour_names), 3));
	assert_null(nametab_name(NAMETAB(colour_names), (size_t)-1));
}

static void
test_a_name_gives_its_value(void **state)
{
	size_t v = 99;

	(void)state;
	assert_int_equal(nametab_find(NAMETAB(colour_names), "blue", &v), 0);
	assert_int_equal(v, COLOUR_BLUE);
	assert_int_equal(nametab_find(NAMETAB(colour_names), "red", &v), 0);
	assert_int_equal(v, COLOUR_RED);
}

static void
test_an_unknown_or_null_name_is_refused(void **state)
{
	size_t v = 99;

	(void)state;
	assert_int_equal(nametab_find(NAMETAB(colour_names), "green", &v), -1);
	assert_int_equal(nametab_find(NAMETAB(colour_names), "Red", &v), -1);
	assert_int_equal(nametab_find(NAMETAB(colour_names), "", &v), -1);
	assert_int_equal(nametab_find(NAMETAB(colour_names), NULL, &v), -1);
	assert_int_equal(v, 99);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_value_gives_its_name),
		cmocka_unit_test(test_a_value_without_a_name_or_past_the_table_gives_null),
		cmocka_unit_test(test_a_name_gives_its_value),
		cmocka_unit_test(test_an_unknown_or_null_name_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
