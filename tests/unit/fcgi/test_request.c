/* Request parsing at the edge: cookies, content type, CGI parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>

#include "fcgi/request.h"

#include "tests/unit/arena_fixture.h"

static void
cookie_alone(void **state)
{
	(void)state;
	assert_string_equal(fcgi_cookie(a, "permit_session=abc", "permit_session"), "abc");
}

static void
cookie_among_several(void **state)
{
	(void)state;
	assert_string_equal(fcgi_cookie(a, "theme=dark; permit_session=tok123; lang=id",
	    "permit_session"), "tok123");
	assert_string_equal(fcgi_cookie(a, "a=1;permit_session=t;b=2", "permit_session"), "t");
}

/* A repeated cookie is none: which of two is the real one cannot be told,
 * and a planted one must neither win nor sign its victim out silently. */
static void
cookie_repeated_is_none(void **state)
{
	(void)state;
	assert_null(fcgi_cookie(a, "permit_session=one; permit_session=two",
	    "permit_session"));
	assert_null(fcgi_cookie(a, "permit_session=one; lang=id; permit_session=one",
	    "permit_session"));
	assert_null(fcgi_cookie(a, "__Host-permit_session=a; __Host-permit_session=b",
	    "__Host-permit_session"));
	assert_string_equal(fcgi_cookie(a, "__Host-permit_session=a; permit_session=b",
	    "__Host-permit_session"), "a");
}

static void
cookie_missing(void **state)
{
	(void)state;
	assert_null(fcgi_cookie(a, NULL, "permit_session"));
	assert_null(fcgi_cookie(a, "", "permit_session"));
	assert_null(fcgi_cookie(a, "theme=dark; lang=id", "permit_session"));
}

static void
cookie_name_must_match_whole(void **state)
{
	(void)state;
	assert_null(fcgi_cookie(a, "xpermit_session=a; permit_session_old=b", "permit_session"));
	assert_null(fcgi_cookie(a, "permit_session", "permit_session"));
}

static void
cookie_empty_value_is_absent(void **state)
{
	(void)state;
	assert_null(fcgi_cookie(a, "permit_session=; lang=id", "permit_session"));
	assert_null(fcgi_cookie(a, "permit_session=\"\"", "permit_session"));
}

static void
cookie_quotes_removed(void **state)
{
	(void)state;
	assert_string_equal(fcgi_cookie(a, "permit_session=\"q\"", "permit_session"), "q");
}

static void
content_type_json_accepted(void **state)
{
	(void)state;
	assert_true(fcgi_content_type_json("application/json"));
	assert_true(fcgi_content_type_json("application/json; charset=utf-8"));
	assert_true(fcgi_content_type_json("application/json;charset=UTF-8"));
	assert_true(fcgi_content_type_json("Application/JSON; Charset=\"utf-8\""));
}

static void
content_type_others_refused(void **state)
{
	(void)state;
	assert_false(fcgi_content_type_json(NULL));
	assert_false(fcgi_content_type_json(""));
	assert_false(fcgi_content_type_json("text/plain"));
	assert_false(fcgi_content_type_json("application/x-www-form-urlencoded"));
	assert_false(fcgi_content_type_json("multipart/form-data; boundary=x"));
	assert_false(fcgi_content_type_json("application/jsonp"));
	assert_false(fcgi_content_type_json("application/json; charset=latin1"));
	assert_false(fcgi_content_type_json("application/json; boundary=x"));
	assert_false(fcgi_content_type_json("application/json; charset=utf-8; x=y"));
	assert_false(fcgi_content_type_json("text/json"));
}

