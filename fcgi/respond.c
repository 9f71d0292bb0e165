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

const char *
fcgi_respond_head(arena *a, const struct pipe_response *res, const char *allow,
    const char *request_id, size_t body_len)
{
	const char *cookie = "", *retry = "", *allowh = "", *rid = "";

	if (res->set_cookie != NULL && fcgi_header_safe(res->set_cookie))
		cookie = arena_printf(a, "Set-Cookie: %s\r\n", res->set_cookie);
	else if (res->set_cookie != NULL)
		log_error("refusing a Set-Cookie with control characters");
	if (res->retry_after > 0)
		retry = arena_printf(a, "Retry-After: %d\r\n", res->retry_after);
	if (allow != NULL)
		allowh = arena_printf(a, "Allow: %s\r\n", allow);
	if (reqid_valid(request_id))
		rid = arena_printf(a, "X-Request-Id: %s\r\n", request_id);
	else
		log_error("refusing a request id not of its shape");
	return arena_printf(a, "Status: %d %s\r\n" FCGI_SECURITY_HEADERS
	    "%sContent-Length: %zu\r\n%s%s%s\r\n", res->status,
	    fcgi_reason(res->status), rid, body_len, cookie, retry, allowh);
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
