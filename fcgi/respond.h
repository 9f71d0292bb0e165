/*
 * respond — a struct pipe_response onto the FastCGI output stream.
 *
 * Every response, error or not, carries the headers of docs/DESIGN.md
 * invariant 6 (no-store, Vary: Cookie, nosniff, no-referrer, a deny-all CSP,
 * DENY framing) and Content-Type: application/json; charset=utf-8.
 */
#ifndef PERMIT_FCGI_RESPOND_H
#define PERMIT_FCGI_RESPOND_H

#include <fcgiapp.h>

#include "pipe/pipe.h"

/*
 * The CGI response head for `res` (status line, headers, blank line) with
 * `body_len` as Content-Length, and `allow` as Allow when not NULL. An
 * arena string.
 */
const char *fcgi_respond_head(arena *a, const struct pipe_response *res,
    const char *allow, size_t body_len);

/*
 * Writes `res` to `out`: the head, then the body as compact JSON. 0, or -1
 * when the web server went away (nothing more can be sent).
 */
int fcgi_respond(FCGX_Stream *out, arena *a, const struct pipe_response *res,
    const char *allow);

#endif