static void
params_split_path_and_query(void **state)
{
	char *env[] = {
		"REQUEST_METHOD=GET",
		"REQUEST_URI=/api/v1/offices/JKT/days?from=2026-01-01&to=2026-01-31",
		"HTTP_COOKIE=lang=id; permit_session=tok",
		"HTTP_X_CSRF_TOKEN=csrf",
		"HTTP_IDEMPOTENCY_KEY=key-1",
		"REMOTE_ADDR=192.0.2.7",
		NULL
	};
	struct pipe_request req;

	(void)state;
	memset(&req, 0, sizeof(req));
	assert_int_equal(fcgi_request_params(env, a, &req), FCGI_REQUEST_OK);
	assert_string_equal(req.method, "GET");
	assert_string_equal(req.path, "/api/v1/offices/JKT/days");
	assert_string_equal(req.query, "from=2026-01-01&to=2026-01-31");
	assert_null(req.session_token);   /* fcgi_request_session's */
	assert_string_equal(req.csrf_token, "csrf");
	assert_string_equal(req.idempotency_key, "key-1");
	assert_null(req.body);
}

/* The client-address rule: REMOTE_ADDR, a forwarded header, the trusted
 * proxies, and the address it gives. */
static const struct {
	const char *remote, *forwarded, *trusted, *client;
} client_cases[] = {
	{ "192.0.2.7", NULL, NULL, "192.0.2.7" },
	/* a spoofed header from a peer that is no trusted proxy */
	{ "192.0.2.7", "198.51.100.1", "127.0.0.1", "192.0.2.7" },
	{ "192.0.2.7", "198.51.100.1", NULL, "192.0.2.7" },
	/* a trusted proxy: the right-most untrusted entry */
	{ "127.0.0.1", "198.51.100.1", "127.0.0.1", "198.51.100.1" },
	{ "127.0.0.1", "6.6.6.6, 198.51.100.1", "127.0.0.1", "198.51.100.1" },
	{ "10.1.2.3", "6.6.6.6, 198.51.100.1 ,10.0.0.9", "10.0.0.0/8",
	  "198.51.100.1" },
	/* trusted proxy without a header, or a chain of trusted hops only */
	{ "127.0.0.1", NULL, "127.0.0.1", "127.0.0.1" },
	{ "10.1.2.3", "10.0.0.9", "10.0.0.0/8", "10.0.0.9" },
	/* a malformed entry ends the walk at the last trusted hop */
	{ "127.0.0.1", "198.51.100.1, junk", "127.0.0.1", "127.0.0.1" },
	{ "127.0.0.1", "", "127.0.0.1", "127.0.0.1" },
	/* IPv6, canonical text, and IPv4-mapped addresses */
	{ "::1", "2001:DB8:0:0::1", "::1", "2001:db8::1" },
	{ "::ffff:127.0.0.1", "192.0.2.9", "127.0.0.0/8", "192.0.2.9" },
	{ "2001:db8::5", "192.0.2.9", "2001:db8::/32 127.0.0.1",
	  "192.0.2.9" },
	{ "2001:db9::5", "192.0.2.9", "2001:db8::/32", "2001:db9::5" },
};

static void
client_addr_rule(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(client_cases) / sizeof(client_cases[0]);
	    i++) {
		const char *got = fcgi_client_addr(a, client_cases[i].remote,
		    client_cases[i].forwarded, client_cases[i].trusted);

		if (got == NULL || strcmp(got, client_cases[i].client) != 0)
			fail_msg("case %zu: %s, not %s", i, got ? got : "NULL",
			    client_cases[i].client);
	}
	assert_null(fcgi_client_addr(a, NULL, "192.0.2.9", "127.0.0.1"));
}

/* An IPv6 client counts as its /64: a fresh address of it is the same
 * client to a per-address limit. IPv4 counts as the address. */
static void
client_source_is_the_ipv6_64(void **state)
{
	(void)state;
	assert_string_equal(fcgi_client_source(a, "2001:db8:1:2:aaaa::7"),
	    "2001:db8:1:2::/64");
	assert_string_equal(fcgi_client_source(a, "2001:db8:1:2:bbbb::9"),
	    "2001:db8:1:2::/64");
	assert_string_equal(fcgi_client_source(a, "2001:db8:1:3::7"),
	    "2001:db8:1:3::/64");
	assert_string_equal(fcgi_client_source(a, "192.0.2.9"), "192.0.2.9");
	assert_string_equal(fcgi_client_source(a, "::ffff:192.0.2.9"),
	    "192.0.2.9");
	assert_null(fcgi_client_source(a, "not-an-address"));
	assert_null(fcgi_client_source(a, NULL));
}

