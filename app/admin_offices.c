/*
 * admin_offices — an admin's quota of an office and settings of a day
 * (contract in admin.h).
 */
#include "app/admin.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "app/audit.h"
#include "app/offices.h"
#include "core/validate.h"
#include "pipe/json.h"
#include "pipe/rows.h"

#define ADMIN_QUOTA_MAX VALIDATE_QUOTA_MAX

/* Where the first flight's reads are: the office, the audit head. */
enum { ADMIN_OFFICE_ROW, ADMIN_OFFICE_HEAD };

static enum pipe_status
admin_no_office(struct pipe_response *res)
{
	pipe_error(res, 404, "not_found", "No such office.", NULL);
	return PIPE_ANSWERED;
}

/* The {date} of a day's route when well-formed, else NULL. */
static const char *
admin_day_param(const struct pipe_request *req)
{
	struct validate_date d;
	const char *v = req->params[1];

	return v != NULL && validate_date_parse(v, &d) == VALIDATE_OK ? v :
	    NULL;
}

/* The office (and, for a day, the well-formed date) looked up with the
 * audit head; nothing for a malformed one (404). */
static void
admin_office_prefetch(const struct pipe_request *req, int day,
    struct pipe_plan *plan)
{
	const struct db_param p[1] = { DB_TEXT(req->params[0]) };

	if (!app_office_code_valid(req->params[0]) ||
	    (day && admin_day_param(req) == NULL))
		return;
	pipe_plan_add(plan, DB_STMT_ADMIN_OFFICE_GET, p, 1);
	app_audit_prefetch(plan);
}

/* The office of the route exists: PIPE_NEXT; else answered 404. */
static enum pipe_status
admin_office_found(const struct pipe_request *req, int day,
    struct pipe_response *res)
{
	struct db_result *r;
	enum pipe_status st;

	if (!app_office_code_valid(req->params[0]) ||
	    (day && admin_day_param(req) == NULL))
		return admin_no_office(res);
	if ((st = pipe_prefetched(req, ADMIN_OFFICE_ROW, &r)) != PIPE_NEXT)
		return st;
	return db_rows(r) == 1 ? PIPE_NEXT : admin_no_office(res);
}

void
app_admin_office_put_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	(void)ctx;
	admin_office_prefetch(req, 0, plan);
}

/* {"code","name","city","daily_quota"} of row 0 of an OFFICES_LIST-shaped
 * result, or NULL. */
static json_t *
admin_office_json(const struct db_result *r)
{
	long long quota;

	if (db_rows(r) != 1 ||
	    db_int64(r, 0, DB_COL(OFFICES_LIST, DAILY_QUOTA), &quota) != 0)
		return NULL;
	return json_pack("{s:s, s:s, s:s, s:I}",
	    "code", db_text(r, 0, DB_COL(OFFICES_LIST, CODE)),
	    "name", db_text(r, 0, DB_COL(OFFICES_LIST, NAME)),
	    "city", db_text(r, 0, DB_COL(OFFICES_LIST, CITY)),
	    "daily_quota", (json_int_t)quota);
}

/* 200 {key: v}, or 500 when v could not be made. */
static enum pipe_status
admin_answer(struct pipe_response *res, const char *key, json_t *v)
{
	if (v == NULL)
		return pipe_internal(res);
	res->status = 200;
	res->body = pipe_oom_check(json_pack("{s:o}", key, v));
	return PIPE_ANSWERED;
}

int
app_admin_quota_read(const struct pipe_request *req,
    struct pipe_response *res, long long *quota)
{
	static const char *const known[] = { "daily_quota", NULL };
	struct pipe_invalid inv;
	json_t *body;
	int has;

	if (pipe_json_body(req, res, &body) != 0)
		return -1;
	pipe_invalid_init(&inv, req->arena);
	(void)pipe_json_known(&inv, body, NULL, known);
	(void)pipe_json_integer(&inv, body, NULL, "daily_quota",
	    PIPE_JSON_REQUIRED, quota, &has);
	if (has && (*quota < 0 || *quota > ADMIN_QUOTA_MAX))
		(void)pipe_invalid_add(&inv, NULL, "daily_quota", RULE_QUOTA);
	return pipe_invalid_answer(&inv, res);
}

enum pipe_status
app_admin_office_put(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	const char *code = req->params[0];
	struct db_call calls[3];
	long long quota;
	enum pipe_status st;

	if ((st = admin_office_found(req, 0, res)) != PIPE_NEXT)
		return st;
	if (app_admin_quota_read(req, res, &quota) != 0)
		return PIPE_ANSWERED;
	{
		const char *q = arena_printf(req->arena, "%lld", quota);
		const struct db_param p[2] = { DB_TEXT(code), DB_TEXT(q) };
		const struct app_audit_entry entry = { "admin.office_quota",
		    NULL, NULL, arena_printf(req->arena, "office=%s quota=%s",
		    code, q) };

		calls[0] = (struct db_call){ DB_STMT_ADMIN_OFFICE_QUOTA, p, 2,
		    NULL, DB_ERROR };
		calls[1] = (struct db_call){ DB_STMT_ADMIN_OFFICE_GET, p, 1,
		    NULL, DB_ERROR };
		st = app_audit_commit(ctx, req, who, ADMIN_OFFICE_HEAD, &entry,
		    calls, 2, res);
	}
	if (calls[0].status == DB_CONFLICT) {
		pipe_error(res, 409, "conflict", "A coming day of the office "
		    "has more bookings than that quota.", NULL);
		return PIPE_ANSWERED;
	}
	if (st != PIPE_NEXT)
		return st;
	return admin_answer(res, "office", admin_office_json(calls[1].result));
}

