/*
 * fuzz_router — libFuzzer over the router (fcgi/router.c) with the table
 * permitd answers (app/routes.c): a method and a path to a route and its
 * captures, and the path parameters' first readers (pipe_param_uuid, an
 * office code's shape).
 *
 * An input is a request line: the method, a space, the path (what follows
 * a second space, "HTTP/1.1" say, is dropped).
 *
 * Invariants: a route found has the method asked for, and its pattern with
 * each {capture} replaced by the capture gives back the path exactly;
 * captures are non-empty, hold no '/', one per capture of the pattern
 * (the rest NULL); no later route of the table also matches (the table is
 * unambiguous); 405 names in Allow exactly the methods that have a route for
 * the path, never the one asked; 404 means no method has one; a path over
 * FCGI_PATH_MAX is 404.
 */
#include "tests/fuzz/fuzz.h"

#include "app/offices.h"
#include "app/routes.h"
#include "core/validate.h"
#include "fcgi/router.h"

static const char *const fz_methods[] = {
	"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS",
};
#define FZ_NMETHODS (sizeof(fz_methods) / sizeof(fz_methods[0]))

static const struct pipe_route *fz_table;
static size_t fz_n;

static void
fz_init(void)
{
	fz_table = app_routes(&fz_n);
}

static enum fcgi_route_status
fz_route(const struct pipe_route *table, size_t n, const char *method,
    const char *path, const struct pipe_route **out,
    const char *params[PIPE_MAX_PARAMS], const char **allow)
{
	return fcgi_route(table, n, fuzz_arena, method, path, out, params,
	    allow);
}

/* The pattern with its captures filled in: the path it was matched with. */
static void
fz_check_captures(const struct pipe_route *r, const char *path,
    const char *const params[PIPE_MAX_PARAMS])
{
	const char *p = r->pattern, *s = path, *close;
	int k = 0;

	while (*p != '\0') {
		if (*p != '{') {
			FUZZ_CHECK(*s == *p);
			p++;
			s++;
			continue;
		}
		close = strchr(p, '}');
		FUZZ_CHECK(close != NULL && k < PIPE_MAX_PARAMS);
		FUZZ_CHECK(params[k] != NULL && *params[k] != '\0' &&
		    strchr(params[k], '/') == NULL);
		FUZZ_CHECK(strncmp(s, params[k], strlen(params[k])) == 0);
		s += strlen(params[k++]);
		p = close + 1;
	}
	FUZZ_CHECK(*s == '\0');
	for (; k < PIPE_MAX_PARAMS; k++)
		FUZZ_CHECK(params[k] == NULL);
}

/* What the handlers first make of captures: an id, an office, a day. */
static void
fz_check_params(const struct pipe_route *r, const char *const *params)
{
	struct pipe_request req = { .arena = fuzz_arena };
	const char *id;
	struct validate_date d;

	for (int k = 0; k < PIPE_MAX_PARAMS; k++)
		req.params[k] = params[k];
	for (int k = 0; k < PIPE_MAX_PARAMS; k++) {
		id = pipe_param_uuid(&req, k);
		FUZZ_CHECK(id == NULL || (id == params[k] &&
		    validate_uuid(id) == VALIDATE_OK &&
		    strlen(id) == VALIDATE_UUID_LEN));
	}
	if (strstr(r->pattern, "{code}") != NULL &&
	    app_office_code_valid(params[0])) {
		size_t len = strlen(params[0]);

		FUZZ_CHECK(len == 3 || (len == 7 && params[0][3] == '-'));
	}
	if (strstr(r->pattern, "{date}") != NULL &&
	    validate_date_parse(params[1], &d) == VALIDATE_OK)
		FUZZ_CHECK(strlen(params[1]) == 10);
}

/* Whether `m` is one of the ", "-separated methods of `allow`. */
static int
fz_allowed(const char *allow, const char *m)
{
	size_t len = strlen(m);

	for (const char *p = allow; p != NULL; p = strstr(p, ", ")) {
		if (*p == ',')
			p += 2;
		if (strncmp(p, m, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *params[PIPE_MAX_PARAMS], *other[PIPE_MAX_PARAMS];
	const char *allow = NULL, *unused;
	const struct pipe_route *r, *again;
	enum fcgi_route_status st;
	char *line[3];
	size_t i;

	(void)fuzz_split(data, size, ' ', line, 3);
	st = fz_route(fz_table, fz_n, line[0], line[1], &r, params, &allow);
	if (strlen(line[1]) > FCGI_PATH_MAX)
		FUZZ_CHECK(st == FCGI_ROUTE_NOT_FOUND);
	switch (st) {
	case FCGI_ROUTE_OK:
		FUZZ_CHECK(strcmp(r->method, line[0]) == 0);
		fz_check_captures(r, line[1], params);
		fz_check_params(r, params);
		i = (size_t)(r - fz_table) + 1;
		FUZZ_CHECK(fz_route(fz_table + i, fz_n - i, line[0], line[1],
		    &again, other, &unused) != FCGI_ROUTE_OK);
		break;
	case FCGI_ROUTE_BAD_METHOD:
		FUZZ_CHECK(allow != NULL && !fz_allowed(allow, line[0]));
		for (i = 0; i < FZ_NMETHODS; i++)
			FUZZ_CHECK(fz_allowed(allow, fz_methods[i]) ==
			    (fz_route(fz_table, fz_n, fz_methods[i], line[1],
			    &again, other, &unused) == FCGI_ROUTE_OK));
		break;
	case FCGI_ROUTE_NOT_FOUND:
		for (i = 0; i < FZ_NMETHODS; i++)
			FUZZ_CHECK(fz_route(fz_table, fz_n, fz_methods[i],
			    line[1], &again, other, &unused) ==
			    FCGI_ROUTE_NOT_FOUND);
		break;
	}
	fuzz_done();
	return 0;
}
