/*
 * sessions — POST /api/v1/sessions, DELETE /api/v1/sessions/current
 * (contract in sessions.h).
 */
#include "app/sessions.h"

#include <string.h>

#include <sodium.h>

#include "app/accounts.h"
#include "pipe/principal.h"
#include "app/validate.h"
#include "core/log.h"
#include "crypto/csrf.h"
#include "crypto/pw.h"
#include "crypto/token.h"
#include "db/db.h"

/* The row of permit_account_for_signin, strings and bytes in the arena. */
struct app_signin {
	int found;
	const char *id;
	enum pipe_role role;
	const char *office;          /* NULL when none */
	const char *pw_hash;
	int blocked;
	const unsigned char *wrapped, *sealed;
	size_t wrapped_len, sealed_len;
};

/* The credentials' account into *s (s->found 0 when none). DB_OK or the
 * failure; a malformed row is DB_ERROR. */
static enum db_status
app_signin_lookup(struct pipe_ctx *ctx, arena *a, const char *email,
    struct app_signin *s)
{
	unsigned char bidx[BIDX_BYTES];
	struct db_result *r;
	enum db_status st;
	const char *office, *blocked;

	memset(s, 0, sizeof(*s));
	if (app_account_email_bidx(ctx->keys, email, bidx) != 0)
		return DB_ERROR;
	{
		const struct db_param p[] = { DB_BYTES(bidx, sizeof(bidx)) };

		st = db_exec(ctx->db, a, DB_STMT_ACCOUNT_FOR_SIGNIN, p, 1, &r);
	}
	if (st != DB_OK || db_rows(r) != 1)
		return st;
	s->id = db_text(r, 0, DB_COL(ACCOUNT_FOR_SIGNIN, ID));
	office = db_text(r, 0, DB_COL(ACCOUNT_FOR_SIGNIN, OFFICE));
	s->office = office != NULL && *office != '\0' ? office : NULL;
	s->pw_hash = db_text(r, 0, DB_COL(ACCOUNT_FOR_SIGNIN, PASSWORD_HASH));
	blocked = db_text(r, 0, DB_COL(ACCOUNT_FOR_SIGNIN, BLOCKED));
	s->blocked = blocked == NULL || strcmp(blocked, "f") != 0;
	if (s->id == NULL || s->pw_hash == NULL ||
	    pipe_role_parse(db_text(r, 0, DB_COL(ACCOUNT_FOR_SIGNIN, ROLE)),
	    &s->role) != 0 ||
	    db_bytes(r, a, 0, DB_COL(ACCOUNT_FOR_SIGNIN, DEK_WRAPPED),
	    &s->wrapped, &s->wrapped_len) != 0 ||
	    db_bytes(r, a, 0, DB_COL(ACCOUNT_FOR_SIGNIN, EMAIL),
	    &s->sealed, &s->sealed_len) != 0) {
		log_error("the sign-in look-up returned an unexpected row");
		return DB_ERROR;
	}
	s->found = 1;
	return DB_OK;
}

/*
 * 0 when the password is right for a usable account. Does the same Argon2id
 * work whether or not the account exists, so time tells nothing.
 */
static int
app_signin_verify(const struct pipe_ctx *ctx, const struct app_signin *s,
    const char *password, size_t password_len)
{
	if (!s->found) {
		(void)pw_dummy_verify(password, password_len,
		    ctx->cfg->pwhash_opslimit, ctx->cfg->pwhash_memlimit);
		return -1;
	}
	if (pw_verify(s->pw_hash, password, password_len) != 0)
		return -1;
	return s->blocked ? -1 : 0;
}

/*
 * Binds this transaction through the session just opened, as every other
 * request binds (permit_session_bind): the principal comes from a live
 * session row, never from values the handler passes. DB_ERROR if the bound
 * account is not the verified one.
 */