/* ------------------------------------------------------------------- days */

void
app_admin_day_put_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	(void)ctx;
	admin_office_prefetch(req, 1, plan);
}

/* Field `i` of the day's settings from `v` (absent: not set; null: the
 * default); a bad value reported into `inv`. */
static void
admin_day_field(const struct pipe_request *req, const char *key, int i,
    const json_t *v, struct app_admin_day_set *out, struct pipe_invalid *inv)
{
	static const enum rule rule[] = {
		RULE_CAPACITY, RULE_CLOSED_FLAG, RULE_OPENS_AT,
	};

	out->set[i] = v != NULL ? "t" : "f";
	out->value[i] = NULL;
	if (v == NULL || json_is_null(v))
		return;
	if (i == 0 && json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) <= ADMIN_QUOTA_MAX)
		out->value[i] = arena_printf(req->arena, "%lld",
		    (long long)json_integer_value(v));
	else if (i == 1 && json_is_boolean(v))
		out->value[i] = json_is_true(v) ? "t" : "f";
	else if (i == 2 && json_is_string(v) &&
	    validate_instant(json_string_value(v), 0) == VALIDATE_OK)
		out->value[i] = json_string_value(v);
	else
		(void)pipe_invalid_add(inv, NULL, key, rule[i]);
}

int
app_admin_day_read(const struct pipe_request *req,
    struct app_admin_day_set *out, struct pipe_response *res)
{
	static const char *const known[] = { "capacity", "closed",
	    "opens_at", NULL };
	struct pipe_invalid inv;
	json_t *body;

	if (pipe_json_body(req, res, &body) != 0)
		return -1;
	pipe_invalid_init(&inv, req->arena);
	(void)pipe_json_known(&inv, body, NULL, known);
	for (int i = 0; i < 3; i++) {
		if (json_object_size(body) == 0)
			(void)pipe_invalid_add(&inv, NULL, known[i],
			    RULE_DAY_SETTING);
		admin_day_field(req, known[i], i,
		    json_object_get(body, known[i]), out, &inv);
	}
	return pipe_invalid_answer(&inv, res);
}

/* The day's {"date","capacity","closed","remaining","opens_at"}, or NULL. */
static json_t *
admin_day_json(const struct db_result *r)
{
	long long capacity, remaining;
	const char *closed, *opens;

	if (db_rows(r) != 1 ||
	    db_int64(r, 0, DB_COL(ADMIN_DAY_GET, CAPACITY), &capacity) != 0 ||
	    db_int64(r, 0, DB_COL(ADMIN_DAY_GET, REMAINING), &remaining) != 0 ||
	    (closed = db_text(r, 0, DB_COL(ADMIN_DAY_GET, CLOSED))) == NULL)
		return NULL;
	opens = db_text(r, 0, DB_COL(ADMIN_DAY_GET, OPENS_AT));
	return json_pack("{s:s, s:I, s:b, s:I, s:o}",
	    "date", db_text(r, 0, DB_COL(ADMIN_DAY_GET, DAY)),
	    "capacity", (json_int_t)capacity, "closed", strcmp(closed, "t") == 0,
	    "remaining", (json_int_t)remaining,
	    "opens_at", pipe_json_text(opens));
}

enum pipe_status
app_admin_day_put(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	const char *code = req->params[0], *day = req->params[1];
	struct app_admin_day_set set;
	struct db_call calls[3];
	enum pipe_status st;

	if ((st = admin_office_found(req, 1, res)) != PIPE_NEXT)
		return st;
	if (app_admin_day_read(req, &set, res) != 0)
		return PIPE_ANSWERED;
	{
		const struct db_param p[8] = { DB_TEXT(code), DB_TEXT(day),
		    DB_TEXT(set.set[0]), DB_TEXT(set.value[0]),
		    DB_TEXT(set.set[1]), DB_TEXT(set.value[1]),
		    DB_TEXT(set.set[2]), DB_TEXT(set.value[2]) };
		const struct app_audit_entry entry = { "admin.day", NULL, NULL,
		    arena_printf(req->arena, "office=%s day=%s", code, day) };

		calls[0] = (struct db_call){ DB_STMT_ADMIN_DAY, p, 8, NULL,
		    DB_ERROR };
		calls[1] = (struct db_call){ DB_STMT_ADMIN_DAY_GET, p, 2, NULL,
		    DB_ERROR };
		st = app_audit_commit(ctx, req, who, ADMIN_OFFICE_HEAD, &entry,
		    calls, 2, res);
	}
	if (calls[0].status == DB_CONFLICT) {
		pipe_error(res, 409, "conflict", "The day has more bookings "
		    "than that capacity, or its opening draw has begun.", NULL);
		return PIPE_ANSWERED;
	}
	if (st != PIPE_NEXT)
		return st;
	return admin_answer(res, "day", admin_day_json(calls[1].result));
}
