/*
 * app — the domain's face to the edge.
 *
 * fcgi/ parses a request into a struct app_request, looks its route up and
 * calls app_serve(), which runs the route's handler inside one database
 * transaction bound to the principal (DESIGN.md invariant 4), enforcing the
 * maintenance mode (invariant 7), the route's role and the CSRF token first.
 * Handlers fill a struct app_response; fcgi/ writes it.
 *
 * Lifetimes: everything a request points to (strings, the parsed body, the
 * response body, PGresults via arena_defer) lives in the request's arena and
 * dies, wiped, at arena_reset() after the response is written. Jansson's
 * allocator is pointed at that arena by the worker, so json_t values need no
 * decref on the request path (decref is harmless).
 */
#ifndef PERMIT_APP_APP_H
#define PERMIT_APP_APP_H

#include <jansson.h>

#include "core/arena.h"
#include "core/config.h"

struct db;       /* db/db.h */
struct keyring;  /* crypto/keyring.h */

/* Who may call a route. */
enum app_access {
	APP_ACCESS_PUBLIC,    /* anyone; any session cookie is ignored */
	APP_ACCESS_SESSION,   /* any signed-in account */
	APP_ACCESS_CITIZEN,
	APP_ACCESS_REVIEWER,
	APP_ACCESS_ADMIN
};

/* What a route does, for maintenance modes and CSRF. */
enum app_effect {
	APP_EFFECT_READ,
	APP_EFFECT_WRITE
};

/* Maintenance exemptions (invariant 7: exemption never skips binding). */
enum app_scope {
	APP_SCOPE_NORMAL,     /* closed mode answers 503 maintenance */
	APP_SCOPE_ADMIN,      /* every mode for an admin's session (sign-out,
	                         /me); anyone else as NORMAL */
	APP_SCOPE_ALWAYS      /* health, sign-in and admin: every mode (sign-in
	                         itself admits only admins outside normal) */
};

/* The service mode of service_state (invariant 7). */
enum app_mode {
	APP_MODE_NORMAL,
	APP_MODE_READ_ONLY,   /* reads served, writes answered 503 maintenance */
	APP_MODE_CLOSED       /* only APP_SCOPE_ALWAYS routes answered */
};

enum app_role {
	APP_ROLE_NONE,        /* anonymous */
	APP_ROLE_CITIZEN,
	APP_ROLE_REVIEWER,
	APP_ROLE_ADMIN
};

/* The account a transaction runs as. Strings live in the request arena. */
struct app_principal {
	enum app_role role;
	const char *account_id;   /* UUID text, NULL when anonymous */
	const char *office;       /* office code for reviewers, else NULL */
	const char *email;        /* opened only when a handler needs it, else NULL */
};

/* Per-worker context: built after fork, lives until the worker exits. */
struct app_ctx {
	const struct config *cfg;
	const struct keyring *keys;
	struct db *db;
};

#define APP_MAX_PARAMS 2

struct app_request {
	arena *arena;                     /* owns everything below */
	const char *method;
	const char *path;
	const char *query;                /* raw query string, "" when none */
	const char *params[APP_MAX_PARAMS]; /* route captures: {id}, {code} */
	json_t *body;                     /* a JSON object, or NULL without a body */
	const char *session_token;        /* permit_session cookie, or NULL */
	const char *csrf_token;           /* X-CSRF-Token header, or NULL */
	const char *idempotency_key;      /* Idempotency-Key header, or NULL */
	const char *client_addr;          /* REMOTE_ADDR as the web server saw it */
	enum app_mode mode;               /* set by app_serve() from this
	                                   * transaction before the handler runs;
	                                   * fcgi/ leaves it 0 */
};

struct app_response {
	int status;
	json_t *body;             /* NULL for 204 */
	const char *set_cookie;   /* a full Set-Cookie value, or NULL */
	int retry_after;          /* > 0: send Retry-After */
};

/*
 * A handler runs inside the transaction app_serve() opened, as `who`.
 * It fills `res` and returns 0; any status >= 400 rolls the transaction back.
 * It returns -1 only when the database failed; app_serve() then answers 503
 * unavailable or 500 internal itself.
 */
typedef int app_handler(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, struct app_response *res);

struct app_route {
	const char *method;
	const char *pattern;      /* "/api/v1/applications/{id}" */
	app_handler *handler;
	enum app_access access;
	enum app_effect effect;
	enum app_scope scope;
	/*
	 * The body of this route's 503 when the database cannot be reached, or
	 * NULL for API.md's {"error":{"code":"unavailable",...}}. Health uses it
	 * to answer {"status":"unavailable"}. Called with the request's arena as
	 * Jansson's allocator; must not touch the database.
	 */
	json_t *(*unavailable_body)(void);
};

/*
 * Serves one routed request: begins the transaction, reads the maintenance
 * mode, resolves and binds the principal, checks role and CSRF, runs the
 * handler, commits or rolls back. Always fills `res` (errors as API.md).
 */
void app_serve(struct app_ctx *ctx, const struct app_route *route,
    const struct app_request *req, struct app_response *res);

/*
 * Fills `res` with API.md's error body. `code` and `message` must be static
 * strings that carry no request data; `field` is a dotted path or NULL.
 */
void app_error(struct app_response *res, int status, const char *code,
    const char *message, const char *field);

/* Fills `res` with 503 maintenance and Retry-After: a static body. */
void app_maintenance(const struct app_ctx *ctx, struct app_response *res);

#endif
