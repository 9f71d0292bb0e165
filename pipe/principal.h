/*
 * principal — who a request runs as (docs/DESIGN.md invariant 4), and its
 * CSRF token (docs/API.md, Sessions). Used by pipe_serve() between BEGIN
 * and the role check; the handlers of accounts and sessions use the role names.
 *
 * The binding is the session look-up itself: permit_bind (migrations 0007,
 * 0015) finds the live session by its token's keyed hash and sets
 * permit.account_id, permit.role and permit.office for this transaction
 * only, and returns the service mode and its message, writing nothing. No
 * other code path sets a principal from a request, so a transaction's
 * principal always comes from a valid session.
 */
#ifndef PERMIT_PIPE_PRINCIPAL_H
#define PERMIT_PIPE_PRINCIPAL_H

#include "pipe/pipe.h"
#include "crypto/token.h"
#include "db/db.h"

/*
 * The binding of one request: its statement (DB_STMT_BIND, the first of
 * the first flight), the session token's keyed hash it sends (wiped by
 * pipe_binding_wipe), and what the binding said.
 */
struct pipe_binding {
	unsigned char hash[TOKEN_HASH_BYTES];
	int hashed;              /* the request carries a well-formed token */
	struct db_param params[2];
	struct db_call call;     /* result filled by the flight */
	int touch_due;           /* the session's activity is to be recorded */
};

/*
 * Prepares the binding call of `req`: the session cookie's keyed hash for a
 * route that is not public, else NULL (a public route ignores any cookie,
 * and a malformed token is no session). Strings in the request arena.
 */
void pipe_principal_call(const struct pipe_ctx *ctx,
    const struct pipe_route *route, const struct pipe_request *req,
    struct pipe_binding *b);

/*
 * Reads the binding's row (after the flight) into *who, *mode and
 * *message: the live session's account, role and office (strings in the
 * request arena), or anonymous (PIPE_ROLE_NONE, NULL ids) when there is no
 * live session, which the caller's role check turns into 401; the service
 * mode (an unknown one read as closed) and the admin's maintenance message
 * (in the arena; NULL when none). 0, or -1 when the row is not what
 * permit_bind promises (logged).
 */
int pipe_principal_read(const struct pipe_request *req, struct pipe_binding *b,
    struct pipe_principal *who, enum pipe_mode *mode, const char **message);

/*
 * Records the session's activity when the binding said it was due, in a
 * flight of its own after the request's transaction ended (migrations/0007:
 * at most once per session_touch_interval, without waiting for the WAL);
 * not on a database that refuses writes (req->db_read_only). Failure is
 * logged at debug level and otherwise ignored.
 */
void pipe_principal_touch(struct pipe_ctx *ctx, const struct pipe_request *req,
    struct pipe_binding *b);

/* Wipes the token hash the binding held. */
void pipe_binding_wipe(struct pipe_binding *b);

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
