/*
 * principal — the session step of app_serve() (contract in principal.h).
 */
#include "app/principal.h"

#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "crypto/csrf.h"
#include "crypto/token.h"

static const char *const app_role_names[] = {
	[APP_ROLE_NONE] = NULL,
	[APP_ROLE_CITIZEN] = "citizen",
	[APP_ROLE_REVIEWER] = "reviewer",
	[APP_ROLE_ADMIN] = "admin",
};

const char *
app_role_name(enum app_role role)
{
	if ((unsigned)role >= sizeof(app_role_names) / sizeof(app_role_names[0]))
		return NULL;
	return app_role_names[role];
}

int
app_role_parse(const char *s, enum app_role *out)
{
	if (s == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(app_role_names) / sizeof(app_role_names[0]);
	    i++) {
		if (app_role_names[i] != NULL && strcmp(s, app_role_names[i]) == 0) {
			*out = (enum app_role)i;
			return 0;
		}
	}
	return -1;
}

/* Fills *who from permit_session_bind's row; -1 (who untouched) if the row
 * is not what the function promises. */
static int
app_principal_fill(const struct app_request *req, const struct db_result *r,
    struct app_principal *who)
{
	const char *id = db_text(r, 0, 0), *office = db_text(r, 0, 2);
	enum app_role role;

	if (id == NULL || app_role_parse(db_text(r, 0, 1), &role) != 0) {
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
app_principal_resolve(struct app_ctx *ctx, const struct app_route *route,
    const struct app_request *req, struct app_principal *who)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	struct db_result *r = NULL;
	enum db_status st = DB_OK;
	const char *idle;

	memset(who, 0, sizeof(*who));
	who->role = APP_ROLE_NONE;
	if (route->access == APP_ACCESS_PUBLIC || req->session_token == NULL)
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
	if (app_principal_fill(req, r, who) != 0)
		st = DB_ERROR;
out:
	sodium_memzero(hash, sizeof(hash));
	return st;
}

int
app_principal_csrf(const struct app_ctx *ctx, const struct app_route *route,
    const struct app_request *req, const struct app_principal *who,
    struct app_response *res)
{
	if (route->effect != APP_EFFECT_WRITE ||
	    route->access == APP_ACCESS_PUBLIC || who->role == APP_ROLE_NONE)
		return 0;
	if (token_csrf_check(ctx->keys, req->session_token, req->csrf_token) == 0)
		return 0;
	app_error(res, 403, "forbidden", "Missing or wrong CSRF token.", NULL);
	return -1;
}
