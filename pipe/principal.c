/*
 * principal — the session step of pipe_serve() (contract in principal.h).
 */
#include "pipe/principal.h"

#include <string.h>

#include <sodium.h>

#include "core/log.h"
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
	if ((unsigned)role >= sizeof(pipe_role_names) / sizeof(pipe_role_names[0]))
		return NULL;
	return pipe_role_names[role];
}

int
pipe_role_parse(const char *s, enum pipe_role *out)
{
	if (s == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(pipe_role_names) / sizeof(pipe_role_names[0]);
	    i++) {
		if (pipe_role_names[i] != NULL && strcmp(s, pipe_role_names[i]) == 0) {
			*out = (enum pipe_role)i;
			return 0;
		}
	}
	return -1;
}

/* Fills *who from permit_session_bind's row; -1 (who untouched) if the row
 * is not what the function promises. */
static int
pipe_principal_fill(const struct pipe_request *req, const struct db_result *r,
    struct pipe_principal *who)
{
	const char *id = db_text(r, 0, DB_COL(SESSION_BIND, ACCOUNT_ID));
	const char *office = db_text(r, 0, DB_COL(SESSION_BIND, OFFICE));
	enum pipe_role role;

	if (id == NULL || pipe_role_parse(db_text(r, 0,
	    DB_COL(SESSION_BIND, ROLE)), &role) != 0) {
		log_error("the session binding returned an unexpected row");
		return -1;
	}
	who->role = role;
	who->account_id = arena_strdup(req->arena, id);
	who->office = office != NULL && *office != '\0' ?
	    arena_strdup(req->arena, office) : NULL;
	return 0;
}

enum db_status
pipe_principal_resolve(struct pipe_ctx *ctx, const struct pipe_route *route,
    const struct pipe_request *req, struct pipe_principal *who)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	struct db_result *r = NULL;
	enum db_status st = DB_OK;
	const char *idle;

	memset(who, 0, sizeof(*who));
	who->role = PIPE_ROLE_NONE;
	if (route->access == PIPE_ACCESS_PUBLIC || req->session_token == NULL)
		return DB_OK;
	if (token_hash(ctx->keys, req->session_token, hash) != 0)
		goto out;   /* malformed: no such session */
	idle = arena_printf(req->arena, "%d", ctx->cfg->session_idle_timeout);
	{
		const struct db_param p[] = {
			DB_BYTES(hash, sizeof(hash)), DB_TEXT(idle),
		};

		st = db_exec(ctx->db, req->arena, DB_STMT_SESSION_BIND, p, 2, &r);
	}
	if (st != DB_OK || db_rows(r) != 1)
		goto out;
	if (pipe_principal_fill(req, r, who) != 0)
		st = DB_ERROR;
out:
	sodium_memzero(hash, sizeof(hash));
	return st;
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
