/*
 * pipe — the request pipeline every route passes through: the corridor
 * between the edge (fcgi/) and the resources (app/).
 *
 * fcgi/ parses a request into a struct pipe_request, looks its route up in
 * app/routes.c and calls pipe_serve(), which runs the route's handler inside
 * one database transaction bound to the principal (docs/DESIGN.md
 * invariant 4), enforcing the maintenance mode (docs/DESIGN.md invariant 7),
 * the route's role and the CSRF token first. Handlers fill a struct
 * pipe_response; fcgi/ writes it.
 *
 * Lifetimes: everything a request points to (strings, the parsed body, the
 * response body, PGresults via arena_defer) lives in the request's arena and
 * dies, wiped, at arena_reset() after the response is written. Jansson's
 * allocator is pointed at that arena by the worker, so json_t values need no
 * decref on the request path (decref is harmless).
 */
#ifndef PERMIT_PIPE_PIPE_H
#define PERMIT_PIPE_PIPE_H

#include <jansson.h>

#include "core/arena.h"
#include "core/config.h"

#include "db/db.h"

struct keyring;  /* crypto/keyring.h */
struct pipe_limits;  /* pipe/limit.h */

/* Who may call a route. */
enum pipe_access {
	PIPE_ACCESS_PUBLIC,    /* anyone; any session cookie is ignored */
	PIPE_ACCESS_SESSION,   /* any signed-in account */
	PIPE_ACCESS_CITIZEN,
	PIPE_ACCESS_REVIEWER,
	PIPE_ACCESS_ADMIN
};

/*
 * What a route's requests count against (pipe/limit.h, limits configured in
 * core/config.h), before any expensive work; 429 rate_limited when over.
 */
enum pipe_limit {
	PIPE_LIMIT_NONE,
	PIPE_LIMIT_REGISTRATION,  /* attempts per client address */
	PIPE_LIMIT_SIGNIN,        /* failures per client address and per the
	                           * route's subject (the email's account);
	                           * a success gives its counts back */
	PIPE_LIMIT_SUBMISSION,    /* attempts per account */
	PIPE_LIMIT_BOOKING,       /* attempts per account */
	PIPE_LIMIT_REVIEW_OPEN    /* openings per reviewer; one refused also
	                           * flags the reviewer */
};

/* What a route does, for maintenance modes and CSRF. */
enum pipe_effect {
	PIPE_EFFECT_READ,
	PIPE_EFFECT_WRITE
};

/* Maintenance exemptions (docs/DESIGN.md invariant 7: exemption never
 * skips binding). */
enum pipe_scope {
	PIPE_SCOPE_NORMAL,     /* closed mode answers 503 maintenance */
	PIPE_SCOPE_ADMIN,      /* every mode for an admin's session (sign-out,
	                         /me, the admin routes); anyone else as NORMAL */
	PIPE_SCOPE_ALWAYS      /* health and sign-in: every mode (sign-in
	                         itself admits only admins outside normal) */
};

/* The service mode of service_state (docs/DESIGN.md invariant 7). */
enum pipe_mode {
	PIPE_MODE_NORMAL,
	PIPE_MODE_READ_ONLY,   /* reads served, writes answered 503 maintenance */
	PIPE_MODE_CLOSED       /* only PIPE_SCOPE_ALWAYS routes answered */
};

enum pipe_role {
	PIPE_ROLE_NONE,        /* anonymous */
	PIPE_ROLE_CITIZEN,
	PIPE_ROLE_REVIEWER,
	PIPE_ROLE_ADMIN
};

/* The account a transaction runs as. Strings live in the request arena. */
struct pipe_principal {
	enum pipe_role role;
	const char *account_id;   /* UUID text, NULL when anonymous */
	const char *office;       /* office code for reviewers, else NULL */
	const char *email;        /* opened only when a handler needs it, else NULL */
};

/* Per-worker context: built after fork, lives until the worker exits. */
struct pipe_ctx {
	const struct config *cfg;
	const struct keyring *keys;
	struct db *db;
};

#define PIPE_MAX_PARAMS 2

