/*
 * bidx — blind indexes (construction in bidx.h).
 */
#include "crypto/bidx.h"
#include "crypto/keyring_internal.h"

#include <string.h>

#include <sodium.h>

#define BIDX_DOMAIN "permitd-bidx-v1"

static void
bidx_update_len(crypto_generichash_state *st, size_t n)
{
	unsigned char be[4] = {
		(unsigned char)(n >> 24), (unsigned char)(n >> 16),
		(unsigned char)(n >> 8), (unsigned char)n,
	};

	crypto_generichash_update(st, be, sizeof(be));
}

int
bidx_compute(const struct keyring *kr, const char *field,
    const unsigned char *value, size_t len, unsigned char out[BIDX_BYTES])
{
	crypto_generichash_state st;
	size_t flen;

	if (field == NULL || len > BIDX_VALUE_MAX || (value == NULL && len > 0))
		return -1;
	flen = strnlen(field, BIDX_FIELD_MAX + 1);
	if (flen == 0 || flen > BIDX_FIELD_MAX)
		return -1;
	crypto_generichash_init(&st, kr->bidx.key, KEYRING_KEY_BYTES,
	    BIDX_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)BIDX_DOMAIN,
	    sizeof(BIDX_DOMAIN) - 1);
	bidx_update_len(&st, flen);
	crypto_generichash_update(&st, (const unsigned char *)field, flen);
	bidx_update_len(&st, len);
	if (len > 0)
		crypto_generichash_update(&st, value, len);
	crypto_generichash_final(&st, out, BIDX_BYTES);
	sodium_memzero(&st, sizeof(st));   /* it held the keyed state */
	return 0;
}

int
bidx_nik_normalise(const char *in, char *out, size_t outcap)
{
	size_t n = 0;

	if (in == NULL || outcap == 0)
		return -1;
	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '\t' || *in == '.' || *in == '-')
			continue;
		if (*in < '0' || *in > '9' || n == BIDX_NIK_MAX || n + 1 >= outcap)
			goto fail;
		out[n++] = *in;
	}
	if (n == 0)
		goto fail;
	out[n] = '\0';
	return 0;
fail:
	sodium_memzero(out, outcap);
	return -1;
}

int
bidx_nik(const struct keyring *kr, const char *nik,
    unsigned char out[BIDX_BYTES])
{
	char digits[BIDX_NIK_MAX + 1];
	int rc = -1;

	if (bidx_nik_normalise(nik, digits, sizeof(digits)) != 0)
		goto out;
	rc = bidx_compute(kr, "nik", (const unsigned char *)digits,
	    strlen(digits), out);
out:
	sodium_memzero(digits, sizeof(digits));
	return rc;
}

int
bidx_cmp(const unsigned char a[BIDX_BYTES], const unsigned char b[BIDX_BYTES])
{
	return sodium_memcmp(a, b, BIDX_BYTES);
}
