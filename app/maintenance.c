/*
 * maintenance — GET and PUT /api/v1/admin/maintenance (contract in
 * maintenance.h).
 */
#include "app/maintenance.h"

#include "app/audit.h"
#include "pipe/json.h"
#include "pipe/mode.h"
#include "core/validate.h"
#include "db/db.h"

/* {"mode","message"}, message null when NULL. */
static json_t *
app_maintenance_json(const char *mode, const char *message)
{
	return pipe_oom_check(json_pack("{s:s, s:s?}", "mode", mode,
	    "message", message));
}

enum pipe_status
app_maintenance_get(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	(void)ctx;
	(void)who;
	res->status = 200;
	res->body = app_maintenance_json(pipe_mode_name(req->mode),
	    req->mode_message);
	return PIPE_ANSWERED;
}

int
app_maintenance_read(const struct pipe_request *req, struct pipe_response *res,
    const char **mode, const char **message)
{
	static const char *const known[] = { "mode", "message", NULL };
	struct pipe_invalid inv;
	enum pipe_mode known_mode;
	json_t *body;

	if (pipe_json_body(req, res, &body) != 0)
		return -1;
	pipe_invalid_init(&inv, req->arena);
	(void)pipe_json_known(&inv, body, NULL, known);
	if (pipe_json_string(&inv, body, NULL, "mode", PIPE_JSON_REQUIRED, mode,
	    NULL) == 0 && pipe_mode_find(*mode, &known_mode) != 0)
		(void)pipe_invalid_add(&inv, NULL, "mode", RULE_MODE);
	(void)pipe_json_string(&inv, body, NULL, "message", PIPE_JSON_OPTIONAL,
	    message, NULL);
	if (*message != NULL && **message == '\0')
		*message = NULL;
	if (*message != NULL)
		(void)pipe_invalid_add(&inv, NULL, "message",
		    rule_text(validate_staff_text(*message,
		    VALIDATE_MAINTENANCE_MAX),
		    VALIDATE_MAINTENANCE_MAX));
	return pipe_invalid_answer(&inv, res);
}

void
app_maintenance_put_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	(void)ctx;
	(void)req;
	app_audit_prefetch(plan);
}

/*
 * The admin's act, in one place: the mode and message set and committed in
 * one flight with its audit row (the head read by the prefetch), so the
 * row commits with the change or not at all; answered as stored.
 * PIPE_ANSWERED, or the database failure.
 */
static enum pipe_status
app_maintenance_set(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, const char *mode, const char *message,
    struct pipe_response *res)
{
	const struct db_param p[] = { DB_TEXT(mode), DB_TEXT(message) };
	struct db_call calls[2] = {
		{ DB_STMT_MAINTENANCE_SET, p, 2, NULL, DB_ERROR },
	};
	const struct app_audit_entry entry = { "admin.maintenance", NULL, NULL,
	    arena_printf(req->arena, "mode=%s", mode) };
	const struct db_result *r;
	enum pipe_status st;

	if ((st = app_audit_commit(ctx, req, who, 0, &entry, calls, 1,
	    res)) != PIPE_NEXT)
		return st;
	r = calls[0].result;
	if (db_rows(r) != 1 ||
	    db_text(r, 0, DB_COL(MAINTENANCE_SET, MODE)) == NULL)
		return pipe_internal(res);
	res->status = 200;
	res->body = app_maintenance_json(
	    db_text(r, 0, DB_COL(MAINTENANCE_SET, MODE)),
	    db_text(r, 0, DB_COL(MAINTENANCE_SET, MESSAGE)));
	return PIPE_ANSWERED;
}

enum pipe_status
app_maintenance_put(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	const char *mode, *message;

	if (app_maintenance_read(req, res, &mode, &message) != 0)
		return PIPE_ANSWERED;
	return app_maintenance_set(ctx, req, who, mode, message, res);
}
