/*
 * admin_accounts — an admin's reading of the flags, and blocking and
 * unblocking accounts (contract in admin.h).
 */
#include "app/admin.h"

#include <string.h>

#include <jansson.h>

#include "app/audit.h"
#include "core/validate.h"
#include "pipe/json.h"
#include "pipe/rows.h"

/* Where the first flight's reads are: the account, the audit head. */
enum { ADMIN_ACCOUNT_ROW, ADMIN_ACCOUNT_HEAD };

/* ------------------------------------------------------------------ flags */

/* The flagged account's block: null when it is not blocked, else
 * {"at","by","reason"} (by and reason null for a block without its row). */
static json_t *
admin_flag_blocked(const struct db_result *r, int row)
{
	const char *at = db_text(r, row, DB_COL(ADMIN_FLAGS, BLOCKED_AT));

	if (at == NULL)
		return json_null();
	return json_pack("{s:s, s:o, s:o}", "at", at,
	    "by", pipe_json_column(r, row, DB_COL(ADMIN_FLAGS, BLOCKED_BY)),
	    "reason",
	    pipe_json_column(r, row, DB_COL(ADMIN_FLAGS, BLOCK_REASON)));
}

static json_t *
admin_flag_json(const struct db_result *r, int row, const void *arg)
{
	(void)arg;
	return json_pack("{s:s, s:s, s:s, s:s, s:o}",
	    "account_id", db_text(r, row, DB_COL(ADMIN_FLAGS, ACCOUNT_ID)),
	    "rule", db_text(r, row, DB_COL(ADMIN_FLAGS, RULE)),
	    "detail", db_text(r, row, DB_COL(ADMIN_FLAGS, DETAIL)),
	    "at", db_text(r, row, DB_COL(ADMIN_FLAGS, AT)),
	    "blocked", admin_flag_blocked(r, row));
}

enum pipe_status
app_admin_flags(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	struct db_result *r;
	enum pipe_status st;

	(void)ctx;
	(void)who;
	if ((st = pipe_prefetched(req, 0, &r)) != PIPE_NEXT)
		return st;
	return pipe_rows_answer(res, "flags", r, admin_flag_json, NULL);
}

/* --------------------------------------------------------- block, unblock */

static enum pipe_status
admin_no_account(struct pipe_response *res)
{
	pipe_error(res, 404, "not_found", "No such account.", NULL);
	return PIPE_ANSWERED;
}

/* Block and unblock: the account and the audit head. */
void
app_admin_block_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	const char *id = pipe_param_uuid(req, 0);
	const struct db_param p[1] = { DB_TEXT(id) };

	(void)ctx;
	if (id == NULL)
		return;
	pipe_plan_add(plan, DB_STMT_ADMIN_ACCOUNT, p, 1);
	app_audit_prefetch(plan);
}

int
app_admin_reason_read(const struct pipe_request *req,
    struct pipe_response *res, const char **reason)
{
	static const char *const known[] = { "reason", NULL };
	struct pipe_invalid inv;
	json_t *body;

	*reason = NULL;
	if (pipe_json_body(req, res, &body) != 0)
		return -1;
	pipe_invalid_init(&inv, req->arena);
	(void)pipe_json_known(&inv, body, NULL, known);
	if (pipe_json_string(&inv, body, NULL, "reason", PIPE_JSON_REQUIRED,
	    reason, NULL) == 0)
		(void)pipe_invalid_add(&inv, NULL, "reason",
		    rule_text(validate_staff_text(*reason, VALIDATE_REASON_MAX),
		    VALIDATE_REASON_MAX));
	return pipe_invalid_answer(&inv, res);
}

/* The account exists and the body {"reason"} is good: PIPE_NEXT with p[0]
 * the account's id and p[1] the reason (in the request), the parameters
 * of ADMIN_BLOCK and ADMIN_UNBLOCK; else answered 404, 400 or 422. */
