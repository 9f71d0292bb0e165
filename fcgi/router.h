/*
 * router — method + path to a route of the table.
 *
 * Patterns are literal paths whose segments may be a capture, "{name}",
 * which matches one non-empty segment (no '/'). Matching is exact: no
 * trailing-slash folding, no decoding; captures are handed over raw and the
 * handler validates them (a percent-encoded id simply fails validation).
 */
#ifndef PERMIT_FCGI_ROUTER_H
#define PERMIT_FCGI_ROUTER_H

#include <stddef.h>

#include "pipe/pipe.h"

/* Longer paths are not looked up at all (404). */
#define FCGI_PATH_MAX 1024

enum fcgi_route_status {
	FCGI_ROUTE_OK = 0,
	FCGI_ROUTE_NOT_FOUND,     /* 404: no pattern matches the path */
	FCGI_ROUTE_BAD_METHOD     /* 405: the path matches, with other methods */
};

/*
 * Looks `method` `path` up in table[n]. FCGI_ROUTE_OK: *out is the route and
 * params[] its captures in pattern order (arena strings; unused ones NULL).
 * FCGI_ROUTE_BAD_METHOD: *allow is the Allow header value ("GET, POST"),
 * an arena string. Nothing is written on NOT_FOUND.
 */
enum fcgi_route_status fcgi_route(const struct pipe_route *table, size_t n,
    arena *a, const char *method, const char *path,
    const struct pipe_route **out, const char *params[PIPE_MAX_PARAMS],
    const char **allow);

#endif
