/*
 * idempotency — Idempotency-Key claims and replays (contract in
 * idempotency.h).
 */
#include "app/idempotency.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app/validate.h"
#include "core/log.h"
#include "crypto/bidx.h"
#include "db/db.h"

/* The blind-index "fields" the request and the key are hashed under: a
 * client may well put identity data in either, so neither is stored. */
#define APP_IDEM_BIDX_FIELD "idempotency_request"
#define APP_IDEM_KEY_FIELD "idempotency_key"

int
app_idem_check(const struct app_request *req, struct app_response *res)
{
	if (req->idempotency_key == NULL ||
	    validate_idempotency_key(req->idempotency_key) == VALIDATE_OK)
		return 0;
	app_error(res, 400, "bad_request",
	    "Idempotency-Key must be 1 to 64 printable ASCII characters.", NULL);
	return -1;
}

/*
 * The request's hash: BLAKE2b-256 over method, path and the body dumped
 * canonically (compact, keys sorted), then keyed with the blind-index key,
 * so the stored hash of a body full of identity data confirms no guess.
 */
static int
app_idem_hash(struct app_ctx *ctx, const struct app_request *req,
    unsigned char out[32])
{
	crypto_generichash_state st;
	unsigned char digest[32];
	char *body = NULL;
	int rc;

	if (req->body != NULL &&
	    (body = json_dumps(req->body, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		return -1;
	crypto_generichash_init(&st, NULL, 0, sizeof(digest));
	crypto_generichash_update(&st, (const unsigned char *)req->method,
	    strlen(req->method) + 1);
	crypto_generichash_update(&st, (const unsigned char *)req->path,
	    strlen(req->path) + 1);
	if (body != NULL)
		crypto_generichash_update(&st, (const unsigned char *)body,
		    strlen(body));
	crypto_generichash_final(&st, digest, sizeof(digest));
	rc = bidx_compute(ctx->keys, APP_IDEM_BIDX_FIELD, digest,
	    sizeof(digest), out);
	sodium_memzero(digest, sizeof(digest));
	if (body != NULL)
		sodium_memzero(body, strlen(body));   /* an arena string */
	return rc;
}

/* The live claim of the key: same request → REPLAY, else REFUSED. */
static enum app_idem
app_idem_existing(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, struct app_idem_state *state,
    struct app_response *res)
{
	struct db_param p[2] = { DB_TEXT(who->account_id),
	    DB_BYTES(state->key_hash, sizeof(state->key_hash)) };
	struct db_result *r;
	const unsigned char *hash;
	const char *rid;
	size_t hlen;
	long long status;

	if (db_exec(ctx->db, req->arena, DB_STMT_IDEM_GET, p, 2, &r) != DB_OK)
		return APP_IDEM_FAILED;
	if (db_rows(r) != 1 ||
	    db_bytes(r, req->arena, 0, 0, &hash, &hlen) != 0 ||
	    hlen != sizeof(state->hash) || bidx_cmp(hash, state->hash) != 0 ||
	    db_int64(r, 0, 1, &status) != 0 ||
	    (rid = db_text(r, 0, 2)) == NULL ||
	    strlen(rid) != VALIDATE_UUID_LEN) {
		app_error(res, 409, "conflict",
		    "This Idempotency-Key was used for another request.", NULL);
		return APP_IDEM_REFUSED;
	}
	state->status = (int)status;
	memcpy(state->resource_id, rid, APP_UUID_SIZE);
	return APP_IDEM_REPLAY;
}

enum app_idem
app_idem_begin(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, struct app_idem_state *state,
    struct app_response *res)
{
	struct db_param p[3];
	struct db_result *r;

	memset(state, 0, sizeof(*state));
	if (req->idempotency_key == NULL)
		return APP_IDEM_NONE;
	state->key = req->idempotency_key;
	if (bidx_compute(ctx->keys, APP_IDEM_KEY_FIELD,
	    (const unsigned char *)state->key, strlen(state->key),
	    state->key_hash) != 0 || app_idem_hash(ctx, req, state->hash) != 0) {
		log_error("hashing the request failed");
		return APP_IDEM_FAILED;
	}
	p[0] = DB_TEXT(who->account_id);
	p[1] = DB_BYTES(state->key_hash, sizeof(state->key_hash));
	p[2] = DB_BYTES(state->hash, sizeof(state->hash));
	if (db_exec(ctx->db, req->arena, DB_STMT_IDEM_CLAIM, p, 3, &r) != DB_OK)
		return APP_IDEM_FAILED;
	if (db_rows(r) == 1)
		return APP_IDEM_NEW;
	return app_idem_existing(ctx, req, who, state, res);
}

int
app_idem_finish(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, const struct app_idem_state *state,
    int status, const char *resource_id)
{
	char code[16];
	struct db_param p[4];

	if (state->key == NULL)
		return 0;
	snprintf(code, sizeof(code), "%d", status);
	p[0] = DB_TEXT(who->account_id);
	p[1] = DB_BYTES(state->key_hash, sizeof(state->key_hash));
	p[2] = DB_TEXT(code);
	p[3] = DB_TEXT(resource_id);
	return db_exec(ctx->db, req->arena, DB_STMT_IDEM_DONE, p, 4, NULL) ==
	    DB_OK ? 0 : -1;
}
