/* fcgi/scrape_parse: the metrics listener admits exactly GET /metrics,
 * and refuses whatever else it is sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fcgi/scrape_parse.h"

static enum fcgi_scrape_verdict
parse(const char *s)
{
	return fcgi_scrape_parse(s, strlen(s));
}

static void
get_metrics_is_answered(void **state)
{
	(void)state;
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\n\r\n"),
	    FCGI_SCRAPE_METRICS);
	assert_int_equal(parse("GET /metrics HTTP/1.0\r\n\r\n"),
	    FCGI_SCRAPE_METRICS);
	/* What Prometheus sends. */
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9187\r\n"
	    "User-Agent: Prometheus/2.42.0\r\nAccept: application/openmetrics-"
	    "text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1\r\n"
	    "Accept-Encoding: gzip\r\nX-Prometheus-Scrape-Timeout-Seconds: 10"
	    "\r\n\r\n"), FCGI_SCRAPE_METRICS);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nContent-Length: 0\r\n"
	    "X-Empty:\r\nX-Tab:\tv\t\r\n\r\n"), FCGI_SCRAPE_METRICS);
}

static void
bytes_after_the_head_are_not_read(void **state)
{
	(void)state;
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\n\r\n\x01garbage"),
	    FCGI_SCRAPE_METRICS);
}

static void
an_unfinished_head_asks_for_more(void **state)
{
	(void)state;
	assert_int_equal(parse(""), FCGI_SCRAPE_MORE);
	assert_int_equal(parse("GET /metr"), FCGI_SCRAPE_MORE);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n"),
	    FCGI_SCRAPE_MORE);
}

static void
a_head_over_the_limit_is_bad(void **state)
{
	static char big[FCGI_SCRAPE_MAX + 64];

	(void)state;
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /metrics HTTP/1.1\r\nX: ", 26);
	assert_int_equal(fcgi_scrape_parse(big, FCGI_SCRAPE_MAX),
	    FCGI_SCRAPE_BAD);
	assert_int_equal(fcgi_scrape_parse(big, sizeof(big)), FCGI_SCRAPE_BAD);
	/* The empty line past the limit is not looked for. */
	memcpy(big + FCGI_SCRAPE_MAX + 2, "\r\n\r\n", 4);
	assert_int_equal(fcgi_scrape_parse(big, sizeof(big)), FCGI_SCRAPE_BAD);
}

static void
other_targets_are_not_found(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\n\r\n"), FCGI_SCRAPE_NOT_FOUND);
	assert_int_equal(parse("GET /metrics/ HTTP/1.1\r\n\r\n"),
	    FCGI_SCRAPE_NOT_FOUND);
	assert_int_equal(parse("GET /metrics?x=1 HTTP/1.1\r\n\r\n"),
	    FCGI_SCRAPE_NOT_FOUND);
	assert_int_equal(parse("GET /METRICS HTTP/1.1\r\n\r\n"),
	    FCGI_SCRAPE_NOT_FOUND);
	assert_int_equal(parse("GET * HTTP/1.1\r\n\r\n"), FCGI_SCRAPE_NOT_FOUND);
	assert_int_equal(parse("GET /api/v1/health HTTP/1.1\r\n\r\n"),
	    FCGI_SCRAPE_NOT_FOUND);
}

static void
other_methods_are_not_allowed(void **state)
{
	(void)state;
	assert_int_equal(parse("POST /metrics HTTP/1.1\r\n\r\n"),
	    FCGI_SCRAPE_BAD_METHOD);
	assert_int_equal(parse("HEAD /metrics HTTP/1.1\r\n\r\n"),
	    FCGI_SCRAPE_BAD_METHOD);
	assert_int_equal(parse("DELETE / HTTP/1.1\r\n\r\n"),
	    FCGI_SCRAPE_BAD_METHOD);
}

static void
malformed_requests_are_bad(void **state)
{
	static const char *const bad[] = {
		"\r\n\r\n",
		"\r\nGET /metrics HTTP/1.1\r\n\r\n",      /* a leading empty line */
		"get /metrics HTTP/1.1\r\n\r\n",
		"GET  /metrics HTTP/1.1\r\n\r\n",
		"GET /metrics  HTTP/1.1\r\n\r\n",
		"GET /metrics HTTP/1.2\r\n\r\n",
		"GET /metrics HTTP/2.0\r\n\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"GET /metrics\r\n\r\n",                  /* HTTP/0.9 */
		"GET /metrics HTTP/1.1 \r\n\r\n",
		"GET /met\x01rics HTTP/1.1\r\n\r\n",
		"GET /metrics HTTP/1.1\n\r\n\r\n",       /* a bare LF */
		"GET /metrics HTTP/1.1\r\nHost: x\n\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nHost: a\rb\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nHost x\r\n\r\n",
		"GET /metrics HTTP/1.1\r\n: x\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nHo st: x\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nX: \x7f\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nX: caf\xc3\xa9\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
		"GET /metrics HTTP/1.1\r\ncontent-length: 00\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
		"GETTINGVERYLONGMETHOD /metrics HTTP/1.1\r\n\r\n",
		"POST\x01 /metrics HTTP/1.1\r\n\r\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(bad[i]) != FCGI_SCRAPE_BAD)
			fail_msg("bad[%zu] was not refused", i);
}

static void
a_bare_lf_is_bad_before_the_head_ends(void **state)
{
	(void)state;
	assert_int_equal(parse("GET /metrics HTTP/1.1\nHost: x\n\n"),
	    FCGI_SCRAPE_BAD);
	assert_int_equal(parse("\n"), FCGI_SCRAPE_BAD);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: x\n"),
	    FCGI_SCRAPE_BAD);
}

static void
a_nul_is_bad(void **state)
{
	static const char req[] = "GET /metrics HTTP/1.1\r\nX: a\0b\r\n\r\n";

	(void)state;
	assert_int_equal(fcgi_scrape_parse(req, sizeof(req) - 1),
	    FCGI_SCRAPE_BAD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get_metrics_is_answered),
		cmocka_unit_test(bytes_after_the_head_are_not_read),
		cmocka_unit_test(an_unfinished_head_asks_for_more),
		cmocka_unit_test(a_head_over_the_limit_is_bad),
		cmocka_unit_test(other_targets_are_not_found),
		cmocka_unit_test(other_methods_are_not_allowed),
		cmocka_unit_test(malformed_requests_are_bad),
		cmocka_unit_test(a_bare_lf_is_bad_before_the_head_ends),
		cmocka_unit_test(a_nul_is_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
