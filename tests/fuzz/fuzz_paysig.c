/*
 * fuzz_paysig — libFuzzer over the payment gateway's signature headers
 * (crypto/paysig.c): X-Permit-Timestamp and X-Permit-Signature over the
 * raw body, as app/payments.c checks them before anything else.
 *
 * An input is lines: the timestamp header, the signature header, then the
 * body's bytes (the rest). "Now" is fixed, so an input reproduces.
 *
 * Invariants, the MAC computed here with libsodium's HMAC-SHA-256 and the
 * fixed payment key: headers as given are accepted exactly when the
 * timestamp is 1 to 12 digits within PAYSIG_WINDOW of now and the signature
 * is "v1=" and the hex (either case) of the MAC over "<timestamp>.<body>";
 * the right signature over the input's body, at a timestamp the input
 * moves within the window, is accepted, and refused once the body, the
 * timestamp or a hex digit changes, or the timestamp leaves the window;
 * without a payment key nothing is accepted (PAYSIG_NO_KEY).
 */
#include "tests/fuzz/fuzz.h"

#include <ctype.h>

#include "crypto/paysig.h"

#define FZ_NOW 1780000000LL

static struct keyring *fz_kr, *fz_no_pay;
static unsigned char fz_key[KEYRING_KEY_BYTES];

static void
fz_init(void)
{
	fz_kr = fuzz_keyring(1);
	fz_no_pay = fuzz_keyring(0);
	fuzz_key(FUZZ_PAY, fz_key);
}

/* "v1=" and the hex of the MAC over "<ts>.<body>", into the arena. */
static char *
fz_sign(const char *ts, const unsigned char *body, size_t len)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	char *sig = arena_alloc(fuzz_arena, 3 + 2 * sizeof(mac) + 1);

	crypto_auth_hmacsha256_init(&st, fz_key, sizeof(fz_key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts,
	    strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(sig, "v1=", 3);
	sodium_bin2hex(sig + 3, 2 * sizeof(mac) + 1, mac, sizeof(mac));
	return sig;
}

/* The timestamp's seconds when it is 1 to 12 digits, else -1. */
static long long
fz_seconds(const char *ts)
{
	size_t n = strlen(ts);

	if (n == 0 || n > 12 || strspn(ts, "0123456789") != n)
		return -1;
	return strtoll(ts, NULL, 10);
}

static enum paysig_result
fz_verify(const char *ts, const char *sig, const unsigned char *body,
    size_t len)
{
	return paysig_verify(fz_kr, ts, sig, body, len, FZ_NOW);
}

/* The headers as given: accepted exactly when they are right. */
static void
fz_check_given(const char *ts, const char *sig, const unsigned char *body,
    size_t len)
{
	long long at = fz_seconds(ts);
	const char *want = fz_sign(ts, body, len);
	int right = at >= 0 && at >= FZ_NOW - PAYSIG_WINDOW &&
	    at <= FZ_NOW + PAYSIG_WINDOW && strlen(sig) == strlen(want) &&
	    strncmp(sig, "v1=", 3) == 0;

	for (size_t i = 3; right && sig[i] != '\0'; i++)
		right = tolower((unsigned char)sig[i]) == want[i];
	FUZZ_CHECK((fz_verify(ts, sig, body, len) == PAYSIG_OK) == right);
	FUZZ_CHECK(paysig_verify(fz_kr, NULL, sig, body, len, FZ_NOW) ==
	    PAYSIG_BAD);
	FUZZ_CHECK(paysig_verify(fz_kr, ts, NULL, body, len, FZ_NOW) ==
	    PAYSIG_BAD);
	FUZZ_CHECK(paysig_verify(fz_no_pay, ts, sig, body, len, FZ_NOW) ==
	    PAYSIG_NO_KEY);
}

/* The right signature over the input's body, then each change to it. */
static void
fz_check_signed(const uint8_t *data, size_t size, const unsigned char *body,
    size_t len)
{
	uint16_t k = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
	long long at = FZ_NOW - PAYSIG_WINDOW + k % (2 * PAYSIG_WINDOW + 1);
	char *ts = arena_printf(fuzz_arena, "%lld", at);
	char *sig = fz_sign(ts, body, len), *up;
	unsigned char *other;
	size_t i;

	FUZZ_CHECK(fz_verify(ts, sig, body, len) == PAYSIG_OK);
	/* Hex is hex in either case. */
	up = arena_strdup(fuzz_arena, sig);
	for (i = 3; up[i] != '\0'; i++)
		up[i] = (char)toupper((unsigned char)up[i]);
	FUZZ_CHECK(fz_verify(ts, up, body, len) == PAYSIG_OK);
	/* One hex digit changed. */
	i = 3 + k % 64;
	sig[i] = sig[i] == '0' ? '1' : '0';
	FUZZ_CHECK(fz_verify(ts, sig, body, len) == PAYSIG_BAD);
	sig = fz_sign(ts, body, len);
	/* One bit of the body changed, or a byte more or less. */
	if (len > 0) {
		other = arena_alloc(fuzz_arena, len);
		memcpy(other, body, len);
		other[k % len] ^= (unsigned char)(1u << (k % 8));
		FUZZ_CHECK(fz_verify(ts, sig, other, len) == PAYSIG_BAD);
		FUZZ_CHECK(fz_verify(ts, sig, body, len - 1) == PAYSIG_BAD);
	}
	/* Another second, signed for this one; a second out of the window. */
	FUZZ_CHECK(fz_verify(arena_printf(fuzz_arena, "%lld", at + 1), sig,
	    body, len) == PAYSIG_BAD);
	at = k & 1 ? FZ_NOW + PAYSIG_WINDOW + 1 + k : FZ_NOW - PAYSIG_WINDOW -
	    1 - k;
	ts = arena_printf(fuzz_arena, "%lld", at);
	FUZZ_CHECK(fz_verify(ts, fz_sign(ts, body, len), body, len) ==
	    PAYSIG_BAD);
	/* Leading zeros name the same second, but sign other bytes: the MAC
	 * covers the header as sent. Too many digits are refused outright. */
	ts = arena_printf(fuzz_arena, "00%lld", FZ_NOW);
	FUZZ_CHECK(fz_verify(ts, fz_sign(ts, body, len), body, len) ==
	    PAYSIG_OK);
	ts = arena_printf(fuzz_arena, "000%lld", FZ_NOW);
	FUZZ_CHECK(fz_verify(ts, fz_sign(ts, body, len), body, len) ==
	    PAYSIG_BAD);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *body = data;
	size_t len = size, lines = 0;
	const char *head[2] = { "", "" };

	/* Two header lines, then the body as raw bytes. */
	for (size_t i = 0; i < size && lines < 2; i++) {
		if (data[i] != '\n')
			continue;
		head[lines++] = arena_strndup(fuzz_arena,
		    (const char *)body, (size_t)(data + i - body));
		body = data + i + 1;
	}
	len = size - (size_t)(body - data);
	if (lines < 2) {
		body = data + size;
		len = 0;
	}
	fz_check_given(head[0], head[1], body, len);
	fz_check_signed(data, size, body, len);
	fuzz_done();
	return 0;
}
