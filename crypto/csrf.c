/*
 * csrf — CSRF tokens derived from session tokens (contract in csrf.h).
 */
#include "crypto/csrf.h"
#include "crypto/keyring_internal.h"

#include <string.h>

#include <sodium.h>

#define CSRF_TAG "csrf"
#define CSRF_B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

_Static_assert(sodium_base64_ENCODED_LEN(crypto_generichash_BYTES, CSRF_B64) ==
    TOKEN_STR_SIZE, "a CSRF token is as long as a session token");

int
csrf_token(const struct keyring *kr, const char *session_token, char *out,
    size_t outcap)
{
	unsigned char raw[TOKEN_BYTES], mac[crypto_generichash_BYTES];
	crypto_generichash_state st;
	int rc = -1;

	if (out == NULL || outcap < TOKEN_STR_SIZE)
		goto out;
	if (token_decode(session_token, raw) != 0)
		goto out;
	if (crypto_generichash_init(&st, kr->token.key, KEYRING_KEY_BYTES,
	    sizeof(mac)) != 0 ||
	    crypto_generichash_update(&st, (const unsigned char *)CSRF_TAG,
	    strlen(CSRF_TAG)) != 0 ||
	    crypto_generichash_update(&st, raw, sizeof(raw)) != 0 ||
	    crypto_generichash_final(&st, mac, sizeof(mac)) != 0)
		goto out;
	sodium_bin2base64(out, outcap, mac, sizeof(mac), CSRF_B64);
	rc = 0;
out:
	if (rc != 0 && out != NULL && outcap > 0)
		sodium_memzero(out, outcap);
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
	return rc;
}

int
csrf_check(const struct keyring *kr, const char *session_token,
    const char *presented)
{
	char want[TOKEN_STR_SIZE];
	int rc = -1;

	if (presented == NULL ||
	    strnlen(presented, TOKEN_STR_SIZE) != TOKEN_STR_LEN)
		goto out;
	if (csrf_token(kr, session_token, want, sizeof(want)) != 0)
		goto out;
	rc = sodium_memcmp(want, presented, TOKEN_STR_LEN) == 0 ? 0 : -1;
out:
	sodium_memzero(want, sizeof(want));
	return rc;
}
