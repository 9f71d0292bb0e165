/*
 * paysig — the payment gateway's signature over a notification.
 *
 * The gateway sends `X-Permit-Timestamp: <unix seconds>` and
 * `X-Permit-Signature: v1=<hex HMAC-SHA-256>` over the bytes
 * "<timestamp>.<body>", keyed with the keyring's payment key (crypto/
 * keyring.h, type pay). The key never leaves crypto/; the comparison is in
 * constant time.
 */
#ifndef PERMIT_CRYPTO_PAYSIG_H
#define PERMIT_CRYPTO_PAYSIG_H

#include <stddef.h>

struct keyring;

/* How far a timestamp may be from now, either way, in seconds. */
#define PAYSIG_WINDOW 300

enum paysig_result {
	PAYSIG_OK,
	PAYSIG_NO_KEY,        /* the keyring has no payment key */
	PAYSIG_BAD            /* missing, malformed, stale or wrong */
};

/*
 * Checks `signature` (the header's value, "v1=" and 64 hex digits) over
 * `timestamp` (the header's value: decimal unix seconds within
 * PAYSIG_WINDOW of `now`), '.' and body[0..len). NULL headers are BAD.
 */
enum paysig_result paysig_verify(const struct keyring *kr,
    const char *timestamp, const char *signature, const void *body,
    size_t len, long long now);

#endif
