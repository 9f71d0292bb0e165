/*
 * scrape_parse — the metrics listener's reading of one HTTP/1.x request
 * (fcgi/exporter.h): a strict, small parser that admits exactly
 * `GET /metrics`. Its input is untrusted (whoever reaches metrics_listen),
 * so it reads nothing past `len`, allocates nothing, and keeps no state
 * between calls: the caller hands it everything read so far.
 *
 * A request is a request line and header lines, each ending CRLF, then an
 * empty line, all within FCGI_SCRAPE_MAX bytes:
 *   - the method is upper-case letters; the target visible ASCII; the
 *     version HTTP/1.0 or HTTP/1.1; single spaces between them;
 *   - a header is a token, a colon and a value of visible ASCII, spaces
 *     and tabs; no line folding, no bare CR or LF, no NUL;
 *   - no body: Transfer-Encoding, or a Content-Length other than 0, is
 *     refused.
 */
#ifndef PERMIT_FCGI_SCRAPE_PARSE_H
#define PERMIT_FCGI_SCRAPE_PARSE_H

#include <stddef.h>

/* The request line and headers, in bytes, at most. */
#define FCGI_SCRAPE_MAX 4096

enum fcgi_scrape_verdict {
	FCGI_SCRAPE_MORE = 0,     /* no empty line yet, under the limit */
	FCGI_SCRAPE_METRICS,      /* GET /metrics: 200 with the metrics */
	FCGI_SCRAPE_NOT_FOUND,    /* GET of any other target: 404 */
	FCGI_SCRAPE_BAD_METHOD,   /* any other method: 405, Allow: GET */
	FCGI_SCRAPE_BAD           /* anything else: 400, then close */
};

/* The verdict on buf[0..len), everything read from the connection so
 * far. Bytes after the empty line are not looked at. */
enum fcgi_scrape_verdict fcgi_scrape_parse(const char *buf, size_t len);

#endif
