/*
 * fuzz_scrape — libFuzzer over the metrics listener's request parser
 * (fcgi_scrape_parse), whose input is whatever reaches metrics_listen.
 *
 * An input is the bytes read from the connection so far.
 *
 * Invariants:
 *   - a verdict other than MORE is final: every longer input that starts
 *     with the same bytes gets the same verdict (so a request read in
 *     pieces is judged as one read at once), and MORE only while under
 *     FCGI_SCRAPE_MAX with no empty line and no bare LF;
 *   - an admitted head (METRICS, NOT_FOUND, BAD_METHOD) is within
 *     FCGI_SCRAPE_MAX, has no NUL, control byte or bare CR/LF, and starts
 *     with an upper-case method and one space; METRICS is exactly
 *     "GET /metrics HTTP/1.x", NOT_FOUND a GET of anything else,
 *     BAD_METHOD any other method;
 *   - a body is never admitted: a Transfer-Encoding or a non-zero
 *     Content-Length header added after the request line makes it BAD,
 *     while "Content-Length: 0" or an unrelated header changes nothing.
 */
#include "tests/fuzz/fuzz.h"

#include "fcgi/scrape_parse.h"

static void
fz_init(void)
{
}

/* The verdict on `n` bytes of `s`. */
static enum fcgi_scrape_verdict
fz_parse(const char *s, size_t n)
{
	return fcgi_scrape_parse(s, n);
}

/* Where "\r\n\r\n" first starts in buf[0..len), or -1. */
static long
fz_empty_line(const char *buf, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0)
			return (long)i;
	return -1;
}

/* 1 when buf[0..len) has an LF without its CR before it. */
static int
fz_bare_lf(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r'))
			return 1;
	return 0;
}

/* MORE: nothing final yet, and nothing that would have been refused. */
static void
fz_check_more(const char *buf, size_t len)
{
	FUZZ_CHECK(len < FCGI_SCRAPE_MAX);
	FUZZ_CHECK(fz_empty_line(buf, len) < 0);
	FUZZ_CHECK(!fz_bare_lf(buf, len));
}

/* An admitted head: its bytes and its request line's shape. */
static void
fz_check_head(const char *buf, size_t len, enum fcgi_scrape_verdict v)
{
	long end = fz_empty_line(buf, len);
	size_t m = 0;

	FUZZ_CHECK(end >= 0 && (size_t)end + 4 <= FCGI_SCRAPE_MAX);
	for (long i = 0; i < end + 2; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch == '\r')
			FUZZ_CHECK(buf[i + 1] == '\n');
		else if (ch == '\n')
			FUZZ_CHECK(i > 0 && buf[i - 1] == '\r');
		else
			FUZZ_CHECK(ch == '\t' || (ch >= 0x20 && ch < 0x7f));
	}
	while (buf[m] >= 'A' && buf[m] <= 'Z')
		m++;
	FUZZ_CHECK(m > 0 && buf[m] == ' ');
	FUZZ_CHECK((v == FCGI_SCRAPE_METRICS) ==
	    (strncmp(buf, "GET /metrics HTTP/1.1\r\n", 23) == 0 ||
	    strncmp(buf, "GET /metrics HTTP/1.0\r\n", 23) == 0));
	if (v == FCGI_SCRAPE_NOT_FOUND)
		FUZZ_CHECK(m == 3 && strncmp(buf, "GET ", 4) == 0);
	if (v == FCGI_SCRAPE_BAD_METHOD)
		FUZZ_CHECK(!(m == 3 && strncmp(buf, "GET ", 4) == 0));
}

/* The input with `header` (a whole line, CRLF included) after its request
 * line, in *out; 0, or -1 when it would be over FCGI_SCRAPE_MAX. */
static int
fz_with_header(const char *buf, size_t len, const char *header,
    enum fcgi_scrape_verdict *out)
{
	const char *eol = strstr(buf, "\r\n");
	size_t line, hl = strlen(header);
	char *s;

	if (len + hl > FCGI_SCRAPE_MAX || eol == NULL)
		return -1;
	line = (size_t)(eol - buf) + 2;
	s = arena_alloc(fuzz_arena, len + hl);
	memcpy(s, buf, line);
	memcpy(s + line, header, hl);
	memcpy(s + line + hl, buf + line, len - line);
	*out = fz_parse(s, len + hl);
	return 0;
}

/* No body is ever admitted, and an unrelated header changes nothing. */
static void
fz_check_no_body(const char *buf, size_t len, enum fcgi_scrape_verdict v)
{
	static const char *const body[] = {
		"Transfer-Encoding: chunked\r\n", "content-length: 12\r\n",
	};
	static const char *const inert[] = {
		"Content-Length: 0\r\n", "X-Scraper: fz\r\n",
	};
	enum fcgi_scrape_verdict w;

	for (size_t i = 0; i < sizeof(body) / sizeof(body[0]); i++)
		if (fz_with_header(buf, len, body[i], &w) == 0)
			FUZZ_CHECK(w == FCGI_SCRAPE_BAD);
	for (size_t i = 0; i < sizeof(inert) / sizeof(inert[0]); i++)
		if (fz_with_header(buf, len, inert[i], &w) == 0)
			FUZZ_CHECK(w == v);
}

/* A final verdict stays: for prefixes, and with more bytes after. */
static void
fz_check_final(const char *buf, size_t len, enum fcgi_scrape_verdict v)
{
	static const char more[] = "GET / HTTP/1.1\r\n\r\n\n\0";
	char *s;

	for (size_t k = 1; k <= 8; k++) {
		enum fcgi_scrape_verdict p = fz_parse(buf, len * k / 8);

		FUZZ_CHECK(p == FCGI_SCRAPE_MORE || p == v);
	}
	if (v == FCGI_SCRAPE_MORE)
		return;
	s = arena_alloc(fuzz_arena, len + sizeof(more));
	memcpy(s, buf, len);
	memcpy(s + len, more, sizeof(more));
	FUZZ_CHECK(fz_parse(s, len + sizeof(more)) == v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* One byte more, NUL, so the checks may use the string functions
	 * the parser itself may not. */
	char *buf = arena_alloc(fuzz_arena, size + 1);
	enum fcgi_scrape_verdict v;

	memcpy(buf, data, size);
	buf[size] = '\0';
	v = fz_parse(buf, size);
	fz_check_final(buf, size, v);
	if (v == FCGI_SCRAPE_MORE)
		fz_check_more(buf, size);
	else if (v != FCGI_SCRAPE_BAD) {
		fz_check_head(buf, size, v);
		fz_check_no_body(buf, size, v);
	}
	fuzz_done();
	return 0;
}
