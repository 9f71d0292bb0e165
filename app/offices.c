#include "app/offices.h"

#include <stdlib.h>
#include <string.h>

#include "app/calendar.h"
#include "pipe/query.h"
#include "pipe/rows.h"
#include "core/validate.h"
#include "core/log.h"
#include "db/db.h"

int
app_office_code_valid(const char *code)
{
	size_t len = strlen(code);

	if (len != 3 && len != 7)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (i == 3 ? code[i] != '-' : (code[i] < 'A' || code[i] > 'Z'))
			return 0;
	}
	return 1;
}

/* An unknown office and a malformed code: the same 404. */
static enum pipe_status
app_no_office(struct pipe_response *res)
{
	pipe_error(res, 404, "not_found", "No such office.", NULL);
	return PIPE_ANSWERED;
}

/* One office row as the HTTP API's object; NULL on a malformed row. */
static json_t *
app_office_json(const struct db_result *r, int row, const void *arg)
{
	long long quota;

	(void)arg;
	if (db_int64(r, row, DB_COL(OFFICES_LIST, DAILY_QUOTA), &quota) != 0)
		return NULL;
	return json_pack("{s:s, s:s, s:s, s:I}",
	    "code", db_text(r, row, DB_COL(OFFICES_LIST, CODE)),
	    "name", db_text(r, row, DB_COL(OFFICES_LIST, NAME)),
	    "city", db_text(r, row, DB_COL(OFFICES_LIST, CITY)),
	    "daily_quota", (json_int_t)quota);
}

enum pipe_status
app_offices_list(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	struct db_result *r;
	enum pipe_status st;

	(void)ctx;
	(void)who;
	if ((st = pipe_prefetched(req, 0, &r)) != PIPE_NEXT)
		return st;
	return pipe_rows_answer(res, "offices", r, app_office_json, NULL);
}

void
app_office_today_add(struct pipe_plan *plan, const char *code)
{
	const struct db_param p[1] = { DB_TEXT(code) };

	pipe_plan_add(plan, DB_STMT_OFFICE_TODAY, p, 1);
}

enum pipe_status
app_office_today(const struct pipe_request *req, int i,
    struct validate_date *today, int *found)
{
	struct db_result *r;
	enum pipe_status st;
	int office;

	if ((st = pipe_prefetched(req, i, &r)) != PIPE_NEXT)
		return st;
	office = db_text(r, 0, DB_COL(OFFICE_TODAY, OFFICE)) != NULL;
	if (db_rows(r) != 1 || validate_date_parse(db_text(r, 0, office ?
	    DB_COL(OFFICE_TODAY, OFFICE) : DB_COL(OFFICE_TODAY, JAKARTA)),
	    today) != VALIDATE_OK) {
		log_error("%s: malformed row", __func__);
		return PIPE_FAILED;
	}
	*found = office;
	return PIPE_NEXT;
}

/* Where the days route's prefetched reads are. */
enum { APP_DAYS_TODAY, APP_DAYS_ROWS };

/* Date parameter `name` (static storage) into *d when the query has it
 * (*has); a bad one reported into `inv`. */
static void
app_days_date(const struct pipe_query *pq, const char *name, int *has,
    struct validate_date *d, struct pipe_invalid *inv)
{
	const char *v = pipe_query_get(pq, name);

	*has = v != NULL;
	if (*has && pipe_invalid_add(inv, NULL, name,
	    rule_date(validate_date_parse(v, d))) != 0)
		*has = 0;
}

int
app_days_query(const struct pipe_request *req, struct app_days_query *q,
    struct pipe_response *res)
{
	static const char *const known[] = { "from", "to", NULL };
	struct pipe_invalid inv;
	struct pipe_query pq;

	if (pipe_query_parse(req->arena, req->query, &pq) != 0) {
		pipe_error(res, 400, "bad_request", "The query string is malformed.", NULL);
		return -1;
	}
	pipe_invalid_init(&inv, req->arena);
	(void)pipe_query_known(&inv, &pq, known);
	app_days_date(&pq, "from", &q->has_from, &q->from, &inv);
	app_days_date(&pq, "to", &q->has_to, &q->to, &inv);
	return pipe_invalid_answer(&inv, res);
}

/*
 * `from` when the query has none: the office's today. Only the database
 * knows it, so here an unknown office is 404 before the range is judged.
 * PIPE_NEXT with *from; answered (404) or the database failure.
 */
