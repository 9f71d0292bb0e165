/*
 * bidx — blind indexes: equality look-ups over sealed values.
 *
 * An index is keyed BLAKE2b-256 (crypto_generichash) with the keyring's
 * blind-index key, over
 *
 *     "permitd-bidx-v1", len(field) as 4 bytes big-endian, field,
 *     len(value) as 4 bytes big-endian, value
 *
 * so equal values of one field give equal indexes, the same value in two
 * fields (or under two keys) gives unrelated ones, and without the key
 * nothing is learned. Callers normalise first: bidx_nik_normalise for a NIK;
 * an email is lower-cased by its caller and hashed as given.
 */
#ifndef PERMIT_CRYPTO_BIDX_H
#define PERMIT_CRYPTO_BIDX_H

#include <stddef.h>

#include "crypto/keyring.h"

#define BIDX_BYTES     32
#define BIDX_FIELD_MAX 255
#define BIDX_VALUE_MAX 4096
#define BIDX_NIK_MAX   32     /* digits kept by bidx_nik_normalise */

/*
 * The index of value[0..len) in field `field` (1..BIDX_FIELD_MAX bytes) into
 * out. 0, or -1 if the field name or length is out of bounds.
 */
int bidx_compute(const struct keyring *kr, const char *field,
    const unsigned char *value, size_t len, unsigned char out[BIDX_BYTES])
    __attribute__((warn_unused_result));

/*
 * A NIK as typed to its canonical digits: blanks, '.' and '-' are dropped,
 * digits kept, anything else refused. Writes a NUL-terminated string to
 * out[outcap] (outcap > BIDX_NIK_MAX suffices). 0, or -1 if there is no
 * digit, a character other than those, more than BIDX_NIK_MAX digits or
 * outcap is short. Structural checks (16 digits, birth date) are app/nik's.
 */
int bidx_nik_normalise(const char *in, char *out, size_t outcap)
    __attribute__((warn_unused_result));

/* bidx_nik_normalise, then bidx_compute over field "nik". 0 or -1. */
int bidx_nik(const struct keyring *kr, const char *nik,
    unsigned char out[BIDX_BYTES]) __attribute__((warn_unused_result));

/* Constant-time equality of two indexes: 0 if equal, else -1. */
int bidx_cmp(const unsigned char a[BIDX_BYTES], const unsigned char b[BIDX_BYTES])
    __attribute__((warn_unused_result));

#endif