static enum db_status
app_signin_bind(struct pipe_ctx *ctx, arena *a, const struct app_signin *s,
    const unsigned char hash[TOKEN_HASH_BYTES])
{
	const struct db_param p[] = {
		DB_BYTES(hash, TOKEN_HASH_BYTES),
		DB_TEXT(arena_printf(a, "%d", ctx->cfg->session_idle_timeout)),
	};
	struct db_result *r;
	enum db_status st;
	const char *bound;

	if ((st = db_exec(ctx->db, a, DB_STMT_SESSION_BIND, p, 2, &r)) != DB_OK)
		return st;
	bound = db_rows(r) == 1 ?
	    db_text(r, 0, DB_COL(SESSION_BIND, ACCOUNT_ID)) : NULL;
	if (bound == NULL || strcmp(bound, s->id) != 0) {
		log_error("a session just opened did not bind its account");
		return DB_ERROR;
	}
	return DB_OK;
}

/* Deletes some dead sessions of anyone (definer function). */
static enum db_status
app_signin_sweep(struct pipe_ctx *ctx, arena *a)
{
	const char *limit = arena_printf(a, "%d", APP_SESSIONS_SWEEP);
	const struct db_param p[] = { DB_TEXT(limit) };

	return db_exec(ctx->db, a, DB_STMT_SESSIONS_SWEEP, p, 1, NULL);
}

/* Opens a session for the verified account (permit_session_open): its
 * token into `token`, the token's keyed hash into `hash`. */
static enum db_status
app_signin_session(struct pipe_ctx *ctx, arena *a, const struct app_signin *s,
    char token[TOKEN_STR_SIZE], unsigned char hash[TOKEN_HASH_BYTES])
{
	token_new(token);
	if (token_hash(ctx->keys, token, hash) != 0)
		return DB_ERROR;
	const struct db_param p[] = {
		DB_BYTES(hash, TOKEN_HASH_BYTES), DB_TEXT(s->id),
		DB_TEXT(arena_printf(a, "%d", ctx->cfg->session_lifetime)),
		DB_TEXT(arena_printf(a, "%d", ctx->cfg->session_idle_timeout)),
	};

	return db_exec(ctx->db, a, DB_STMT_SESSION_CREATE, p, 4, NULL);
}

/* Stores a new hash when the configured limits rose. A hashing failure is
 * logged and skipped: the old hash still verifies. */
static enum db_status
app_signin_rehash(struct pipe_ctx *ctx, arena *a, const struct app_signin *s,
    const char *password, size_t password_len)
{
	char hash[PW_HASH_SIZE];
	enum db_status st = DB_OK;

	if (!pw_needs_rehash(s->pw_hash, ctx->cfg->pwhash_opslimit,
	    ctx->cfg->pwhash_memlimit))
		return DB_OK;
	if (pw_hash(password, password_len, ctx->cfg->pwhash_opslimit,
	    ctx->cfg->pwhash_memlimit, hash) != 0) {
		log_error("cannot re-hash a password");
	} else {
		const struct db_param p[] = { DB_TEXT(s->id), DB_TEXT(hash) };

		st = db_exec(ctx->db, a, DB_STMT_ACCOUNT_REHASH, p, 2, NULL);
	}
	sodium_memzero(hash, sizeof(hash));
	return st;
}

/* The Set-Cookie value carrying `token` (or clearing it when NULL). */
static const char *
app_session_cookie(const struct pipe_ctx *ctx, arena *a, const char *token)
{
	return arena_printf(a, "permit_session=%s; Path=/; HttpOnly; "
	    "SameSite=Strict%s%s", token != NULL ? token : "",
	    token != NULL ? "" : "; Max-Age=0",
	    ctx->cfg->cookie_secure ? "; Secure" : "");
}

/* 201 with the account, its CSRF token and the cookie; 500 when the email
 * does not open. */
