#include "app/health.h"

#include "pipe/mode.h"

enum pipe_status
app_health(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	(void)ctx;
	(void)who;
	res->status = 200;
	/* The admin's message is public already (every 503 maintenance body
	 * carries it): pages show it in their banner before anyone writes. */
	res->body = pipe_oom_check(json_pack("{s:s, s:s, s:s?}", "status", "ok",
	    "mode", pipe_mode_name(req->mode), "message", req->mode_message));
	return PIPE_ANSWERED;
}

json_t *
app_health_unavailable(void)
{
	return pipe_oom_check(json_pack("{s:s}", "status", "unavailable"));
}
