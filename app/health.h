/*
 * health — GET /api/v1/health: is this worker's database reachable, and in
 * which service mode. Public, answered in every mode.
 */
#ifndef PERMIT_APP_HEALTH_H
#define PERMIT_APP_HEALTH_H

#include "pipe/pipe.h"

/* 200 {"status":"ok","mode":...,"message":...} with the mode the request
 * is served in (read_only on a standby) and the admin's message (null when
 * none) pipe_serve() read. */
pipe_handler app_health;

/* The route's 503 body, {"status":"unavailable"} (docs/API.md). Arena-owned. */
json_t *app_health_unavailable(void);

#endif
