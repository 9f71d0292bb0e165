/*
 * keyring — the keys permitd holds, loaded from one file (DESIGN.md
 * invariant 9).
 *
 * File format, version 1. Text, one entry per line, '\n' line ends, printable
 * ASCII only; blank lines and lines starting with '#' are ignored:
 *
 *     permitd-keyring v1
 *     # written by permitctl keys; see crypto/keyring.h
 *     kek k1 3q2+7w...base64...=
 *     kek k2 Zm9v...base64...= active
 *     bidx b1 YmFy...base64...=
 *     token t1 YmF6...base64...=
 *
 *   - The first line is exactly "permitd-keyring v1".
 *   - An entry is TYPE ID KEY [active], fields separated by blanks.
 *     TYPE is kek (key-encryption key), bidx (blind-index key) or token
 *     (token-hashing key). ID is 1-32 of [A-Za-z0-9_.-], unique in the file;
 *     the KEK id is stored beside every wrapped DEK, so it never changes.
 *     KEY is 32 bytes in standard base64 with padding (sodium_bin2base64,
 *     ORIGINAL variant; `openssl rand -base64 32` gives the same shape).
 *   - At least one kek, exactly one of them marked "active" (new DEKs are
 *     wrapped with it; the others only open). Exactly one bidx and one token.
 *   - The file's mode is 0600 or 0400; anything group- or world-accessible
 *     is refused. At most KEYRING_FILE_MAX bytes.
 *
 * A loaded keyring lives in sodium_malloc'd memory made read-only
 * (sodium_mprotect_readonly); the file's bytes are wiped after parsing.
 * Errors come back as text in err[errlen] naming the file and the problem,
 * e.g. "var/keyring: mode 0644, must be 0600 or 0400"; the caller prints it.
 * The text never contains key material.
 */
#ifndef PERMIT_CRYPTO_KEYRING_H
#define PERMIT_CRYPTO_KEYRING_H

#include <stddef.h>

#define KEYRING_KEY_BYTES 32
#define KEYRING_ID_MAX    32                 /* characters, without NUL */
#define KEYRING_ID_SIZE   (KEYRING_ID_MAX + 1)
#define KEYRING_MAX_KEKS  64
#define KEYRING_FILE_MAX  (64 * 1024)
#define KEYRING_HEADER    "permitd-keyring v1"

struct keyring;

/*
 * Loads the keyring at `path` (also calls sodium_init). On success *out is a
 * read-only keyring owned by the caller, released with keyring_free().
 * -1 with a message in err when the file is missing, unreadable, not a
 * regular file, group/world accessible, malformed, or breaks a rule above.
 */
int keyring_load(const char *path, struct keyring **out, char *err,
    size_t errlen) __attribute__((warn_unused_result));

/*
 * Parses a keyring from memory: what keyring_load does with the file's text
 * once it has checked and read the file (also calls sodium_init). `name` is
 * used in messages. `buf` stays the caller's, who wipes it. Same ownership
 * and returns as keyring_load.
 */
int keyring_parse(const char *name, const char *buf, size_t len,
    struct keyring **out, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Wipes and releases the keyring. NULL is allowed. */
void keyring_free(struct keyring *kr);

/* The active KEK's id; valid as long as `kr`. */
const char *keyring_active_kek_id(const struct keyring *kr);

/* KEKs in file order, for listing: count, and the id of the i-th. */
size_t keyring_kek_count(const struct keyring *kr);
const char *keyring_kek_id(const struct keyring *kr, size_t i);

/* Ids of the blind-index and token keys; valid as long as `kr`. */
const char *keyring_bidx_id(const struct keyring *kr);
const char *keyring_token_id(const struct keyring *kr);

/*
 * Creates a new keyring file at `path`: kek k1 (active), bidx b1, token t1,
 * fresh random keys, mode 0600. Never overwrites: -1 if `path` exists.
 * 0 on success; -1 with a message in err.
 */
int keyring_init_file(const char *path, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/*
 * Adds a new random KEK to the file at `path` and makes it the active one;
 * the others stay for opening. The new id ("k" and one more than the highest
 * kN in the file) is copied to new_id. The file is validated as keyring_load
 * does, locked against a concurrent rotate/retire, and replaced atomically
 * (temporary file, fsync, rename) keeping its mode. Running processes see
 * the new KEK when they next load the keyring. 0, or -1 with err.
 */
int keyring_rotate(const char *path, char new_id[KEYRING_ID_SIZE], char *err,
    size_t errlen) __attribute__((warn_unused_result));

/*
 * Removes the KEK `id` from the file at `path`. Refuses the active KEK and
 * unknown ids. It does not know whether DEKs still use the KEK: the caller
 * (permitctl keys retire) counts them in the database first. Same locking
 * and atomic replacement as keyring_rotate. 0, or -1 with err.
 */
int keyring_retire(const char *path, const char *id, char *err,
    size_t errlen) __attribute__((warn_unused_result));

#endif
