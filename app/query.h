/*
 * query — a request's query string as name/value pairs.
 *
 * Pairs are split on '&', names from values on the first '=', and both are
 * percent-decoded ('+' is a space, as in HTML forms). Everything lives in
 * the request arena.
 */
#ifndef PERMIT_APP_QUERY_H
#define PERMIT_APP_QUERY_H

#include <stddef.h>

#include "core/arena.h"

struct app_query_pair {
	const char *name;
	const char *value;
};

struct app_query {
	size_t n;
	struct app_query_pair *pairs;
};

/*
 * Parses `raw` (without the '?'; "" is no pairs) into *out. -1 when it is
 * malformed: a bad %XX escape, an encoded NUL, a pair without '=', an empty
 * name, or a name given twice.
 */
int app_query_parse(arena *a, const char *raw, struct app_query *out);

/* The value of `name`, or NULL when absent. */
const char *app_query_get(const struct app_query *q, const char *name);

/* The first name not in the NULL-terminated `known`, or NULL if none. */
const char *app_query_unknown(const struct app_query *q,
    const char *const *known);

#endif
