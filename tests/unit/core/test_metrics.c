/* core/metrics: counters a forked child adds to are the parent's too,
 * increments from several processes are none of them lost, and nothing is
 * counted without a region. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/metrics.h"

static struct metrics_snapshot snap;

static int
unmap(void **state)
{
	(void)state;
	metrics_unmap();
	return 0;
}

static void
nothing_is_counted_without_a_region(void **state)
{
	(void)state;
	assert_false(metrics_mapped());
	metrics_add(METRICS_DB_FAILED, 1);
	metrics_request(0, 0, 0.1);
	metrics_rate_limited(1);
	assert_int_equal(metrics_snapshot(&snap), -1);
	assert_int_equal(snap.counter[METRICS_DB_FAILED], 0);
}

static void
a_request_is_counted_by_route_status_and_bucket(void **state)
{
	(void)state;
	assert_int_equal(metrics_map(), 0);
	metrics_request(3, 2, 0.03);
	metrics_request(3, 2, 0.03);
	metrics_request(3, 5, 20.0);
	metrics_request(METRICS_ROUTES, 0, 1);   /* out of range: ignored */
	metrics_request(0, METRICS_STATUSES, 1);
	assert_int_equal(metrics_snapshot(&snap), 0);
	assert_int_equal(snap.requests[3][2], 2);
	assert_int_equal(snap.requests[3][5], 1);
	assert_int_equal(snap.bucket[3][metrics_bucket(0.03)], 2);
	assert_int_equal(snap.bucket[3][METRICS_BUCKETS - 1], 1);
	assert_int_equal(snap.sum_us[3], 20060000);
	assert_int_equal(snap.requests[0][0], 0);
}

static void
a_bucket_holds_durations_up_to_its_bound(void **state)
{
	(void)state;
	assert_int_equal(metrics_bucket(0), 0);
	assert_int_equal(metrics_bucket(0.005), 0);
	assert_int_equal(metrics_bucket(0.0051), 1);
	assert_int_equal(metrics_bucket(10), METRICS_BUCKETS - 2);
	assert_int_equal(metrics_bucket(10.001), METRICS_BUCKETS - 1);
	for (size_t b = 1; b < METRICS_BUCKETS - 1; b++)
		assert_true(metrics_bucket_le[b] > metrics_bucket_le[b - 1]);
}

static void
children_count_into_the_parent_s_region(void **state)
{
	enum { CHILDREN = 3, EACH = 20000 };
	pid_t pid[CHILDREN];
	int status;

	(void)state;
	assert_int_equal(metrics_map(), 0);
	assert_int_equal(metrics_snapshot(&snap), 0);
	for (int i = 0; i < CHILDREN; i++) {
		if ((pid[i] = fork()) == 0) {
			for (int k = 0; k < EACH; k++) {
				metrics_add(METRICS_DB_RECONNECTS, 1);
				metrics_rate_limited(2);
			}
			_exit(0);
		}
		assert_true(pid[i] > 0);
	}
	for (int i = 0; i < CHILDREN; i++) {
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_int_equal(metrics_snapshot(&snap), 0);
	assert_int_equal(snap.counter[METRICS_DB_RECONNECTS], CHILDREN * EACH);
	assert_int_equal(snap.rate_limited[2], CHILDREN * EACH);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(nothing_is_counted_without_a_region,
		    unmap),
		cmocka_unit_test_teardown(
		    a_request_is_counted_by_route_status_and_bucket, unmap),
		cmocka_unit_test(a_bucket_holds_durations_up_to_its_bound),
		cmocka_unit_test_teardown(
		    children_count_into_the_parent_s_region, unmap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
