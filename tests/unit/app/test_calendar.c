/* app/calendar: day numbers across months, leap years and centuries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "app/calendar.h"

/* The calendar day after *d, by validate_date_check alone. */
static void
next_day(struct validate_date *d)
{
	if (validate_date_check(d->y, d->m, d->d + 1) == 0) {
		d->d++;
	} else if (validate_date_check(d->y, d->m + 1, 1) == 0) {
		d->m++;
		d->d = 1;
	} else {
		d->y++;
		d->m = 1;
		d->d = 1;
	}
}

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
test_a_leap_day_is_one_day(void **state)
{
	struct validate_date feb28 = { 2028, 2, 28 }, feb29 = { 2028, 2, 29 },
	    mar1 = { 2028, 3, 1 };

	(void)state;
	assert_int_equal(app_day_number(&feb29) - app_day_number(&feb28), 1);
	assert_int_equal(app_day_number(&mar1) - app_day_number(&feb28), 2);
}

static void
test_a_range_across_a_year_end(void **state)
{
	struct validate_date from = { 2026, 12, 1 }, to = { 2027, 1, 31 };

	(void)state;
	assert_int_equal(app_day_number(&to) - app_day_number(&from), 61);
}

static void
test_each_day_of_four_centuries_is_the_next_number(void **state)
{
	struct validate_date d = { 1900, 1, 1 };
	long first = app_day_number(&d);

	(void)state;
	for (long i = 1; i <= 146097; i++) {
		next_day(&d);
		assert_int_equal(app_day_number(&d) - first, i);
	}
	assert_int_equal(d.y, 2300);
	assert_int_equal(d.m, 1);
	assert_int_equal(d.d, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch_is_day_zero),
		cmocka_unit_test(test_known_day_numbers),
		cmocka_unit_test(test_a_leap_day_is_one_day),
		cmocka_unit_test(test_a_range_across_a_year_end),
		cmocka_unit_test(test_each_day_of_four_centuries_is_the_next_number),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
