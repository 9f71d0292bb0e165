/*
 * sessions — POST /api/v1/sessions, DELETE /api/v1/sessions/current
 * (contract in sessions.h).
 */
#include "app/sessions.h"

#include <string.h>

#include <sodium.h>

#include "app/accounts.h"
#include "pipe/limit.h"
#include "pipe/principal.h"
#include "core/validate.h"
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
	unsigned char bidx[BIDX_BYTES];   /* the email's: sign-in's proof */
};

/*
 * Sign-in's first flight: the account of the body's email, when the body
 * has an address of the right shape (the handler reads the body in full
 * and refuses what is wrong; an address of the wrong shape has no account).
 */
void
app_sessions_create_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	const char *email = req->body == NULL ? NULL :
	    json_string_value(json_object_get(req->body, "email"));
	char *norm = arena_alloc(req->arena, VALIDATE_EMAIL_BUFSZ);
	unsigned char *bidx = arena_alloc(req->arena, BIDX_BYTES);
	struct db_param p[1];

	if (email == NULL ||
	    validate_email(email, norm, VALIDATE_EMAIL_BUFSZ) != VALIDATE_OK ||
	    app_account_email_bidx(ctx->keys, norm, bidx) != 0)
		return;
	p[0] = DB_BYTES(bidx, BIDX_BYTES);
	pipe_plan_add(plan, DB_STMT_ACCOUNT_FOR_SIGNIN, p, 1);
}

const char *
app_sessions_limit_subject(const struct pipe_request *req)
{
	const char *email = req->body == NULL ? NULL :
	    json_string_value(json_object_get(req->body, "email"));
	char *norm = arena_alloc(req->arena, VALIDATE_EMAIL_BUFSZ);

	if (email == NULL ||
	    validate_email(email, norm, VALIDATE_EMAIL_BUFSZ) != VALIDATE_OK)
		return NULL;
	return norm;
}

/* The credentials' account from the first flight into *s (s->found 0 when
 * none). PIPE_NEXT, or the failure; a malformed row fails. */
static enum pipe_status
app_signin_lookup(const struct pipe_request *req, struct app_signin *s)
{
	arena *a = req->arena;
	struct db_result *r;
	enum pipe_status st;
	const char *office, *blocked;

	memset(s, 0, sizeof(*s));
	if ((st = pipe_prefetched(req, 0, &r)) != PIPE_NEXT ||
	    db_rows(r) != 1)
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
		return PIPE_FAILED;
	}
	s->found = 1;
	return PIPE_NEXT;
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

/* What sign-in's last flight sends: the session opened, the transaction
 * bound through it, maybe a new password hash, and the attempt's
 * rate-limit counts given back (a success is no failure). */
struct app_signin_flight {
	char token[TOKEN_STR_SIZE];
	unsigned char hash[TOKEN_HASH_BYTES];
	char pw_hash[PW_HASH_SIZE];
	struct db_param open[5], bind[2], rehash[2];
	struct db_call calls[3 + PIPE_LIMIT_KEYS];
	int n;
};

/*
 * A new session for the verified account (permit_session_open, given the
 * proof it asks: the email's blind index and the password hash verified),
 * then the transaction bound through it, as every other request binds
 * (permit_bind): the principal comes from a live session row, never from
 * values the handler passes. 0, or -1 when the token could not be hashed.
 */
static int
app_signin_session(const struct pipe_ctx *ctx, arena *a,
    const struct app_signin *s, struct app_signin_flight *f)
{
	token_new(f->token);
	if (token_hash(ctx->keys, f->token, f->hash) != 0)
		return -1;
	f->open[0] = DB_BYTES(f->hash, TOKEN_HASH_BYTES);
	f->open[1] = DB_BYTES(s->bidx, BIDX_BYTES);
	f->open[2] = DB_TEXT(s->pw_hash);
	f->open[3] = DB_TEXT(arena_printf(a, "%d", ctx->cfg->session_lifetime));
	f->open[4] = DB_TEXT(arena_printf(a, "%d",
	    ctx->cfg->session_idle_timeout));
	f->bind[0] = DB_BYTES(f->hash, TOKEN_HASH_BYTES);
	f->bind[1] = DB_TEXT(arena_printf(a, "%d",
	    ctx->cfg->session_touch_interval));
	f->calls[f->n++] = (struct db_call){ DB_STMT_SESSION_CREATE, f->open, 5,
	    NULL, DB_ERROR };
	f->calls[f->n++] = (struct db_call){ DB_STMT_BIND, f->bind, 2, NULL,
	    DB_ERROR };
	return 0;
}

/* A new hash when the configured limits rose. A hashing failure is logged
 * and skipped: the old hash still verifies. */
