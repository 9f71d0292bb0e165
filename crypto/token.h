/*
 * token — session and CSRF tokens (docs/DESIGN.md invariant 9).
 *
 * A token is 32 random bytes (randombytes_buf), written as base64url without
 * padding: TOKEN_STR_LEN (43) characters of [A-Za-z0-9_-]. The client holds
 * the token; the server stores only token_hash(), keyed BLAKE2b-256 with the
 * keyring's token key over the decoded bytes, so a database dump yields no
 * usable session. Decoding is strict: exactly 43 characters, canonical
 * base64url, nothing else.
 */
#ifndef PERMIT_CRYPTO_TOKEN_H
#define PERMIT_CRYPTO_TOKEN_H

#include <stddef.h>

#include "crypto/keyring.h"

#define TOKEN_BYTES      32
#define TOKEN_STR_LEN    43
#define TOKEN_STR_SIZE   (TOKEN_STR_LEN + 1)
#define TOKEN_HASH_BYTES 32

/* A new random token, NUL-terminated, into out. Session or CSRF token. */
void token_new(char out[TOKEN_STR_SIZE]);

/* Decodes a token string to its bytes. 0, or -1 (out wiped) if malformed. */
int token_decode(const char *s, unsigned char out[TOKEN_BYTES])
    __attribute__((warn_unused_result));

/* The stored form of a token: 0 with the hash in out, -1 if malformed. */
int token_hash(const struct keyring *kr, const char *s,
    unsigned char out[TOKEN_HASH_BYTES]) __attribute__((warn_unused_result));

#endif
