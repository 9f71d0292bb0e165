/*
 * maintenance — the service mode as an admin reads and sets it (docs/API.md,
 * Back office; docs/DESIGN.md invariant 7).
 *
 * The mode and its message live in service_state, which every request's
 * binding reads (so every worker of every host agrees at once); setting
 * them is permit_maintenance_set (migrations/0015), which refuses any
 * transaction not bound to a live admin's session. Nothing else about a
 * request changes with the mode but pipe/mode.c's one rule; these two
 * routes pass through it like every other (PIPE_SCOPE_ADMIN).
 */
#ifndef PERMIT_APP_MAINTENANCE_H
#define PERMIT_APP_MAINTENANCE_H

#include "pipe/pipe.h"

/* GET /api/v1/admin/maintenance: 200 {"mode","message"} as this request's
 * binding read them (message null when none), the mode as the request is
 * served in (read_only on a standby, pipe_mode_served). */
pipe_handler app_maintenance_get;

/*
 * PUT /api/v1/admin/maintenance {"mode","message"}: sets both (a message
 * absent, null or "" is none) and answers 200 {"mode","message"} as
 * stored. 422 naming `mode` (not normal, read_only or closed) or `message`
 * (over VALIDATE_MAINTENANCE_MAX characters, a control character, not
 * UTF-8); nothing changes then.
 */
pipe_handler app_maintenance_put;
pipe_prefetch app_maintenance_put_prefetch;   /* the audit head */

/*
 * Its body read and judged: *mode one of pipe/mode.h's names, *message
 * NULL for none (absent, null or "") or good text (both point into the
 * body). 0, or -1 with 400/422 in res. Reads the body only.
 */
int app_maintenance_read(const struct pipe_request *req,
    struct pipe_response *res, const char **mode, const char **message);

#endif
