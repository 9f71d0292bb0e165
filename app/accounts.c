/*
 * accounts — POST /api/v1/accounts and GET /api/v1/me (contract in
 * accounts.h).
 */
#include "app/accounts.h"

#include <stdlib.h>
#include <string.h>


#include "pipe/json.h"
#include "pipe/principal.h"
#include "pipe/rows.h"
#include "core/log.h"
#include "crypto/csrf.h"
#include "crypto/seal.h"
#include "crypto/token.h"
#include "db/db.h"
#include "db/sealed.h"

/* The email's seal field, which is also its blind index's field. */
#define APP_ACCOUNT_EMAIL db_sealed_account_field(DB_SEALED_ACCOUNT_EMAIL)

/* The binding of account `id`'s seals: it is its own owner. */
static struct seal_binding
app_account_binding(const char *id)
{
	struct seal_binding b = { db_sealed(DB_SEALED_ACCOUNTS)->table, id, id };

	return b;
}

int
app_account_credentials(const struct pipe_request *req,
    struct pipe_response *res, struct pipe_invalid *inv, const char **email,
    const char **password, size_t *password_len)
{
	static const char *const known[] = { "email", "password", NULL };
	json_t *body;

	*email = *password = NULL;
	*password_len = 0;
	if (pipe_json_body(req, res, &body) != 0)
		return -1;
	(void)pipe_json_known(inv, body, NULL, known);
	(void)pipe_json_string(inv, body, NULL, "email", PIPE_JSON_REQUIRED,
	    email, NULL);
	(void)pipe_json_string(inv, body, NULL, "password", PIPE_JSON_REQUIRED,
	    password, password_len);
	return 0;
}

int
app_account_email_bidx(const struct keyring *kr, const char *email,
    unsigned char out[BIDX_BYTES])
{
	if (bidx_compute(kr, APP_ACCOUNT_EMAIL, (const unsigned char *)email,
	    strlen(email), out) != 0) {
		log_error("cannot index an email");
		return -1;
	}
	return 0;
}

int
app_account_email_open(const struct keyring *kr, arena *a,
    const char *account_id, const unsigned char *wrapped, size_t wrapped_len,
    const unsigned char *sealed, size_t sealed_len, const char **out)
{
	const struct seal_binding b = app_account_binding(account_id);
	struct seal_dek dek;
	size_t cap = seal_plain_size(sealed_len), n = 0;
	unsigned char *buf = arena_alloc(a, cap + 1);
	int rc = -1;

	*out = NULL;
	if (seal_dek_unwrap(kr, &b, wrapped, wrapped_len, &dek) != 0)
		goto out;
	if (seal_open_field(&dek, &b, APP_ACCOUNT_EMAIL, sealed, sealed_len,
	    buf, cap, &n) != 0)
		goto out;
	buf[n] = '\0';
	*out = (const char *)buf;
	rc = 0;
out:
	seal_dek_wipe(&dek);
	if (rc != 0)
		log_error("an account's email does not open (fail closed)");
	return rc;
}

json_t *
app_account_json(const char *id, const char *email, enum pipe_role role,
    const char *office, int with_office)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "id", id, "email", email,
	    "role", pipe_role_name(role));

	if (o != NULL && with_office &&
	    json_object_set_new(o, "office",
	    pipe_json_text(office)) != 0)
		o = NULL;
	return pipe_oom_check(o);
}

int
app_account_check(struct pipe_invalid *inv, const char *email,
    const char *password, char norm[VALIDATE_EMAIL_BUFSZ])
{
	int rc = 0;

	if (email != NULL && pipe_invalid_add(inv, NULL, "email",
	    rule_email(validate_email(email, norm, VALIDATE_EMAIL_BUFSZ))) != 0)
		rc = -1;
	if (password != NULL && pipe_invalid_add(inv, NULL, "password",
	    rule_password(validate_password(password))) != 0)
		rc = -1;
	return rc;
}

int
app_account_enroll(const struct pipe_ctx *ctx, arena *a, const char *email,
    const char *password, size_t password_len, struct enroll *n)
{
	const struct enroll_names names = {
		db_sealed(DB_SEALED_ACCOUNTS)->table, APP_ACCOUNT_EMAIL
	};

	return enroll_new(ctx->keys, &names, a, email, password, password_len,
	    ctx->cfg->pwhash_opslimit, ctx->cfg->pwhash_memlimit, n);
}

void
app_account_params(const struct enroll *n,
    struct db_param p[APP_ACCOUNT_NPARAMS])
{
	p[0] = DB_TEXT(n->id);
	p[1] = DB_BYTES(n->bidx, sizeof(n->bidx));
	p[2] = DB_BYTES(n->sealed, n->sealed_len);
	p[3] = DB_BYTES(n->wrapped, n->wrapped_len);
	p[4] = DB_TEXT(n->kek_id);
	p[5] = DB_TEXT(n->pw_hash);
}

