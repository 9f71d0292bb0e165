/*
 * paysig — the payment gateway's signature (contract in paysig.h).
 */
#include "crypto/paysig.h"
#include "crypto/keyring_internal.h"

#include <string.h>

#include <sodium.h>

#define PAYSIG_PREFIX "v1="
/* A timestamp's digits at most: unix seconds for many centuries. */
#define PAYSIG_TS_MAX 12

/* The timestamp as seconds: 0, or -1 when it is not 1-12 digits. */
static int
paysig_seconds(const char *ts, long long *out)
{
	size_t n = strlen(ts);

	if (n == 0 || n > PAYSIG_TS_MAX)
		return -1;
	*out = 0;
	for (size_t i = 0; i < n; i++) {
		if (ts[i] < '0' || ts[i] > '9')
			return -1;
		*out = *out * 10 + (ts[i] - '0');
	}
	return 0;
}

/* The signature's MAC: 0, or -1 unless "v1=" and exactly 64 hex digits. */
static int
paysig_mac(const char *sig, unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	const char *hex = sig + strlen(PAYSIG_PREFIX);
	const char *end = NULL;
	size_t len = 0;

	if (strncmp(sig, PAYSIG_PREFIX, strlen(PAYSIG_PREFIX)) != 0 ||
	    strlen(hex) != 2 * crypto_auth_hmacsha256_BYTES)
		return -1;
	if (sodium_hex2bin(mac, crypto_auth_hmacsha256_BYTES, hex, strlen(hex),
	    NULL, &len, &end) != 0 || len != crypto_auth_hmacsha256_BYTES ||
	    *end != '\0')
		return -1;
	return 0;
}

enum paysig_result
paysig_verify(const struct keyring *kr, const char *timestamp,
    const char *signature, const void *body, size_t len, long long now)
{
	unsigned char want[crypto_auth_hmacsha256_BYTES];
	unsigned char got[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	enum paysig_result rc = PAYSIG_BAD;
	long long at;

	if (kr->pay.id[0] == '\0')
		return PAYSIG_NO_KEY;
	if (timestamp == NULL || signature == NULL ||
	    paysig_seconds(timestamp, &at) != 0 ||
	    at < now - PAYSIG_WINDOW || at > now + PAYSIG_WINDOW ||
	    paysig_mac(signature, got) != 0)
		return PAYSIG_BAD;
	crypto_auth_hmacsha256_init(&st, kr->pay.key, KEYRING_KEY_BYTES);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)timestamp,
	    strlen(timestamp));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, body, len);
	crypto_auth_hmacsha256_final(&st, want);
	if (sodium_memcmp(want, got, sizeof(want)) == 0)
		rc = PAYSIG_OK;
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(want, sizeof(want));
	return rc;
}
