#include "fcgi/request.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/netaddr.h"

/* The first buffer for a body of no declared length; it doubles as needed. */
#define FCGI_BODY_FIRST 1024

static int
fcgi_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The value of the cookie pair [p, end) when its name is `name`, into
 * *v and *len (quotes removed); 0 when it is another cookie. */
static int
fcgi_cookie_pair(const char *p, const char *end, const char *name,
    const char **v, size_t *len)
{
	size_t namelen = strlen(name);

	if ((size_t)(end - p) <= namelen || strncmp(p, name, namelen) != 0 ||
	    p[namelen] != '=')
		return 0;
	*v = p + namelen + 1;
	*len = (size_t)(end - *v);
	while (*len > 0 && fcgi_is_blank((*v)[*len - 1]))
		(*len)--;
	if (*len >= 2 && (*v)[0] == '"' && (*v)[*len - 1] == '"') {
		(*v)++;
		*len -= 2;
	}
	return 1;
}

const char *
fcgi_cookie(arena *a, const char *header, const char *name)
{
	const char *p = header, *end, *v, *found = NULL;
	size_t len, found_len = 0;

	while (p != NULL && *p != '\0') {
		while (fcgi_is_blank(*p) || *p == ';')
			p++;
		end = p + strcspn(p, ";");
		if (fcgi_cookie_pair(p, end, name, &v, &len)) {
			if (found != NULL)   /* repeated: none (request.h) */
				return NULL;
			found = v;
			found_len = len;
		}
		p = end;
	}
	return found != NULL && found_len > 0 ?
	    arena_strndup(a, found, found_len) : NULL;
}

/* After "application/json": nothing, or ";charset=utf-8" (blanks allowed). */
static int
fcgi_content_type_params(const char *p)
{
	while (fcgi_is_blank(*p))
		p++;
	if (*p == '\0')
		return 1;
	if (*p++ != ';')
		return 0;
	while (fcgi_is_blank(*p))
		p++;
	if (strncasecmp(p, "charset=", 8) != 0)
		return 0;
	p += 8;
	if (strncasecmp(p, "utf-8", 5) == 0)
		p += 5;
	else if (strncasecmp(p, "\"utf-8\"", 7) == 0)
		p += 7;
	else
		return 0;
	while (fcgi_is_blank(*p))
		p++;
	return *p == '\0';
}

int
fcgi_content_type_json(const char *value)
{
	static const char json[] = "application/json";

	if (value == NULL)
		return 0;
	while (fcgi_is_blank(*value))
		value++;
	if (strncasecmp(value, json, sizeof(json) - 1) != 0)
		return 0;
	return fcgi_content_type_params(value + sizeof(json) - 1);
}

/* A parameter's value copied into the arena, or NULL when absent/empty. */
static const char *
fcgi_param(FCGX_ParamArray envp, arena *a, const char *name)
{
	const char *v = FCGX_GetParam(name, envp);

	return v != NULL && *v != '\0' ? arena_strdup(a, v) : NULL;
}

enum fcgi_request_status
fcgi_request_params(FCGX_ParamArray envp, arena *a, struct pipe_request *req)
{
	const char *uri = FCGX_GetParam("REQUEST_URI", envp);
	const char *q;

	req->arena = a;
	req->method = fcgi_param(envp, a, "REQUEST_METHOD");
	if (req->method == NULL || uri == NULL || uri[0] != '/')
		return FCGI_REQUEST_BAD;
	q = strchr(uri, '?');
	req->path = q != NULL ? arena_strndup(a, uri, (size_t)(q - uri)) :
	    arena_strdup(a, uri);
	req->query = arena_strdup(a, q != NULL ? q + 1 : "");
	req->session_token = NULL;   /* fcgi_request_session: needs the config */
	req->csrf_token = fcgi_param(envp, a, "HTTP_X_CSRF_TOKEN");
	req->idempotency_key = fcgi_param(envp, a, "HTTP_IDEMPOTENCY_KEY");
	req->client_addr = NULL;   /* fcgi_request_client: it needs the config */
	req->client_source = NULL;
	req->signature_timestamp = fcgi_param(envp, a, "HTTP_X_PERMIT_TIMESTAMP");
	req->signature = fcgi_param(envp, a, "HTTP_X_PERMIT_SIGNATURE");
	req->body = NULL;
	req->raw_body = NULL;
	req->raw_body_len = 0;
	return FCGI_REQUEST_OK;
}

/* The canonical text of `n` in the arena. */
static const char *
fcgi_addr_text(arena *a, const struct netaddr *n)
{
	char buf[NETADDR_STR];

	netaddr_format(n, buf);
	return arena_strdup(a, buf);
}

const char *
fcgi_client_addr(arena *a, const char *remote, const char *forwarded,
    const char *trusted)
{
	struct netaddr hop, prev;
	const char *end, *b, *e;

	if (remote == NULL)
		return NULL;
	if (netaddr_parse(remote, strlen(remote), &hop) != 0)
		return arena_strdup(a, remote);
	end = forwarded != NULL ? forwarded + strlen(forwarded) : NULL;
	while (end != NULL && netaddr_in_list(trusted, &hop)) {
		/* The entry before `end`, blanks trimmed. */
		for (b = end; b > forwarded && b[-1] != ','; b--)
			;
		e = end;
		end = b > forwarded ? b - 1 : NULL;
		while (b < e && fcgi_is_blank(*b))
			b++;
		while (e > b && fcgi_is_blank(e[-1]))
			e--;
		if (netaddr_parse(b, (size_t)(e - b), &prev) != 0)
			break;
		hop = prev;
	}
	return fcgi_addr_text(a, &hop);
}

