/*
 * query — a request's query string as name/value pairs.
 *
 * Pairs are split on '&', names from values on the first '=', and both are
 * percent-decoded ('+' is a space, as in HTML forms). Everything lives in
 * the request arena.
 */
#ifndef PERMIT_PIPE_QUERY_H
#define PERMIT_PIPE_QUERY_H

#include <stddef.h>

#include "core/arena.h"
#include "pipe/invalid.h"

struct pipe_query_pair {
	const char *name;
	const char *value;
};

struct pipe_query {
	size_t n;
	struct pipe_query_pair *pairs;
};

/*
 * Parses `raw` (without the '?'; "" is no pairs) into *out. -1 when it is
 * malformed: a bad %XX escape, an encoded NUL, a name or value (decoded)
 * that is not UTF-8, a pair without '=', an empty name, or a name given
 * twice. So every name can be named in a 422's JSON.
 */
int pipe_query_parse(arena *a, const char *raw, struct pipe_query *out);

/* The value of `name`, or NULL when absent. */
const char *pipe_query_get(const struct pipe_query *q, const char *name);

/* The first name not in the NULL-terminated `known`, or NULL if none. */
const char *pipe_query_unknown(const struct pipe_query *q,
    const char *const *known);

/* Reports every name not in `known` into `inv` (unknown_field, the
 * parameter's name as the field): 0 when there is none, else -1. */
int pipe_query_known(struct pipe_invalid *inv, const struct pipe_query *q,
    const char *const *known);

#endif
