/*
 * token — random tokens and their keyed hashes (format in token.h).
 */
#include "crypto/token.h"
#include "crypto/keyring_internal.h"

#include <string.h>

#include <sodium.h>

#define TOKEN_B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING
/*
 * The characters of TOKEN_B64. Checked before decoding: libsodium 1.0.18
 * (Debian 12's) reads every byte above 0x7f as '_', so it alone would give
 * a token many spellings.
 */
#define TOKEN_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
    "abcdefghijklmnopqrstuvwxyz0123456789-_"

_Static_assert(sodium_base64_ENCODED_LEN(TOKEN_BYTES, TOKEN_B64) ==
    TOKEN_STR_SIZE, "TOKEN_STR_SIZE");

void
token_new(char out[TOKEN_STR_SIZE])
{
	unsigned char raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, TOKEN_STR_SIZE, raw, sizeof(raw), TOKEN_B64);
	sodium_memzero(raw, sizeof(raw));
}

int
token_decode(const char *s, unsigned char out[TOKEN_BYTES])
{
	const char *end = NULL;
	size_t len = 0;

	if (s == NULL || strnlen(s, TOKEN_STR_LEN + 1) != TOKEN_STR_LEN ||
	    strspn(s, TOKEN_ALPHABET) != TOKEN_STR_LEN)
		goto fail;
	/* No ignore set: a blank or any other character is an error; libsodium
	 * also refuses non-zero trailing bits, so one token has one spelling. */
	if (sodium_base642bin(out, TOKEN_BYTES, s, TOKEN_STR_LEN, NULL, &len,
	    &end, TOKEN_B64) != 0 || end != s + TOKEN_STR_LEN ||
	    len != TOKEN_BYTES)
		goto fail;
	return 0;
fail:
	sodium_memzero(out, TOKEN_BYTES);
	return -1;
}

int
token_hash(const struct keyring *kr, const char *s,
    unsigned char out[TOKEN_HASH_BYTES])
{
	unsigned char raw[TOKEN_BYTES];
	int rc = -1;

	if (token_decode(s, raw) != 0)
		goto out;
	crypto_generichash(out, TOKEN_HASH_BYTES, raw, sizeof(raw),
	    kr->token.key, KEYRING_KEY_BYTES);
	rc = 0;
out:
	sodium_memzero(raw, sizeof(raw));
	return rc;
}