const char *
fcgi_request_client(FCGX_ParamArray envp, arena *a, const struct config *cfg)
{
	char name[sizeof("HTTP_") + CONFIG_STR];
	const char *h = cfg->client_addr_header;
	size_t i;

	if (*h == '\0' || *cfg->trusted_proxies == '\0')
		return fcgi_client_addr(a, FCGX_GetParam("REMOTE_ADDR", envp),
		    NULL, NULL);
	memcpy(name, "HTTP_", 5);
	for (i = 0; h[i] != '\0'; i++)
		name[5 + i] = h[i] == '-' ? '_' :
		    (h[i] >= 'a' && h[i] <= 'z') ? (char)(h[i] - 32) : h[i];
	name[5 + i] = '\0';
	return fcgi_client_addr(a, FCGX_GetParam("REMOTE_ADDR", envp),
	    FCGX_GetParam(name, envp), cfg->trusted_proxies);
}

const char *
fcgi_client_source(arena *a, const char *addr)
{
	char buf[NETADDR_SOURCE_STR];

	if (addr == NULL || netaddr_source(addr, buf) != 0)
		return NULL;
	return arena_strdup(a, buf);
}

/* CONTENT_LENGTH: -1 when absent (read to EOF), -2 when malformed. */
static long long
fcgi_content_length(FCGX_ParamArray envp)
{
	const char *v = FCGX_GetParam("CONTENT_LENGTH", envp);
	char *end;
	long long n;

	if (v == NULL || *v == '\0')
		return -1;
	if (*v < '0' || *v > '9')
		return -2;
	errno = 0;
	n = strtoll(v, &end, 10);
	return errno != 0 || *end != '\0' ? -2 : n;
}

/* Reads at most `cap` bytes into buf; the count read. */
static size_t
fcgi_read(FCGX_Stream *in, char *buf, size_t cap)
{
	size_t got = 0;
	int n;

	while (got < cap) {
		n = FCGX_GetStr(buf + got, (int)(cap - got), in);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/*
 * Reads to the end of the stream, at most `cap` bytes, into an arena buffer
 * that grows as bytes come: a request without a declared length (every GET)
 * costs a small buffer to allocate and wipe, not `cap`. The count read in
 * *got; what an outgrown buffer held is wiped with the arena.
 */
static char *
fcgi_read_grow(FCGX_Stream *in, arena *a, size_t cap, size_t *got)
{
	size_t size = cap < FCGI_BODY_FIRST ? cap : FCGI_BODY_FIRST;
	char *buf = arena_alloc(a, size), *bigger;

	*got = fcgi_read(in, buf, size);
	while (*got == size && size < cap) {
		size = size > cap / 2 ? cap : size * 2;
		bigger = arena_alloc(a, size);
		memcpy(bigger, buf, *got);
		buf = bigger;
		*got += fcgi_read(in, buf + *got, size - *got);
	}
	return buf;
}

int
fcgi_request_drained(FCGX_Stream *in)
{
	char scratch[4096];
	size_t left = FCGI_DRAIN_MAX;
	int n;

	while (left > 0 && (n = FCGX_GetStr(scratch,
	    (int)(left < sizeof(scratch) ? left : sizeof(scratch)), in)) > 0)
		left -= (size_t)n;
	if (left < FCGI_DRAIN_MAX)
		sodium_memzero(scratch, sizeof(scratch));   /* request bytes */
	return FCGX_HasSeenEOF(in) == EOF;
}

enum fcgi_request_status
fcgi_request_body(FCGX_Stream *in, FCGX_ParamArray envp, size_t limit,
    struct pipe_request *req)
{
	long long declared = fcgi_content_length(envp);
	size_t cap, got;
	json_error_t jerr;
	char *buf;

	if (declared == -2)
		return FCGI_REQUEST_BAD;
	if (declared > (long long)limit)
		return FCGI_REQUEST_TOO_LARGE;
	if (declared == 0)
		return FCGI_REQUEST_OK;
	/* A declared length is read exactly: a body shorter than it said is
	 * bad, and bytes past it are never taken as body. Without one, one byte
	 * past the limit tells a body that is too large. */
	if (declared > 0) {
		cap = (size_t)declared;
		buf = arena_alloc(req->arena, cap);
		got = fcgi_read(in, buf, cap);
	} else
		buf = fcgi_read_grow(in, req->arena, limit + 1, &got);
	if (got > limit)
		return FCGI_REQUEST_TOO_LARGE;
	if (declared > 0 && got != (size_t)declared)
		return FCGI_REQUEST_BAD;
	if (got == 0)
		return FCGI_REQUEST_OK;
	if (!fcgi_content_type_json(FCGX_GetParam("CONTENT_TYPE", envp)))
		return FCGI_REQUEST_BAD;
	req->raw_body = buf;   /* a signed body is verified byte for byte */
	req->raw_body_len = got;
	req->body = json_loadb(buf, got, JSON_REJECT_DUPLICATES, &jerr);
	if (req->body == NULL || !json_is_object(req->body)) {
		req->body = NULL;
		return FCGI_REQUEST_BAD;
	}
	return FCGI_REQUEST_OK;
}

int
fcgi_request_id(FCGX_ParamArray envp, char out[REQID_SIZE])
{
	return reqid_take(FCGX_GetParam("REQUEST_ID", envp), out);
}

const char *
fcgi_request_session(FCGX_ParamArray envp, arena *a, const struct config *cfg)
{
	return fcgi_cookie(a, FCGX_GetParam("HTTP_COOKIE", envp),
	    config_session_cookie(cfg));
}
