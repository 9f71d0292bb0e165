/*
 * keyring — the keys permitd holds, loaded from one file (docs/DESIGN.md
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
 *     pay p1 cXV4...base64...=
 *
 *   - The first line is exactly "permitd-keyring v1".
 *   - An entry is TYPE ID KEY [active], fields separated by blanks.
 *     TYPE is kek (key-encryption key), bidx (blind-index key), token
 *     (token-hashing key) or pay (the payment gateway's HMAC-SHA-256 key,
 *     which the gateway holds too). ID is 1-32 of [A-Za-z0-9_.-], unique in the file;
 *     the KEK id is stored beside every wrapped DEK, so it never changes.
 *     KEY is 32 bytes in standard base64 with padding (sodium_bin2base64,
 *     ORIGINAL variant; `openssl rand -base64 32` gives the same shape).
 *   - At least one kek, exactly one of them marked "active" (new DEKs are
 *     wrapped with it; the others only open). Exactly one bidx and one token; at most
 *     one pay (a keyring from before payments has none: `permitctl keys
 *     add-payment-key` adds it).
 *   - The file's mode is 0600 or 0400; anything group- or world-accessible
 *     is refused. At most KEYRING_FILE_MAX bytes.
 *
 * A loaded keyring lives in sodium_malloc'd memory made read-only
 * (sodium_mprotect_readonly); the file's bytes are wiped after parsing.
 * Errors come back as text in err[errlen] naming the file and the problem,
 * e.g. "var/keyring: mode 0644, must be 0600 or 0400"; the caller prints it.
 * A file (keyring or archive) owned by another user than the effective one
 * is refused too, whatever its mode: its owner could rewrite the keys.
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
#define KEYRING_ARCHIVE_HEADER "permitd-keyring-archive v1"
#define KEYRING_ARCHIVE_SUFFIX ".archive"

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

/* 1 if the keyring holds a KEK with this id, else 0. */
int keyring_has_kek(const struct keyring *kr, const char *id);

/* Ids of the blind-index and token keys; valid as long as `kr`. */
const char *keyring_bidx_id(const struct keyring *kr);
const char *keyring_token_id(const struct keyring *kr);

/* The payment key's id, or NULL when the keyring has none. */
const char *keyring_payment_id(const struct keyring *kr);

/*
 * The payment key in the file's base64, for the gateway's configuration
 * (permitctl keys payment-key), into out[outlen] (the caller wipes it).
 * 0, or -1 when there is none or it does not fit.
 */
#define KEYRING_KEY_BASE64_SIZE 45
int keyring_payment_key_base64(const struct keyring *kr, char *out,
    size_t outlen) __attribute__((warn_unused_result));

/*
 * Adds a random payment key, id p1, to the keyring at `path`, which has
 * none (locked and replaced atomically as keyring_rotate does). 0, or -1
 * with err.
 */
int keyring_add_payment_key(const char *path, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/*
 * Creates a new keyring file at `path`: kek k1 (active), bidx b1, token t1,
 * pay p1, fresh random keys, mode 0600. Never overwrites: -1 if `path` exists.
 * 0 on success; -1 with a message in err.
 */
int keyring_init_file(const char *path, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/*
 * Adds a new random KEK to the file at `path` and makes it the active one;
 * the others stay for opening. The new id ("k" and one more than the highest
 * kN in the keyring and its archive) is copied to new_id, so an id is never
 * given to two keys. The file is validated as keyring_load does, locked
 * against a concurrent change, and replaced atomically (temporary file,
 * fsync, rename) keeping its mode. Running processes see the new KEK when
 * they next load the keyring. 0, or -1 with err.
 */
int keyring_rotate(const char *path, char new_id[KEYRING_ID_SIZE], char *err,
    size_t errlen) __attribute__((warn_unused_result));

/*
 * The archive: retired KEKs are kept, never destroyed by retiring, so that
 * records sealed in a race and database dumps older than the rotation can
 * still be opened (keyring_restore). It is the file beside the keyring, its
 * path plus KEYRING_ARCHIVE_SUFFIX (var/keyring.archive), in the keyring's
 * format with the header KEYRING_ARCHIVE_HEADER and kek entries only (none
 * marked active, possibly none at all); the same mode rules (0600 or 0400;
 * created 0600). Every change to it is made under the keyring's lock and
 * written atomically like the keyring; a missing archive is an empty one.
 * Back it up with the keyring.
 */

/* The archive's path for the keyring at `path`, into out[outlen]. 0, or
 * -1 when it does not fit. */
int keyring_archive_path(const char *path, char *out, size_t outlen);

/*
 * Moves the KEK `id` from the keyring at `path` into its archive: written
 * to the archive first, then removed from the keyring, so at every moment
 * the key is in one file or both, never in neither. Refuses the active KEK
 * and unknown ids, and an archive that already holds another key under
 * that id. It does not know whether anything still needs the KEK: the
 * caller (permitctl keys retire) asks the database first. 0, or -1 with err.
 */
int keyring_retire(const char *path, const char *id, char *err,
    size_t errlen) __attribute__((warn_unused_result));

/*
 * Moves the archived KEK `id` back into the keyring at `path`, not active
 * (to open records that still need it): written to the keyring first, then
 * removed from the archive. Refuses an id the archive does not hold or the
 * keyring already holds. 0, or -1 with err.
 */
int keyring_restore(const char *path, const char *id, char *err,
    size_t errlen) __attribute__((warn_unused_result));

/*
 * Destroys the archived KEK `id` for good (wiped, the archive rewritten).
 * Whatever it still wraps can never be opened again: the caller
 * (permitctl keys purge) confirms with the operator and asks the database
 * first. 0, or -1 with err.
 */
int keyring_purge(const char *path, const char *id, char *err,
    size_t errlen) __attribute__((warn_unused_result));

/*
 * The ids of the archived KEKs of the keyring at `path`, in file order,
 * into ids[0..*n) (at most `max`). Key material never leaves crypto/.
 * 0, or -1 with err (a malformed or too open archive).
 */
int keyring_archive_ids(const char *path, char ids[][KEYRING_ID_SIZE],
    size_t max, size_t *n, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/*
 * The keyring and its archive as one text, for a sealed backup
 * (crypto/escrow.h): the keyring's file text, then the archive's (from its
 * header line KEYRING_ARCHIVE_HEADER), both as keyring_format writes them.
 *
 * keyring_bundle_export reads both files under the keyring's lock into
 * *text (sodium_malloc'd, NUL-terminated, *len bytes; release it with
 * keyring_bundle_free: it is key material). keyring_bundle_import checks
 * both parts as keyring_load would, then writes them as new files `path`
 * and its archive, mode 0600, refusing to replace either (move an
 * existing keyring away first). 0, or -1 with err (import: nothing left
 * behind).
 */
int keyring_bundle_export(const char *path, char **text, size_t *len,
    char *err, size_t errlen) __attribute__((warn_unused_result));
int keyring_bundle_import(const char *path, const char *text, size_t len,
    char *err, size_t errlen) __attribute__((warn_unused_result));
void keyring_bundle_free(char *text);

#endif
