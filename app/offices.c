#include "app/offices.h"

#include <stdlib.h>
#include <string.h>

#include "app/calendar.h"
#include "pipe/query.h"
#include "app/validate.h"
#include "core/log.h"
#include "db/db.h"

/* An office code's shape, as the offices table checks it: AAA or AAA-AAA. */
static int
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

/* One office row as API.md's object; NULL on a malformed row. */
static json_t *
app_office_json(const struct db_result *r, int row)
{
	long long quota;

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
	json_t *list, *office;

	(void)who;
	if ((st = pipe_db(db_exec(ctx->db, req->arena, DB_STMT_OFFICES_LIST,
	    NULL, 0, &r))) != PIPE_NEXT)
		return st;
	list = pipe_oom_check(json_array());
	for (int i = 0; i < db_rows(r); i++) {
		if ((office = app_office_json(r, i)) == NULL) {
			log_error("malformed office row %d", i);
			return pipe_internal(res);
		}
		if (json_array_append_new(list, office) != 0)
			pipe_oom();
	}
	res->status = 200;
	res->body = pipe_oom_check(json_pack("{s:o}", "offices", list));
	return PIPE_ANSWERED;
}

/* The [from, to] range of the query into *from and *to; 0, or -1 with res. */
static int
app_days_range(const struct pipe_request *req, struct validate_date *from,
    struct validate_date *to, struct pipe_response *res)
{
	static const char *const known[] = { "from", "to", NULL };
	struct pipe_query q;
	const char *v, *unknown;

	if (pipe_query_parse(req->arena, req->query, &q) != 0) {
		pipe_error(res, 400, "bad_request", "The query string is malformed.", NULL);
		return -1;
	}
	if ((unknown = pipe_query_unknown(&q, known)) != NULL) {
		pipe_error(res, 422, "invalid", "Unknown parameter.",
		    arena_strdup(req->arena, unknown));
		return -1;
	}
	app_today(from);
	if ((v = pipe_query_get(&q, "from")) != NULL &&
	    validate_date_parse(v, from) != VALIDATE_OK) {
		pipe_error(res, 422, "invalid", "Not a date (YYYY-MM-DD).", "from");
		return -1;
	}
	*to = *from;
	if ((v = pipe_query_get(&q, "to")) != NULL &&
	    validate_date_parse(v, to) != VALIDATE_OK) {
		pipe_error(res, 422, "invalid", "Not a date (YYYY-MM-DD).", "to");
		return -1;
	}
	if (app_day_number(to) < app_day_number(from) ||
	    app_day_number(to) - app_day_number(from) >= APP_DAYS_MAX) {
		pipe_error(res, 422, "invalid",
		    "The range must run forward and span at most 62 days.", "to");
		return -1;
	}
	return 0;
}

/* One result row as API.md's day object; NULL on a malformed row. */
static json_t *
app_day_json(const struct db_result *r, int row)
{
	long long capacity, remaining;

	if (db_int64(r, row, DB_COL(OFFICE_DAYS, CAPACITY), &capacity) != 0 ||
	    db_int64(r, row, DB_COL(OFFICE_DAYS, REMAINING), &remaining) != 0)
		return NULL;
	return json_pack("{s:s, s:I, s:I}",
	    "date", db_text(r, row, DB_COL(OFFICE_DAYS, DAY)),
	    "capacity", (json_int_t)capacity, "remaining", (json_int_t)remaining);
}

enum pipe_status
app_office_days(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	struct validate_date from, to;
	struct db_param p[3];
	struct db_result *r;
	enum pipe_status st;
	json_t *days, *day;

	(void)who;
	if (app_days_range(req, &from, &to, res) != 0)
		return PIPE_ANSWERED;
	if (!app_office_code_valid(req->params[0])) {
		pipe_error(res, 404, "not_found", "No such office.", NULL);
		return PIPE_ANSWERED;
	}
	p[0] = DB_TEXT(req->params[0]);
	p[1] = DB_TEXT(arena_printf(req->arena, "%04d-%02d-%02d", from.y, from.m, from.d));
	p[2] = DB_TEXT(arena_printf(req->arena, "%04d-%02d-%02d", to.y, to.m, to.d));
	if ((st = pipe_db(db_exec(ctx->db, req->arena, DB_STMT_OFFICE_DAYS, p,
	    3, &r))) != PIPE_NEXT)
		return st;
	if (db_rows(r) == 0) {
		pipe_error(res, 404, "not_found", "No such office.", NULL);
		return PIPE_ANSWERED;
	}
	days = pipe_oom_check(json_array());
	for (int i = 0; i < db_rows(r); i++) {
		if ((day = app_day_json(r, i)) == NULL) {
			log_error("malformed day row %d", i);
			return pipe_internal(res);
		}
		if (json_array_append_new(days, day) != 0)
			pipe_oom();
	}
	res->status = 200;
	res->body = pipe_oom_check(json_pack("{s:o}", "days", days));
	return PIPE_ANSWERED;
}