static enum pipe_status
app_days_default_from(const struct pipe_request *req,
    struct validate_date *from, struct pipe_response *res)
{
	enum pipe_status st;
	int found = 0;

	if (app_office_code_valid(req->params[0]) &&
	    (st = app_office_today(req, APP_DAYS_TODAY, from,
	    &found)) != PIPE_NEXT)
		return st;
	if (!found)
		return app_no_office(res);
	return PIPE_NEXT;
}

/* 0 when [from, to] runs forward over at most APP_DAYS_MAX days; -1 with
 * res (422 naming `to`). */
static int
app_days_range_check(arena *req_arena, const struct validate_date *from,
    const struct validate_date *to, struct pipe_response *res)
{
	long span = app_day_number(to) - app_day_number(from);

	if (span < 0 || span >= APP_DAYS_MAX) {
		(void)pipe_invalid_refuse(req_arena, res, NULL, "to",
		    RULE_DAYS_RANGE);
		return -1;
	}
	return 0;
}

/* One result row as the HTTP API's day object; NULL on a malformed row. */
static json_t *
app_day_json(const struct db_result *r, int row, const void *arg)
{
	long long capacity, remaining;
	const char *closed;

	(void)arg;
	if (db_int64(r, row, DB_COL(OFFICE_DAYS, CAPACITY), &capacity) != 0 ||
	    db_int64(r, row, DB_COL(OFFICE_DAYS, REMAINING), &remaining) != 0)
		return NULL;
	closed = db_text(r, row, DB_COL(OFFICE_DAYS, CLOSED));
	if (closed == NULL)
		return NULL;
	return json_pack("{s:s, s:I, s:I, s:b, s:s?, s:s?}",
	    "date", db_text(r, row, DB_COL(OFFICE_DAYS, DAY)),
	    "capacity", (json_int_t)capacity, "remaining", (json_int_t)remaining,
	    "closed", strcmp(closed, "t") == 0,
	    "opens_at", db_text(r, row, DB_COL(OFFICE_DAYS, DAY_OPENS)),
	    "draw_at", db_text(r, row, DB_COL(OFFICE_DAYS, DAY_DRAW)));
}

/* A date as the statements take it, in the arena; NULL when absent. */
static const char *
app_days_text(arena *a, int has, const struct validate_date *d)
{
	return has ? arena_printf(a, "%04d-%02d-%02d", d->y, d->m, d->d) : NULL;
}

/*
 * The office's today and its days, both in the first flight: OFFICE_DAYS
 * defaults the range as the handler does, so the rows are the right ones
 * whenever the handler's own checks pass. Nothing is queued for a query or
 * a code the handler refuses.
 */
void
app_office_days_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	struct pipe_response scratch = { 0 };
	struct app_days_query q;
	struct db_param p[5];

	if (!app_office_code_valid(req->params[0]) ||
	    app_days_query(req, &q, &scratch) != 0)
		return;
	app_office_today_add(plan, req->params[0]);   /* APP_DAYS_TODAY */
	p[0] = DB_TEXT(req->params[0]);
	p[1] = DB_TEXT(app_days_text(req->arena, q.has_from, &q.from));
	p[2] = DB_TEXT(app_days_text(req->arena, q.has_to, &q.to));
	p[3] = DB_TEXT(arena_printf(req->arena, "%d", ctx->cfg->booking_days_ahead));
	p[4] = DB_TEXT(arena_printf(req->arena, "%d", ctx->cfg->open_hour));
	pipe_plan_add(plan, DB_STMT_OFFICE_DAYS, p, 5);   /* APP_DAYS_ROWS */
}

enum pipe_status
app_office_days(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	struct app_days_query q;
	struct db_result *r;
	enum pipe_status st;

	(void)ctx;
	(void)who;
	if (app_days_query(req, &q, res) != 0)
		return PIPE_ANSWERED;
	if (!q.has_from &&
	    (st = app_days_default_from(req, &q.from, res)) != PIPE_NEXT)
		return st;
	if (!q.has_to)
		q.to = q.from;
	if (app_days_range_check(req->arena, &q.from, &q.to, res) != 0)
		return PIPE_ANSWERED;
	if (!app_office_code_valid(req->params[0]))
		return app_no_office(res);
	if ((st = pipe_prefetched(req, APP_DAYS_ROWS, &r)) != PIPE_NEXT)
		return st;
	if (db_rows(r) == 0)
		return app_no_office(res);
	return pipe_rows_answer(res, "days", r, app_day_json, NULL);
}
