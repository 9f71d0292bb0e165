/*
 * scrape_parse — one HTTP/1.x request, strictly (contract in
 * scrape_parse.h). Every reader takes a cursor and the end, and moves the
 * cursor only over what it accepted.
 */
#include "fcgi/scrape_parse.h"

#include <string.h>
#include <strings.h>

#define FCGI_SCRAPE_METHOD_MAX 16

struct fcgi_cursor {
	const char *p, *end;
};

/* 1 when the cursor's next bytes are `s`, which it then passes. */
static int
fcgi_scrape_lit(struct fcgi_cursor *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		return 0;
	c->p += n;
	return 1;
}

/* An RFC 9110 tchar. */
static int
fcgi_scrape_tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || (ch != '\0' && strchr("!#$%&'*+-.^_`|~",
	    ch) != NULL);
}

/* The run of bytes from the cursor that `ok` admits, at most `max`:
 * its length (0: none). */
static size_t
fcgi_scrape_run(struct fcgi_cursor *c, int (*ok)(unsigned char), size_t max)
{
	const char *start = c->p;

	while (c->p < c->end && (size_t)(c->p - start) < max &&
	    ok((unsigned char)*c->p))
		c->p++;
	return (size_t)(c->p - start);
}

static int
fcgi_scrape_upper(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z';
}

static int
fcgi_scrape_vchar(unsigned char ch)
{
	return ch > 0x20 && ch < 0x7f;
}

/* A header value's byte: visible ASCII, space or tab. */
static int
fcgi_scrape_vbyte(unsigned char ch)
{
	return fcgi_scrape_vchar(ch) || ch == ' ' || ch == '\t';
}

/* The request line: the method's and the target's spans. 0, or -1. */
static int
fcgi_scrape_line(struct fcgi_cursor *c, struct fcgi_cursor *method,
    struct fcgi_cursor *target)
{
	method->p = c->p;
	if (fcgi_scrape_run(c, fcgi_scrape_upper, FCGI_SCRAPE_METHOD_MAX) == 0)
		return -1;
	method->end = c->p;
	if (!fcgi_scrape_lit(c, " "))
		return -1;
	target->p = c->p;
	if (fcgi_scrape_run(c, fcgi_scrape_vchar, FCGI_SCRAPE_MAX) == 0)
		return -1;
	target->end = c->p;
	if (!fcgi_scrape_lit(c, " ") ||
	    !(fcgi_scrape_lit(c, "HTTP/1.1") || fcgi_scrape_lit(c, "HTTP/1.0")))
		return -1;
	return fcgi_scrape_lit(c, "\r\n") ? 0 : -1;
}

/* 1 when the span is `s`, case-insensitively. */
static int
fcgi_scrape_is(const struct fcgi_cursor *span, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(span->end - span->p) == n &&
	    strncasecmp(span->p, s, n) == 0;
}

/* One header line: 0, or -1 when malformed or announcing a body. */
static int
fcgi_scrape_header(struct fcgi_cursor *c)
{
	struct fcgi_cursor name = { c->p, NULL }, value;

	if (fcgi_scrape_run(c, fcgi_scrape_tchar, FCGI_SCRAPE_MAX) == 0)
		return -1;
	name.end = c->p;
	if (!fcgi_scrape_lit(c, ":"))
		return -1;
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
	value.p = c->p;
	(void)fcgi_scrape_run(c, fcgi_scrape_vbyte, FCGI_SCRAPE_MAX);
	value.end = c->p;
	while (value.end > value.p &&
	    (value.end[-1] == ' ' || value.end[-1] == '\t'))
		value.end--;
	if (!fcgi_scrape_lit(c, "\r\n"))
		return -1;
	if (fcgi_scrape_is(&name, "transfer-encoding"))
		return -1;
	if (fcgi_scrape_is(&name, "content-length") &&
	    !fcgi_scrape_is(&value, "0"))
		return -1;
	return 0;
}

/* Where the first empty line starts ("\r\n\r\n"), or NULL; *bare set
 * when an LF without its CR comes first (refused before the head ends). */
static const char *
fcgi_scrape_head_end(const char *buf, size_t len, int *bare)
{
	*bare = 0;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r')) {
			*bare = 1;
			return NULL;
		}
		if (i + 4 <= len && memcmp(buf + i, "\r\n\r\n", 4) == 0)
			return buf + i;
	}
	return NULL;
}

enum fcgi_scrape_verdict
fcgi_scrape_parse(const char *buf, size_t len)
{
	const char *head_end;
	struct fcgi_cursor c, method, target;
	int bare;

	if (len > FCGI_SCRAPE_MAX)
		len = FCGI_SCRAPE_MAX;
	head_end = fcgi_scrape_head_end(buf, len, &bare);
	if (head_end == NULL)
		return bare || len >= FCGI_SCRAPE_MAX ? FCGI_SCRAPE_BAD :
		    FCGI_SCRAPE_MORE;
	c.p = buf;
	c.end = head_end + 2;   /* the last header's CRLF included */
	if (fcgi_scrape_line(&c, &method, &target) != 0)
		return FCGI_SCRAPE_BAD;
	while (c.p < c.end)
		if (fcgi_scrape_header(&c) != 0)
			return FCGI_SCRAPE_BAD;
	if (!(method.end - method.p == 3 && memcmp(method.p, "GET", 3) == 0))
		return FCGI_SCRAPE_BAD_METHOD;
	if (target.end - target.p == 8 && memcmp(target.p, "/metrics", 8) == 0)
		return FCGI_SCRAPE_METRICS;
	return FCGI_SCRAPE_NOT_FOUND;
}