static void
client_addr_from_configured_header(void **state)
{
	char *env[] = {
		"REMOTE_ADDR=127.0.0.1",
		"HTTP_X_REAL_CLIENT=6.6.6.6, 203.0.113.4",
		"HTTP_X_FORWARDED_FOR=198.51.100.1",
		NULL
	};
	struct config cfg;

	(void)state;
	config_defaults(&cfg);
	assert_string_equal(fcgi_request_client(env, a, &cfg), "127.0.0.1");
	snprintf(cfg.client_addr_header, sizeof(cfg.client_addr_header),
	    "X-Real-Client");
	assert_string_equal(fcgi_request_client(env, a, &cfg), "127.0.0.1");
	snprintf(cfg.trusted_proxies, sizeof(cfg.trusted_proxies),
	    "127.0.0.1");
	assert_string_equal(fcgi_request_client(env, a, &cfg), "203.0.113.4");
}

/* The session cookie by cookie_secure: __Host-permit_session (and never
 * the plain name) when on, permit_session when off; twice is none. */
static void
session_cookie_by_config(void **state)
{
	char *host[] = { "HTTP_COOKIE=lang=id; __Host-permit_session=h", NULL };
	char *plain[] = { "HTTP_COOKIE=permit_session=p; lang=id", NULL };
	char *both[] = { "HTTP_COOKIE=permit_session=p; __Host-permit_session=h",
	    NULL };
	char *two_host[] = { "HTTP_COOKIE=__Host-permit_session=h; "
	    "__Host-permit_session=x", NULL };
	char *two_plain[] = { "HTTP_COOKIE=permit_session=p; permit_session=x",
	    NULL };
	struct config cfg;

	(void)state;
	config_defaults(&cfg);
	assert_true(cfg.cookie_secure);
	assert_string_equal(fcgi_request_session(host, a, &cfg), "h");
	assert_null(fcgi_request_session(plain, a, &cfg));
	assert_string_equal(fcgi_request_session(both, a, &cfg), "h");
	assert_null(fcgi_request_session(two_host, a, &cfg));
	cfg.cookie_secure = 0;
	assert_string_equal(fcgi_request_session(plain, a, &cfg), "p");
	assert_null(fcgi_request_session(host, a, &cfg));
	assert_string_equal(fcgi_request_session(both, a, &cfg), "p");
	assert_null(fcgi_request_session(two_plain, a, &cfg));
}

static void
params_without_query_or_headers(void **state)
{
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/api/v1/health", NULL };
	struct pipe_request req;

	(void)state;
	memset(&req, 0, sizeof(req));
	assert_int_equal(fcgi_request_params(env, a, &req), FCGI_REQUEST_OK);
	assert_string_equal(req.path, "/api/v1/health");
	assert_string_equal(req.query, "");
	assert_null(req.session_token);
	assert_null(req.csrf_token);
	assert_null(req.idempotency_key);
}

static void
params_without_method_or_uri_are_bad(void **state)
{
	char *no_method[] = { "REQUEST_URI=/api/v1/health", NULL };
	char *no_uri[] = { "REQUEST_METHOD=GET", NULL };
	char *relative[] = { "REQUEST_METHOD=GET", "REQUEST_URI=api/v1/health", NULL };
	struct pipe_request req;

	(void)state;
	memset(&req, 0, sizeof(req));
	assert_int_equal(fcgi_request_params(no_method, a, &req), FCGI_REQUEST_BAD);
	assert_int_equal(fcgi_request_params(no_uri, a, &req), FCGI_REQUEST_BAD);
	assert_int_equal(fcgi_request_params(relative, a, &req), FCGI_REQUEST_BAD);
}