static enum pipe_status
admin_account_admit(const struct pipe_request *req, struct pipe_response *res,
    struct db_param p[2])
{
	const char *reason;
	struct db_result *r;
	enum pipe_status st;

	if (pipe_param_uuid(req, 0) == NULL)
		return admin_no_account(res);
	if (app_admin_reason_read(req, res, &reason) != 0)
		return PIPE_ANSWERED;
	if ((st = pipe_prefetched(req, ADMIN_ACCOUNT_ROW, &r)) != PIPE_NEXT)
		return st;
	if (db_rows(r) != 1)
		return admin_no_account(res);
	p[0] = DB_TEXT(pipe_param_uuid(req, 0));
	p[1] = DB_TEXT(reason);
	return PIPE_NEXT;
}

/* `calls[0]` (on account `id`) with the audit row of `action`, committed:
 * PIPE_NEXT, or answered/failed. */
static enum pipe_status
admin_account_act(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, const char *action,
    struct db_call *calls, struct pipe_response *res)
{
	const struct app_audit_entry entry = { action, NULL,
	    pipe_param_uuid(req, 0), NULL };

	return app_audit_commit(ctx, req, who, ADMIN_ACCOUNT_HEAD, &entry,
	    calls, 1, res);
}

enum pipe_status
app_admin_block(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	struct db_param p[2];
	struct db_call calls[2] = {
		{ DB_STMT_ADMIN_BLOCK, p, 2, NULL, DB_ERROR },
	};
	const struct db_result *r;
	long long n[3];
	enum pipe_status st;

	if ((st = admin_account_admit(req, res, p)) != PIPE_NEXT)
		return st;
	if (strcmp(p[0].value, who->account_id) == 0) {
		pipe_error(res, 409, "conflict",
		    "An admin cannot block its own account.", NULL);
		return PIPE_ANSWERED;
	}
	if ((st = admin_account_act(ctx, req, who, "admin.block", calls,
	    res)) != PIPE_NEXT)
		return st;
	r = calls[0].result;
	if (db_rows(r) != 1 ||
	    db_int64(r, 0, DB_COL(ADMIN_BLOCK, RELEASED), &n[0]) != 0 ||
	    db_int64(r, 0, DB_COL(ADMIN_BLOCK, REVOKED), &n[1]) != 0 ||
	    db_int64(r, 0, DB_COL(ADMIN_BLOCK, CANCELLED), &n[2]) != 0)
		return pipe_internal(res);
	res->status = 200;
	res->body = pipe_oom_check(json_pack("{s:I, s:I, s:I}",
	    "released_bookings", (json_int_t)n[0],
	    "revoked_sessions", (json_int_t)n[1],
	    "cancelled_applications", (json_int_t)n[2]));
	return PIPE_ANSWERED;
}

enum pipe_status
app_admin_unblock(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	struct db_param p[2];
	struct db_call calls[2] = {
		{ DB_STMT_ADMIN_UNBLOCK, p, 2, NULL, DB_ERROR },
	};
	const struct db_result *r;
	const char *office;
	enum pipe_status st;

	if ((st = admin_account_admit(req, res, p)) != PIPE_NEXT ||
	    (st = admin_account_act(ctx, req, who, "admin.unblock", calls,
	    res)) != PIPE_NEXT)
		return st;
	r = calls[0].result;
	if (db_rows(r) != 1)
		return pipe_internal(res);
	office = db_text(r, 0, DB_COL(ADMIN_UNBLOCK, OFFICE));
	res->status = 200;
	res->body = pipe_oom_check(json_pack("{s:{s:s, s:s, s:o}}", "account",
	    "id", db_text(r, 0, DB_COL(ADMIN_UNBLOCK, ID)),
	    "role", db_text(r, 0, DB_COL(ADMIN_UNBLOCK, ROLE)),
	    "office", pipe_json_text(office)));
	return PIPE_ANSWERED;
}
