/*
 * review — a reviewer's queue, openings and decisions (contract in
 * review.h).
 */
#include "app/review.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/application_record.h"
#include "app/audit.h"
#include "core/validate.h"
#include "core/log.h"
#include "pipe/json.h"
#include "pipe/query.h"
#include "pipe/rows.h"

#define REVIEW_LIMIT_MAX     VALIDATE_PAGE_MAX

/* Where the open's and the decision's prefetched reads are. */
enum { REVIEW_ROW, REVIEW_HEAD };

static enum pipe_status
review_not_found(struct pipe_response *res)
{
	pipe_error(res, 404, "not_found", "No such application.", NULL);
	return PIPE_ANSWERED;
}

/* ------------------------------------------------------------------ queue */

/* 1 when `s` is a status the API names. */
static int
review_status_known(const char *s)
{
	static const char *const known[] = { "submitted", "booked",
	    "approved", "rejected", "no_show", "cancelled", NULL };

	for (int i = 0; known[i] != NULL; i++)
		if (strcmp(s, known[i]) == 0)
			return 1;
	return 0;
}

/* `v` as a limit, 1 to REVIEW_LIMIT_MAX: 0, or -1. */
static int
review_limit_parse(const char *v, int *limit)
{
	char *end;
	long n;

	if (v[0] < '1' || v[0] > '9' || strlen(v) > 3)
		return -1;
	n = strtol(v, &end, 10);
	if (*end != '\0' || n < 1 || n > REVIEW_LIMIT_MAX)
		return -1;
	*limit = (int)n;
	return 0;
}

/* Each bad value of the query reported into `inv`. */
static void
review_query_check(struct app_review_query *q, const char *limit,
    struct pipe_invalid *inv)
{
	struct validate_date d;

	if (q->status != NULL && !review_status_known(q->status))
		(void)pipe_invalid_add(inv, NULL, "status", RULE_STATUS);
	if (q->date != NULL)
		(void)pipe_invalid_add(inv, NULL, "date",
		    rule_date(validate_date_parse(q->date, &d)));
	if (limit != NULL && review_limit_parse(limit, &q->limit) != 0)
		(void)pipe_invalid_add(inv, NULL, "limit", RULE_PAGE_LIMIT);
	if (q->after != NULL && validate_uuid(q->after) != VALIDATE_OK)
		(void)pipe_invalid_add(inv, NULL, "after", RULE_APPLICATION_ID);
}

int
app_review_query_read(const struct pipe_request *req,
    struct app_review_query *q, struct pipe_response *res)
{
	static const char *const known[] = { "status", "date", "limit",
	    "after", NULL };
	struct pipe_invalid inv;
	struct pipe_query pq;

	memset(q, 0, sizeof(*q));
	q->limit = APP_REVIEW_LIMIT_DEFAULT;
	if (pipe_query_parse(req->arena, req->query, &pq) != 0) {
		if (res != NULL)
			pipe_error(res, 400, "bad_request",
			    "The query string is malformed.", NULL);
		return -1;
	}
	pipe_invalid_init(&inv, req->arena);
	(void)pipe_query_known(&inv, &pq, known);
	q->status = pipe_query_get(&pq, "status");
	q->date = pipe_query_get(&pq, "date");
	q->after = pipe_query_get(&pq, "after");
	review_query_check(q, pipe_query_get(&pq, "limit"), &inv);
	if (pipe_invalid_count(&inv) > 0) {
		if (res != NULL)
			(void)pipe_invalid_answer(&inv, res);
		return -1;
	}
	snprintf(q->limit_text, sizeof(q->limit_text), "%d", q->limit + 1);
	return 0;
}

/* The queue's read, for a well-formed query only. */
void
app_review_queue_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	struct app_review_query q;

	(void)ctx;
	if (app_review_query_read(req, &q, NULL) != 0)
		return;
	{
		const struct db_param p[4] = {
			q.status != NULL ? DB_TEXT(q.status) : DB_NULL,
			q.date != NULL ? DB_TEXT(q.date) : DB_NULL,
			DB_TEXT(arena_strdup(req->arena, q.limit_text)),
			q.after != NULL ? DB_TEXT(q.after) : DB_NULL,
		};

		pipe_plan_add(plan, DB_STMT_REVIEW_QUEUE, p, 4);
	}
}

