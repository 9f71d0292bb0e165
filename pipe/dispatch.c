/*
 * dispatch — pipe_serve(): one routed request, one transaction.
 *
 * The order is fixed and every route goes through all of it (invariants 4
 * and 7): connect, begin bound to the principal, read the mode, admit by
 * mode, resolve the session, check the role, check CSRF, run the handler,
 * commit or roll back. No step is skipped for any mode or route.
 */
#include <string.h>

#include "pipe/pipe.h"
#include "pipe/mode.h"
#include "pipe/principal.h"
#include "core/log.h"
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

/* A database failure `st` ends the request: rolled back, then 503 when
 * the server is gone, else 500. */
static void
pipe_db_failed(const struct pipe_ctx *ctx, const struct pipe_route *route,
    enum pipe_status st, struct pipe_response *res)
{
	db_rollback(ctx->db);
	memset(res, 0, sizeof(*res));
	if (st == PIPE_UNAVAILABLE)
		pipe_unavailable(ctx, route, res);
	else
		(void)pipe_internal(res);
}

/* BEGIN, bound to `who` (anonymous until a session is resolved). */
static enum db_status
pipe_begin(struct pipe_ctx *ctx, const struct pipe_principal *who)
{
	struct db_principal p = {
		.account_id = who->account_id,
		.role = pipe_role_name(who->role),
		.office = who->office,
	};

	return db_begin(ctx->db, &p);
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

/* Everything between BEGIN and the handler: PIPE_NEXT to run it, else
 * PIPE_ANSWERED (`res` set) or a database failure. */
static enum pipe_status
pipe_admit(struct pipe_ctx *ctx, const struct pipe_route *route,
    struct pipe_request *req, struct pipe_principal *who,
    struct pipe_response *res)
{
	enum pipe_status st;

	if ((st = pipe_db(pipe_mode_read(ctx->db, req->arena,
	    &req->mode))) != PIPE_NEXT)
		return st;
	/* The session first: an admin's is what admits some routes in every
	 * mode. Resolving it changes nothing but the binding. */
	if ((st = pipe_db(pipe_principal_resolve(ctx, route, req,
	    who))) != PIPE_NEXT)
		return st;
	if (!pipe_mode_admits(req->mode, route, who)) {
		pipe_maintenance(ctx, res);
		return PIPE_ANSWERED;
	}
	if (pipe_role_check(route, who, res) != 0 ||
	    pipe_principal_csrf(ctx, route, req, who, res) != 0)
		return PIPE_ANSWERED;
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

void
pipe_serve(struct pipe_ctx *ctx, const struct pipe_route *route,
    const struct pipe_request *req, struct pipe_response *res)
{
	struct pipe_request r = *req;
	struct pipe_principal who = { .role = PIPE_ROLE_NONE };
	enum pipe_status st;

	unsigned long flights = db_flights(ctx->db);

	memset(res, 0, sizeof(*res));
	st = pipe_db(pipe_begin(ctx, &who));
	if (st == PIPE_NEXT)
		st = pipe_admit(ctx, route, &r, &who, res);
	if (st == PIPE_NEXT)
		st = pipe_handle(ctx, route, &r, &who, res);
	if (st == PIPE_ANSWERED && res->status < 400)
		st = pipe_db(db_commit(ctx->db));   /* PIPE_NEXT: committed */
	if (st == PIPE_ANSWERED)
		db_rollback(ctx->db);   /* a refusal: nothing it did stays */
	else if (st != PIPE_NEXT)
		pipe_db_failed(ctx, route, st, res);
	res->flights = (unsigned)(db_flights(ctx->db) - flights);
}