/*
 * The flag rule on registrations from one address (migrations/0008): the
 * address's keyed hash, in a domain of its own, and the rule's call into
 * *call. 0, or -1 when the request has no address or no hash was made (the
 * rule then does not run for it).
 */
static int
app_accounts_flag_call(const struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct enroll *n, struct db_param p[3], struct db_call *call)
{
	unsigned char *source = arena_alloc(req->arena, BIDX_BYTES);
	const char *addr = req->client_source;

	if (addr == NULL || bidx_compute(ctx->keys, "flag.registration.address",
	    (const unsigned char *)addr, strlen(addr), source) != 0)
		return -1;
	p[0] = DB_TEXT(n->id);
	p[1] = DB_BYTES(source, BIDX_BYTES);
	p[2] = DB_TEXT(arena_printf(req->arena, "%d",
	    ctx->cfg->flag_registrations_per_address));
	*call = (struct db_call){ DB_STMT_FLAG_REGISTRATION, p, 3, NULL,
	    DB_ERROR };
	return 0;
}

/* The new account inserted, its address's flag rule applied, and
 * committed, in one flight: DB_OK, or the failure (DB_CONFLICT: the email
 * is taken). */
static enum db_status
app_accounts_insert(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct enroll *n)
{
	struct db_param p[APP_ACCOUNT_NPARAMS], flag[3];
	struct db_call calls[2] = {
		{ DB_STMT_ACCOUNT_REGISTER, p, APP_ACCOUNT_NPARAMS, NULL, DB_ERROR },
	};
	int k = 1;

	app_account_params(n, p);
	if (app_accounts_flag_call(ctx, req, n, flag, &calls[1]) == 0)
		k++;
	(void)pipe_commit(ctx, req, calls, k);
	return calls[0].status != DB_OK ? calls[0].status :
	    k > 1 ? calls[1].status : DB_OK;
}

enum pipe_status
app_accounts_create(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	struct enroll n;
	struct pipe_invalid inv;
	const char *email, *password;
	char *norm = arena_alloc(req->arena, VALIDATE_EMAIL_BUFSZ);
	size_t password_len;
	enum db_status st;
	enum pipe_status rc = PIPE_ANSWERED;

	(void)who;
	memset(&n, 0, sizeof(n));
	pipe_invalid_init(&inv, req->arena);
	if (app_account_credentials(req, res, &inv, &email, &password,
	    &password_len) != 0)
		goto out;
	(void)app_account_check(&inv, email, password, norm);
	if (pipe_invalid_answer(&inv, res) != 0)
		goto out;
	if (app_account_enroll(ctx, req->arena, norm, password, password_len,
	    &n) != 0) {
		rc = pipe_internal(res);
		goto out;
	}
	st = app_accounts_insert(ctx, req, &n);
	if (st == DB_CONFLICT) {
		pipe_error(res, 409, "conflict",
		    "An account with this email already exists.", "email");
		goto out;
	}
	if (st != DB_OK) {
		rc = pipe_db(st);
		goto out;
	}
	res->status = 201;
	res->body = pipe_oom_check(json_pack("{s:o}", "account",
	    app_account_json(n.id, norm, PIPE_ROLE_CITIZEN, NULL, 0)));
out:
	enroll_wipe(&n);
	return rc;
}

/* The CSRF token of the request's session into the arena; NULL on failure. */
static const char *
app_me_csrf(const struct pipe_ctx *ctx, const struct pipe_request *req)
{
	char *csrf = arena_alloc(req->arena, TOKEN_STR_SIZE);

	if (csrf_token(ctx->keys, req->session_token, csrf, TOKEN_STR_SIZE) != 0)
		return NULL;
	return csrf;
}

enum pipe_status
app_me_get(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	const unsigned char *wrapped, *sealed;
	size_t wrapped_len, sealed_len;
	const char *email, *csrf;
	struct db_result *r;
	enum pipe_status st;

	if ((st = pipe_prefetched(req, 0, &r)) != PIPE_NEXT)
		return st;
	if (db_rows(r) != 1) {
		pipe_error(res, 401, "unauthorized", "Sign in first.", NULL);
		return PIPE_ANSWERED;
	}
	if (db_bytes(r, req->arena, 0, DB_COL(ACCOUNT_ME, EMAIL), &sealed,
	    &sealed_len) != 0 ||
	    db_bytes(r, req->arena, 0, DB_COL(ACCOUNT_ME, DEK_WRAPPED), &wrapped,
	    &wrapped_len) != 0 ||
	    app_account_email_open(ctx->keys, req->arena, who->account_id,
	    wrapped, wrapped_len, sealed, sealed_len, &email) != 0 ||
	    (csrf = app_me_csrf(ctx, req)) == NULL) {
		return pipe_internal(res);
	}
	res->status = 200;
	res->body = pipe_oom_check(json_pack("{s:o, s:s}", "account",
	    app_account_json(who->account_id, email, who->role, who->office, 1),
	    "csrf_token", csrf));
	return PIPE_ANSWERED;
}