/* Rows of `r`, at most `limit`, as summaries opened as each row's owner's,
 * and the next cursor: PIPE_ANSWERED with 200. */
static enum pipe_status
review_queue_answer(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct db_result *r, int limit, struct pipe_response *res)
{
	json_t *list = pipe_oom_check(json_array());
	int n = db_rows(r) < limit ? db_rows(r) : limit;
	const char *next = NULL;

	for (int i = 0; i < n; i++) {
		json_t *summary;

		(void)app_record_summary(req->arena, ctx->keys,
		    db_text(r, i, DB_COL(REVIEW_QUEUE, ACCOUNT_ID)), r, i,
		    &summary);
		if (json_array_append_new(list, summary) != 0)
			pipe_oom();
	}
	if (db_rows(r) > limit)
		next = db_text(r, n - 1, DB_COL(REVIEW_QUEUE, ID));
	res->status = 200;
	res->body = pipe_oom_check(json_pack("{s:o, s:o}", "applications", list,
	    "next", pipe_json_text(next)));
	return PIPE_ANSWERED;
}

enum pipe_status
app_review_queue(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	struct app_review_query q;
	struct db_result *r;
	enum pipe_status st;

	(void)who;
	if (app_review_query_read(req, &q, res) != 0)
		return PIPE_ANSWERED;
	if ((st = pipe_prefetched(req, 0, &r)) != PIPE_NEXT)
		return st;
	return review_queue_answer(ctx, req, r, q.limit, res);
}

/* ---------------------------------------------------------------- opening */

/* The row (REVIEW_GET) and the audit head, when the id is well-formed. */
static void
review_row_prefetch(const struct pipe_request *req, enum db_stmt stmt,
    struct pipe_plan *plan)
{
	const char *id = pipe_param_uuid(req, 0);
	const struct db_param p[1] = { DB_TEXT(id) };

	if (id == NULL)
		return;
	pipe_plan_add(plan, stmt, p, 1);
	app_audit_prefetch(plan);
}

void
app_review_open_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	(void)ctx;
	review_row_prefetch(req, DB_STMT_REVIEW_GET, plan);
}

/* Row 0 of `r` (REVIEW_APP columns) opened as its owner's: PIPE_NEXT with
 * *app; 500 when it does not open (a damaged row or a lost key: logged). */
static enum pipe_status
review_open_row(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct db_result *r, json_t **app, struct pipe_response *res)
{
	const char *owner = db_text(r, 0, DB_COL(REVIEW_APP, ACCOUNT_ID));

	if (owner != NULL && app_record_open(req->arena, ctx->keys, owner, r,
	    0, app) == APP_OPEN_OK)
		return PIPE_NEXT;
	log_error("%s: an application of the office does not open",
	    __func__);
	return pipe_internal(res);
}

/* The audit row of `action` (detail `detail` or NULL) on application
 * `id`, with COMMIT, after calls[0..n): PIPE_NEXT once committed. */
static enum pipe_status
review_commit(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, const char *id, const char *action,
    const char *detail, struct db_call *calls, int n,
    struct pipe_response *res)
{
	const struct app_audit_entry entry = { action, id, NULL, detail };

	return app_audit_commit(ctx, req, who, REVIEW_HEAD, &entry, calls, n,
	    res);
}

enum pipe_status
app_review_open(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	const char *id = pipe_param_uuid(req, 0);
	struct db_call calls[1];
	struct db_result *r;
	enum pipe_status st;
	json_t *app;

	if (id == NULL)
		return review_not_found(res);
	if ((st = pipe_prefetched(req, REVIEW_ROW, &r)) != PIPE_NEXT)
		return st;
	if (db_rows(r) != 1)
		return review_not_found(res);
	if ((st = review_open_row(ctx, req, r, &app, res)) != PIPE_NEXT ||
	    (st = review_commit(ctx, req, who, id, "review.open", NULL, calls,
	    0, res)) != PIPE_NEXT)
		return st;
	res->status = 200;
	res->body = pipe_oom_check(json_pack("{s:o}", "application", app));
	return PIPE_ANSWERED;
}

