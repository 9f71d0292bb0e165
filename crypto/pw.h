/*
 * pw — password hashing with Argon2id (docs/DESIGN.md invariant 9).
 *
 * Hashes are libsodium's self-describing strings ("$argon2id$v=19$m=...").
 * Limits come from the config (pwhash_opslimit, pwhash_memlimit; default
 * libsodium's INTERACTIVE). A sign-in that verifies checks pw_needs_rehash
 * and stores a new hash when the limits have risen. Passwords longer than
 * PW_MAX_LEN bytes are refused before any hashing, so a huge body cannot buy
 * a long computation.
 */
#ifndef PERMIT_CRYPTO_PW_H
#define PERMIT_CRYPTO_PW_H

#include <stddef.h>

#define PW_MAX_LEN   1024   /* bytes */
#define PW_HASH_SIZE 128    /* crypto_pwhash_STRBYTES, with the NUL */

/*
 * Hashes pw[0..len) with Argon2id at the given limits into out (a
 * NUL-terminated string). 0, or -1 if len > PW_MAX_LEN, the limits are out
 * of libsodium's range, or memory ran out.
 */
int pw_hash(const char *pw, size_t len, unsigned long long opslimit,
    size_t memlimit, char out[PW_HASH_SIZE]) __attribute__((warn_unused_result));

/*
 * 0 if pw[0..len) matches `hash`; -1 if not, if len > PW_MAX_LEN, or if
 * `hash` is not a valid Argon2id string. Takes as long as hashing does.
 */
int pw_verify(const char *hash, const char *pw, size_t len)
    __attribute__((warn_unused_result));

/*
 * For a sign-in whose account does not exist: verifies pw against a hash of a
 * random password made once (lazily, per process) at these limits, so the
 * answer takes as long as pw_verify with a real hash. Always -1.
 * The first call also makes the hash: call it once at start-up (in the
 * master, before fork) so no sign-in pays twice. Not thread-safe (a worker
 * serves one request at a time).
 */
int pw_dummy_verify(const char *pw, size_t len, unsigned long long opslimit,
    size_t memlimit);

/*
 * How many Argon2id verifications (pw_verify and pw_dummy_verify alike)
 * this process has run. The access log records each request's share
 * (argon2=N), so a test can see that a sign-in for an unknown email does
 * the work a real one does, without timing it.
 */
unsigned long pw_verify_count(void);

/*
 * 1 if `hash` was made with other limits than these (or is not a valid
 * Argon2id string) and should be replaced after a successful verify, else 0.
 */
int pw_needs_rehash(const char *hash, unsigned long long opslimit,
    size_t memlimit);

#endif