static void
app_signin_answer(const struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct app_signin *s, const char *token, struct pipe_response *res)
{
	char *csrf = arena_alloc(req->arena, TOKEN_STR_SIZE);
	const char *email;

	if (app_account_email_open(ctx->keys, req->arena, s->id, s->wrapped,
	    s->wrapped_len, s->sealed, s->sealed_len, &email) != 0 ||
	    csrf_token(ctx->keys, token, csrf, TOKEN_STR_SIZE) != 0) {
		(void)pipe_internal(res);
		return;
	}
	res->status = 201;
	res->set_cookie = app_session_cookie(ctx, req->arena, token);
	res->body = pipe_oom_check(json_pack("{s:o, s:s}", "account",
	    app_account_json(s->id, email, s->role, s->office, 1),
	    "csrf_token", csrf));
}

/* Everything after the password verified; DB_OK with res filled. */
static enum db_status
app_signin_start(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct app_signin *s, const char *password, size_t password_len,
    struct pipe_response *res)
{
	char token[TOKEN_STR_SIZE];
	unsigned char hash[TOKEN_HASH_BYTES];
	enum db_status st;

	if ((st = app_signin_sweep(ctx, req->arena)) == DB_OK &&
	    (st = app_signin_session(ctx, req->arena, s, token, hash)) == DB_OK &&
	    (st = app_signin_bind(ctx, req->arena, s, hash)) == DB_OK &&
	    (st = app_signin_rehash(ctx, req->arena, s, password,
	    password_len)) == DB_OK)
		app_signin_answer(ctx, req, s, token, res);
	sodium_memzero(token, sizeof(token));
	sodium_memzero(hash, sizeof(hash));
	return st;
}

void
app_sessions_prime(const struct config *cfg)
{
	(void)pw_dummy_verify("", 0, cfg->pwhash_opslimit, cfg->pwhash_memlimit);
}

enum pipe_status
app_sessions_create(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	struct app_signin s = { 0 };
	const char *email, *password;
	char *norm = arena_alloc(req->arena, VALIDATE_EMAIL_BUFSZ);
	size_t password_len;
	enum db_status st;
	int verified;

	(void)who;
	if (app_account_credentials(req, res, &email, &password,
	    &password_len) != 0)
		return PIPE_ANSWERED;
	/* An address of the wrong shape cannot have an account: it goes the
	 * unknown-email way, dummy hash included. */
	if (validate_email(email, norm, VALIDATE_EMAIL_BUFSZ) == VALIDATE_OK &&
	    (st = app_signin_lookup(ctx, req->arena, norm, &s)) != DB_OK)
		return pipe_db(st);
	verified = app_signin_verify(ctx, &s, password, password_len) == 0;
	/* Outside normal mode only an admin signs in (to run maintenance);
	 * everyone else, right password or not, gets the same static 503. */
	if (req->mode != PIPE_MODE_NORMAL &&
	    (!verified || s.role != PIPE_ROLE_ADMIN)) {
		pipe_maintenance(ctx, res);
		return PIPE_ANSWERED;
	}
	if (!verified) {
		pipe_error(res, 401, "unauthorized", "Wrong email or password.",
		    NULL);
		return PIPE_ANSWERED;
	}
	if ((st = app_signin_start(ctx, req, &s, password, password_len,
	    res)) != DB_OK)
		return pipe_db(st);
	return PIPE_ANSWERED;
}

enum pipe_status
app_sessions_delete(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	enum db_status st = DB_ERROR;

	if (token_hash(ctx->keys, req->session_token, hash) == 0) {
		const struct db_param p[] = {
			DB_BYTES(hash, sizeof(hash)), DB_TEXT(who->account_id),
		};

		st = db_exec(ctx->db, req->arena, DB_STMT_SESSION_REVOKE, p, 2,
		    NULL);
	}
	sodium_memzero(hash, sizeof(hash));
	if (st != DB_OK)
		return pipe_db(st);
	res->status = 204;
	res->body = NULL;
	res->set_cookie = app_session_cookie(ctx, req->arena, NULL);
	return PIPE_ANSWERED;
}