/* --------------------------------------------------------------- decision */

void
app_review_decide_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	(void)ctx;
	review_row_prefetch(req, DB_STMT_REVIEW_GET, plan);
}

enum pipe_status
app_review_decision_read(const struct pipe_request *req,
    const char **outcome, const char **reason, struct pipe_response *res)
{
	static const char *const known[] = { "outcome", "reason", NULL };
	struct pipe_invalid inv;
	json_t *body;

	*reason = NULL;
	if (pipe_json_body(req, res, &body) != 0)
		return PIPE_ANSWERED;
	pipe_invalid_init(&inv, req->arena);
	(void)pipe_json_known(&inv, body, NULL, known);
	if (pipe_json_string(&inv, body, NULL, "outcome", PIPE_JSON_REQUIRED,
	    outcome, NULL) == 0 && strcmp(*outcome, "approved") != 0 &&
	    strcmp(*outcome, "rejected") != 0 &&
	    strcmp(*outcome, "no_show") != 0)
		(void)pipe_invalid_add(&inv, NULL, "outcome", RULE_OUTCOME);
	(void)pipe_json_string(&inv, body, NULL, "reason", PIPE_JSON_OPTIONAL,
	    reason, NULL);
	if (*reason != NULL)
		(void)pipe_invalid_add(&inv, NULL, "reason",
		    rule_text(validate_staff_text(*reason, VALIDATE_REASON_MAX),
		    VALIDATE_REASON_MAX));
	return pipe_invalid_answer(&inv, res) != 0 ? PIPE_ANSWERED : PIPE_NEXT;
}

static enum pipe_status
review_conflict(struct pipe_response *res)
{
	pipe_error(res, 409, "conflict", "This application cannot be given "
	    "that outcome in its present state.", NULL);
	return PIPE_ANSWERED;
}

/* 1 when `outcome` is one of the comma-separated `allowed`. */
static int
review_outcome_allowed(const char *allowed, const char *outcome)
{
	size_t n = strlen(outcome);

	for (const char *p = allowed; p != NULL && *p != '\0';) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

		if (len == n && strncmp(p, outcome, n) == 0)
			return 1;
		p = end != NULL ? end + 1 : NULL;
	}
	return 0;
}

enum pipe_status
app_review_decide(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	const char *id = pipe_param_uuid(req, 0), *outcome, *reason;
	struct db_call calls[3];
	struct db_result *r;
	enum pipe_status st;
	json_t *app;

	if (id == NULL)
		return review_not_found(res);
	if ((st = app_review_decision_read(req, &outcome, &reason, res)) !=
	    PIPE_NEXT || (st = pipe_prefetched(req, REVIEW_ROW, &r)) !=
	    PIPE_NEXT)
		return st;
	if (db_rows(r) != 1)
		return review_not_found(res);
	if (!review_outcome_allowed(db_text(r, 0, DB_COL(REVIEW_APP,
	    OUTCOMES)), outcome))
		return review_conflict(res);
	{
		const struct db_param p[3] = { DB_TEXT(id), DB_TEXT(outcome),
		    reason != NULL ? DB_TEXT(reason) : DB_NULL };

		calls[0] = (struct db_call){ DB_STMT_REVIEW_DECIDE, p, 3, NULL,
		    DB_ERROR };
		calls[1] = (struct db_call){ DB_STMT_REVIEW_GET, p, 1, NULL,
		    DB_ERROR };
		st = review_commit(ctx, req, who, id, "review.decide",
		    arena_printf(req->arena, "outcome=%s", outcome), calls, 2,
		    res);
	}
	if (calls[0].status == DB_CONFLICT)
		return review_conflict(res);
	if (st != PIPE_NEXT)
		return st;
	if (db_rows(calls[1].result) != 1)
		return pipe_internal(res);
	if ((st = review_open_row(ctx, req, calls[1].result, &app, res)) !=
	    PIPE_NEXT)
		return st;
	res->status = 200;
	res->body = pipe_oom_check(json_pack("{s:o}", "application", app));
	return PIPE_ANSWERED;
}