struct pipe_request {
	arena *arena;                     /* owns everything below */
	const char *method;
	const char *path;
	const char *query;                /* raw query string, "" when none */
	const char *params[PIPE_MAX_PARAMS]; /* route captures: {id}, {code} */
	json_t *body;                     /* a JSON object, or NULL without a body */
	const char *raw_body;             /* the body's bytes as received (what
	                                   * a signature covers), or NULL */
	size_t raw_body_len;
	const char *signature_timestamp;  /* X-Permit-Timestamp, or NULL */
	const char *signature;            /* X-Permit-Signature, or NULL */
	const char *session_token;        /* permit_session cookie, or NULL */
	const char *csrf_token;           /* X-CSRF-Token header, or NULL */
	const char *idempotency_key;      /* Idempotency-Key header, or NULL */
	const char *client_addr;          /* the client's address (fcgi/request.h:
	                                   * REMOTE_ADDR, or behind a trusted
	                                   * proxy the forwarded one), or NULL */
	const char *client_source;        /* what per-address limits and flag
	                                   * rules count: client_addr, or its
	                                   * /64 (core/netaddr.h), or NULL */
	enum pipe_mode mode;              /* set by pipe_serve() before the
	                                   * handler runs: the mode the request
	                                   * is served in (pipe_mode_served), from
	                                   * this transaction's binding and
	                                   * db_read_only; fcgi/ leaves it 0 */
	int db_read_only;                 /* set by pipe_serve(): the request's
	                                   * connection is to a server that
	                                   * refuses writes (db_read_only) */
	const char *mode_message;         /* the admin's maintenance message
	                                   * the same binding read, or NULL */
	const struct db_call *prefetched; /* set by pipe_serve(): the route's
	                                   * prefetched reads (pipe_prefetched) */
	int nprefetched;
	const struct pipe_limits *limits; /* set by pipe_serve(): the route's
	                                   * rate-limit counts (pipe/limit.h) */
};

struct pipe_response {
	int status;
	json_t *body;             /* NULL for 204 */
	const char *set_cookie;   /* a full Set-Cookie value, or NULL */
	int retry_after;          /* > 0: send Retry-After */
	unsigned flights;         /* database round trips it took (pipe_serve) */
	double db_seconds;        /* and the seconds they took (db_seconds) */
};

/*
 * How a handler, or one step of it, ended. pipe_serve() answers the two
 * database failures itself (and rolls back), so it never has to guess why a
 * handler stopped: a connection lost mid-request is 503, never 500.
 */
enum pipe_status {
	PIPE_NEXT = 0,       /* a step went through: carry on. A handler never
	                      * returns it (pipe_serve() logs it and answers 500) */
	PIPE_ANSWERED,       /* `res` holds the answer, whatever its status;
	                      * >= 400 rolls the transaction back */
	PIPE_UNAVAILABLE,    /* the database cannot be reached: 503 unavailable */
	PIPE_FAILED          /* the database failed otherwise (logged): 500 */
};

/* A db/ status as a step's: DB_OK goes on, DB_UNAVAILABLE is unavailable,
 * anything else (DB_CONFLICT a caller did not expect too) failed. */
enum pipe_status pipe_db(enum db_status st);

/*
 * A handler runs inside the transaction pipe_serve() opened, as `who`.
 * It returns PIPE_ANSWERED with `res` filled, or the database failure that
 * stopped it (with `res` left as it is: pipe_serve() replaces it).
 */
typedef enum pipe_status pipe_handler(struct pipe_ctx *ctx,
    const struct pipe_request *req, const struct pipe_principal *who,
    struct pipe_response *res);

/*
 * The reads a route needs that depend only on the request and the bound
 * principal: they travel in the request's first flight, after BEGIN and the
 * binding, before anything is checked (a request's statements in
 * as few flights as the logic allows). Such a statement names the principal
 * through the transaction's own setting (db/sql: DB_SQL_WHO), never a
 * parameter, since the principal is not known when it is sent; if the
 * request is then refused (no session, wrong role, maintenance), its rows
 * are thrown away unread. A prefetch only queues (pipe_plan_add); it reads
 * the request but must not trust it: anything malformed is simply not
 * queued, and the handler refuses it. Its results reach the handler through
 * pipe_prefetched(), in the order queued.
 */
#define PIPE_PREFETCH_MAX 4

struct pipe_plan {
	arena *arena;
	int n;
	struct db_call call[PIPE_PREFETCH_MAX];
};

typedef void pipe_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan);

/* A route's `read`: the statement `stmt`, in static storage. */
#define PIPE_READ(stmt) (&(const enum db_stmt){ (stmt) })

/* Queues `stmt` with a copy (in plan->arena) of its parameters; a plan
 * over PIPE_PREFETCH_MAX is a programming error (abort). */
void pipe_plan_add(struct pipe_plan *plan, enum db_stmt stmt,
    const struct db_param *params, int nparams);

/*
 * The i-th prefetched read: PIPE_NEXT with *out, or the database failure
 * that stopped it. Asking for a read that was not queued is PIPE_FAILED
 * (logged): the handler and its prefetch disagree.
 */
enum pipe_status pipe_prefetched(const struct pipe_request *req, int i,
    struct db_result **out);

/*
 * The handler's last writes and COMMIT in one flight. PIPE_NEXT when all
 * committed (then pipe_serve() has nothing left to commit); a database
 * failure otherwise, each call's own status telling which (a DB_CONFLICT
 * the handler answers itself). The transaction is over either way.
 */
