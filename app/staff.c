/*
 * staff — POST /api/v1/admin/staff (contract in staff.h).
 */
#include "app/staff.h"

#include <string.h>

#include "app/accounts.h"
#include "app/audit.h"
#include "pipe/json.h"
#include "pipe/principal.h"
#include "core/validate.h"
#include "db/db.h"

/* Where the prefetched reads are: the audit head, then the office (for a
 * body that names one). */
enum { APP_STAFF_HEAD, APP_STAFF_OFFICE };

void
app_staff_create_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	const char *office = req->body == NULL ? NULL :
	    json_string_value(json_object_get(req->body, "office"));
	struct db_param p[1];

	(void)ctx;
	app_audit_prefetch(plan);
	if (office == NULL)
		return;
	p[0] = DB_TEXT(office);
	pipe_plan_add(plan, DB_STMT_STAFF_OFFICE, p, 1);
}

int
app_staff_read(const struct pipe_request *req, struct pipe_response *res,
    struct pipe_invalid *inv, struct app_staff *s, const char **role)
{
	static const char *const known[] = { "email", "password", "role",
	    "office", NULL };
	json_t *body;

	if (pipe_json_body(req, res, &body) != 0)
		return -1;
	(void)pipe_json_known(inv, body, NULL, known);
	(void)pipe_json_string(inv, body, NULL, "email", PIPE_JSON_REQUIRED,
	    &s->email, NULL);
	(void)pipe_json_string(inv, body, NULL, "password", PIPE_JSON_REQUIRED,
	    &s->password, &s->password_len);
	(void)pipe_json_string(inv, body, NULL, "role", PIPE_JSON_REQUIRED,
	    role, NULL);
	s->office_refused = pipe_json_string(inv, body, NULL, "office",
	    PIPE_JSON_OPTIONAL, &s->office, NULL) != 0;
	return 0;
}

/* The rule `office` breaks for role s->role (which is good): RULE_NONE,
 * or PIPE_FAILED (*st) when the prefetch failed. */
static enum rule
app_staff_office_rule(const struct pipe_request *req,
    const struct app_staff *s, enum pipe_status *st)
{
	struct db_result *r;

	if (s->role == PIPE_ROLE_ADMIN)
		return s->office != NULL ? RULE_ADMIN_OFFICE : RULE_NONE;
	if (s->office == NULL)
		return RULE_REVIEWER_OFFICE;
	if ((*st = pipe_prefetched(req, APP_STAFF_OFFICE, &r)) != PIPE_NEXT)
		return RULE_NONE;
	return db_rows(r) == 1 ? RULE_NONE : RULE_OFFICE;
}

/* The role and office rules, reported into `inv`: a reviewer has an office
 * that exists (the prefetch said), an admin none. PIPE_NEXT, or the
 * database failure. */
static enum pipe_status
app_staff_judge_role(const struct pipe_request *req, struct app_staff *s,
    const char *role, struct pipe_invalid *inv)
{
	enum pipe_status st = PIPE_NEXT;
	enum rule r;

	if (role == NULL)
		return PIPE_NEXT;   /* refused already */
	if (pipe_role_parse(role, &s->role) != 0 ||
	    (s->role != PIPE_ROLE_REVIEWER && s->role != PIPE_ROLE_ADMIN)) {
		(void)pipe_invalid_add(inv, NULL, "role", RULE_STAFF_ROLE);
		return PIPE_NEXT;
	}
	if (s->office_refused)
		return PIPE_NEXT;
	r = app_staff_office_rule(req, s, &st);
	(void)pipe_invalid_add(inv, NULL, "office", r);
	return st;
}

/*
 * The admin's act, in one place: the staff account inserted and committed
 * in one flight with its audit row, so the row commits with the account
 * or not at all. DB_OK, or the failure (DB_CONFLICT: the email is taken).
 */
static enum db_status
app_staff_insert(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, const struct app_staff *s,
    const struct enroll *n, struct pipe_response *res)
{
	struct db_param p[APP_ACCOUNT_NPARAMS + 2];
	struct db_call calls[2] = {
		{ DB_STMT_STAFF_CREATE, p, APP_ACCOUNT_NPARAMS + 2, NULL, DB_ERROR },
	};
	const struct app_audit_entry entry = { "admin.staff_create", NULL,
	    n->id, arena_printf(req->arena, "role=%s office=%s",
	    pipe_role_name(s->role), s->office != NULL ? s->office : "-") };

	app_account_params(n, p);
	p[APP_ACCOUNT_NPARAMS] = DB_TEXT(pipe_role_name(s->role));
	p[APP_ACCOUNT_NPARAMS + 1] = DB_TEXT(s->office);
	if (app_audit_commit(ctx, req, who, APP_STAFF_HEAD, &entry, calls, 1,
	    res) == PIPE_ANSWERED)
		return DB_ERROR;
	return calls[0].status != DB_OK ? calls[0].status : calls[1].status;
}

/* 201 with the new account. */
static void
app_staff_answer(const struct app_staff *s, const struct enroll *n,
    struct pipe_response *res)
{
	res->status = 201;
	res->body = pipe_oom_check(json_pack("{s:o}", "account",
	    app_account_json(n->id, s->norm, s->role, s->office, 1)));
}

enum pipe_status
app_staff_create(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	struct app_staff s = { .office = NULL };
	struct pipe_invalid inv;
	struct enroll n;
	const char *role;
	enum pipe_status st = PIPE_ANSWERED;
	enum db_status dst;

	memset(&n, 0, sizeof(n));
	s.norm = arena_alloc(req->arena, VALIDATE_EMAIL_BUFSZ);
	pipe_invalid_init(&inv, req->arena);
	if (app_staff_read(req, res, &inv, &s, &role) != 0)
		goto out;
	(void)app_account_check(&inv, s.email, s.password, s.norm);
	if ((st = app_staff_judge_role(req, &s, role, &inv)) != PIPE_NEXT)
		goto out;
	st = PIPE_ANSWERED;
	if (pipe_invalid_answer(&inv, res) != 0)
		goto out;
	if (app_account_enroll(ctx, req->arena, s.norm, s.password,
	    s.password_len, &n) != 0) {
		st = pipe_internal(res);
		goto out;
	}
	dst = app_staff_insert(ctx, req, who, &s, &n, res);
	if (dst == DB_CONFLICT)
		pipe_error(res, 409, "conflict",
		    "An account with this email already exists.", "email");
	else if (dst != DB_OK)
		st = pipe_db(dst);
	else
		app_staff_answer(&s, &n, res);
out:
	enroll_wipe(&n);
	return st;
}
