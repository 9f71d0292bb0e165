/*
 * crypto/token: tokens are 43 base64url characters and distinct; their keyed
 * hash is stable for one token and key; malformed tokens are refused.
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
#include "crypto/token.h"

#define group_setup two_keyrings_setup
#define group_teardown two_keyrings_teardown

static void
test_new_token_is_43_base64url_chars(void **state)
{
	char t[TOKEN_STR_SIZE];

	(void)state;
	token_new(t);
	assert_int_equal(strlen(t), 43);
	assert_int_equal(strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
	    "rstuvwxyz0123456789-_"), 43);
}

static void
test_new_tokens_are_distinct(void **state)
{
	char t[64][TOKEN_STR_SIZE];

	(void)state;
	for (size_t i = 0; i < 64; i++) {
		token_new(t[i]);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(t[i], t[j]);
	}
}

static void
test_new_token_decodes_to_32_bytes(void **state)
{
	char t[TOKEN_STR_SIZE];
	unsigned char raw[TOKEN_BYTES];

	(void)state;
	token_new(t);
	assert_int_equal(token_decode(t, raw), 0);
}

static void
test_hash_is_stable_for_token_and_key(void **state)
{
	struct fx *fx = *state;
	char t[TOKEN_STR_SIZE];
	unsigned char h1[TOKEN_HASH_BYTES], h2[TOKEN_HASH_BYTES];

	token_new(t);
	assert_int_equal(token_hash(fx->a, t, h1), 0);
	assert_int_equal(token_hash(fx->a, t, h2), 0);
	assert_memory_equal(h1, h2, TOKEN_HASH_BYTES);
}

static void
test_hash_differs_by_token_and_key(void **state)
{
	struct fx *fx = *state;
	char t1[TOKEN_STR_SIZE], t2[TOKEN_STR_SIZE];
	unsigned char h1[TOKEN_HASH_BYTES], h2[TOKEN_HASH_BYTES];

	token_new(t1);
	token_new(t2);
	assert_int_equal(token_hash(fx->a, t1, h1), 0);
	assert_int_equal(token_hash(fx->a, t2, h2), 0);
	assert_memory_not_equal(h1, h2, TOKEN_HASH_BYTES);
	assert_int_equal(token_hash(fx->b, t1, h2), 0);
	assert_memory_not_equal(h1, h2, TOKEN_HASH_BYTES);
}

static void
test_malformed_tokens_refused(void **state)
{
	struct fx *fx = *state;
	char t[TOKEN_STR_SIZE], bad[TOKEN_STR_SIZE + 1];
	unsigned char h[TOKEN_HASH_BYTES];

	token_new(t);
	assert_int_equal(token_hash(fx->a, NULL, h), -1);
	assert_int_equal(token_hash(fx->a, "", h), -1);
	/* one short */
	snprintf(bad, sizeof(bad), "%.42s", t);
	assert_int_equal(token_hash(fx->a, bad, h), -1);
	/* one long */
	snprintf(bad, sizeof(bad), "%sA", t);
	assert_int_equal(token_hash(fx->a, bad, h), -1);
	/* a character outside base64url */
	snprintf(bad, sizeof(bad), "%s", t);
	bad[10] = '+';
	assert_int_equal(token_hash(fx->a, bad, h), -1);
	bad[10] = '=';
	assert_int_equal(token_hash(fx->a, bad, h), -1);
	bad[10] = ' ';
	assert_int_equal(token_hash(fx->a, bad, h), -1);
}

/* The last character carries 2 unused bits; a second spelling is refused. */
static void
test_non_canonical_token_refused(void **state)
{
	unsigned char raw[TOKEN_BYTES];
	char t[TOKEN_STR_SIZE];

	(void)state;
	memset(t, 'A', TOKEN_STR_LEN);
	t[TOKEN_STR_LEN] = '\0';
	assert_int_equal(token_decode(t, raw), 0);
	t[TOKEN_STR_LEN - 1] = 'B';   /* sets a padding bit */
	assert_int_equal(token_decode(t, raw), -1);
}

/*
 * A byte above 0x7f is no base64url character. libsodium 1.0.18 reads each
 * of them as '_' (found by tests/fuzz/fuzz_cookie.c): without a check of
 * our own, a token with a '_' would have 129 spellings of that character.
 */
static void
test_non_ascii_token_refused(void **state)
{
	unsigned char raw[TOKEN_BYTES];
	char t[TOKEN_STR_SIZE];

	(void)state;
	token_new(t);
	t[10] = '_';
	assert_int_equal(token_decode(t, raw), 0);
	for (int c = 0x80; c <= 0xff; c++) {
		t[10] = (char)c;
		assert_int_equal(token_decode(t, raw), -1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_token_is_43_base64url_chars),
		cmocka_unit_test(test_new_tokens_are_distinct),
		cmocka_unit_test(test_new_token_decodes_to_32_bytes),
		cmocka_unit_test(test_hash_is_stable_for_token_and_key),
		cmocka_unit_test(test_hash_differs_by_token_and_key),
		cmocka_unit_test(test_malformed_tokens_refused),
		cmocka_unit_test(test_non_canonical_token_refused),
		cmocka_unit_test(test_non_ascii_token_refused),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
