/*
 * escrow — the keyring sealed under a passphrase, for off-site custody
 * (`permitctl keys backup` / `keys restore --backup`): what a move to
 * another data centre needs besides a database dump.
 *
 * The key is Argon2id (libsodium's crypto_pwhash, ALG_ARGON2ID13) of the
 * passphrase with a random 16-byte salt; the text is sealed with
 * XChaCha20-Poly1305 (crypto_aead_xchacha20poly1305_ietf) under a random
 * nonce, the header lines as associated data, so neither the limits nor
 * the salt can be changed unnoticed. File format, version 1, printable
 * ASCII:
 *
 *     permitd-keyring-backup v1
 *     argon2id ops=3 mem=268435456 salt=BASE64
 *     xchacha20poly1305 nonce=BASE64
 *     BASE64 of the ciphertext, in lines of 76 characters
 *
 * (base64: sodium_bin2base64, ORIGINAL variant.) A wrong passphrase and a
 * changed byte are one answer: the file does not open.
 */
#ifndef PERMIT_CRYPTO_ESCROW_H
#define PERMIT_CRYPTO_ESCROW_H

#include <stddef.h>

#define ESCROW_HEADER      "permitd-keyring-backup v1"
#define ESCROW_PASS_MIN    16            /* characters of a passphrase */
#define ESCROW_PASS_MAX    1024
#define ESCROW_PLAIN_MAX   (256 * 1024)  /* what may be sealed */

/* The limits a backup is sealed with, and the most an opened one may ask
 * for (so a crafted file cannot make restore take gigabytes or hours). */
#define ESCROW_OPSLIMIT    3ULL                    /* libsodium MODERATE */
#define ESCROW_MEMLIMIT    (256UL * 1024 * 1024)   /* libsodium MODERATE */
#define ESCROW_OPSLIMIT_MAX 16ULL
#define ESCROW_MEMLIMIT_MAX (2048UL * 1024 * 1024)

/*
 * Seals plain[0..plen) under pass[0..passlen) at the given limits. 0 with
 * *out a malloc'd NUL-terminated text of *outlen bytes (the caller frees
 * it; it holds no secret); -1 with the reason in err when the passphrase
 * is shorter than ESCROW_PASS_MIN or longer than ESCROW_PASS_MAX, the text
 * too long, or memory ran out. Key material lives in sodium_malloc'd
 * memory and is wiped.
 */
int escrow_seal(const char *pass, size_t passlen, const unsigned char *plain,
    size_t plen, unsigned long long opslimit, size_t memlimit, char **out,
    size_t *outlen, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/*
 * Opens a backup's text[0..tlen) with pass[0..passlen). 0 with *plain a
 * sodium_malloc'd buffer of *plen bytes plus a NUL (release it with
 * escrow_free: it is key material); -1 with the reason in err when the
 * text is malformed, asks for limits above the maxima, or does not open
 * (wrong passphrase or changed).
 */
int escrow_open(const char *pass, size_t passlen, const char *text,
    size_t tlen, unsigned char **plain, size_t *plen, char *err,
    size_t errlen) __attribute__((warn_unused_result));

/* Wipes and frees what escrow_open returned. NULL is allowed. */
void escrow_free(unsigned char *plain);

#endif
