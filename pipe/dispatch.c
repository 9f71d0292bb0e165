/*
 * dispatch — pipe_serve(): one routed request, one transaction, as few
 * flights as the logic allows.
 *
 * The order is fixed and every route goes through all of it (docs/DESIGN.md
 * invariants 4 and 7): the first flight begins (READ ONLY for a read), binds
 * the principal and reads the mode (one statement), counts the request
 * against the route's rate limits, runs the route's prefetched reads and, for
 * a read, commits; then admit by mode, check the role, check CSRF, refuse
 * what is over a limit, run the handler, and for a write commit or roll back
 * (keeping the counts of a request the handler refused). No step is skipped
 * for any mode or route. On a database that refuses writes (a standby while
 * no primary exists) a write is refused by the mode after its binding; its
 * first flight is then the binding alone, READ ONLY, since its counts and
 * prefetched reads (writes, row locks) cannot run there.
 */
#include <string.h>

#include "pipe/pipe.h"
#include "pipe/limit.h"
#include "pipe/mode.h"
#include "pipe/principal.h"
#include "core/log.h"
#include "core/metrics.h"
#include "db/db.h"

enum pipe_status
pipe_db(enum db_status st)
{
	switch (st) {
	case DB_OK:
		return PIPE_NEXT;
	case DB_UNAVAILABLE:
		return PIPE_UNAVAILABLE;
	case DB_CONFLICT:
	case DB_ERROR:
		break;
	}
	return PIPE_FAILED;
}

/* 503 unavailable, in the route's own body when it has one. */
static void
pipe_unavailable(const struct pipe_ctx *ctx, const struct pipe_route *route,
    struct pipe_response *res)
{
	if (route->unavailable_body != NULL) {
		res->status = 503;
		res->body = route->unavailable_body();
	} else {
		pipe_error(res, 503, "unavailable",
		    "The service is temporarily unavailable; try again later.",
		    NULL);
	}
	res->retry_after = ctx->cfg->retry_after;
}

/*
 * A database failure `st` ends the request: rolled back, then 503 when
 * the server is gone, else 500. A server that turned read-only under the
 * connection after the request was admitted (a primary being demoted:
 * its refusal comes with the news) answers what it would have answered
 * had it been read-only before: read_only's 503 maintenance.
 */
static void
pipe_db_failed(const struct pipe_ctx *ctx, const struct pipe_route *route,
    const struct pipe_request *req, enum pipe_status st,
    struct pipe_response *res)
{
	struct pipe_request r = *req;

	db_rollback(ctx->db);
	memset(res, 0, sizeof(*res));
	if (st == PIPE_UNAVAILABLE && !req->db_read_only &&
	    db_read_only(ctx->db)) {
		r.mode = pipe_mode_served(req->mode, 1);
		pipe_maintenance(ctx, &r, res);
	} else if (st == PIPE_UNAVAILABLE) {
		pipe_unavailable(ctx, route, res);
	} else {
		(void)pipe_internal(res);
	}
}

/* 1 when `who` may call a route of access `access`. */
static int
pipe_role_allows(enum pipe_access access, const struct pipe_principal *who)
{
	switch (access) {
	case PIPE_ACCESS_PUBLIC:
		return 1;
	case PIPE_ACCESS_SESSION:
		return who->role != PIPE_ROLE_NONE;
	case PIPE_ACCESS_CITIZEN:
		return who->role == PIPE_ROLE_CITIZEN;
	case PIPE_ACCESS_REVIEWER:
		return who->role == PIPE_ROLE_REVIEWER;
	case PIPE_ACCESS_ADMIN:
		return who->role == PIPE_ROLE_ADMIN;
	}
	return 0;
}

/* 0, or -1 with 401 (no session) or 403 (wrong role) in `res`. */
static int
pipe_role_check(const struct pipe_route *route, const struct pipe_principal *who,
    struct pipe_response *res)
{
	if (pipe_role_allows(route->access, who))
		return 0;
	if (who->role == PIPE_ROLE_NONE)
		pipe_error(res, 401, "unauthorized", "Sign in first.", NULL);
	else
		pipe_error(res, 403, "forbidden", "Not allowed.", NULL);
	return -1;
}

/*
 * The first flight: BEGIN, the binding, the rate-limit counts and the
 * savepoint after them (when there are counts), the prefetched reads, and
 * COMMIT for a read. PIPE_NEXT with req->prefetched set and the results of
 * the binding in b and of the counts in l, or the database failure.
 */
static enum pipe_status
pipe_first_flight(struct pipe_ctx *ctx, const struct pipe_route *route,
    struct pipe_request *req, struct pipe_binding *b, struct pipe_limits *l)
{
	struct pipe_plan plan = { .arena = req->arena };
	struct db_call *calls;
	unsigned flags = DB_BATCH_BEGIN;
	enum pipe_status st;
	int n, mark, reads;