static void
app_signin_rehash(const struct pipe_ctx *ctx, const struct app_signin *s,
    const char *password, size_t password_len, struct app_signin_flight *f)
{
	if (!pw_needs_rehash(s->pw_hash, ctx->cfg->pwhash_opslimit,
	    ctx->cfg->pwhash_memlimit))
		return;
	if (pw_hash(password, password_len, ctx->cfg->pwhash_opslimit,
	    ctx->cfg->pwhash_memlimit, f->pw_hash) != 0) {
		log_error("cannot re-hash a password");
		return;
	}
	f->rehash[0] = DB_TEXT(s->id);
	f->rehash[1] = DB_TEXT(f->pw_hash);
	f->calls[f->n++] = (struct db_call){ DB_STMT_ACCOUNT_REHASH, f->rehash,
	    2, NULL, DB_ERROR };
}

/* The binding of the last flight named the verified account. */
static int
app_signin_bound(const struct app_signin *s, const struct db_result *r)
{
	const char *bound = r != NULL && db_rows(r) == 1 ?
	    db_text(r, 0, DB_COL(BIND, ACCOUNT_ID)) : NULL;

	if (bound != NULL && strcmp(bound, s->id) == 0)
		return 1;
	log_error("a session just opened did not bind its account");
	return 0;
}

/* The Set-Cookie value carrying `token` (or clearing it when NULL). */
static const char *
app_session_cookie(const struct pipe_ctx *ctx, arena *a, const char *token)
{
	return arena_printf(a, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
	    config_session_cookie(ctx->cfg), token != NULL ? token : "",
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

/* Everything after the password verified, in one flight with COMMIT:
 * answered (201, 500), or the database failure. */
static enum pipe_status
app_signin_start(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct app_signin *s, const char *password, size_t password_len,
    struct pipe_response *res)
{
	struct app_signin_flight f = { .n = 0 };
	enum pipe_status st = PIPE_ANSWERED;

	if (app_signin_session(ctx, req->arena, s, &f) != 0) {
		st = pipe_internal(res);
		goto out;
	}
	app_signin_rehash(ctx, s, password, password_len, &f);
	f.n += pipe_limit_forgive(req, f.calls + f.n);
	if ((st = pipe_commit(ctx, req, f.calls, f.n)) != PIPE_NEXT)
		goto out;
	st = PIPE_ANSWERED;
	if (!app_signin_bound(s, f.calls[1].result))
		(void)pipe_internal(res);
	else
		app_signin_answer(ctx, req, s, f.token, res);
out:
	sodium_memzero(&f, sizeof(f));
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
	struct pipe_invalid inv;
	const char *email, *password;
	char *norm = arena_alloc(req->arena, VALIDATE_EMAIL_BUFSZ);
	size_t password_len;
	enum pipe_status st;
	int verified;

	(void)who;
	pipe_invalid_init(&inv, req->arena);
	if (app_account_credentials(req, res, &inv, &email, &password,
	    &password_len) != 0 || pipe_invalid_answer(&inv, res) != 0)
		return PIPE_ANSWERED;
	/* An address of the wrong shape cannot have an account: it goes the
	 * unknown-email way, dummy hash included. */
	if (validate_email(email, norm, VALIDATE_EMAIL_BUFSZ) == VALIDATE_OK &&
	    (st = app_signin_lookup(req, &s)) != PIPE_NEXT)
		return st;
	if (s.found && app_account_email_bidx(ctx->keys, norm, s.bidx) != 0)
		return pipe_internal(res);
	verified = app_signin_verify(ctx, &s, password, password_len) == 0;
	/* Outside normal mode only an admin signs in (to run maintenance);
	 * everyone else, right password or not, gets the same static 503. */
	if (req->mode != PIPE_MODE_NORMAL &&
	    (!verified || s.role != PIPE_ROLE_ADMIN)) {
		pipe_maintenance(ctx, req, res);
		return PIPE_ANSWERED;
	}
	if (!verified) {
		pipe_error(res, 401, "unauthorized", "Wrong email or password.",
		    NULL);
		return PIPE_ANSWERED;
	}
	return app_signin_start(ctx, req, &s, password, password_len, res);
}

enum pipe_status
app_sessions_delete(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	struct db_param p[2] = {
		DB_BYTES(hash, sizeof(hash)), DB_TEXT(who->account_id),
	};
	struct db_call revoke = { DB_STMT_SESSION_REVOKE, p, 2, NULL, DB_ERROR };
	enum pipe_status st = PIPE_FAILED;

	if (token_hash(ctx->keys, req->session_token, hash) == 0)
		st = pipe_commit(ctx, req, &revoke, 1);
	sodium_memzero(hash, sizeof(hash));
	if (st != PIPE_NEXT)
		return st;
	res->status = 204;
	res->body = NULL;
	res->set_cookie = app_session_cookie(ctx, req->arena, NULL);
	return PIPE_ANSWERED;
}
