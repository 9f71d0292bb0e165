/* Error bodies (docs/API.md) and the response head (docs/DESIGN.md
 * invariant 6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pipe/mode.h"
#include "fcgi/respond.h"

#include "tests/unit/arena_fixture.h"

#define RID "0123456789abcdef0123456789abcdef"

static char *
dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	assert_non_null(s);
	return s;
}

static void
error_body_has_code_and_message_only(void **state)
{
	struct pipe_response res = { 0 };
	char *s;

	(void)state;
	pipe_error(&res, 404, "not_found", "Not found.", NULL);
	assert_int_equal(res.status, 404);
	s = dump(res.body);
	assert_string_equal(s, "{\"error\":{\"code\":\"not_found\",\"message\":\"Not found.\"}}");
	free(s);
	json_decref(res.body);
}

static void
error_body_names_the_field(void **state)
{
	struct pipe_response res = { 0 };
	char *s;

	(void)state;
	pipe_error(&res, 422, "invalid", "Not a valid NIK.", "applicant.nik");
	s = dump(res.body);
	assert_string_equal(s, "{\"error\":{\"code\":\"invalid\",\"field\":\"applicant.nik\","
	    "\"message\":\"Not a valid NIK.\"}}");
	free(s);
	json_decref(res.body);
}

static void
error_body_is_the_only_top_level_key(void **state)
{
	struct pipe_response res = { 0 };

	(void)state;
	pipe_error(&res, 503, "unavailable", "Later.", NULL);
	assert_int_equal(json_object_size(res.body), 1);
	assert_true(json_is_object(json_object_get(res.body, "error")));
	json_decref(res.body);
}

static void
head_carries_invariant_6_headers(void **state)
{
	static const char *const want[] = {
		"Status: 404 Not Found\r\n",
		"Content-Type: application/json; charset=utf-8\r\n",
		"Cache-Control: no-store\r\n",
		"Vary: Cookie\r\n",
		"X-Content-Type-Options: nosniff\r\n",
		"Referrer-Policy: no-referrer\r\n",
		"Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n",
		"X-Frame-Options: DENY\r\n",
		"X-Request-Id: " RID "\r\n",
		"Content-Length: 12\r\n",
	};
	struct pipe_response res = { .status = 404 };
	const char *head;

	(void)state;
	head = fcgi_respond_head(a, &res, NULL, RID, 12);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_non_null(strstr(head, want[i]));
	assert_null(strstr(head, "Retry-After"));
	assert_null(strstr(head, "Allow"));
	assert_null(strstr(head, "Set-Cookie"));
	assert_string_equal(head + strlen(head) - 4, "\r\n\r\n");
}

static void
head_has_retry_after_and_allow_when_asked(void **state)
{
	struct pipe_response res = { .status = 503, .retry_after = 7 };
	const char *head;

	(void)state;
	head = fcgi_respond_head(a, &res, "GET, POST", RID, 0);
	assert_non_null(strstr(head, "Status: 503 Service Unavailable\r\n"));
	assert_non_null(strstr(head, "Retry-After: 7\r\n"));
	assert_non_null(strstr(head, "Allow: GET, POST\r\n"));
}

static void
head_refuses_cookie_with_newline(void **state)
{
	struct pipe_response res = { .status = 200,
	    .set_cookie = "permit_session=x\r\nX-Evil: 1" };
	const char *head;

	(void)state;
	head = fcgi_respond_head(a, &res, NULL, RID, 0);
	assert_null(strstr(head, "X-Evil"));
	assert_null(strstr(head, "Set-Cookie"));
}

static void
head_leaves_out_a_request_id_not_of_its_shape(void **state)
{
	static const char *const bad[] = { "", "0123", RID "0",
	    "0123456789ABCDEF0123456789abcdef",
	    "0123456789abcdef0123456789abcde\n",
	    "x\r\nX-Evil: 1" };
	struct pipe_response res = { .status = 200 };
	const char *head;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		head = fcgi_respond_head(a, &res, NULL, bad[i], 0);
		assert_null(strstr(head, "X-Request-Id"));
		assert_null(strstr(head, "X-Evil"));
	}
	head = fcgi_respond_head(a, &res, NULL, NULL, 0);
	assert_null(strstr(head, "X-Request-Id"));
}

static void
head_names_an_accepted_entry_so(void **state)
{
	struct pipe_response res = { .status = 202 };

	(void)state;
	assert_non_null(strstr(fcgi_respond_head(a, &res, NULL, RID, 0),
	    "Status: 202 Accepted\r\n"));
}

static void
every_status_has_a_slot_of_its_own(void **state)
{
	static const int answered[] = { 200, 201, 202, 204, 400, 401, 403,
	    404, 405, 409, 413, 422, 429, 500, 503 };
	size_t other = fcgi_status_slot(299);

	(void)state;
	for (size_t i = 0; i < sizeof(answered) / sizeof(answered[0]); i++) {
		size_t slot = fcgi_status_slot(answered[i]);

		assert_true(slot < other);
		assert_int_equal(fcgi_status_of_slot(slot), answered[i]);
		for (size_t j = 0; j < i; j++)
			assert_true(fcgi_status_slot(answered[j]) != slot);
	}
	assert_int_equal(fcgi_status_slot(418), other);
	assert_int_equal(fcgi_status_of_slot(other), 0);
}

static const struct pipe_route read_route = { .effect = PIPE_EFFECT_READ, .scope = PIPE_SCOPE_NORMAL };
static const struct pipe_route write_route = { .effect = PIPE_EFFECT_WRITE, .scope = PIPE_SCOPE_NORMAL };
static const struct pipe_route always_route = { .effect = PIPE_EFFECT_WRITE, .scope = PIPE_SCOPE_ALWAYS };
static const struct pipe_route admin_route = { .effect = PIPE_EFFECT_WRITE, .scope = PIPE_SCOPE_ADMIN };
static const struct pipe_principal citizen = { .role = PIPE_ROLE_CITIZEN };
static const struct pipe_principal admin = { .role = PIPE_ROLE_ADMIN };

static void
normal_mode_admits_everything(void **state)
{
	(void)state;
	assert_true(pipe_mode_admits(PIPE_MODE_NORMAL, 0, &read_route, &citizen));
	assert_true(pipe_mode_admits(PIPE_MODE_NORMAL, 0, &write_route, &citizen));
	assert_true(pipe_mode_admits(PIPE_MODE_NORMAL, 0, &admin_route, &citizen));
}

static void
read_only_admits_reads_and_refuses_writes(void **state)
{
	(void)state;
	assert_true(pipe_mode_admits(PIPE_MODE_READ_ONLY, 0, &read_route, &citizen));
	assert_false(pipe_mode_admits(PIPE_MODE_READ_ONLY, 0, &write_route, &citizen));
	assert_false(pipe_mode_admits(PIPE_MODE_READ_ONLY, 0, &write_route, &admin));
}

static void
closed_refuses_normal_routes_even_for_an_admin(void **state)
{
	(void)state;
	assert_false(pipe_mode_admits(PIPE_MODE_CLOSED, 0, &read_route, &citizen));
	assert_false(pipe_mode_admits(PIPE_MODE_CLOSED, 0, &read_route, &admin));
	assert_false(pipe_mode_admits(PIPE_MODE_CLOSED, 0, &write_route, &admin));
}

static void
always_routes_are_admitted_in_every_mode(void **state)
{
	(void)state;
	assert_true(pipe_mode_admits(PIPE_MODE_READ_ONLY, 0, &always_route, &citizen));
	assert_true(pipe_mode_admits(PIPE_MODE_CLOSED, 0, &always_route, &citizen));
}

static void
admin_scope_admits_only_an_admin_outside_normal(void **state)
{
	(void)state;
	assert_true(pipe_mode_admits(PIPE_MODE_CLOSED, 0, &admin_route, &admin));
	assert_true(pipe_mode_admits(PIPE_MODE_READ_ONLY, 0, &admin_route, &admin));
	assert_false(pipe_mode_admits(PIPE_MODE_CLOSED, 0, &admin_route, &citizen));
	assert_false(pipe_mode_admits(PIPE_MODE_READ_ONLY, 0, &admin_route, &citizen));
}

static void
mode_names_are_api_md_s(void **state)
{
	(void)state;
	assert_string_equal(pipe_mode_name(PIPE_MODE_NORMAL), "normal");
	assert_string_equal(pipe_mode_name(PIPE_MODE_READ_ONLY), "read_only");
	assert_string_equal(pipe_mode_name(PIPE_MODE_CLOSED), "closed");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(error_body_has_code_and_message_only),
		cmocka_unit_test(error_body_names_the_field),
		cmocka_unit_test(error_body_is_the_only_top_level_key),
		cmocka_unit_test(head_carries_invariant_6_headers),
		cmocka_unit_test(head_has_retry_after_and_allow_when_asked),
		cmocka_unit_test(head_refuses_cookie_with_newline),
		cmocka_unit_test(head_leaves_out_a_request_id_not_of_its_shape),
		cmocka_unit_test(head_names_an_accepted_entry_so),
		cmocka_unit_test(every_status_has_a_slot_of_its_own),
		cmocka_unit_test(normal_mode_admits_everything),
		cmocka_unit_test(read_only_admits_reads_and_refuses_writes),
		cmocka_unit_test(closed_refuses_normal_routes_even_for_an_admin),
		cmocka_unit_test(always_routes_are_admitted_in_every_mode),
		cmocka_unit_test(admin_scope_admits_only_an_admin_outside_normal),
		cmocka_unit_test(mode_names_are_api_md_s),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
