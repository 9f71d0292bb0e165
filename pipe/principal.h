/*
 * principal — who a request runs as (DESIGN.md invariant 4), and its CSRF
 * token (API.md, Sessions). Used by pipe_serve() between BEGIN and the role
 * check; the handlers of accounts and sessions use the role names.
 *
 * The binding is the session look-up itself: permit_session_bind (migration
 * 0002) finds the live session by its token's keyed hash, moves its idle
 * deadline on and sets permit.account_id, permit.role and permit.office for
 * this transaction only. No other code path sets a principal from a
 * request, so a transaction's principal always comes from a valid session.
 */
#ifndef PERMIT_PIPE_PRINCIPAL_H
#define PERMIT_PIPE_PRINCIPAL_H

#include "pipe/pipe.h"
#include "db/db.h"

/*
 * Resolves and binds the session of `req` in the transaction open on
 * ctx->db. *who is always written: anonymous (PIPE_ROLE_NONE, NULL ids) for
 * a public route (any cookie is ignored), without a cookie, with a
 * malformed token, or when the session is unknown, revoked, expired or its
 * account blocked; otherwise the session's account, role and office, with
 * strings in the request arena. The caller's role check turns anonymous
 * into 401. Returns DB_OK, or the status of a failed database call (the
 * transaction is then unusable).
 */
enum db_status pipe_principal_resolve(struct pipe_ctx *ctx,
    const struct pipe_route *route, const struct pipe_request *req,
    struct pipe_principal *who);

/*
 * The CSRF check of a route: a write (PIPE_EFFECT_WRITE) by a signed-in
 * principal on a non-public route needs X-CSRF-Token equal to the session's
 * derived token (crypto/csrf.h, constant time). 0 when the route needs no
 * token or it matches; -1 with 403 forbidden in res.
 */
int pipe_principal_csrf(const struct pipe_ctx *ctx, const struct pipe_route *route,
    const struct pipe_request *req, const struct pipe_principal *who,
    struct pipe_response *res);

/* "citizen", "reviewer" or "admin"; NULL for PIPE_ROLE_NONE. Static. */
const char *pipe_role_name(enum pipe_role role);

/* The role named `s`: 0, or -1 when `s` is NULL or no role's name. */
int pipe_role_parse(const char *s, enum pipe_role *out);

#endif
