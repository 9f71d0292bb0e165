/*
 * principal — the session step of pipe_serve() (contract in principal.h).
 */
#include "pipe/principal.h"

#include "pipe/mode.h"

#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "core/nametab.h"
#include "crypto/csrf.h"
#include "crypto/token.h"

static const char *const pipe_role_names[] = {
	[PIPE_ROLE_NONE] = NULL,
	[PIPE_ROLE_CITIZEN] = "citizen",
	[PIPE_ROLE_REVIEWER] = "reviewer",
	[PIPE_ROLE_ADMIN] = "admin",
};

const char *
pipe_role_name(enum pipe_role role)
{
	return nametab_name(NAMETAB(pipe_role_names), role);
}

int
pipe_role_parse(const char *s, enum pipe_role *out)
{
	size_t role;

	if (nametab_find(NAMETAB(pipe_role_names), s, &role) != 0)
		return -1;
	*out = (enum pipe_role)role;
	return 0;
}

void
pipe_principal_call(const struct pipe_ctx *ctx, const struct pipe_route *route,
    const struct pipe_request *req, struct pipe_binding *b)
{
	b->params[0] = DB_NULL;
	b->params[1] = DB_TEXT(arena_printf(req->arena, "%d",
	    ctx->cfg->session_touch_interval));
	b->hashed = 0;
	/* A public route ignores any cookie; a malformed token is no session
	 * (bound as anonymous, like one that is unknown). */
	if (route->access != PIPE_ACCESS_PUBLIC && req->session_token != NULL &&
	    token_hash(ctx->keys, req->session_token, b->hash) == 0) {
		b->params[0] = DB_BYTES(b->hash, sizeof(b->hash));
		b->hashed = 1;
	}
	b->call = (struct db_call){ DB_STMT_BIND, b->params, 2, NULL, DB_ERROR };
}

int
pipe_principal_read(const struct pipe_request *req, struct pipe_binding *b,
    struct pipe_principal *who, enum pipe_mode *mode, const char **message)
{
	const struct db_result *r = b->call.result;
	const char *id, *office, *touch, *text;

	memset(who, 0, sizeof(*who));
	who->role = PIPE_ROLE_NONE;
	b->touch_due = 0;
	if (r == NULL || db_rows(r) != 1) {
		log_error("the binding returned %d rows", r != NULL ? db_rows(r) : -1);
		return -1;
	}
	*mode = pipe_mode_parse(db_text(r, 0, DB_COL(BIND, MODE)));
	text = db_text(r, 0, DB_COL(BIND, MESSAGE));
	*message = text != NULL && *text != '\0' ?
	    arena_strdup(req->arena, text) : NULL;
	if ((id = db_text(r, 0, DB_COL(BIND, ACCOUNT_ID))) == NULL)
		return 0;   /* no live session: anonymous */
	if (pipe_role_parse(db_text(r, 0, DB_COL(BIND, ROLE)), &who->role) != 0) {
		log_error("the binding returned an unexpected role");
		return -1;
	}
	office = db_text(r, 0, DB_COL(BIND, OFFICE));
	who->account_id = arena_strdup(req->arena, id);
	who->office = office != NULL && *office != '\0' ?
	    arena_strdup(req->arena, office) : NULL;
	touch = db_text(r, 0, DB_COL(BIND, TOUCH_DUE));
	b->touch_due = b->hashed && touch != NULL && strcmp(touch, "t") == 0;
	return 0;
}

void
pipe_principal_touch(struct pipe_ctx *ctx, const struct pipe_request *req,
    struct pipe_binding *b)
{
	struct db_param p[3];
	struct db_call calls[2];

	/* A database that refuses writes records nothing: the session's idle
	 * deadline moves on at a later request. */
	if (!b->touch_due || req->db_read_only)
		return;
	p[0] = DB_BYTES(b->hash, sizeof(b->hash));
	p[1] = DB_TEXT(arena_printf(req->arena, "%d",
	    ctx->cfg->session_idle_timeout));
	p[2] = b->params[1];
	calls[0] = b->call;
	calls[1] = (struct db_call){ DB_STMT_SESSION_TOUCH, p, 3, NULL, DB_ERROR };
	/* Best effort: when it fails, the idle deadline moves on at a later
	 * request. */
	if (db_batch(ctx->db, NULL, DB_BATCH_BEGIN | DB_BATCH_COMMIT, calls,
	    2) != DB_OK)
		log_debug("a session's activity was not recorded");
}

void
pipe_binding_wipe(struct pipe_binding *b)
{
	sodium_memzero(b->hash, sizeof(b->hash));
}

int
pipe_principal_csrf(const struct pipe_ctx *ctx, const struct pipe_route *route,
    const struct pipe_request *req, const struct pipe_principal *who,
    struct pipe_response *res)
{
	if (route->effect != PIPE_EFFECT_WRITE ||
	    route->access == PIPE_ACCESS_PUBLIC || who->role == PIPE_ROLE_NONE)
		return 0;
	if (csrf_check(ctx->keys, req->session_token, req->csrf_token) == 0)
		return 0;
	pipe_error(res, 403, "forbidden", "Missing or wrong CSRF token.", NULL);
	return -1;
}