enum pipe_status pipe_commit(struct pipe_ctx *ctx, const struct pipe_request *req,
    struct db_call *calls, int n);

/* The subject a route's limit counts per (sign-in: the normalised email),
 * a string in the request's arena, or NULL when the request names none.
 * Reads the request but must not trust it, like a prefetch. */
typedef const char *pipe_limit_subject(const struct pipe_request *req);

/*
 * One row of the route table (app/routes.c), written with designated
 * initialisers. The row is the route's whole policy, which pipe_serve()
 * enforces before the handler runs, in this order: who (access), what it
 * does (effect: READ ONLY transaction or not, CSRF), when (scope: which
 * maintenance modes admit it), and how its database work travels (read,
 * prefetch, probe), and what its requests count against (limit: counted in
 * the first flight, refused before the handler). What comes next belongs
 * here too, so a policy never lives in a handler: a reviewer's office scope,
 * and an audit row written in the request's own transaction.
 */
struct pipe_route {
	const char *method;
	const char *pattern;      /* "/api/v1/applications/{id}" */
	pipe_handler *handler;
	enum pipe_access access;
	enum pipe_effect effect;
	enum pipe_scope scope;
	/*
	 * The body of this route's 503 when the database cannot be reached, or
	 * NULL for the HTTP API's {"error":{"code":"unavailable",...}}. Health
	 * uses it to answer {"status":"unavailable"}. Called with the request's
	 * arena as Jansson's allocator; must not touch the database.
	 */
	json_t *(*unavailable_body)(void);
	/* The route's prefetched reads, or NULL. A READ route's transaction is
	 * READ ONLY and commits in the first flight, so its handler runs after
	 * it and reads only what its `read` and its prefetch queued. */
	pipe_prefetch *prefetch;
	/* A read without parameters the route needs, or NULL: queued as a
	 * prefetch would queue it, before anything `prefetch` queues
	 * (PIPE_READ names it). */
	const enum db_stmt *read;
	/* 1 for a probe (health): the database gets health_deadline, not
	 * db_deadline, so monitoring sees a hang at once. */
	int probe;
	/* What its requests count against (written beside `access` in the
	 * table): refused 429 right after the role and CSRF checks; and the
	 * subject a PIPE_LIMIT_SIGNIN counts per. */
	enum pipe_limit limit;
	pipe_limit_subject *limit_subject;
};

/*
 * Serves one routed request, every wait under the route's deadline: the
 * first flight begins the transaction (READ ONLY for a read), binds the
 * session's principal and reads the service mode (one statement), runs the
 * route's prefetched reads and, for a read, commits; then the mode, the
 * role and CSRF are checked, the handler runs, and a write commits or
 * rolls back. A session whose activity is due to be recorded is touched
 * after, in a flight of its own. Always fills `res` (errors as the HTTP
 * API says).
 */
void pipe_serve(struct pipe_ctx *ctx, const struct pipe_route *route,
    const struct pipe_request *req, struct pipe_response *res);

/* The name of a rate-limit class ("signin"), for the metrics; NULL for
 * PIPE_LIMIT_NONE and past the last class. */
const char *pipe_limit_name(enum pipe_limit limit);

/* Capture `i` of the route ({id}) when it is a well-formed id, else NULL:
 * a malformed id names nothing of anyone's (404 where a route answers). */
const char *pipe_param_uuid(const struct pipe_request *req, int i);

/*
 * Fills `res` with the HTTP API's error body (copies of the strings).
 * `code` and `message` carry no request data and nothing of any account
 * (a message may name a date or a limit the service itself decided);
 * `field` is a dotted path or NULL. A 422 is answered by
 * pipe_invalid_answer() (pipe/invalid.h), which adds its "errors".
 */
void pipe_error(struct pipe_response *res, int status, const char *code,
    const char *message, const char *field);

/*
 * Fills `res` with 503 maintenance and Retry-After. The message is the
 * static text of req->mode followed by the admin's req->mode_message when
 * there is one: the same for every request in that state, never account
 * data (docs/DESIGN.md invariant 6).
 */
void pipe_maintenance(const struct pipe_ctx *ctx, const struct pipe_request *req,
    struct pipe_response *res);

/* Fills `res` with 500 internal, whose message reveals nothing. Returns
 * PIPE_ANSWERED, so a handler can `return pipe_internal(res);`. */
enum pipe_status pipe_internal(struct pipe_response *res);

/* Out of memory on the request path: logged, then the worker aborts (the
 * master starts another). For Jansson results: returns `v` when not NULL. */
json_t *pipe_oom_check(json_t *v);
__attribute__((noreturn)) void pipe_oom(void);

#endif
