/*
 * health — GET /api/v1/health: is this worker's database reachable, and in
 * which service mode. Public, answered in every mode.
 */
#ifndef PERMIT_APP_HEALTH_H
#define PERMIT_APP_HEALTH_H

#include "app/app.h"

/* 200 {"status":"ok","mode":...} with the mode app_serve() read. */
int app_health(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, struct app_response *res);

/* The route's 503 body, {"status":"unavailable"} (API.md). Arena-owned. */
json_t *app_health_unavailable(void);

#endif
