/*
 * csrf — the CSRF token of a session (docs/API.md, Sessions).
 *
 * The token is derived, never stored: base64url without padding of keyed
 * BLAKE2b-256 (the keyring's token key) over the domain tag "csrf" followed
 * by the session token's 32 decoded bytes. It is TOKEN_STR_LEN characters,
 * like a session token, but reveals nothing about it; the stored token_hash
 * (the same key over the bare 32 bytes) never equals it, since the inputs
 * differ in length. A session has one CSRF token for its whole life.
 */
#ifndef PERMIT_CRYPTO_CSRF_H
#define PERMIT_CRYPTO_CSRF_H

#include <stddef.h>

#include "crypto/keyring.h"
#include "crypto/token.h"

/*
 * The CSRF token of `session_token` (a well-formed token string) into
 * out[outcap], NUL-terminated; outcap >= TOKEN_STR_SIZE. 0, or -1 (out
 * wiped) when the session token is malformed or outcap is short.
 */
int csrf_token(const struct keyring *kr, const char *session_token,
    char *out, size_t outcap) __attribute__((warn_unused_result));

/*
 * Checks a presented CSRF token (the X-CSRF-Token header; NULL allowed)
 * against the one derived from `session_token`: length first (public),
 * then sodium_memcmp. 0 when they match; -1 otherwise.
 */
int csrf_check(const struct keyring *kr, const char *session_token,
    const char *presented) __attribute__((warn_unused_result));

#endif
