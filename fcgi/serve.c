#include "fcgi/serve.h"

#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/monotime.h"
#include "core/reqid.h"
#include "crypto/pw.h"
#include "crypto/spent.h"
#include "fcgi/request.h"
#include "fcgi/respond.h"
#include "fcgi/router.h"
#include "app/routes.h"

#define FCGI_LOG_PATH_MAX 200

/* `s` fit for a log line: printable ASCII, at most `max` bytes, in `a`. */
static const char *
fcgi_log_safe(arena *a, const char *s, size_t max)
{
	char *copy;

	if (s == NULL)
		return "-";
	copy = arena_strndup(a, s, max);
	for (char *p = copy; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return copy;
}

/*
 * Parameters, body, route: 0 with `route` set, or -1 with `res` filled. The
 * body is checked first, so a refusal (413, 400) does not depend on the path.
 */
static int
fcgi_prepare(FCGX_Request *rq, struct pipe_ctx *ctx, struct pipe_request *req,
    const struct pipe_route **route, struct pipe_response *res,
    const char **allow)
{
	const struct pipe_route *table;
	enum fcgi_request_status st;
	size_t n;

	if (fcgi_request_params(rq->envp, req->arena, req) != FCGI_REQUEST_OK) {
		pipe_error(res, 400, "bad_request", "Malformed request.", NULL);
		return -1;
	}
	req->session_token = fcgi_request_session(rq->envp, req->arena,
	    ctx->cfg);
	req->client_addr = fcgi_request_client(rq->envp, req->arena, ctx->cfg);
	req->client_source = fcgi_client_source(req->arena, req->client_addr);
	st = fcgi_request_body(rq->in, rq->envp, ctx->cfg->body_limit, req);
	if (st == FCGI_REQUEST_TOO_LARGE) {
		pipe_error(res, 413, "too_large", "The request body is too large.",
		    NULL);
		return -1;
	}
	if (st != FCGI_REQUEST_OK) {
		pipe_error(res, 400, "bad_request",
		    "The body must be a JSON object in UTF-8 "
		    "(Content-Type: application/json).", NULL);
		return -1;
	}
	table = app_routes(&n);
	switch (fcgi_route(table, n, req->arena, req->method, req->path, route,
	    req->params, allow)) {
	case FCGI_ROUTE_OK:
		break;
	case FCGI_ROUTE_BAD_METHOD:
		pipe_error(res, 405, "method_not_allowed",
		    "This method is not allowed here.", NULL);
		return -1;
	case FCGI_ROUTE_NOT_FOUND:
	default:
		pipe_error(res, 404, "not_found", "Not found.", NULL);
		return -1;
	}
	return 0;
}

/* The route's slot in the metrics: its place in the table, or one past
 * the last route for a request no route took. */
static size_t
fcgi_route_slot(const struct pipe_route *route)
{
	size_t n;
	const struct pipe_route *table = app_routes(&n);

	return route != NULL ? (size_t)(route - table) : n;
}

/*
 * A request slower than slow_request_ms, at warn level: its route (the
 * pattern, never the path), status and where the time went: waiting on
 * the database, in sealing, opening and Argon2id, and the rest. The line
 * carries the request's id like every other.
 */
static void
fcgi_slow_log(const struct pipe_ctx *ctx, const struct pipe_route *route,
    const struct pipe_response *res, double seconds, double crypto)
{
	double other = seconds - res->db_seconds - crypto;

	if (ctx->cfg->slow_request_ms <= 0 ||
	    seconds * 1e3 < (double)ctx->cfg->slow_request_ms)
		return;
	log_warn("slow request: %s %s %d %.1fms: database %.1fms, crypto "
	    "%.1fms, other %.1fms", route != NULL ? route->method : "-",
	    route != NULL ? route->pattern : "unmatched", res->status,
	    seconds * 1e3, res->db_seconds * 1e3, crypto * 1e3,
	    (other > 0 ? other : 0) * 1e3);
}

void
fcgi_serve(FCGX_Request *rq, struct pipe_ctx *ctx, arena *a)
{
	struct pipe_request req = { .arena = a };
	struct pipe_response res = { 0 };
	const struct pipe_route *route = NULL;
	const char *allow = NULL;
	char rid[REQID_SIZE];
	double start = monotime_now(), crypto = spent_seconds(), seconds;
	unsigned long argon2 = pw_verify_count();

	(void)fcgi_request_id(rq->envp, rid);
	log_request_begin(rid);
	if (fcgi_prepare(rq, ctx, &req, &route, &res, &allow) == 0)
		pipe_serve(ctx, route, &req, &res);
	if ((res.status == 503 || res.status == 429) && res.retry_after <= 0)
		res.retry_after = ctx->cfg->retry_after;
	if (fcgi_respond(rq->out, a, &res, allow, rid) != 0)
		log_info("client went away before the response was written");
	seconds = monotime_now() - start;
	crypto = spent_seconds() - crypto;
	if (log_enabled(LOG_LEVEL_INFO))
		log_info("%s %s %d %.2fms flights=%u argon2=%lu",
		    fcgi_log_safe(a, req.method, 16),
		    fcgi_log_safe(a, req.path, FCGI_LOG_PATH_MAX), res.status,
		    seconds * 1e3, res.flights, pw_verify_count() - argon2);
	fcgi_slow_log(ctx, route, &res, seconds, crypto);
	/* Before FCGX_Finish_r sends the end of the response: a scrape
	 * after it sees the request counted. */
	metrics_request(fcgi_route_slot(route), fcgi_status_slot(res.status),
	    seconds);
	log_request_end();
}
