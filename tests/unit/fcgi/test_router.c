/* The router: exact matches, captures, 404 versus 405 with Allow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fcgi/router.h"

static enum pipe_status
noop(struct pipe_ctx *c, const struct pipe_request *q,
    const struct pipe_principal *w, struct pipe_response *r)
{
	(void)c; (void)q; (void)w; (void)r;
	return PIPE_ANSWERED;
}

static const struct pipe_route table[] = {
	{ "GET", "/api/v1/health", noop, PIPE_ACCESS_PUBLIC, PIPE_EFFECT_READ, PIPE_SCOPE_ALWAYS, NULL },
	{ "GET", "/api/v1/applications/{id}", noop, PIPE_ACCESS_CITIZEN, PIPE_EFFECT_READ, PIPE_SCOPE_NORMAL, NULL },
	{ "POST", "/api/v1/applications/{id}/booking", noop, PIPE_ACCESS_CITIZEN, PIPE_EFFECT_WRITE, PIPE_SCOPE_NORMAL, NULL },
	{ "DELETE", "/api/v1/applications/{id}/booking", noop, PIPE_ACCESS_CITIZEN, PIPE_EFFECT_WRITE, PIPE_SCOPE_NORMAL, NULL },
	{ "GET", "/api/v1/offices/{code}/days/{date}", noop, PIPE_ACCESS_PUBLIC, PIPE_EFFECT_READ, PIPE_SCOPE_NORMAL, NULL },
};
#define N (sizeof(table) / sizeof(table[0]))

struct fx {
	arena *a;
	const struct pipe_route *route;
	const char *params[PIPE_MAX_PARAMS];
	const char *allow;
};

static int
setup(void **state)
{
	static struct fx f;

	memset(&f, 0, sizeof(f));
	f.a = arena_new(4096);
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	arena_free(f->a);
	return 0;
}

static enum fcgi_route_status
route(struct fx *f, const char *method, const char *path)
{
	f->route = NULL;
	f->allow = NULL;
	return fcgi_route(table, N, f->a, method, path, &f->route, f->params,
	    &f->allow);
}

static void
literal_path_matches(void **state)
{
	struct fx *f = *state;

	assert_int_equal(route(f, "GET", "/api/v1/health"), FCGI_ROUTE_OK);
	assert_ptr_equal(f->route, &table[0]);
	assert_null(f->params[0]);
}

static void
capture_is_returned_raw(void **state)
{
	struct fx *f = *state;

	assert_int_equal(route(f, "GET", "/api/v1/applications/abc-123"), FCGI_ROUTE_OK);
	assert_ptr_equal(f->route, &table[1]);
	assert_string_equal(f->params[0], "abc-123");
	assert_null(f->params[1]);
}

static void
two_captures_in_order(void **state)
{
	struct fx *f = *state;

	assert_int_equal(route(f, "GET", "/api/v1/offices/JKT-SEL/days/2026-12-01"), FCGI_ROUTE_OK);
	assert_string_equal(f->params[0], "JKT-SEL");
	assert_string_equal(f->params[1], "2026-12-01");
}

static void
capture_then_literal_picks_method(void **state)
{
	struct fx *f = *state;

	assert_int_equal(route(f, "DELETE", "/api/v1/applications/x/booking"), FCGI_ROUTE_OK);
	assert_ptr_equal(f->route, &table[3]);
	assert_string_equal(f->params[0], "x");
}

static void
unknown_path_is_not_found(void **state)
{
	struct fx *f = *state;

	assert_int_equal(route(f, "GET", "/api/v1/nothing"), FCGI_ROUTE_NOT_FOUND);
	assert_null(f->allow);
	assert_int_equal(route(f, "GET", "/"), FCGI_ROUTE_NOT_FOUND);
	assert_int_equal(route(f, "GET", ""), FCGI_ROUTE_NOT_FOUND);
}

static void
known_path_other_method_is_405_with_allow(void **state)
{
	struct fx *f = *state;

	assert_int_equal(route(f, "POST", "/api/v1/health"), FCGI_ROUTE_BAD_METHOD);
	assert_string_equal(f->allow, "GET");
}

static void
allow_lists_every_method_of_the_path(void **state)
{
	struct fx *f = *state;

	assert_int_equal(route(f, "GET", "/api/v1/applications/x/booking"), FCGI_ROUTE_BAD_METHOD);
	assert_string_equal(f->allow, "POST, DELETE");
}

static void
trailing_slash_does_not_match(void **state)
{
	struct fx *f = *state;

	assert_int_equal(route(f, "GET", "/api/v1/health/"), FCGI_ROUTE_NOT_FOUND);
	assert_int_equal(route(f, "GET", "/api/v1/applications/x/"), FCGI_ROUTE_NOT_FOUND);
}

static void
empty_capture_does_not_match(void **state)
{
	struct fx *f = *state;

	assert_int_equal(route(f, "GET", "/api/v1/applications/"), FCGI_ROUTE_NOT_FOUND);
	assert_int_equal(route(f, "POST", "/api/v1/applications//booking"), FCGI_ROUTE_NOT_FOUND);
}

static void
capture_never_spans_a_slash(void **state)
{
	struct fx *f = *state;

	assert_int_equal(route(f, "GET", "/api/v1/applications/a/b"), FCGI_ROUTE_NOT_FOUND);
}

static void
prefix_of_a_pattern_does_not_match(void **state)
{
	struct fx *f = *state;

	assert_int_equal(route(f, "GET", "/api/v1/heal"), FCGI_ROUTE_NOT_FOUND);
	assert_int_equal(route(f, "GET", "/api/v1/healthz"), FCGI_ROUTE_NOT_FOUND);
}

static void
method_match_is_case_sensitive(void **state)
{
	struct fx *f = *state;

	assert_int_equal(route(f, "get", "/api/v1/health"), FCGI_ROUTE_BAD_METHOD);
}

static void
overlong_path_is_not_found(void **state)
{
	struct fx *f = *state;
	char path[FCGI_PATH_MAX + 64];

	strcpy(path, "/api/v1/applications/");
	memset(path + strlen(path), 'a', sizeof(path) - strlen(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(route(f, "GET", path), FCGI_ROUTE_NOT_FOUND);
	assert_null(f->route);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(literal_path_matches, setup, teardown),
		cmocka_unit_test_setup_teardown(capture_is_returned_raw, setup, teardown),
		cmocka_unit_test_setup_teardown(two_captures_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(capture_then_literal_picks_method, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_path_is_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(known_path_other_method_is_405_with_allow, setup, teardown),
		cmocka_unit_test_setup_teardown(allow_lists_every_method_of_the_path, setup, teardown),
		cmocka_unit_test_setup_teardown(trailing_slash_does_not_match, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_capture_does_not_match, setup, teardown),
		cmocka_unit_test_setup_teardown(capture_never_spans_a_slash, setup, teardown),
		cmocka_unit_test_setup_teardown(prefix_of_a_pattern_does_not_match, setup, teardown),
		cmocka_unit_test_setup_teardown(method_match_is_case_sensitive, setup, teardown),
		cmocka_unit_test_setup_teardown(overlong_path_is_not_found, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
