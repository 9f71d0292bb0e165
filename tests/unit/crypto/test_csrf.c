/*
 * crypto/csrf: a session's CSRF token is stable, differs per session and per
 * key, is not the stored token hash, and is checked strictly.
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

#include "crypto/csrf.h"
#include "crypto/keyring.h"
#include "crypto/token.h"

/* Two keyrings held in memory: each has its own random token key. */
static const char *const ring_a =
    "permitd-keyring v1\n"
    "kek k1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= active\n"
    "bidx b1 ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=\n"
    "token t1 QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=\n";
static const char *const ring_b =
    "permitd-keyring v1\n"
    "kek k1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= active\n"
    "bidx b1 ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=\n"
    "token t1 YGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn8=\n";

struct fx {
	struct keyring *a, *b;
};

static int
group_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	char err[256];

	assert_non_null(fx);
	assert_int_equal(keyring_parse("a", ring_a, strlen(ring_a), &fx->a, err,
	    sizeof(err)), 0);
	assert_int_equal(keyring_parse("b", ring_b, strlen(ring_b), &fx->b, err,
	    sizeof(err)), 0);
	*state = fx;
	return 0;
}

static int
group_teardown(void **state)
{
	struct fx *fx = *state;

	keyring_free(fx->a);
	keyring_free(fx->b);
	free(fx);
	return 0;
}

static void
test_same_session_same_token(void **state)
{
	struct fx *fx = *state;
	char s[TOKEN_STR_SIZE], c1[TOKEN_STR_SIZE], c2[TOKEN_STR_SIZE];

	token_new(s);
	assert_int_equal(csrf_token(fx->a, s, c1, sizeof(c1)), 0);
	assert_int_equal(csrf_token(fx->a, s, c2, sizeof(c2)), 0);
	assert_int_equal(strlen(c1), TOKEN_STR_LEN);
	assert_string_equal(c1, c2);
	assert_int_equal(csrf_check(fx->a, s, c1), 0);
}

static void
test_other_session_or_key_other_token(void **state)
{
	struct fx *fx = *state;
	char s1[TOKEN_STR_SIZE], s2[TOKEN_STR_SIZE];
	char c1[TOKEN_STR_SIZE], c2[TOKEN_STR_SIZE], cb[TOKEN_STR_SIZE];

	token_new(s1);
	token_new(s2);
	assert_int_equal(csrf_token(fx->a, s1, c1, sizeof(c1)), 0);
	assert_int_equal(csrf_token(fx->a, s2, c2, sizeof(c2)), 0);
	assert_int_equal(csrf_token(fx->b, s1, cb, sizeof(cb)), 0);
	assert_string_not_equal(c1, c2);
	assert_string_not_equal(c1, cb);
	assert_int_equal(csrf_check(fx->a, s2, c1), -1);
	assert_int_equal(csrf_check(fx->b, s1, c1), -1);
}

static void
test_csrf_token_is_not_the_session_or_its_hash(void **state)
{
	struct fx *fx = *state;
	char s[TOKEN_STR_SIZE], c[TOKEN_STR_SIZE];
	unsigned char h[TOKEN_HASH_BYTES], cbytes[TOKEN_BYTES];

	token_new(s);
	assert_int_equal(csrf_token(fx->a, s, c, sizeof(c)), 0);
	assert_string_not_equal(s, c);
	assert_int_equal(token_hash(fx->a, s, h), 0);
	assert_int_equal(token_decode(c, cbytes), 0);
	assert_int_not_equal(sodium_memcmp(h, cbytes, sizeof(h)), 0);
	assert_int_equal(csrf_check(fx->a, s, s), -1);
}

static void
test_refusals(void **state)
{
	struct fx *fx = *state;
	char s[TOKEN_STR_SIZE], c[TOKEN_STR_SIZE], bad[TOKEN_STR_SIZE + 1];

	token_new(s);
	assert_int_equal(csrf_token(fx->a, "short", c, sizeof(c)), -1);
	assert_string_equal(c, "");
	assert_int_equal(csrf_token(fx->a, s, c, TOKEN_STR_LEN), -1);
	assert_int_equal(csrf_token(fx->a, s, c, sizeof(c)), 0);
	assert_int_equal(csrf_check(fx->a, s, NULL), -1);
	assert_int_equal(csrf_check(fx->a, s, ""), -1);
	/* A prefix, and the right token with one more character. */
	memcpy(bad, c, TOKEN_STR_LEN - 1);
	bad[TOKEN_STR_LEN - 1] = '\0';
	assert_int_equal(csrf_check(fx->a, s, bad), -1);
	memcpy(bad, c, TOKEN_STR_LEN);
	bad[TOKEN_STR_LEN] = 'A';
	bad[TOKEN_STR_LEN + 1] = '\0';
	assert_int_equal(csrf_check(fx->a, s, bad), -1);
	/* One character changed. */
	memcpy(bad, c, TOKEN_STR_SIZE);
	bad[5] = bad[5] == 'A' ? 'B' : 'A';
	assert_int_equal(csrf_check(fx->a, s, bad), -1);
	assert_int_equal(csrf_check(fx->a, "not-a-token", c), -1);
}

/* Every character counts, the last one too: a compare of a prefix only
 * would accept a token wrong in its tail. */
static void
test_a_change_at_any_position_is_refused(void **state)
{
	struct fx *fx = *state;
	char s[TOKEN_STR_SIZE], c[TOKEN_STR_SIZE], bad[TOKEN_STR_SIZE];

	token_new(s);
	assert_int_equal(csrf_token(fx->a, s, c, sizeof(c)), 0);
	assert_int_equal(strlen(c), TOKEN_STR_LEN);
	assert_int_equal(csrf_check(fx->a, s, c), 0);
	for (size_t i = 0; i < TOKEN_STR_LEN; i++) {
		memcpy(bad, c, TOKEN_STR_SIZE);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';   /* still base64url */
		if (csrf_check(fx->a, s, bad) != -1)
			fail_msg("a token changed at position %zu of %d was accepted",
			    i, TOKEN_STR_LEN);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_session_same_token),
		cmocka_unit_test(test_other_session_or_key_other_token),
		cmocka_unit_test(test_csrf_token_is_not_the_session_or_its_hash),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_a_change_at_any_position_is_refused),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