	/* Only reads run on a database that refuses writes. */
	reads = route->effect == PIPE_EFFECT_READ || req->db_read_only;
	pipe_principal_call(ctx, route, req, b);
	if (route->effect == PIPE_EFFECT_READ || !req->db_read_only) {
		pipe_limit_plan(ctx, route, req, l);
		if (route->read != NULL)
			pipe_plan_add(&plan, *route->read, NULL, 0);
		if (route->prefetch != NULL)
			route->prefetch(ctx, req, &plan);
	}
	mark = l->n > 0;
	n = 1 + l->n + mark + plan.n;
	calls = arena_alloc(req->arena, sizeof(*calls) * (size_t)n);
	calls[0] = b->call;
	memcpy(calls + 1, l->call, sizeof(*calls) * (size_t)l->n);
	if (mark)
		calls[1 + l->n] = l->mark;
	memcpy(calls + 1 + l->n + mark, plan.call,
	    sizeof(*calls) * (size_t)plan.n);
	if (reads)
		flags |= DB_BATCH_READ_ONLY | DB_BATCH_COMMIT;
	/* A read of nothing but the binding (health) is one statement, which
	 * is a transaction of its own: no BEGIN or COMMIT to send. */
	if (reads && n == 1)
		flags = 0;
	st = pipe_db(db_batch(ctx->db, req->arena, flags, calls, n));
	b->call = calls[0];
	memcpy(l->call, calls + 1, sizeof(*calls) * (size_t)l->n);
	req->prefetched = calls + 1 + l->n + mark;
	req->nprefetched = plan.n;
	req->limits = l;
	return st;
}

/* Everything between the first flight and the handler: PIPE_NEXT to run
 * it, else PIPE_ANSWERED (`res` set) or a failure. */
static enum pipe_status
pipe_admit(struct pipe_ctx *ctx, const struct pipe_route *route,
    struct pipe_request *req, struct pipe_binding *b, struct pipe_limits *l,
    struct pipe_principal *who, struct pipe_response *res)
{
	enum pipe_status st;
	int wait;

	/* Connected first, to know before sending whether the server takes
	 * writes. */
	if ((st = pipe_db(db_ready(ctx->db))) != PIPE_NEXT)
		return st;
	req->db_read_only = db_read_only(ctx->db);
	if ((st = pipe_first_flight(ctx, route, req, b, l)) != PIPE_NEXT)
		return st;
	if (pipe_principal_read(req, b, who, &req->mode,
	    &req->mode_message) != 0)
		return PIPE_FAILED;
	req->mode = pipe_mode_served(req->mode, req->db_read_only);
	/* The session first: an admin's is what admits some routes in every
	 * mode. */
	if (!pipe_mode_admits(req->mode, req->db_read_only, route, who)) {
		pipe_maintenance(ctx, req, res);
		return PIPE_ANSWERED;
	}
	if (pipe_role_check(route, who, res) != 0 ||
	    pipe_principal_csrf(ctx, route, req, who, res) != 0)
		return PIPE_ANSWERED;
	if ((wait = pipe_limit_wait(l)) < 0)
		return PIPE_FAILED;
	if (wait > 0) {
		metrics_rate_limited((size_t)route->limit);
		pipe_limit_refuse(res, wait);
		return PIPE_ANSWERED;
	}
	return PIPE_NEXT;
}

/* The handler, held to its contract. */
static enum pipe_status
pipe_handle(struct pipe_ctx *ctx, const struct pipe_route *route,
    const struct pipe_request *req, const struct pipe_principal *who,
    struct pipe_response *res)
{
	enum pipe_status st = route->handler(ctx, req, who, res);

	if (st == PIPE_NEXT || (st == PIPE_ANSWERED && res->status == 0)) {
		log_error("%s %s: the handler gave no answer", route->method,
		    route->pattern);
		return PIPE_FAILED;
	}
	return st;
}

/* The end of the transaction a request was answered in: what it did
 * stays when it succeeded (committed here unless its handler committed
 * itself), nothing when it was refused, but its rate-limit counts when its
 * handler refused it (`handled`). PIPE_NEXT, or the commit's failure. */
static enum pipe_status
pipe_end(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_limits *l, int handled, const struct pipe_response *res)
{
	if (res->status >= 400 && handled && l->n > 0) {
		pipe_limit_keep(ctx, req);
		return PIPE_NEXT;
	}
	if (res->status == 429 && !handled && l->flags_refused)
		pipe_limit_refused(ctx, req);
	if (!db_in_transaction(ctx->db))
		return PIPE_NEXT;
	if (res->status >= 400) {
		db_rollback(ctx->db);
		return PIPE_NEXT;
	}
	return pipe_db(db_commit(ctx->db));
}

void
pipe_serve(struct pipe_ctx *ctx, const struct pipe_route *route,
    const struct pipe_request *req, struct pipe_response *res)
{
	struct pipe_request r = *req;
	struct pipe_principal who = { .role = PIPE_ROLE_NONE };
	struct pipe_binding b;
	struct pipe_limits l;
	unsigned long flights = db_flights(ctx->db);
	double db_started = db_seconds(ctx->db);
	enum pipe_status st;
	int handled = 0;

	memset(res, 0, sizeof(*res));
	memset(&b, 0, sizeof(b));
	db_deadline(ctx->db, route->probe ? ctx->cfg->health_deadline :
	    ctx->cfg->db_deadline);
	memset(&l, 0, sizeof(l));
	st = pipe_admit(ctx, route, &r, &b, &l, &who, res);
	if (st == PIPE_NEXT) {
		handled = 1;
		st = pipe_handle(ctx, route, &r, &who, res);
	}
	if (st == PIPE_ANSWERED)
		st = pipe_end(ctx, &r, &l, handled, res);
	if (st == PIPE_NEXT && res->status < 400)
		pipe_principal_touch(ctx, &r, &b);
	else if (st != PIPE_NEXT)
		pipe_db_failed(ctx, route, &r, st, res);
	db_rollback(ctx->db);   /* a no-op unless something was left open */
	db_deadline(ctx->db, 0);
	pipe_binding_wipe(&b);
	res->flights = (unsigned)(db_flights(ctx->db) - flights);
	res->db_seconds = db_seconds(ctx->db) - db_started;
}
