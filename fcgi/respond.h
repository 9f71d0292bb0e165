/*
 * respond — a struct pipe_response onto the FastCGI output stream.
 *
 * Every response, error or not, carries the headers of docs/DESIGN.md
 * invariant 6 (no-store, Vary: Cookie, nosniff, no-referrer, a deny-all CSP, DENY framing),
 * Content-Type: application/json; charset=utf-8, and X-Request-Id: the
 * request's id (core/reqid.h), the one its log lines and the web server's
 * access log name.
 */
#ifndef PERMIT_FCGI_RESPOND_H
#define PERMIT_FCGI_RESPOND_H

#include <fcgiapp.h>

#include "pipe/pipe.h"

/*
 * The CGI response head for `res` (status line, headers, blank line) with
 * `body_len` as Content-Length, `allow` as Allow when not NULL, and
 * `request_id` as X-Request-Id (left out, and logged, unless reqid_valid).
 * An arena string.
 */
const char *fcgi_respond_head(arena *a, const struct pipe_response *res,
    const char *allow, const char *request_id, size_t body_len);

/*
 * Writes `res` to `out`: the head, then the body as compact JSON. 0, or -1
 * when the web server went away (nothing more can be sent).
 */
int fcgi_respond(FCGX_Stream *out, arena *a, const struct pipe_response *res,
    const char *allow, const char *request_id);

/*
 * The statuses permitd answers, as slots for the metrics (core/metrics.h):
 * the slot of `status`, one past the last listed status for any other; and
 * the status of a slot (0 for that last one).
 */
size_t fcgi_status_slot(int status);
int fcgi_status_of_slot(size_t slot);

#endif