/* A body handed to FCGX_GetStr in records of `record` bytes, as libfcgi
 * hands FCGI_STDIN over. */
struct body_source {
	const char *p;
	size_t left, record;
};

static void
body_fill(FCGX_Stream *s)
{
	struct body_source *src = s->data;
	size_t n = src->left < src->record ? src->left : src->record;

	s->rdNext = s->stopUnget = (unsigned char *)src->p;
	s->stop = s->rdNext + n;
	if (n == 0) {
		s->isClosed = 1;   /* the end of FCGI_STDIN */
		return;
	}
	src->p += n;
	src->left -= n;
}

/* A JSON object of exactly `len` bytes: {"k":"xxx..."}. */
static char *
body_of(size_t len)
{
	char *b = arena_alloc(a, len + 1);

	memcpy(b, "{\"k\":\"", 6);
	memset(b + 6, 'x', len - 8);
	memcpy(b + len - 2, "\"}", 3);
	return b;
}

/* fcgi_request_body over `body` with no CONTENT_LENGTH (as a GET comes,
 * and as a server that does not declare one sends a body). */
static enum fcgi_request_status
read_undeclared(const char *body, size_t limit, struct pipe_request *req)
{
	char *envp[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/api/v1/x",
	    "CONTENT_TYPE=application/json", NULL };
	struct body_source src = { body, strlen(body), 512 };
	FCGX_Stream in;

	memset(req, 0, sizeof(*req));
	req->arena = a;
	memset(&in, 0, sizeof(in));
	in.rdNext = in.stop = in.stopUnget = (unsigned char *)body;
	in.isReader = 1;
	in.fillBuffProc = body_fill;
	in.data = &src;
	return fcgi_request_body(&in, envp, limit, req);
}

/* A body of no declared length, many times the first buffer, is read
 * whole, byte for byte, however often the buffer grows. */
static void
undeclared_body_longer_than_the_first_buffer_is_read_whole(void **state)
{
	const size_t sizes[] = { 1023, 1024, 1025, 5000, 64 * 1024 };
	struct pipe_request req;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		const char *body = body_of(sizes[i]);

		assert_int_equal(read_undeclared(body, 64 * 1024, &req),
		    FCGI_REQUEST_OK);
		assert_int_equal(req.raw_body_len, sizes[i]);
		assert_memory_equal(req.raw_body, body, sizes[i]);
		json_decref(req.body);
	}
}

/* One byte past the limit, with no declared length, is too large. */
static void
undeclared_body_past_the_limit_is_too_large(void **state)
{
	struct pipe_request req;

	(void)state;
	assert_int_equal(read_undeclared(body_of(64 * 1024 + 1), 64 * 1024,
	    &req), FCGI_REQUEST_TOO_LARGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cookie_alone),
		cmocka_unit_test(cookie_among_several),
		cmocka_unit_test(cookie_repeated_is_none),
		cmocka_unit_test(cookie_missing),
		cmocka_unit_test(cookie_name_must_match_whole),
		cmocka_unit_test(cookie_empty_value_is_absent),
		cmocka_unit_test(cookie_quotes_removed),
		cmocka_unit_test(content_type_json_accepted),
		cmocka_unit_test(content_type_others_refused),
		cmocka_unit_test(params_split_path_and_query),
		cmocka_unit_test(session_cookie_by_config),
		cmocka_unit_test(params_without_query_or_headers),
		cmocka_unit_test(client_addr_rule),
		cmocka_unit_test(client_addr_from_configured_header),
		cmocka_unit_test(client_source_is_the_ipv6_64),
		cmocka_unit_test(params_without_method_or_uri_are_bad),
		cmocka_unit_test(undeclared_body_longer_than_the_first_buffer_is_read_whole),
		cmocka_unit_test(undeclared_body_past_the_limit_is_too_large),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
