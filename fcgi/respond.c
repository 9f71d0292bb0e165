#include "fcgi/respond.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define FCGI_SECURITY_HEADERS \
	"Content-Type: application/json; charset=utf-8\r\n" \
	"Cache-Control: no-store\r\n" \
	"Vary: Cookie\r\n" \
	"X-Content-Type-Options: nosniff\r\n" \
	"Referrer-Policy: no-referrer\r\n" \
	"Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n" \
	"X-Frame-Options: DENY\r\n"

static const char *
fcgi_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default:  return "Internal Server Error";
	}
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
    size_t body_len)
{
	const char *cookie = "", *retry = "", *allowh = "";

	if (res->set_cookie != NULL && fcgi_header_safe(res->set_cookie))
		cookie = arena_printf(a, "Set-Cookie: %s\r\n", res->set_cookie);
	else if (res->set_cookie != NULL)
		log_error("refusing a Set-Cookie with control characters");
	if (res->retry_after > 0)
		retry = arena_printf(a, "Retry-After: %d\r\n", res->retry_after);
	if (allow != NULL)
		allowh = arena_printf(a, "Allow: %s\r\n", allow);
	return arena_printf(a, "Status: %d %s\r\n" FCGI_SECURITY_HEADERS
	    "Content-Length: %zu\r\n%s%s%s\r\n", res->status,
	    fcgi_reason(res->status), body_len, cookie, retry, allowh);
}

int
fcgi_respond(FCGX_Stream *out, arena *a, const struct pipe_response *res,
    const char *allow)
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
	head = fcgi_respond_head(a, res, allow, len);
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
