/*
 * fuzz_seal — libFuzzer over crypto/'s parsers of untrusted bytes.
 *
 * The first input byte picks a target, the rest is its input:
 *   0  a wrapped DEK          seal_dek_unwrap
 *   1  a sealed field         seal_open_field
 *   2  a plaintext            seal then open round trip; one flipped bit
 *                             (chosen by the input) must make opening fail
 *   3  a keyring file's text  keyring_parse
 *   4  a token / a NIK        token_decode, bidx_nik_normalise
 * Anything a parser accepts that it should not, or a mismatch in the round
 * trip, aborts; ASan and UBSan catch the rest.
 */
#include "tests/fuzz/fuzz.h"

#include "crypto/bidx.h"
#include "crypto/seal.h"
#include "crypto/token.h"

static struct keyring *fz_kr;
static struct seal_dek fz_dek;
static const struct seal_binding fz_bind = {
	"applications", "c0ffee00-1234-4abc-8def-0123456789ab",
	"6f1c2a4e-8b1d-4c3e-9f00-0a1b2c3d4e5f",
};

static void
fz_init(void)
{
	fz_kr = fuzz_keyring(0);
	memset(fz_dek.key, 0x55, sizeof(fz_dek.key));
}

static void
fz_wrapped(const uint8_t *p, size_t n)
{
	struct seal_dek dek;

	if (seal_dek_unwrap(fz_kr, &fz_bind, p, n, &dek) == 0)
		abort();   /* a forgery: nobody but us holds the KEKs */
}

static void
fz_sealed(const uint8_t *p, size_t n)
{
	unsigned char *out;
	size_t got = 1, cap = seal_plain_size(n);

	/* Exact size, so ASan sees a write past the end. */
	out = malloc(cap > 0 ? cap : 1);
	if (out == NULL)
		abort();
	memset(out, 0xa5, cap);
	if (seal_open_field(&fz_dek, &fz_bind, "nik", p, n, out, cap,
	    &got) == 0)
		abort();   /* a forgery: nobody else holds fz_dek */
	if (got != 0 || (cap > 0 && !sodium_is_zero(out, cap)))
		abort();   /* a failed open must leave nothing behind */
	free(out);
}

static void
fz_round_trip(const uint8_t *p, size_t n)
{
	unsigned char wrapped[SEAL_WRAPPED_MAX], *sealed, *plain;
	struct seal_dek dek, back;
	size_t wlen, slen, plen, bit;

	if (n > 4096)
		n = 4096;
	seal_dek_new(&dek);
	if (seal_dek_wrap(fz_kr, &fz_bind, &dek, wrapped, &wlen, NULL) != 0 ||
	    seal_dek_unwrap(fz_kr, &fz_bind, wrapped, wlen, &back) != 0 ||
	    memcmp(dek.key, back.key, SEAL_DEK_BYTES) != 0)
		abort();
	sealed = malloc(seal_field_size(n));
	plain = malloc(n > 0 ? n : 1);
	if (sealed == NULL || plain == NULL ||
	    seal_field(&dek, &fz_bind, "name", p, n, sealed, seal_field_size(n),
	    &slen) != 0 || seal_plain_size(slen) != n ||
	    seal_open_field(&dek, &fz_bind, "name", sealed, slen, plain, n,
	    &plen) != 0 || plen != n || (n > 0 && memcmp(plain, p, n) != 0))
		abort();
	bit = n > 0 ? ((size_t)p[0] << 8 | p[n - 1]) % (slen * 8) : 0;
	sealed[bit / 8] ^= (unsigned char)(1u << (bit % 8));
	if (seal_open_field(&dek, &fz_bind, "name", sealed, slen, plain, n,
	    &plen) == 0)
		abort();
	free(plain);
	free(sealed);
	seal_dek_wipe(&dek);
	seal_dek_wipe(&back);
}

/* 1 if the active KEK is among the KEKs the keyring lists. */
static int
fz_active_listed(const struct keyring *kr)
{
	for (size_t i = 0; i < keyring_kek_count(kr); i++)
		if (strcmp(keyring_kek_id(kr, i), keyring_active_kek_id(kr)) == 0)
			return 1;
	return 0;
}

static void
fz_keyring(const uint8_t *p, size_t n)
{
	struct keyring *kr;
	char err[256];

	if (keyring_parse("fuzz", (const char *)p, n, &kr, err,
	    sizeof(err)) == 0) {
		if (keyring_kek_count(kr) == 0 || !fz_active_listed(kr))
			abort();
		keyring_free(kr);
	} else if (kr != NULL || strlen(err) == 0) {
		abort();
	}
}

static void
fz_strings(const uint8_t *p, size_t n)
{
	unsigned char raw[TOKEN_BYTES], h[TOKEN_HASH_BYTES];
	char out[BIDX_NIK_MAX + 1], *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, p, n);
	s[n] = '\0';
	if (token_decode(s, raw) == 0 && strlen(s) != TOKEN_STR_LEN)
		abort();
	if (token_hash(fz_kr, s, h) == 0 && strlen(s) != TOKEN_STR_LEN)
		abort();
	if (bidx_nik_normalise(s, out, sizeof(out)) == 0 &&
	    strspn(out, "0123456789") != strlen(out))
		abort();
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 5) {
	case 0:
		fz_wrapped(data + 1, size - 1);
		break;
	case 1:
		fz_sealed(data + 1, size - 1);
		break;
	case 2:
		fz_round_trip(data + 1, size - 1);
		break;
	case 3:
		fz_keyring(data + 1, size - 1);
		break;
	default:
		fz_strings(data + 1, size - 1);
		break;
	}
	return 0;
}
