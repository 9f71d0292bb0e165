/*
 * draws — the public view of a day's opening draw (contract in draws.h).
 */
#include "app/draws.h"

#include "app/offices.h"
#include "core/log.h"
#include "core/validate.h"
#include "db/db.h"
#include "pipe/rows.h"

/* The route's {code} and {date} are well-formed. */
static int
app_draw_params_valid(const struct pipe_request *req)
{
	struct validate_date d;

	return app_office_code_valid(req->params[0]) &&
	    req->params[1] != NULL &&
	    validate_date_parse(req->params[1], &d) == VALIDATE_OK;
}

void
app_draw_get_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	const struct db_param p[2] = { DB_TEXT(req->params[0]),
	    DB_TEXT(req->params[1]) };

	(void)ctx;
	if (app_draw_params_valid(req))
		pipe_plan_add(plan, DB_STMT_DRAW_PUBLIC, p, 2);
}

/* The draw's object from its one row; NULL on a malformed row. */
static json_t *
app_draw_json(const struct pipe_request *req, const struct db_result *r)
{
	long long entries, waiting;

	if (db_int64(r, 0, DB_COL(DRAW_PUBLIC, ENTRIES), &entries) != 0 ||
	    db_int64(r, 0, DB_COL(DRAW_PUBLIC, WAITING), &waiting) != 0)
		return NULL;
	return pipe_oom_check(json_pack("{s:s, s:o, s:o, s:o, s:o, s:I, s:I}",
	    "date", req->params[1],
	    "opens_at", pipe_json_column(r, 0, DB_COL(DRAW_PUBLIC, OPENS_AT)),
	    "draw_at", pipe_json_column(r, 0, DB_COL(DRAW_PUBLIC, DRAW_AT)),
	    "seed_hash", pipe_json_column(r, 0, DB_COL(DRAW_PUBLIC, SEED_HASH)),
	    "seed", pipe_json_column(r, 0, DB_COL(DRAW_PUBLIC, SEED)),
	    "entries", (json_int_t)entries, "waiting", (json_int_t)waiting));
}

enum pipe_status
app_draw_get(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	struct db_result *r;
	json_t *draw;
	enum pipe_status st;

	(void)ctx;
	(void)who;
	if (!app_draw_params_valid(req))
		goto none;
	if ((st = pipe_prefetched(req, 0, &r)) != PIPE_NEXT)
		return st;
	if (db_rows(r) != 1)
		goto none;
	if ((draw = app_draw_json(req, r)) == NULL) {
		log_error("%s: malformed row", __func__);
		return PIPE_FAILED;
	}
	res->status = 200;
	res->body = pipe_oom_check(json_pack("{s:o}", "draw", draw));
	return PIPE_ANSWERED;
none:
	pipe_error(res, 404, "not_found", "No draw for that day.", NULL);
	return PIPE_ANSWERED;
}
