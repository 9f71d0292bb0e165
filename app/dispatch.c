/*
 * dispatch — app_serve(): one routed request, one transaction.
 *
 * The order is fixed and every route goes through all of it (invariants 4
 * and 7): connect, begin bound to the principal, read the mode, admit by
 * mode, resolve the session, check the role, check CSRF, run the handler,
 * commit or roll back. No step is skipped for any mode or route.
 */
#include <string.h>

#include "app/app.h"
#include "app/mode.h"
#include "app/principal.h"
#include "core/log.h"
#include "db/db.h"

static const char *const app_role_names[] = {
	[APP_ROLE_NONE] = NULL,
	[APP_ROLE_CITIZEN] = "citizen",
	[APP_ROLE_REVIEWER] = "reviewer",
	[APP_ROLE_ADMIN] = "admin",
};

/* 503 unavailable, in the route's own body when it has one. */
static void
app_unavailable(const struct app_ctx *ctx, const struct app_route *route,
    struct app_response *res)
{
	if (route->unavailable_body != NULL) {
		res->status = 503;
		res->body = route->unavailable_body();
	} else {
		app_error(res, 503, "unavailable",
		    "The service is temporarily unavailable; try again later.",
		    NULL);
	}
	res->retry_after = ctx->cfg->retry_after;
}

/* A database step failed with `st`: 503 when the server is gone, else 500. */
static void
app_db_failed(const struct app_ctx *ctx, const struct app_route *route,
    enum db_status st, struct app_response *res)
{
	db_rollback(ctx->db);
	memset(res, 0, sizeof(*res));
	if (st == DB_UNAVAILABLE)
		app_unavailable(ctx, route, res);
	else
		app_error(res, 500, "internal", "Something went wrong.", NULL);
}

/* BEGIN, bound to `who` (anonymous until a session is resolved). */
static enum db_status
app_begin(struct app_ctx *ctx, const struct app_principal *who)
{
	struct db_principal p = {
		.account_id = who->account_id,
		.role = app_role_names[who->role],
		.office = who->office,
	};

	return db_begin(ctx->db, &p);
}

/*
 * The session step: app/principal looks the session up inside the
 * transaction, and that look-up re-binds it (DESIGN.md invariant 4). No live
 * session leaves `who` anonymous, which the role check answers with 401.
 * 0, or -1 with a database failure status in *st.
 */
static int
app_session(struct app_ctx *ctx, const struct app_request *req,
    const struct app_route *route, struct app_principal *who,
    enum db_status *st)
{
	*st = app_principal_resolve(ctx, route, req, who);
	return *st == DB_OK ? 0 : -1;
}

/* 1 when `who` may call a route of access `access`. */
static int
app_role_allows(enum app_access access, const struct app_principal *who)
{
	switch (access) {
	case APP_ACCESS_PUBLIC:
		return 1;
	case APP_ACCESS_SESSION:
		return who->role != APP_ROLE_NONE;
	case APP_ACCESS_CITIZEN:
		return who->role == APP_ROLE_CITIZEN;
	case APP_ACCESS_REVIEWER:
		return who->role == APP_ROLE_REVIEWER;
	case APP_ACCESS_ADMIN:
		return who->role == APP_ROLE_ADMIN;
	}
	return 0;
}

/* 0, or -1 with 401 (no session) or 403 (wrong role) in `res`. */
static int
app_role_check(const struct app_route *route, const struct app_principal *who,
    struct app_response *res)
{
	if (app_role_allows(route->access, who))
		return 0;
	if (who->role == APP_ROLE_NONE)
		app_error(res, 401, "unauthorized", "Sign in first.", NULL);
	else
		app_error(res, 403, "forbidden", "Not allowed.", NULL);
	return -1;
}

/* Writes that carry a session need the session's CSRF token (app/principal). */
static int
app_csrf_check(const struct app_ctx *ctx, const struct app_route *route,
    const struct app_request *req, const struct app_principal *who,
    struct app_response *res)
{
	return app_principal_csrf(ctx, route, req, who, res);
}

/* Everything between BEGIN and the handler. 0 to run it, else -1 (`res` set). */
static int
app_admit(struct app_ctx *ctx, const struct app_route *route,
    struct app_request *req, struct app_principal *who,
    struct app_response *res, enum db_status *st)
{
	if ((*st = app_mode_read(ctx->db, req->arena, &req->mode)) != DB_OK)
		return -1;
	/* The session first: an admin's is what admits some routes in every
	 * mode. Resolving it changes nothing but the binding. */
	if (app_session(ctx, req, route, who, st) != 0)
		return -1;
	if (!app_mode_admits(req->mode, route, who)) {
		app_maintenance(ctx, res);
		return -1;
	}
	if (app_role_check(route, who, res) != 0 ||
	    app_csrf_check(ctx, route, req, who, res) != 0)
		return -1;
	return 0;
}

void
app_serve(struct app_ctx *ctx, const struct app_route *route,
    const struct app_request *req, struct app_response *res)
{
	struct app_request r = *req;
	struct app_principal who = { .role = APP_ROLE_NONE };
	enum db_status st;

	memset(res, 0, sizeof(*res));
	if ((st = db_ensure(ctx->db)) != DB_OK ||
	    (st = app_begin(ctx, &who)) != DB_OK) {
		app_db_failed(ctx, route, st, res);
		return;
	}
	if (app_admit(ctx, route, &r, &who, res, &st) != 0) {
		if (st != DB_OK)
			app_db_failed(ctx, route, st, res);
		else
			db_rollback(ctx->db);
		return;
	}
	if (route->handler(ctx, &r, &who, res) != 0) {
		db_rollback(ctx->db);
		app_db_failed(ctx, route, db_ensure(ctx->db) == DB_UNAVAILABLE ?
		    DB_UNAVAILABLE : DB_ERROR, res);
		return;
	}
	if (res->status >= 400) {
		db_rollback(ctx->db);
		return;
	}
	if ((st = db_commit(ctx->db)) != DB_OK)
		app_db_failed(ctx, route, st, res);
}
