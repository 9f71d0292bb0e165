#include "fcgi/router.h"

#include <string.h>

struct fcgi_capture {
	const char *p;
	size_t len;
};

/* Number of captures when `path` matches `pattern`, else -1. */
static int
fcgi_route_match(const char *pattern, const char *path,
    struct fcgi_capture caps[PIPE_MAX_PARAMS])
{
	const char *p = pattern, *s = path, *close;
	int ncaps = 0;
	size_t len;

	while (*p != '\0') {
		if (*p != '{') {
			if (*p++ != *s++)
				return -1;
			continue;
		}
		if ((close = strchr(p, '}')) == NULL || ncaps == PIPE_MAX_PARAMS)
			return -1;
		if ((len = strcspn(s, "/")) == 0)
			return -1;
		caps[ncaps].p = s;
		caps[ncaps++].len = len;
		p = close + 1;
		s += len;
	}
	return *s == '\0' ? ncaps : -1;
}

/* "GET, POST": the methods of every route whose pattern matches `path`. */
static const char *
fcgi_route_allow(const struct pipe_route *table, size_t n, arena *a,
    const char *path)
{
	struct fcgi_capture caps[PIPE_MAX_PARAMS];
	const char *allow = NULL;

	for (size_t i = 0; i < n; i++) {
		if (fcgi_route_match(table[i].pattern, path, caps) < 0)
			continue;
		allow = allow == NULL ? table[i].method :
		    arena_printf(a, "%s, %s", allow, table[i].method);
	}
	return allow;
}

enum fcgi_route_status
fcgi_route(const struct pipe_route *table, size_t n, arena *a,
    const char *method, const char *path, const struct pipe_route **out,
    const char *params[PIPE_MAX_PARAMS], const char **allow)
{
	struct fcgi_capture caps[PIPE_MAX_PARAMS];
	int ncaps;

	if (strnlen(path, FCGI_PATH_MAX + 1) > FCGI_PATH_MAX)
		return FCGI_ROUTE_NOT_FOUND;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(table[i].method, method) != 0 ||
		    (ncaps = fcgi_route_match(table[i].pattern, path, caps)) < 0)
			continue;
		for (int k = 0; k < PIPE_MAX_PARAMS; k++)
			params[k] = k < ncaps ?
			    arena_strndup(a, caps[k].p, caps[k].len) : NULL;
		*out = &table[i];
		return FCGI_ROUTE_OK;
	}
	if ((*allow = fcgi_route_allow(table, n, a, path)) != NULL)
		return FCGI_ROUTE_BAD_METHOD;
	return FCGI_ROUTE_NOT_FOUND;
}
