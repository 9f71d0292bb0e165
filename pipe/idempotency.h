/*
 * idempotency — the Idempotency-Key of a POST (docs/API.md, Idempotency).
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
#ifndef PERMIT_PIPE_IDEMPOTENCY_H
#define PERMIT_PIPE_IDEMPOTENCY_H

#include "pipe/pipe.h"

/* One request's claim; strings in the request arena. */
struct pipe_idem_state {
	const char *key;                    /* NULL without a header */
	int replay;                         /* 1: answered before */
	unsigned char key_hash[32];         /* what is stored of the key */
	unsigned char hash[32];             /* the request's keyed hash */
	int status;                         /* REPLAY: the first answer's */
	const char *resource_id;            /* REPLAY: what it made (uuid) */
};

/* An Idempotency-Key header: at most 64 of them (docs/API.md). */
#define PIPE_IDEM_KEY_MAX 64

/* 1 when `key` is 1..PIPE_IDEM_KEY_MAX printable ASCII characters. */
int pipe_idem_key_valid(const char *key);

/*
 * Checks the header's shape, touching nothing: 1..64 printable ASCII
 * characters. 0 (also when there is no header); -1 with 400 bad_request in
 * `res`. Call before validating the body, so a bad key changes nothing.
 */
int pipe_idem_check(const struct pipe_request *req, struct pipe_response *res)
    __attribute__((warn_unused_result));

/*
 * Claims the request's key for `who` (after pipe_idem_check, as the
 * request's first write) and fills *state. PIPE_NEXT to go on: serve the
 * request (then pipe_idem_finish), or, with state->replay set, answer
 * state->status with the current representation of state->resource_id.
 * PIPE_ANSWERED with 409 in `res` when the key was used for another
 * request; or the database failure.
 */
enum pipe_status pipe_idem_begin(struct pipe_ctx *ctx,
    const struct pipe_request *req, const struct pipe_principal *who,
    struct pipe_idem_state *state, struct pipe_response *res);

/*
 * The statement that records the answer of a request whose key was newly
 * claimed, for the handler's last flight (pipe_commit), so the record is
 * written in the same transaction as what it records: its status and the
 * resource's id. 1 with *call set (parameters in the request arena, the key
 * hash in *state, which must outlive the flight); 0 without a key, when
 * there is nothing to record.
 */
int pipe_idem_finish(const struct pipe_request *req,
    const struct pipe_principal *who, const struct pipe_idem_state *state,
    int status, const char *resource_id, struct db_call *call);

#endif
