/*
 * error — API.md's error body, {"error":{"code","message"[,"field"]}}.
 */
#include <stdlib.h>

#include "app/app.h"
#include "core/log.h"

void
app_error(struct app_response *res, int status, const char *code,
    const char *message, const char *field)
{
	json_t *err;

	err = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (err == NULL ||
	    (field != NULL && json_object_set_new(err, "field",
	    json_string(field)) != 0)) {
		log_error("out of memory building a %d body", status);
		abort();
	}
	res->status = status;
	res->body = json_pack("{s:o}", "error", err);
	if (res->body == NULL) {
		log_error("out of memory building a %d body", status);
		abort();
	}
}

void
app_maintenance(const struct app_ctx *ctx, struct app_response *res)
{
	app_error(res, 503, "maintenance",
	    "The service is under maintenance; try again later.", NULL);
	res->retry_after = ctx->cfg->retry_after;
}
