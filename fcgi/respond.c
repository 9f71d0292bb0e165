#include "fcgi/respond.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/reqid.h"

#define FCGI_SECURITY_HEADERS \
	"Content-Type: application/json; charset=utf-8\r\n" \
	"Cache-Control: no-store\r\n" \
	"Vary: Cookie\r\n" \
	"X-Content-Type-Options: nosniff\r\n" \
	"Referrer-Policy: no-referrer\r\n" \
	"Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n" \
	"X-Frame-Options: DENY\r\n"

/*
 * Every status permitd answers, with its reason phrase: the one list, so
 * a status missing here is a status the metrics cannot count
 * (fcgi_status_slot). Anything else is answered as a 500 would be named.
 */
static const struct fcgi_status {
	int code;
	const char *reason;
} fcgi_statuses[] = {
	{ 200, "OK" },
	{ 201, "Created" },
	{ 202, "Accepted" },
	{ 204, "No Content" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 409, "Conflict" },
	{ 413, "Content Too Large" },
	{ 422, "Unprocessable Content" },
	{ 429, "Too Many Requests" },
	{ 500, "Internal Server Error" },
	{ 503, "Service Unavailable" },
};

#define FCGI_NSTATUSES (sizeof(fcgi_statuses) / sizeof(fcgi_statuses[0]))

/* One slot per listed status, and one for any other. */
_Static_assert(FCGI_NSTATUSES + 1 <= METRICS_STATUSES,
    "core/metrics.h: METRICS_STATUSES holds every status and one more");

size_t
fcgi_status_slot(int status)
{
	size_t i;

	for (i = 0; i < FCGI_NSTATUSES; i++)
		if (fcgi_statuses[i].code == status)
			break;
	return i;
}

int
fcgi_status_of_slot(size_t slot)
{
	return slot < FCGI_NSTATUSES ? fcgi_statuses[slot].code : 0;
}

static const char *
fcgi_reason(int status)
{
	size_t i = fcgi_status_slot(status);

	return i < FCGI_NSTATUSES ? fcgi_statuses[i].reason :
	    "Internal Server Error";
}

