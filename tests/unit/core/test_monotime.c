/* core/monotime: seconds that only go forward, at the clock's pace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/monotime.h"

static void
test_a_pause_is_measured_in_seconds(void **state)
{
	double before, after;

	(void)state;
	before = monotime_now();
	usleep(20 * 1000);
	after = monotime_now();
	assert_true(after - before >= 0.019);
	assert_true(after - before < 5.0);
}

static void
test_it_never_goes_back(void **state)
{
	double last = monotime_now(), now;

	(void)state;
	for (int i = 0; i < 100000; i++) {
		now = monotime_now();
		assert_true(now >= last);
		last = now;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_pause_is_measured_in_seconds),
		cmocka_unit_test(test_it_never_goes_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
