/*
 * crypto/pw: Argon2id hashes verify the right password only, ask for a
 * re-hash when the limits rise, and over-long passwords are refused.
 * Uses libsodium's minimum limits so the suite stays fast.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "crypto/pw.h"

#define OPS crypto_pwhash_OPSLIMIT_MIN
#define MEM (crypto_pwhash_MEMLIMIT_MIN * 8)   /* 64 KiB */
#define PW  "correct horse battery staple"

static void
hash(const char *pw, char out[PW_HASH_SIZE])
{
	assert_int_equal(pw_hash(pw, strlen(pw), OPS, MEM, out), 0);
}

static void
test_hash_is_argon2id(void **state)
{
	char h[PW_HASH_SIZE];

	(void)state;
	hash(PW, h);
	assert_int_equal(strncmp(h, "$argon2id$", 10), 0);
}

static void
test_verify_accepts_right_password(void **state)
{
	char h[PW_HASH_SIZE];

	(void)state;
	hash(PW, h);
	assert_int_equal(pw_verify(h, PW, strlen(PW)), 0);
}

static void
test_verify_rejects_wrong_password(void **state)
{
	char h[PW_HASH_SIZE];

	(void)state;
	hash(PW, h);
	assert_int_equal(pw_verify(h, "correct horse battery stapler", 29), -1);
	assert_int_equal(pw_verify(h, PW, strlen(PW) - 1), -1);
	assert_int_equal(pw_verify(h, "", 0), -1);
}

static void
test_same_password_hashes_differ(void **state)
{
	char h1[PW_HASH_SIZE], h2[PW_HASH_SIZE];

	(void)state;
	hash(PW, h1);
	hash(PW, h2);
	assert_string_not_equal(h1, h2);
}

static void
test_needs_rehash_when_limits_rise(void **state)
{
	char h[PW_HASH_SIZE];

	(void)state;
	hash(PW, h);
	assert_int_equal(pw_needs_rehash(h, OPS, MEM), 0);
	assert_int_equal(pw_needs_rehash(h, OPS + 1, MEM), 1);
	assert_int_equal(pw_needs_rehash(h, OPS, MEM * 2), 1);
}

static void
test_needs_rehash_for_foreign_hash(void **state)
{
	(void)state;
	assert_int_equal(pw_needs_rehash("$argon2i$v=19$m=64,t=1,p=1$xx$yy",
	    OPS, MEM), 1);
	assert_int_equal(pw_needs_rehash("", OPS, MEM), 1);
}

static void
test_overlong_password_refused(void **state)
{
	static char big[PW_MAX_LEN + 1];
	char h[PW_HASH_SIZE];

	(void)state;
	memset(big, 'a', sizeof(big));
	assert_int_equal(pw_hash(big, PW_MAX_LEN + 1, OPS, MEM, h), -1);
	assert_int_equal(pw_hash(big, PW_MAX_LEN, OPS, MEM, h), 0);
	assert_int_equal(pw_verify(h, big, PW_MAX_LEN), 0);
	assert_int_equal(pw_verify(h, big, PW_MAX_LEN + 1), -1);
}

static void
test_verify_rejects_non_argon2id_hash(void **state)
{
	(void)state;
	assert_int_equal(pw_verify("plain", "plain", 5), -1);
	assert_int_equal(pw_verify("", "", 0), -1);
}

static void
test_dummy_verify_always_fails(void **state)
{
	(void)state;
	assert_int_equal(pw_dummy_verify(PW, strlen(PW), OPS, MEM), -1);
	assert_int_equal(pw_dummy_verify("", 0, OPS, MEM), -1);
	assert_int_equal(pw_dummy_verify(PW, strlen(PW), OPS + 1, MEM), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_is_argon2id),
		cmocka_unit_test(test_verify_accepts_right_password),
		cmocka_unit_test(test_verify_rejects_wrong_password),
		cmocka_unit_test(test_same_password_hashes_differ),
		cmocka_unit_test(test_needs_rehash_when_limits_rise),
		cmocka_unit_test(test_needs_rehash_for_foreign_hash),
		cmocka_unit_test(test_overlong_password_refused),
		cmocka_unit_test(test_verify_rejects_non_argon2id_hash),
		cmocka_unit_test(test_dummy_verify_always_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
