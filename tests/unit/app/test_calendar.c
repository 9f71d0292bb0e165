/* app/calendar: day numbers and day arithmetic across months, leap years. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "app/calendar.h"

static void
test_epoch_is_day_zero(void **state)
{
	struct validate_date d = { 1970, 1, 1 };

	(void)state;
	assert_int_equal(app_day_number(&d), 0);
}

static void
test_known_day_numbers(void **state)
{
	struct validate_date y2k = { 2000, 3, 1 }, before = { 1969, 12, 31 };

	(void)state;
	assert_int_equal(app_day_number(&y2k), 11017);
	assert_int_equal(app_day_number(&before), -1);
}

static void
test_adding_crosses_a_leap_day(void **state)
{
	struct validate_date d = { 2028, 2, 28 }, out;

	(void)state;
	app_day_add(&d, 1, &out);
	assert_int_equal(out.y, 2028);
	assert_int_equal(out.m, 2);
	assert_int_equal(out.d, 29);
	app_day_add(&d, 2, &out);
	assert_int_equal(out.m, 3);
	assert_int_equal(out.d, 1);
}

static void
test_adding_crosses_a_year(void **state)
{
	struct validate_date d = { 2026, 12, 1 }, out;

	(void)state;
	app_day_add(&d, 61, &out);
	assert_int_equal(out.y, 2027);
	assert_int_equal(out.m, 1);
	assert_int_equal(out.d, 31);
}

static void
test_day_add_inverts_day_number_for_every_day_of_four_centuries(void **state)
{
	struct validate_date start = { 1900, 1, 1 }, d, back;

	(void)state;
	for (long i = 0; i < 146097; i++) {
		app_day_add(&start, i, &d);
		assert_int_equal(validate_date_check(d.y, d.m, d.d), 0);
		assert_int_equal(app_day_number(&d) - app_day_number(&start), i);
		app_day_add(&d, -i, &back);
		assert_int_equal(back.y, 1900);
		assert_int_equal(back.m, 1);
		assert_int_equal(back.d, 1);
	}
}

static void
test_today_is_a_valid_date(void **state)
{
	struct validate_date d;

	(void)state;
	app_today(&d);
	assert_int_equal(validate_date_check(d.y, d.m, d.d), 0);
	assert_true(d.y >= 2024);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch_is_day_zero),
		cmocka_unit_test(test_known_day_numbers),
		cmocka_unit_test(test_adding_crosses_a_leap_day),
		cmocka_unit_test(test_adding_crosses_a_year),
		cmocka_unit_test(test_day_add_inverts_day_number_for_every_day_of_four_centuries),
		cmocka_unit_test(test_today_is_a_valid_date),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
