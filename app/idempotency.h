/*
 * idempotency — the Idempotency-Key of a POST (API.md, Conventions).
 *
 * The same key from the same account within 24 h returns the first answer
 * and does nothing again. The ledger (idempotency_keys, migrations/0003)
 * keeps per account and key a keyed hash of the request (method, path and
 * canonical body), the answer's status and the resource it made or changed;
 * never a response body, which would hold plaintext. A replay answers the
 * stored status with the resource's *current* representation.
 *
 * A claim is an INSERT in the request's transaction: a concurrent request
 * with the same key waits on it and then sees the first one's outcome; if
 * the first one fails (rolls back), so does its claim. Older claims are
 * taken over as new.
 */
#ifndef PERMIT_APP_IDEMPOTENCY_H
#define PERMIT_APP_IDEMPOTENCY_H

#include "app/app.h"
#include "app/uuid.h"

enum app_idem {
	APP_IDEM_NONE,      /* no Idempotency-Key: serve the request */
	APP_IDEM_NEW,       /* key claimed: serve it, then app_idem_finish() */
	APP_IDEM_REPLAY,    /* answered before: state->status, ->resource_id */
	APP_IDEM_REFUSED,   /* `res` filled: 409 the key was used for another
	                     * request */
	APP_IDEM_FAILED     /* the database failed: the handler returns -1 */
};

/* One request's claim; strings in the request arena. */
struct app_idem_state {
	const char *key;                    /* NULL without a header */
	unsigned char key_hash[32];         /* what is stored of the key */
	unsigned char hash[32];             /* the request's keyed hash */
	int status;                         /* REPLAY: the first answer's */
	char resource_id[APP_UUID_SIZE];    /* REPLAY: what it made */
};

/*
 * Checks the header's shape, touching nothing: 1..64 printable ASCII
 * characters. 0 (also when there is no header); -1 with 400 bad_request in
 * `res`. Call before validating the body, so a bad key changes nothing.
 */
int app_idem_check(const struct app_request *req, struct app_response *res)
    __attribute__((warn_unused_result));

/*
 * Claims the request's key for `who` (after app_idem_check and all
 * validation, as the request's first write). Fills *state.
 */
enum app_idem app_idem_begin(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, struct app_idem_state *state,
    struct app_response *res);

/*
 * Records the answer of a request claimed with APP_IDEM_NEW, in the same
 * transaction: its status and the resource's id. A no-op for
 * APP_IDEM_NONE (state->key NULL). 0, or -1 when the database failed.
 */
int app_idem_finish(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, const struct app_idem_state *state,
    int status, const char *resource_id) __attribute__((warn_unused_result));

#endif
