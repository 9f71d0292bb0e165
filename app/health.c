#include "app/health.h"

#include <stdlib.h>

#include "app/mode.h"
#include "core/log.h"

static json_t *
app_health_body(json_t *body)
{
	if (body == NULL) {
		log_error("out of memory");
		abort();
	}
	return body;
}

int
app_health(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, struct app_response *res)
{
	(void)ctx;
	(void)who;
	res->status = 200;
	res->body = app_health_body(json_pack("{s:s, s:s}", "status", "ok",
	    "mode", app_mode_name(req->mode)));
	return 0;
}

json_t *
app_health_unavailable(void)
{
	return app_health_body(json_pack("{s:s}", "status", "unavailable"));
}
