/*
 * seal — per-record envelope encryption bound to its place and its owner
 * (docs/DESIGN.md invariants 1-3).
 *
 * Each record has its own random 32-byte data key (DEK). The DEK is wrapped
 * by the keyring's active KEK; each field is sealed under the DEK. Both use
 * XChaCha20-Poly1305-IETF with a random 24-byte nonce, and both bind their
 * ciphertext to a place through the additional data (AD):
 *
 *   wrapped DEK AD:  version, "dek",   table, record id, owner id, KEK id
 *   sealed field AD: version, "field", table, record id, owner id, field name
 *
 * encoded canonically: the version byte, then each item as a 4-byte
 * big-endian length followed by its bytes (so no choice of names can make
 * two different bindings encode alike).
 *
 * Wrapped DEK, format version 1 (at most SEAL_WRAPPED_MAX bytes):
 *
 *   offset         size  content
 *   0              1     version, 0x01
 *   1              1     KEK id length L, 1..KEYRING_ID_MAX
 *   2              L     KEK id (also stored by the caller in its own column)
 *   2+L            24    nonce
 *   26+L           48    ciphertext of the DEK (32) and tag (16)
 *
 * Sealed field, format version 1 (SEAL_FIELD_OVERHEAD + plaintext bytes):
 *
 *   0              1     version, 0x01
 *   1              24    nonce
 *   25             n+16  ciphertext (n) and tag (16), n <= SEAL_PLAIN_MAX
 *
 * Parsing is defensive: every length is checked before it is used; empty,
 * truncated, oversized and wrong-version input is refused. Every open takes
 * the binding the caller *expects* (the owner is the session's account, never
 * the row's); a different table, record, owner, field or KEK fails exactly as
 * tampering does: -1, nothing logged, nothing distinguished.
 *
 * Memory: nothing here allocates. Sealed output and opened plaintext both go
 * into caller-provided buffers (sized with seal_field_size and
 * seal_plain_size); the server's are in the request arena, so plaintext lives
 * as long as the request and is wiped by arena_reset. A DEK is a plain value
 * the caller holds (stack or arena) and wipes with seal_dek_wipe.
 *
 * libsodium is initialised by keyring_load (or keyring_parse), which a
 * process runs before it seals or opens anything.
 */
#ifndef PERMIT_CRYPTO_SEAL_H
#define PERMIT_CRYPTO_SEAL_H

#include <stddef.h>

#include "crypto/keyring.h"

#define SEAL_VERSION        1
#define SEAL_DEK_BYTES      32
#define SEAL_NONCE_BYTES    24
#define SEAL_TAG_BYTES      16
#define SEAL_NAME_MAX       255        /* table, ids, field name: bytes */
#define SEAL_PLAIN_MAX      (1024 * 1024)
#define SEAL_FIELD_OVERHEAD (1 + SEAL_NONCE_BYTES + SEAL_TAG_BYTES)
#define SEAL_WRAPPED_MAX    (2 + KEYRING_ID_MAX + SEAL_NONCE_BYTES + \
                             SEAL_DEK_BYTES + SEAL_TAG_BYTES)

/* Where a record lives and whose it is; all three required, non-empty,
 * at most SEAL_NAME_MAX bytes. Ids are UUID text. */
struct seal_binding {
	const char *table;       /* e.g. "applications" */
	const char *record_id;   /* the row's id */
	const char *owner_id;    /* the owning account's id */
};

/* A data key. Held by value; wipe with seal_dek_wipe when done. */
struct seal_dek {
	unsigned char key[SEAL_DEK_BYTES];
};

/* A fresh random DEK into *dek. */
void seal_dek_new(struct seal_dek *dek);

/* Wipes a DEK. NULL is allowed. */
void seal_dek_wipe(struct seal_dek *dek);

/*
 * Wraps `dek` under the active KEK of `kr`, bound to `b` and the KEK id.
 * Writes the wrapped DEK to out[SEAL_WRAPPED_MAX], its length to *outlen and,
 * if kek_id is not NULL, the KEK id to kek_id. 0, or -1 on a bad binding.
 */
int seal_dek_wrap(const struct keyring *kr, const struct seal_binding *b,
    const struct seal_dek *dek, unsigned char out[SEAL_WRAPPED_MAX],
    size_t *outlen, char kek_id[KEYRING_ID_SIZE])
    __attribute__((warn_unused_result));

/*
 * Opens a wrapped DEK with the KEK it names, expecting binding `b`. 0 with
 * the DEK in *dek; -1 (and *dek wiped) if the input is malformed, its KEK is
 * not in the keyring, or the binding or bytes differ from the sealing ones.
 */
int seal_dek_unwrap(const struct keyring *kr, const struct seal_binding *b,
    const unsigned char *wrapped, size_t len, struct seal_dek *dek)
    __attribute__((warn_unused_result));

/*
 * Re-wraps a DEK under the active KEK (rotation): opens `wrapped` as
 * seal_dek_unwrap does and wraps the same DEK again, so fields sealed under it
 * stay valid. Output as seal_dek_wrap. 0, or -1 as seal_dek_unwrap.
 */
int seal_dek_rewrap(const struct keyring *kr, const struct seal_binding *b,
    const unsigned char *wrapped, size_t len,
    unsigned char out[SEAL_WRAPPED_MAX], size_t *outlen,
    char kek_id[KEYRING_ID_SIZE]) __attribute__((warn_unused_result));

/* Bytes a sealed field of plain_len bytes takes. */
size_t seal_field_size(size_t plain_len);

/*
 * Seals plain[0..plain_len) as field `field` of the record `b` under `dek`,
 * into out[outcap] (outcap >= seal_field_size(plain_len)); *outlen is set.
 * 0, or -1 if plain_len > SEAL_PLAIN_MAX, outcap is short or the binding or
 * field name is bad.
 */
int seal_field(const struct seal_dek *dek, const struct seal_binding *b,
    const char *field, const unsigned char *plain, size_t plain_len,
    unsigned char *out, size_t outcap, size_t *outlen)
    __attribute__((warn_unused_result));

/* Plaintext bytes a sealed field of sealed_len bytes opens to (0 if it is
 * too short to be one); a buffer for seal_open_field. */
size_t seal_plain_size(size_t sealed_len);

/*
 * Opens a sealed field, expecting record `b` and field `field`, into
 * out[outcap] (outcap >= seal_plain_size(len)); *outlen is set. Nothing is
 * NUL-terminated: a caller that wants a string allocates one byte more. The
 * caller wipes out when done (an arena reset does). 0, or -1 with *outlen 0
 * and out[0..outcap) wiped if the input is malformed, tampered with, or sealed
 * for another place or owner, or outcap is short.
 */
int seal_open_field(const struct seal_dek *dek, const struct seal_binding *b,
    const char *field, const unsigned char *sealed, size_t len,
    unsigned char *out, size_t outcap, size_t *outlen)
    __attribute__((warn_unused_result));

#endif
