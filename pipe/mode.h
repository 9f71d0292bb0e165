/*
 * mode — the service mode (docs/DESIGN.md invariant 7): its name, as the
 * binding reads it from service_state, and deciding which routes it admits. The same rule holds for
 * every route; no code path exists only for maintenance.
 */
#ifndef PERMIT_PIPE_MODE_H
#define PERMIT_PIPE_MODE_H

#include "pipe/pipe.h"
#include "db/db.h"

/* The mode named `s` into *out: 0, or -1 (nothing logged) when `s` is
 * NULL or no mode's name. For a name from a request. */
int pipe_mode_find(const char *s, enum pipe_mode *out);

/* The mode named `s` (service_state's text, as the binding returns it);
 * unknown or NULL text is logged and read as PIPE_MODE_CLOSED (fail
 * closed). */
enum pipe_mode pipe_mode_parse(const char *s);

/*
 * The mode a request is served in: `mode` (service_state's), or read_only
 * when the database refuses writes (db_read_only: a standby while no
 * primary exists) and `mode` is normal. So health and every page say
 * read_only then, and writes are refused as in read_only.
 */
enum pipe_mode pipe_mode_served(enum pipe_mode mode, int db_read_only);

/* "normal", "read_only" or "closed"; static storage. */
const char *pipe_mode_name(enum pipe_mode mode);

/* What a request refused in `mode` is told, before any admin's message:
 * a static sentence per mode. */
const char *pipe_mode_notice(enum pipe_mode mode);

/*
 * 1 when `mode` lets `route` be answered for `who`, else 0: on a database
 * that refuses writes (`db_read_only`) no PIPE_EFFECT_WRITE route, whoever
 * asks, since nothing could be written; otherwise PIPE_SCOPE_ALWAYS
 * routes, and PIPE_SCOPE_ADMIN routes for an admin, in every mode; closed
 * admits nothing else, read_only refuses PIPE_EFFECT_WRITE routes, and
 * normal admits everything. `who` is the principal its session bound.
 */
int pipe_mode_admits(enum pipe_mode mode, int db_read_only,
    const struct pipe_route *route, const struct pipe_principal *who);

#endif
