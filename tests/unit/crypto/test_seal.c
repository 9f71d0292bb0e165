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
	assert_int_equal(seal_init(), 0);
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

static void
round_trip(size_t len)
{
	struct seal_dek dek;
	struct seal_plain p;
	unsigned char *sealed;
	size_t slen;

	seal_dek_new(&dek);
	sealed = seal_pattern(&dek, &bind, "nik", len, &slen);
	assert_int_equal(seal_open_field(&dek, &bind, "nik", sealed, slen, &p),
	    0);
	assert_int_equal(p.len, len);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(p.data[i], (unsigned char)(i * 31 + 7));
	assert_int_equal(p.data[len], '\0');
	seal_plain_free(&p);
	assert_null(p.data);
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
	assert_int_equal(seal_open_field_to(&dek, &bind, "phone", sealed, slen,
	    out, sizeof(out), &n), 0);
	assert_int_equal(n, 6);
	assert_memory_equal(out, "+62811", 6);
	/* A buffer one byte short is refused, not overrun. */
	assert_int_equal(seal_open_field_to(&dek, &bind, "phone", sealed, slen,
	    out, 5, &n), -1);
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
	char id[KEYRING_ID_SIZE], parsed[KEYRING_ID_SIZE];
	size_t wlen;

	seal_dek_new(&dek);
	assert_int_equal(seal_dek_wrap(fx->a, &bind, &dek, w, &wlen, id), 0);
	assert_string_equal(id, "k1");
	assert_int_equal(seal_wrapped_kek_id(w, wlen, parsed), 0);
	assert_string_equal(parsed, "k1");
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
	struct seal_plain p;
	unsigned char *s;
	size_t slen;

	(void)state;
	seal_dek_new(&dek);
	s = seal_pattern(&dek, &bind, "nik", 32, &slen);
	for (size_t bit = 0; bit < slen * 8; bit++) {
		s[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		if (seal_open_field(&dek, &bind, "nik", s, slen, &p) != -1)
			fail_msg("bit %zu flipped still opens", bit);
		assert_null(p.data);
		s[bit / 8] ^= (unsigned char)(1u << (bit % 8));
	}
	assert_int_equal(seal_open_field(&dek, &bind, "nik", s, slen, &p), 0);
	seal_plain_free(&p);
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
	struct seal_plain p;
	unsigned char *s;
	size_t slen;

	(void)state;
	seal_dek_new(&dek);
	s = seal_pattern(&dek, &bind, "nik", 16, &slen);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		assert_int_equal(seal_open_field(&dek, &others[i], "nik", s, slen,
		    &p), -1);
	assert_int_equal(seal_open_field(&dek, &bind, "kk", s, slen, &p), -1);
	assert_int_equal(seal_open_field(&dek, &bind, NULL, s, slen, &p), -1);
	assert_int_equal(seal_open_field(&dek, NULL, "nik", s, slen, &p), -1);
	free(s);
	seal_dek_wipe(&dek);
}

static void
test_open_with_other_dek_fails(void **state)
{
	struct seal_dek dek, other;
	struct seal_plain p;
	unsigned char *s;
	size_t slen;

	(void)state;
	seal_dek_new(&dek);
	seal_dek_new(&other);
	s = seal_pattern(&dek, &bind, "nik", 16, &slen);
	assert_int_equal(seal_open_field(&other, &bind, "nik", s, slen, &p), -1);
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
	struct seal_plain p;
	unsigned char *s;
	size_t slen;

	(void)state;
	seal_dek_new(&dek);
	s = seal_pattern(&dek, &b1, "nik", 4, &slen);
	assert_int_equal(seal_open_field(&dek, &b2, "nik", s, slen, &p), -1);
	free(s);
	seal_dek_wipe(&dek);
}

static void
test_truncated_sealed_field_fails(void **state)
{
	struct seal_dek dek;
	struct seal_plain p;
	unsigned char *s, *copy;
	size_t slen;

	(void)state;
	seal_dek_new(&dek);
	s = seal_pattern(&dek, &bind, "nik", 16, &slen);
	for (size_t n = 0; n < slen; n++) {
		/* An exact-size copy, so ASan sees any read past its end. */
		copy = malloc(n > 0 ? n : 1);
		memcpy(copy, s, n);
		assert_int_equal(seal_open_field(&dek, &bind, "nik", copy, n, &p),
		    -1);
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
	char id[KEYRING_ID_SIZE];
	size_t wlen;

	seal_dek_new(&dek);
	assert_int_equal(seal_dek_wrap(fx->a, &bind, &dek, w, &wlen, NULL), 0);
	for (size_t n = 0; n < wlen; n++) {
		copy = malloc(n > 0 ? n : 1);
		memcpy(copy, w, n);
		assert_int_equal(seal_dek_unwrap(fx->a, &bind, copy, n, &back), -1);
		assert_int_equal(seal_wrapped_kek_id(copy, n, id), -1);
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
	struct seal_plain p;
	unsigned char out[8];
	size_t n;

	seal_dek_new(&dek);
	assert_int_equal(seal_open_field(&dek, &bind, "nik", NULL, 0, &p), -1);
	assert_int_equal(seal_open_field(&dek, &bind, "nik", out, 0, &p), -1);
	assert_int_equal(seal_open_field_to(&dek, &bind, "nik", NULL, 0, out,
	    sizeof(out), &n), -1);
	assert_int_equal(seal_dek_unwrap(fx->a, &bind, NULL, 0, &back), -1);
	assert_int_equal(seal_dek_unwrap(fx->a, &bind, out, 0, &back), -1);
	seal_dek_wipe(&dek);
}

static void
test_wrong_version_fails(void **state)
{
	struct fx *fx = *state;
	struct seal_dek dek, back;
	struct seal_plain p;
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
		assert_int_equal(seal_open_field(&dek, &bind, "nik", s, slen, &p),
		    -1);
		assert_int_equal(seal_dek_unwrap(fx->a, &bind, w, wlen, &back), -1);
	}
	free(s);
	seal_dek_wipe(&dek);
}

static void
test_oversized_sealed_field_fails(void **state)
{
	size_t len = seal_field_size(SEAL_PLAIN_MAX) + 1;
	unsigned char *big = calloc(1, len);
	struct seal_dek dek;
	struct seal_plain p;

	(void)state;
	assert_non_null(big);
	big[0] = SEAL_VERSION;
	seal_dek_new(&dek);
	assert_int_equal(seal_open_field(&dek, &bind, "nik", big, len, &p), -1);
	assert_int_equal(seal_open_field(&dek, &bind, "nik", big, SIZE_MAX, &p),
	    -1);
	free(big);
	seal_dek_wipe(&dek);
}

static void
test_wrapped_dek_with_bad_id_length_fails(void **state)
{
	struct fx *fx = *state;
	struct seal_dek dek, back;
	unsigned char w[SEAL_WRAPPED_MAX];
	char id[KEYRING_ID_SIZE];
	size_t wlen;

	seal_dek_new(&dek);
	assert_int_equal(seal_dek_wrap(fx->a, &bind, &dek, w, &wlen, NULL), 0);
	w[1] = 0;
	assert_int_equal(seal_wrapped_kek_id(w, wlen, id), -1);
	assert_int_equal(seal_dek_unwrap(fx->a, &bind, w, wlen, &back), -1);
	w[1] = 255;
	assert_int_equal(seal_wrapped_kek_id(w, wlen, id), -1);
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
