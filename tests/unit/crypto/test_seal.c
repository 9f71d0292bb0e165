/*
 * crypto/seal: wrapped DEKs and sealed fields open only for the place and
 * owner they were sealed for, survive no change of a single bit, and their
 * parsers refuse truncated, empty, wrong-version and oversized input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "tests/unit/crypto/two_keyrings.h"
#include "crypto/keyring.h"
#include "crypto/seal.h"

#define OWNER  "6f1c2a4e-8b1d-4c3e-9f00-0a1b2c3d4e5f"
#define OTHER  "0b9e7c1a-3f2d-4e5c-8a7b-6c5d4e3f2a1b"
#define RECORD "c0ffee00-1234-4abc-8def-0123456789ab"

static const struct seal_binding bind = { "applications", RECORD, OWNER };

static int
group_setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	return two_keyrings_setup(state);
}

#define group_teardown two_keyrings_teardown

/* Seals `len` bytes of a pattern into a malloc'd buffer. */
static unsigned char *
seal_pattern(const struct seal_dek *dek, const struct seal_binding *b,
    const char *field, size_t len, size_t *sealed_len)
{
	unsigned char *plain = malloc(len + 1);
	unsigned char *sealed = malloc(seal_field_size(len));

	assert_non_null(plain);
	assert_non_null(sealed);
	for (size_t i = 0; i < len; i++)
		plain[i] = (unsigned char)(i * 31 + 7);
	assert_int_equal(seal_field(dek, b, field, plain, len, sealed,
	    seal_field_size(len), sealed_len), 0);
	assert_int_equal(*sealed_len, seal_field_size(len));
	free(plain);
	return sealed;
}

/*
 * A caller buffer for opening a sealed field of slen bytes: malloc'd at
 * exactly seal_plain_size(slen), so ASan sees any write past it, and full of
 * a non-zero pattern, so a test sees whether it was wiped.
 */
static unsigned char *
plain_buffer(size_t slen, size_t *cap)
{
	unsigned char *out;

	*cap = seal_plain_size(slen);
	out = malloc(*cap > 0 ? *cap : 1);
	assert_non_null(out);
	memset(out, 0xa5, *cap);
	return out;
}

/* True if the caller is left nothing: no length, every byte zero. */
static int
left_nothing(const unsigned char *out, size_t cap, size_t n)
{
	if (n != 0)
		return 0;
	for (size_t i = 0; i < cap; i++)
		if (out[i] != 0)
			return 0;
	return 1;
}

/* Opening s[0..slen) as `field` of `b` under `dek` fails and leaves the
 * caller's buffer wiped. */
static void
assert_does_not_open(const struct seal_dek *dek, const struct seal_binding *b,
    const char *field, const unsigned char *s, size_t slen)
{
	unsigned char *out;
	size_t cap, n = 1;

	out = plain_buffer(slen, &cap);
	assert_int_equal(seal_open_field(dek, b, field, s, slen, out, cap, &n),
	    -1);
	assert_true(left_nothing(out, cap, n));
	free(out);
}

static void
round_trip(size_t len)
{
	struct seal_dek dek;
	unsigned char *sealed, *out;
	size_t slen, cap, n;

	seal_dek_new(&dek);
	sealed = seal_pattern(&dek, &bind, "nik", len, &slen);
	out = plain_buffer(slen, &cap);
	assert_int_equal(cap, len);
	assert_int_equal(seal_open_field(&dek, &bind, "nik", sealed, slen, out,
	    cap, &n), 0);
	assert_int_equal(n, len);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(out[i], (unsigned char)(i * 31 + 7));
	free(out);
	free(sealed);
	seal_dek_wipe(&dek);
}

static void
test_round_trip_empty(void **state)
{
	(void)state;
	round_trip(0);
}

static void
test_round_trip_1_byte(void **state)
{
	(void)state;
	round_trip(1);
}

static void
test_round_trip_1_kib(void **state)
{
	(void)state;
	round_trip(1024);
}

static void
test_round_trip_64_kib(void **state)
{
	(void)state;
	round_trip(64 * 1024);
}

