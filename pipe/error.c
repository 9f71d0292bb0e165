/*
 * error — the HTTP API's error body, {"error":{"code","message"
 * [,"field"]}} (a 422's "errors" beside them: pipe/invalid.c), and the
 * answers every layer shares: 500 internal, 503 maintenance and out of
 * memory.
 */
#include <stdlib.h>

#include "pipe/pipe.h"
#include "pipe/mode.h"
#include "core/log.h"

void
pipe_oom(void)
{
	log_error("out of memory");
	abort();
}

json_t *
pipe_oom_check(json_t *v)
{
	if (v == NULL)
		pipe_oom();
	return v;
}

void
pipe_error(struct pipe_response *res, int status, const char *code,
    const char *message, const char *field)
{
	json_t *err = pipe_oom_check(json_pack("{s:s, s:s}", "code", code,
	    "message", message));

	if (field != NULL && json_object_set_new(err, "field",
	    pipe_oom_check(json_string(field))) != 0)
		pipe_oom();
	res->status = status;
	res->body = pipe_oom_check(json_pack("{s:o}", "error", err));
}

enum pipe_status
pipe_internal(struct pipe_response *res)
{
	pipe_error(res, 500, "internal", "Something went wrong.", NULL);
	return PIPE_ANSWERED;
}

void
pipe_maintenance(const struct pipe_ctx *ctx, const struct pipe_request *req,
    struct pipe_response *res)
{
	const char *notice = pipe_mode_notice(req->mode);

	if (req->mode_message != NULL)
		notice = arena_printf(req->arena, "%s %s", notice,
		    req->mode_message);
	pipe_error(res, 503, "maintenance", notice, NULL);
	res->retry_after = ctx->cfg->retry_after;
}
