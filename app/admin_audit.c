/*
 * admin_audit — an application's audit trail as an admin reads it
 * (contract in admin.h).
 */
#include "app/admin.h"

#include <jansson.h>

#include "core/validate.h"
#include "pipe/query.h"
#include "pipe/rows.h"

/* The query's application id when well-formed, else NULL. */
static const char *
admin_audit_application(const struct pipe_request *req)
{
	struct pipe_query q;
	const char *v;
	static const char *const known[] = { "application", NULL };

	if (pipe_query_parse(req->arena, req->query, &q) != 0 ||
	    pipe_query_unknown(&q, known) != NULL)
		return NULL;
	v = pipe_query_get(&q, "application");
	return v != NULL && validate_uuid(v) == VALIDATE_OK ? v : NULL;
}

/*
 * The 422 of a query that names no application: each unknown parameter,
 * and `application` missing or not an id (a malformed query string too,
 * which names nothing).
 */
static enum pipe_status
admin_audit_refuse(const struct pipe_request *req, struct pipe_response *res)
{
	static const char *const known[] = { "application", NULL };
	struct pipe_invalid inv;
	struct pipe_query q;
	const char *v = NULL;

	pipe_invalid_init(&inv, req->arena);
	if (pipe_query_parse(req->arena, req->query, &q) == 0) {
		(void)pipe_query_known(&inv, &q, known);
		v = pipe_query_get(&q, "application");
	}
	if (v == NULL)
		(void)pipe_invalid_add(&inv, NULL, "application", RULE_REQUIRED);
	else if (validate_uuid(v) != VALIDATE_OK)
		(void)pipe_invalid_add(&inv, NULL, "application",
		    RULE_APPLICATION_ID);
	(void)pipe_invalid_answer(&inv, res);
	return PIPE_ANSWERED;
}

void
app_admin_audit_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	const char *id = admin_audit_application(req);
	const struct db_param p[1] = { DB_TEXT(id) };

	(void)ctx;
	if (id != NULL)
		pipe_plan_add(plan, DB_STMT_ADMIN_AUDIT, p, 1);
}

static json_t *
admin_entry_json(const struct db_result *r, int row, const void *arg)
{
	(void)arg;
	return json_pack("{s:s, s:s, s:s, s:s}",
	    "at", db_text(r, row, DB_COL(ADMIN_AUDIT, AT)),
	    "actor", db_text(r, row, DB_COL(ADMIN_AUDIT, ACTOR)),
	    "action", db_text(r, row, DB_COL(ADMIN_AUDIT, ACTION)),
	    "application", db_text(r, row, DB_COL(ADMIN_AUDIT, APPLICATION)));
}

enum pipe_status
app_admin_audit(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	struct db_result *r;
	enum pipe_status st;

	(void)ctx;
	(void)who;
	if (admin_audit_application(req) == NULL)
		return admin_audit_refuse(req, res);
	if ((st = pipe_prefetched(req, 0, &r)) != PIPE_NEXT)
		return st;
	return pipe_rows_answer(res, "entries", r, admin_entry_json, NULL);
}