/* A header value fit to send: no CR, LF or other control characters. */
static int
fcgi_header_safe(const char *v)
{
	for (; *v != '\0'; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return 0;
	return 1;
}

/* Appends the `n` bytes of `s` at *p. */
static void
fcgi_put(char **p, const char *s, size_t n)
{
	memcpy(*p, s, n);
	*p += n;
}

#define FCGI_PUT_LIT(p, lit) fcgi_put((p), (lit), sizeof(lit) - 1)

/* Appends `v` in decimal at *p (at most FCGI_INT_MAX bytes). */
#define FCGI_INT_MAX 21
static void
fcgi_put_int(char **p, long long v)
{
	char digits[FCGI_INT_MAX];
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v :
	    (unsigned long long)v;
	size_t i = sizeof(digits);

	do
		digits[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		digits[--i] = '-';
	fcgi_put(p, digits + i, sizeof(digits) - i);
}

/* Appends the header line `name` (with its ": ") `value` CRLF at *p, when
 * `value` is not NULL. */
static void
fcgi_put_header(char **p, const char *name, size_t name_len,
    const char *value)
{
	if (value == NULL)
		return;
	fcgi_put(p, name, name_len);
	fcgi_put(p, value, strlen(value));
	FCGI_PUT_LIT(p, "\r\n");
}

/* Appends the header line `name` (with its ": ") `v` in decimal CRLF at
 * *p. */
static void
fcgi_put_int_header(char **p, const char *name, size_t name_len, long long v)
{
	fcgi_put(p, name, name_len);
	fcgi_put_int(p, v);
	FCGI_PUT_LIT(p, "\r\n");
}

static const char fcgi_rid_h[] = "X-Request-Id: ",
    fcgi_cookie_h[] = "Set-Cookie: ", fcgi_allow_h[] = "Allow: ";

/* The head's optional values that may be sent: *cookie and *rid, each
 * NULL when absent or refused (logged). */
static void
fcgi_head_values(const struct pipe_response *res, const char *request_id,
    const char **cookie, const char **rid)
{
	*cookie = *rid = NULL;
	if (res->set_cookie != NULL && fcgi_header_safe(res->set_cookie))
		*cookie = res->set_cookie;
	else if (res->set_cookie != NULL)
		log_error("refusing a Set-Cookie with control characters");
	if (reqid_valid(request_id))
		*rid = request_id;
	else
		log_error("refusing a request id not of its shape");
}

/* The length of `s`, 0 for NULL. */
static size_t
fcgi_len(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

/* The bytes a head can take with these values, its NUL included: every
 * header line present, each number at its longest. */
static size_t
fcgi_head_cap(const char *reason, const char *rid, const char *cookie,
    const char *allow)
{
	return sizeof("Status: \r\n" FCGI_SECURITY_HEADERS
	    "Content-Length: \r\nRetry-After: \r\n\r\n") +
	    3 * FCGI_INT_MAX + 1 + strlen(reason) +
	    sizeof(fcgi_rid_h) + 2 + fcgi_len(rid) +
	    sizeof(fcgi_cookie_h) + 2 + fcgi_len(cookie) +
	    sizeof(fcgi_allow_h) + 2 + fcgi_len(allow);
}

/*
 * Built by copying, not formatted: the head is written once per request,
 * and its fixed part is most of it. The bytes it can take are counted
 * first, so the one buffer holds it whatever the values are.
 */
const char *
fcgi_respond_head(arena *a, const struct pipe_response *res, const char *allow,
    const char *request_id, size_t body_len)
{
	const char *cookie, *rid, *reason = fcgi_reason(res->status);
	char *head, *p;

	fcgi_head_values(res, request_id, &cookie, &rid);
	p = head = arena_alloc(a, fcgi_head_cap(reason, rid, cookie, allow));
	FCGI_PUT_LIT(&p, "Status: ");
	fcgi_put_int(&p, res->status);
	FCGI_PUT_LIT(&p, " ");
	fcgi_put(&p, reason, strlen(reason));
	FCGI_PUT_LIT(&p, "\r\n" FCGI_SECURITY_HEADERS);
	fcgi_put_header(&p, fcgi_rid_h, sizeof(fcgi_rid_h) - 1, rid);
	fcgi_put_int_header(&p, "Content-Length: ", sizeof("Content-Length: ") - 1,
	    (long long)body_len);
	fcgi_put_header(&p, fcgi_cookie_h, sizeof(fcgi_cookie_h) - 1, cookie);
	if (res->retry_after > 0)
		fcgi_put_int_header(&p, "Retry-After: ",
		    sizeof("Retry-After: ") - 1, res->retry_after);
	fcgi_put_header(&p, fcgi_allow_h, sizeof(fcgi_allow_h) - 1, allow);
	FCGI_PUT_LIT(&p, "\r\n");
	*p = '\0';
	return head;
}

int
fcgi_respond(FCGX_Stream *out, arena *a, const struct pipe_response *res,
    const char *allow, const char *request_id)
{
	json_malloc_t jmalloc;
	json_free_t jfree;
	const char *head;
	char *body = NULL;
	size_t len = 0;
	int rc = -1;

	if (res->body != NULL) {
		if ((body = json_dumps(res->body, JSON_COMPACT)) == NULL)
			pipe_oom();
		len = strlen(body);
	}
	head = fcgi_respond_head(a, res, allow, request_id, len);
	if (FCGX_PutStr(head, (int)strlen(head), out) < 0 ||
	    (len > 0 && FCGX_PutStr(body, (int)len, out) < 0))
		goto out;
	rc = 0;
out:
	/* Whoever Jansson allocates with (the request arena in a worker). */
	json_get_alloc_funcs(&jmalloc, &jfree);
	if (body != NULL)
		jfree(body);
	return rc;
}
