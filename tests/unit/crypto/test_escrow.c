/*
 * crypto/escrow: a keyring sealed under a passphrase opens with that
 * passphrase only, and only as sealed; a file that asks for limits above
 * the maxima is refused before any hashing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "crypto/escrow.h"

#define PASS "correct horse battery staple"
#define TEXT "permitd-keyring v1\nkek k1 AAAA active\n"
/* Fast limits for tests; backups use ESCROW_OPSLIMIT/MEMLIMIT. */
#define OPS crypto_pwhash_OPSLIMIT_MIN
#define MEM crypto_pwhash_MEMLIMIT_MIN

static char *
seal(const char *pass, size_t *len)
{
	char *out = NULL, err[256];

	assert_int_equal(escrow_seal(pass, strlen(pass),
	    (const unsigned char *)TEXT, strlen(TEXT), OPS, MEM, &out, len, err,
	    sizeof(err)), 0);
	return out;
}

static int
open_with(const char *pass, const char *text, size_t len, char *err)
{
	unsigned char *plain = NULL;
	size_t plen = 0;
	int rc = escrow_open(pass, strlen(pass), text, len, &plain, &plen, err,
	    256);

	if (rc == 0) {
		assert_int_equal(plen, strlen(TEXT));
		assert_memory_equal(plain, TEXT, plen);
		assert_int_equal(plain[plen], '\0');
	}
	escrow_free(plain);
	return rc;
}

static void
test_round_trip(void **state)
{
	char err[256], *t;
	size_t len;

	(void)state;
	t = seal(PASS, &len);
	assert_int_equal(strncmp(t, ESCROW_HEADER "\nargon2id ops=", 37), 0);
	assert_null(strstr(t, "kek"));
	assert_int_equal(open_with(PASS, t, len, err), 0);
	free(t);
}

static void
test_wrong_passphrase_does_not_open(void **state)
{
	char err[256], *t;
	size_t len;

	(void)state;
	t = seal(PASS, &len);
	assert_int_equal(open_with(PASS "!", t, len, err), -1);
	assert_non_null(strstr(err, "does not open"));
	free(t);
}

static void
test_every_changed_byte_is_refused(void **state)
{
	char err[256], *t;
	size_t len;

	(void)state;
	t = seal(PASS, &len);
	for (size_t i = 0; i < len; i++) {
		char was = t[i];

		/* A different character that stays in the file's alphabet. */
		t[i] = was == 'A' ? 'B' : 'A';
		if (was == '\n')
			t[i] = 'A';
		assert_int_equal(open_with(PASS, t, len, err), -1);
		t[i] = was;
	}
	assert_int_equal(open_with(PASS, t, len, err), 0);
	free(t);
}

static void
test_short_passphrase_is_refused(void **state)
{
	char *out = (char *)1, err[256];
	size_t len;

	(void)state;
	assert_int_equal(escrow_seal("too short", 9, (const unsigned char *)TEXT,
	    strlen(TEXT), OPS, MEM, &out, &len, err, sizeof(err)), -1);
	assert_null(out);
	assert_non_null(strstr(err, "16 to 1024"));
}

static void
test_limits_above_the_maxima_are_refused(void **state)
{
	char err[256], *t, *fake;
	size_t len;

	(void)state;
	t = seal(PASS, &len);
	/* The same file claiming a huge memory limit. */
	fake = malloc(len + 32);
	assert_non_null(fake);
	snprintf(fake, len + 32, "%s", t);
	{
		char *mem = strstr(fake, "mem="), *sp = strchr(mem, ' ');
		char rest[4096];

		snprintf(rest, sizeof(rest), "%s", sp);
		sprintf(mem, "mem=999999999999%s", rest);
	}
	assert_int_equal(open_with(PASS, fake, strlen(fake), err), -1);
	assert_non_null(strstr(err, "out of range"));
	free(fake);
	free(t);
}

static void
test_not_a_backup_is_refused(void **state)
{
	char err[256];
	const char *texts[] = { "", "permitd-keyring v1\n", ESCROW_HEADER "\n",
	    ESCROW_HEADER "\nargon2id ops=1 mem=8192 salt=AAAA\n" };

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		assert_int_equal(open_with(PASS, texts[i], strlen(texts[i]), err),
		    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_wrong_passphrase_does_not_open),
		cmocka_unit_test(test_every_changed_byte_is_refused),
		cmocka_unit_test(test_short_passphrase_is_refused),
		cmocka_unit_test(test_limits_above_the_maxima_are_refused),
		cmocka_unit_test(test_not_a_backup_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
