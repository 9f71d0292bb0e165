/* fcgi/exposition: Prometheus' text format, as a scraper reads it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fcgi/exposition.h"
#include "fcgi/respond.h"

static const char *const routes[] = { "GET /api/v1/health",
    "POST /api/v1/x/{id}", "GET /odd \"q\" \\ \n" };

static struct metrics_snapshot snap;
static char *text;

static int
reset(void **state)
{
	(void)state;
	memset(&snap, 0, sizeof(snap));
	free(text);
	text = NULL;
	return 0;
}

/* The exposition of snap and `st` into text. */
static void
render(const struct fcgi_expo_state *st)
{
	size_t len;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(fcgi_exposition(f, &snap, routes, 3, st), 0);
	assert_int_equal(fclose(f), 0);
}

static const struct fcgi_expo_state no_db = { .workers = 2 };

static void
has(const char *line)
{
	if (strstr(text, line) == NULL)
		fail_msg("no line %s in:\n%s", line, text);
}

static void
requests_are_counted_by_route_and_status(void **state)
{
	(void)state;
	snap.requests[0][fcgi_status_slot(200)] = 5;
	snap.requests[1][fcgi_status_slot(409)] = 2;
	snap.requests[3][fcgi_status_slot(404)] = 7;
	render(&no_db);
	has("# TYPE permitd_http_requests_total counter\n");
	has("\npermitd_http_requests_total{route=\"GET /api/v1/health\","
	    "status=\"200\"} 5\n");
	has("\npermitd_http_requests_total{route=\"POST /api/v1/x/{id}\","
	    "status=\"409\"} 2\n");
	has("\npermitd_http_requests_total{route=\"unmatched\","
	    "status=\"404\"} 7\n");
	/* Nothing for what was never counted. */
	assert_null(strstr(text, "status=\"201\""));
}

static void
label_values_are_escaped(void **state)
{
	(void)state;
	snap.requests[2][0] = 1;
	render(&no_db);
	has("{route=\"GET /odd \\\"q\\\" \\\\ \\n\",status=\"200\"} 1\n");
}

static void
histogram_buckets_are_cumulative_and_count_is_their_total(void **state)
{
	(void)state;
	snap.bucket[0][0] = 3;      /* <= 5 ms */
	snap.bucket[0][4] = 2;      /* <= 100 ms */
	snap.bucket[0][METRICS_BUCKETS - 1] = 1;   /* > 10 s */
	snap.sum_us[0] = 12345678;
	render(&no_db);
	has("# TYPE permitd_http_request_duration_seconds histogram\n");
	has("permitd_http_request_duration_seconds_bucket{route=\"GET "
	    "/api/v1/health\",le=\"0.005\"} 3\n");
	has("le=\"0.05\"} 3\n");
	has("le=\"0.1\"} 5\n");
	has("le=\"10\"} 5\n");
	has("le=\"+Inf\"} 6\n");
	has("permitd_http_request_duration_seconds_sum{route=\"GET "
	    "/api/v1/health\"} 12.345678\n");
	has("permitd_http_request_duration_seconds_count{route=\"GET "
	    "/api/v1/health\"} 6\n");
	/* A route without requests has no histogram. */
	assert_null(strstr(text, "_count{route=\"POST"));
}

static void
every_sample_s_family_has_help_and_type(void **state)
{
	char *copy, *line, *save = NULL, family[128], want[160];
	size_t n;

	(void)state;
	snap.requests[0][0] = 1;
	snap.bucket[0][0] = 1;
	render(&(const struct fcgi_expo_state){ .workers = 2, .db_read = 1,
	    .mode = "normal" });
	copy = strdup(text);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		n = strcspn(line, "{ ");
		snprintf(family, sizeof(family), "%.*s", (int)n, line);
		/* A histogram's series belong to its family. */
		for (const char *const *sfx = (const char *const[]){ "_bucket",
		    "_sum", "_count", NULL }; *sfx != NULL; sfx++) {
			size_t k = strlen(*sfx), f = strlen(family);

			if (f > k && strcmp(family + f - k, *sfx) == 0 &&
			    strncmp(family, "permitd_http_request_duration", 29)
			    == 0)
				family[f - k] = '\0';
		}
		assert_true(strncmp(family, "permitd_", 8) == 0);
		snprintf(want, sizeof(want), "# HELP %s ", family);
		has(want);
		snprintf(want, sizeof(want), "# TYPE %s ", family);
		has(want);
		snprintf(want, sizeof(want), "# TYPE %s counter\n", family);
		if (strstr(text, want) != NULL)
			assert_non_null(strstr(family, "_total"));
	}
	free(copy);
}

static void
counters_are_there_at_zero(void **state)
{
	(void)state;
	snap.counter[METRICS_WORKERS_DIED] = 4;
	snap.rate_limited[2] = 3;
	render(&no_db);
	has("\npermitd_worker_restarts_total{reason=\"died\"} 4\n");
	has("\npermitd_worker_restarts_total{reason=\"recycled\"} 0\n");
	has("\npermitd_db_errors_total{kind=\"lost\"} 0\n");
	has("\npermitd_db_reconnects_total 0\n");
	has("\npermitd_db_standby_reads_total 0\n");
	has("\npermitd_bookings_taken_total 0\n");
	has("\npermitd_rate_limited_total{limit=\"signin\"} 3\n");
	has("\npermitd_rate_limited_total{limit=\"review_open\"} 0\n");
	has("\npermitd_workers 2\n");
}

static void
the_database_s_state_only_when_it_was_read(void **state)
{
	(void)state;
	render(&no_db);
	has("\npermitd_db_state_up 0\n");
	assert_null(strstr(text, "permitd_mode"));
	assert_null(strstr(text, "permitd_flags_open"));
	free(text);
	text = NULL;
	render(&(const struct fcgi_expo_state){ .db_read = 1,
	    .mode = "read_only", .flags_open = 3, .holds = 9 });
	has("\npermitd_db_state_up 1\n");
	has("\npermitd_mode{mode=\"normal\"} 0\n");
	has("\npermitd_mode{mode=\"read_only\"} 1\n");
	has("\npermitd_mode{mode=\"closed\"} 0\n");
	has("\npermitd_flags_open 3\n");
	has("\npermitd_bookings_held 9\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(requests_are_counted_by_route_and_status,
		    reset),
		cmocka_unit_test_setup(label_values_are_escaped, reset),
		cmocka_unit_test_setup(
		    histogram_buckets_are_cumulative_and_count_is_their_total,
		    reset),
		cmocka_unit_test_setup(every_sample_s_family_has_help_and_type,
		    reset),
		cmocka_unit_test_setup(counters_are_there_at_zero, reset),
		cmocka_unit_test_setup(
		    the_database_s_state_only_when_it_was_read, reset),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	free(text);
	return rc;
}
