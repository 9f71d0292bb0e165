/*
 * chain — the hash of a row of the audit trail (docs/DESIGN.md invariant 10,
 * migrations/0014).
 *
 * Each row's hash is BLAKE2b-256 (crypto_generichash, unkeyed) over the
 * canonical encoding of its fields and the previous row's hash, so a row
 * edited, removed or moved no longer matches its hash or its successor's
 * link. The encoding is a sequence of items, each a 4-byte big-endian
 * length followed by that many bytes; an absent (SQL NULL) text is the
 * length 0xffffffff and no bytes, so it differs from "":
 *
 *     "permitd-audit-v1"
 *     seq            8 bytes, big-endian
 *     at             text (RFC 3339 UTC with microseconds, as
 *                    permit_audit_at writes it)
 *     actor_kind     text
 *     actor          text
 *     action         text
 *     application    text (canonical UUID) or absent
 *     account        text (canonical UUID) or absent
 *     detail         text or absent
 *     prev           32 bytes: the previous row's hash (zeros for row 1)
 *
 * Texts are hashed as given, byte for byte: whoever computes a row's hash
 * passes each field exactly as the database returns it.
 */
#ifndef PERMIT_CRYPTO_CHAIN_H
#define PERMIT_CRYPTO_CHAIN_H

#include <stddef.h>

#define CHAIN_HASH_BYTES 32
/* The longest text an item may hold; the database's own bounds are far
 * below it. */
#define CHAIN_TEXT_MAX 1024
/* The longest encoding: the domain, seq, seven texts at their longest with
 * their lengths, and prev. */
#define CHAIN_ENCODING_MAX \
	(4 + 16 + 4 + 8 + 7 * (4 + CHAIN_TEXT_MAX) + 4 + CHAIN_HASH_BYTES)
/* What audit_log's checks allow an action and a detail (migrations/0014). */
#define CHAIN_ACTION_MAX 64
#define CHAIN_DETAIL_MAX 200

/* One row as its hash covers it. The strings are the caller's, read only
 * during the call; the NULL-able ones say so. */
struct chain_row {
	long long seq;                          /* 1, 2, ... */
	const char *at;
	const char *actor_kind;
	const char *actor;
	const char *action;
	const char *application;                /* or NULL */
	const char *account;                    /* or NULL */
	const char *detail;                     /* or NULL */
	unsigned char prev[CHAIN_HASH_BYTES];
};

/*
 * The row's encoding into buf[0..cap), its length in *len: for tests, and
 * for anyone re-computing a hash with another tool. 0, or -1 when seq is
 * below 1, a required text is NULL, a text is over CHAIN_TEXT_MAX or cap is
 * short (buf's contents are then unspecified).
 */
int chain_encode(const struct chain_row *row, unsigned char *buf, size_t cap,
    size_t *len) __attribute__((warn_unused_result));

/* The row's hash into out. 0, or -1 on what chain_encode refuses. */
int chain_hash(const struct chain_row *row, unsigned char out[CHAIN_HASH_BYTES])
    __attribute__((warn_unused_result));

/*
 * For a writer (permitd's app/audit.c, permitctl's cli/audit_write.c): makes
 * `row` the one that follows the chain's head, the last row's position
 * head_seq (0 while the trail is empty) and hash head_hash[0..head_len):
 * its seq is head_seq + 1 and its prev that hash. 0, or -1 (row untouched)
 * when head_seq is negative or the last there is, or head_len is not
 * CHAIN_HASH_BYTES: a head the database did not return.
 */
int chain_follow(struct chain_row *row, long long head_seq,
    const unsigned char *head_hash, size_t head_len)
    __attribute__((warn_unused_result));

/*
 * 1 when a row about to be written is within the rules audit_log holds it
 * to (migrations/0014), else 0. A writer checks before it hashes, because
 * the hash covers the text it sends and `permitctl audit verify` hashes
 * the text the database returns: an id in upper case would be stored in
 * lower case and its row would read as altered. The rules: seq and at
 * present; actor_kind "account", "cli" or "system"; an account's actor a
 * canonical (lower-case) UUID, another's a plain name
 * ([a-z_][a-z0-9_.-]*, at most 63 bytes, as a database role or a
 * component is named); action [a-z][a-z0-9_.]*, at most CHAIN_ACTION_MAX
 * bytes; application and account canonical UUIDs or NULL; detail
 * printable ASCII, at most CHAIN_DETAIL_MAX bytes, or NULL.
 */
int chain_row_writable(const struct chain_row *row);

#endif