static void
test_round_trip_max_plaintext(void **state)
{
	(void)state;
	round_trip(SEAL_PLAIN_MAX);
}

static void
test_open_into_caller_buffer(void **state)
{
	struct seal_dek dek;
	unsigned char sealed[64], out[32];
	size_t slen, n;

	(void)state;
	seal_dek_new(&dek);
	assert_int_equal(seal_field(&dek, &bind, "phone",
	    (const unsigned char *)"+62811", 6, sealed, sizeof(sealed), &slen), 0);
	assert_int_equal(seal_plain_size(slen), 6);
	assert_int_equal(seal_open_field(&dek, &bind, "phone", sealed, slen,
	    out, sizeof(out), &n), 0);
	assert_int_equal(n, 6);
	assert_memory_equal(out, "+62811", 6);
	/* A buffer one byte short is refused, not overrun. */
	assert_int_equal(seal_open_field(&dek, &bind, "phone", sealed, slen,
	    out, 5, &n), -1);
	assert_true(left_nothing(out, 5, n));
	assert_int_equal(out[5], '1');
	seal_dek_wipe(&dek);
}

static void
test_seal_uses_fresh_nonce(void **state)
{
	struct seal_dek dek;
	unsigned char s1[64], s2[64];
	size_t l1, l2;

	(void)state;
	seal_dek_new(&dek);
	assert_int_equal(seal_field(&dek, &bind, "nik",
	    (const unsigned char *)"3201", 4, s1, sizeof(s1), &l1), 0);
	assert_int_equal(seal_field(&dek, &bind, "nik",
	    (const unsigned char *)"3201", 4, s2, sizeof(s2), &l2), 0);
	assert_int_equal(l1, l2);
	assert_memory_not_equal(s1, s2, l1);
	seal_dek_wipe(&dek);
}

static void
test_seal_refuses_short_buffer_and_oversize(void **state)
{
	struct seal_dek dek;
	unsigned char out[64];
	size_t n;

	(void)state;
	seal_dek_new(&dek);
	assert_int_equal(seal_field(&dek, &bind, "nik",
	    (const unsigned char *)"abc", 3, out, seal_field_size(3) - 1, &n), -1);
	assert_int_equal(seal_field(&dek, &bind, "nik", out,
	    SEAL_PLAIN_MAX + 1, out, sizeof(out), &n), -1);
	seal_dek_wipe(&dek);
}

static void
test_seal_refuses_missing_binding(void **state)
{
	struct seal_binding no_owner = { "applications", RECORD, NULL };
	struct seal_binding empty_owner = { "applications", RECORD, "" };
	struct seal_dek dek;
	unsigned char out[64];
	size_t n;

	(void)state;
	seal_dek_new(&dek);
	assert_int_equal(seal_field(&dek, &no_owner, "nik",
	    (const unsigned char *)"a", 1, out, sizeof(out), &n), -1);
	assert_int_equal(seal_field(&dek, &empty_owner, "nik",
	    (const unsigned char *)"a", 1, out, sizeof(out), &n), -1);
	assert_int_equal(seal_field(&dek, &bind, NULL,
	    (const unsigned char *)"a", 1, out, sizeof(out), &n), -1);
	assert_int_equal(seal_field(&dek, NULL, "nik",
	    (const unsigned char *)"a", 1, out, sizeof(out), &n), -1);
	seal_dek_wipe(&dek);
}

static void
test_wrap_round_trip_names_active_kek(void **state)
{
	struct fx *fx = *state;
	struct seal_dek dek, back;
	unsigned char w[SEAL_WRAPPED_MAX];
	char id[KEYRING_ID_SIZE];
	size_t wlen;

	seal_dek_new(&dek);
	assert_int_equal(seal_dek_wrap(fx->a, &bind, &dek, w, &wlen, id), 0);
	assert_string_equal(id, "k1");
	/* The format names the KEK: its id length, then the id. */
	assert_int_equal(w[1], 2);
	assert_memory_equal(w + 2, "k1", 2);
	assert_int_equal(seal_dek_unwrap(fx->a, &bind, w, wlen, &back), 0);
	assert_memory_equal(dek.key, back.key, SEAL_DEK_BYTES);
	seal_dek_wipe(&dek);
	seal_dek_wipe(&back);
}

