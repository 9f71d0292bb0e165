/*
 * idempotency — Idempotency-Key claims and replays (contract in
 * idempotency.h).
 */
#include "pipe/idempotency.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "crypto/bidx.h"
#include "db/db.h"

/* The blind-index "fields" the request and the key are hashed under: a
 * client may well put identity data in either, so neither is stored. */
#define PIPE_IDEM_BIDX_FIELD "idempotency_request"
#define PIPE_IDEM_KEY_FIELD "idempotency_key"

int
pipe_idem_key_valid(const char *key)
{
	size_t n = strnlen(key, PIPE_IDEM_KEY_MAX + 1);

	if (n == 0 || n > PIPE_IDEM_KEY_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)key[i] < 0x20 || (unsigned char)key[i] > 0x7e)
			return 0;
	return 1;
}

int
pipe_idem_check(const struct pipe_request *req, struct pipe_response *res)
{
	if (req->idempotency_key == NULL ||
	    pipe_idem_key_valid(req->idempotency_key))
		return 0;
	pipe_error(res, 400, "bad_request",
	    "Idempotency-Key must be 1 to 64 printable ASCII characters.", NULL);
	return -1;
}

/*
 * The request's hash: BLAKE2b-256 over method, path and the body dumped
 * canonically (compact, keys sorted), then keyed with the blind-index key,
 * so the stored hash of a body full of identity data confirms no guess.
 */
static int
pipe_idem_hash(struct pipe_ctx *ctx, const struct pipe_request *req,
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
	rc = bidx_compute(ctx->keys, PIPE_IDEM_BIDX_FIELD, digest,
	    sizeof(digest), out);
	sodium_memzero(digest, sizeof(digest));
	if (body != NULL)
		sodium_memzero(body, strlen(body));   /* an arena string */
	return rc;
}

/* The live claim of the key: the same request is a replay, another one is
 * refused. */
static enum pipe_status
pipe_idem_existing(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_idem_state *state,
    struct pipe_response *res)
{
	struct db_param p[2] = { DB_TEXT(who->account_id),
	    DB_BYTES(state->key_hash, sizeof(state->key_hash)) };
	struct db_result *r;
	const unsigned char *hash;
	const char *rid;
	size_t hlen;
	long long status;
	enum pipe_status st;

	if ((st = pipe_db(db_exec(ctx->db, req->arena, DB_STMT_IDEM_GET, p, 2,
	    &r))) != PIPE_NEXT)
		return st;
	if (db_rows(r) != 1 ||
	    db_bytes(r, req->arena, 0, DB_COL(IDEM_GET, REQUEST_HASH), &hash,
	    &hlen) != 0 ||
	    hlen != sizeof(state->hash) || bidx_cmp(hash, state->hash) != 0 ||
	    db_int64(r, 0, DB_COL(IDEM_GET, STATUS), &status) != 0 ||
	    (rid = db_text(r, 0, DB_COL(IDEM_GET, RESOURCE_ID))) == NULL) {
		pipe_error(res, 409, "conflict",
		    "This Idempotency-Key was used for another request.", NULL);
		return PIPE_ANSWERED;
	}
	state->replay = 1;
	state->status = (int)status;
	state->resource_id = rid;   /* lives with the result, in the arena */
	return PIPE_NEXT;
}

enum pipe_status
pipe_idem_begin(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_idem_state *state,
    struct pipe_response *res)
{
	struct db_param p[3];
	struct db_result *r;
	enum pipe_status st;

	memset(state, 0, sizeof(*state));
	if (req->idempotency_key == NULL)
		return PIPE_NEXT;
	state->key = req->idempotency_key;
	if (bidx_compute(ctx->keys, PIPE_IDEM_KEY_FIELD,
	    (const unsigned char *)state->key, strlen(state->key),
	    state->key_hash) != 0 || pipe_idem_hash(ctx, req, state->hash) != 0) {
		log_error("hashing the request failed");
		return PIPE_FAILED;
	}
	p[0] = DB_TEXT(who->account_id);
	p[1] = DB_BYTES(state->key_hash, sizeof(state->key_hash));
	p[2] = DB_BYTES(state->hash, sizeof(state->hash));
	if ((st = pipe_db(db_exec(ctx->db, req->arena, DB_STMT_IDEM_CLAIM, p, 3,
	    &r))) != PIPE_NEXT)
		return st;
	if (db_rows(r) == 1)
		return PIPE_NEXT;   /* claimed */
	return pipe_idem_existing(ctx, req, who, state, res);
}

int
pipe_idem_finish(const struct pipe_request *req,
    const struct pipe_principal *who, const struct pipe_idem_state *state,
    int status, const char *resource_id, struct db_call *call)
{
	struct db_param *p;

	if (state->key == NULL)
		return 0;
	p = arena_alloc(req->arena, 4 * sizeof(*p));
	p[0] = DB_TEXT(who->account_id);
	p[1] = DB_BYTES(state->key_hash, sizeof(state->key_hash));
	p[2] = DB_TEXT(arena_printf(req->arena, "%d", status));
	p[3] = DB_TEXT(resource_id);
	*call = (struct db_call){ DB_STMT_IDEM_DONE, p, 4, NULL, DB_ERROR };
	return 1;
}