static void
test_every_bit_flip_of_wrapped_dek_fails(void **state)
{
	struct fx *fx = *state;
	struct seal_dek dek, back;
	unsigned char w[SEAL_WRAPPED_MAX];
	size_t wlen;

	seal_dek_new(&dek);
	assert_int_equal(seal_dek_wrap(fx->a, &bind, &dek, w, &wlen, NULL), 0);
	for (size_t bit = 0; bit < wlen * 8; bit++) {
		w[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		if (seal_dek_unwrap(fx->a, &bind, w, wlen, &back) != -1)
			fail_msg("bit %zu flipped still opens", bit);
		w[bit / 8] ^= (unsigned char)(1u << (bit % 8));
	}
	assert_int_equal(seal_dek_unwrap(fx->a, &bind, w, wlen, &back), 0);
	seal_dek_wipe(&dek);
	seal_dek_wipe(&back);
}

static void
test_every_bit_flip_of_sealed_field_fails(void **state)
{
	struct seal_dek dek;
	unsigned char *s, *out;
	size_t slen, cap, n;

	(void)state;
	seal_dek_new(&dek);
	s = seal_pattern(&dek, &bind, "nik", 32, &slen);
	out = plain_buffer(slen, &cap);
	for (size_t bit = 0; bit < slen * 8; bit++) {
		s[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		memset(out, 0xa5, cap);
		n = 1;
		if (seal_open_field(&dek, &bind, "nik", s, slen, out, cap, &n) != -1)
			fail_msg("bit %zu flipped still opens", bit);
		if (!left_nothing(out, cap, n))
			fail_msg("bit %zu flipped: output not wiped", bit);
		s[bit / 8] ^= (unsigned char)(1u << (bit % 8));
	}
	assert_int_equal(seal_open_field(&dek, &bind, "nik", s, slen, out, cap,
	    &n), 0);
	free(out);
	free(s);
	seal_dek_wipe(&dek);
}

static void
test_unwrap_with_other_binding_fails(void **state)
{
	struct fx *fx = *state;
	const struct seal_binding others[] = {
		{ "applications", RECORD, OTHER },          /* owner */
		{ "applications", OTHER, OWNER },           /* record */
		{ "accounts", RECORD, OWNER },              /* table */
	};
	struct seal_dek dek, back;
	unsigned char w[SEAL_WRAPPED_MAX];
	size_t wlen;

	seal_dek_new(&dek);
	assert_int_equal(seal_dek_wrap(fx->a, &bind, &dek, w, &wlen, NULL), 0);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		assert_int_equal(seal_dek_unwrap(fx->a, &others[i], w, wlen,
		    &back), -1);
		for (size_t j = 0; j < SEAL_DEK_BYTES; j++)
			assert_int_equal(back.key[j], 0);
	}
	seal_dek_wipe(&dek);
}

static void
test_unwrap_with_other_kek_fails(void **state)
{
	struct fx *fx = *state;
	struct seal_dek dek, back;
	unsigned char w[SEAL_WRAPPED_MAX];
	size_t wlen;

	seal_dek_new(&dek);
	/* Keyring b also calls its KEK k1, but it is another key. */
	assert_int_equal(seal_dek_wrap(fx->a, &bind, &dek, w, &wlen, NULL), 0);
	assert_int_equal(seal_dek_unwrap(fx->b, &bind, w, wlen, &back), -1);
	seal_dek_wipe(&dek);
}

static void
test_unwrap_naming_unknown_kek_fails(void **state)
{
	struct fx *fx = *state;
	struct seal_dek dek, back;
	unsigned char w[SEAL_WRAPPED_MAX];
	size_t wlen;

	seal_dek_new(&dek);
	assert_int_equal(seal_dek_wrap(fx->a, &bind, &dek, w, &wlen, NULL), 0);
	w[3] = '9';   /* id "k1" becomes "k9" */
	assert_int_equal(seal_dek_unwrap(fx->a, &bind, w, wlen, &back), -1);
	seal_dek_wipe(&dek);
}

static void
test_open_with_other_binding_or_field_fails(void **state)
{
	const struct seal_binding others[] = {
		{ "applications", RECORD, OTHER },
		{ "applications", OTHER, OWNER },
		{ "accounts", RECORD, OWNER },
	};
	struct seal_dek dek;
	unsigned char *s;
	size_t slen;

	(void)state;
	seal_dek_new(&dek);
	s = seal_pattern(&dek, &bind, "nik", 16, &slen);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		assert_does_not_open(&dek, &others[i], "nik", s, slen);
	assert_does_not_open(&dek, &bind, "kk", s, slen);
	assert_does_not_open(&dek, &bind, NULL, s, slen);
	assert_does_not_open(&dek, NULL, "nik", s, slen);
	free(s);
	seal_dek_wipe(&dek);
}

static void
test_open_with_other_dek_fails(void **state)
{
	struct seal_dek dek, other;
	unsigned char *s;
	size_t slen;

	(void)state;
	seal_dek_new(&dek);
	seal_dek_new(&other);
	s = seal_pattern(&dek, &bind, "nik", 16, &slen);
	assert_does_not_open(&other, &bind, "nik", s, slen);
	free(s);
	seal_dek_wipe(&dek);
	seal_dek_wipe(&other);
}

/* "ab"+"c" and "a"+"bc" must not be the same binding. */
static void
test_binding_encoding_is_unambiguous(void **state)
{
	const struct seal_binding b1 = { "ab", "c", OWNER };
	const struct seal_binding b2 = { "a", "bc", OWNER };
	struct seal_dek dek;
	unsigned char *s;
	size_t slen;

	(void)state;
	seal_dek_new(&dek);
	s = seal_pattern(&dek, &b1, "nik", 4, &slen);
	assert_does_not_open(&dek, &b2, "nik", s, slen);
	free(s);
	seal_dek_wipe(&dek);
}

static void
test_truncated_sealed_field_fails(void **state)
{
	struct seal_dek dek;
	unsigned char *s, *copy;
	size_t slen;

	(void)state;
	seal_dek_new(&dek);
	s = seal_pattern(&dek, &bind, "nik", 16, &slen);
	for (size_t n = 0; n < slen; n++) {
		/* An exact-size copy, so ASan sees any read past its end. */
		copy = malloc(n > 0 ? n : 1);
		memcpy(copy, s, n);
		assert_does_not_open(&dek, &bind, "nik", copy, n);
		free(copy);
	}
	free(s);
	seal_dek_wipe(&dek);
}

static void
test_truncated_or_extended_wrapped_dek_fails(void **state)
{
	struct fx *fx = *state;
	struct seal_dek dek, back;
	unsigned char w[SEAL_WRAPPED_MAX + 1], *copy;
	size_t wlen;

	seal_dek_new(&dek);
	assert_int_equal(seal_dek_wrap(fx->a, &bind, &dek, w, &wlen, NULL), 0);
	for (size_t n = 0; n < wlen; n++) {
		copy = malloc(n > 0 ? n : 1);
		memcpy(copy, w, n);
		assert_int_equal(seal_dek_unwrap(fx->a, &bind, copy, n, &back), -1);
		free(copy);
	}
	w[wlen] = 0;
	assert_int_equal(seal_dek_unwrap(fx->a, &bind, w, wlen + 1, &back), -1);
	seal_dek_wipe(&dek);
}

static void
test_empty_input_fails(void **state)
{
	struct fx *fx = *state;
	struct seal_dek dek, back;
	unsigned char in[8] = { SEAL_VERSION }, out[8];
	size_t n;

	seal_dek_new(&dek);
	assert_int_equal(seal_open_field(&dek, &bind, "nik", NULL, 0, out,
	    sizeof(out), &n), -1);
	assert_int_equal(seal_open_field(&dek, &bind, "nik", in, 0, out,
	    sizeof(out), &n), -1);
	assert_int_equal(seal_dek_unwrap(fx->a, &bind, NULL, 0, &back), -1);
	assert_int_equal(seal_dek_unwrap(fx->a, &bind, in, 0, &back), -1);
	seal_dek_wipe(&dek);
}

static void
test_wrong_version_fails(void **state)
{
	struct fx *fx = *state;
	struct seal_dek dek, back;
	unsigned char w[SEAL_WRAPPED_MAX], *s;
	size_t wlen, slen;

	seal_dek_new(&dek);
	s = seal_pattern(&dek, &bind, "nik", 16, &slen);
	assert_int_equal(seal_dek_wrap(fx->a, &bind, &dek, w, &wlen, NULL), 0);
	for (unsigned v = 0; v < 256; v++) {
		if (v == SEAL_VERSION)
			continue;
		s[0] = (unsigned char)v;
		w[0] = (unsigned char)v;
		assert_does_not_open(&dek, &bind, "nik", s, slen);
		assert_int_equal(seal_dek_unwrap(fx->a, &bind, w, wlen, &back), -1);
	}
	free(s);
	seal_dek_wipe(&dek);
}

static void
test_oversized_sealed_field_fails(void **state)
{
	size_t len = seal_field_size(SEAL_PLAIN_MAX) + 1;
	unsigned char *big = calloc(1, len), out[8];
	struct seal_dek dek;
	size_t n;

	(void)state;
	assert_non_null(big);
	big[0] = SEAL_VERSION;
	seal_dek_new(&dek);
	/* A buffer big enough for what it would open to: refused on length. */
	assert_does_not_open(&dek, &bind, "nik", big, len);
	assert_int_equal(seal_open_field(&dek, &bind, "nik", big, SIZE_MAX, out,
	    sizeof(out), &n), -1);
	free(big);
	seal_dek_wipe(&dek);
}

static void
test_wrapped_dek_with_bad_id_length_fails(void **state)
{
	struct fx *fx = *state;
	struct seal_dek dek, back;
	unsigned char w[SEAL_WRAPPED_MAX];
	size_t wlen;

	seal_dek_new(&dek);
	assert_int_equal(seal_dek_wrap(fx->a, &bind, &dek, w, &wlen, NULL), 0);
	w[1] = 0;
	assert_int_equal(seal_dek_unwrap(fx->a, &bind, w, wlen, &back), -1);
	w[1] = 255;
	assert_int_equal(seal_dek_unwrap(fx->a, &bind, w, wlen, &back), -1);
	seal_dek_wipe(&dek);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_empty),
		cmocka_unit_test(test_round_trip_1_byte),
		cmocka_unit_test(test_round_trip_1_kib),
		cmocka_unit_test(test_round_trip_64_kib),
		cmocka_unit_test(test_round_trip_max_plaintext),
		cmocka_unit_test(test_open_into_caller_buffer),
		cmocka_unit_test(test_seal_uses_fresh_nonce),
		cmocka_unit_test(test_seal_refuses_short_buffer_and_oversize),
		cmocka_unit_test(test_seal_refuses_missing_binding),
		cmocka_unit_test(test_wrap_round_trip_names_active_kek),
		cmocka_unit_test(test_every_bit_flip_of_wrapped_dek_fails),
		cmocka_unit_test(test_every_bit_flip_of_sealed_field_fails),
		cmocka_unit_test(test_unwrap_with_other_binding_fails),
		cmocka_unit_test(test_unwrap_with_other_kek_fails),
		cmocka_unit_test(test_unwrap_naming_unknown_kek_fails),
		cmocka_unit_test(test_open_with_other_binding_or_field_fails),
		cmocka_unit_test(test_open_with_other_dek_fails),
		cmocka_unit_test(test_binding_encoding_is_unambiguous),
		cmocka_unit_test(test_truncated_sealed_field_fails),
		cmocka_unit_test(test_truncated_or_extended_wrapped_dek_fails),
		cmocka_unit_test(test_empty_input_fails),
		cmocka_unit_test(test_wrong_version_fails),
		cmocka_unit_test(test_oversized_sealed_field_fails),
		cmocka_unit_test(test_wrapped_dek_with_bad_id_length_fails),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
