/*
 * crypto/bidx: equal values give equal indexes; another field name or
 * another key gives another index; NIKs are normalised to their digits.
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
#include "crypto/bidx.h"
#include "crypto/keyring.h"

#define NIK "3201014501900001"

#define group_setup two_keyrings_setup
#define group_teardown two_keyrings_teardown

static void
idx(const struct keyring *kr, const char *field, const char *value,
    unsigned char out[BIDX_BYTES])
{
	assert_int_equal(bidx_compute(kr, field, (const unsigned char *)value,
	    strlen(value), out), 0);
}

static void
test_same_value_same_index(void **state)
{
	struct fx *fx = *state;
	unsigned char x[BIDX_BYTES], y[BIDX_BYTES];

	idx(fx->a, "email", "citizen@example.org", x);
	idx(fx->a, "email", "citizen@example.org", y);
	assert_memory_equal(x, y, BIDX_BYTES);
	assert_int_equal(bidx_cmp(x, y), 0);
}

static void
test_different_value_different_index(void **state)
{
	struct fx *fx = *state;
	unsigned char x[BIDX_BYTES], y[BIDX_BYTES];

	idx(fx->a, "email", "citizen@example.org", x);
	idx(fx->a, "email", "citizen@example.com", y);
	assert_int_equal(bidx_cmp(x, y), -1);
}

static void
test_different_field_different_index(void **state)
{
	struct fx *fx = *state;
	unsigned char x[BIDX_BYTES], y[BIDX_BYTES];

	idx(fx->a, "nik", NIK, x);
	idx(fx->a, "kk", NIK, y);
	assert_memory_not_equal(x, y, BIDX_BYTES);
}

static void
test_different_key_different_index(void **state)
{
	struct fx *fx = *state;
	unsigned char x[BIDX_BYTES], y[BIDX_BYTES];

	idx(fx->a, "nik", NIK, x);
	idx(fx->b, "nik", NIK, y);
	assert_memory_not_equal(x, y, BIDX_BYTES);
}

/* Field and value are length-prefixed: "ni"+"k3201" is not "nik"+"3201". */
static void
test_field_value_boundary_is_unambiguous(void **state)
{
	struct fx *fx = *state;
	unsigned char x[BIDX_BYTES], y[BIDX_BYTES];

	idx(fx->a, "nik", "3201", x);
	idx(fx->a, "ni", "k3201", y);
	assert_memory_not_equal(x, y, BIDX_BYTES);
}

static void
test_empty_value_allowed_bad_field_refused(void **state)
{
	struct fx *fx = *state;
	unsigned char x[BIDX_BYTES];
	char longname[BIDX_FIELD_MAX + 2];

	assert_int_equal(bidx_compute(fx->a, "email", NULL, 0, x), 0);
	assert_int_equal(bidx_compute(fx->a, "", (const unsigned char *)"a", 1,
	    x), -1);
	assert_int_equal(bidx_compute(fx->a, NULL, (const unsigned char *)"a", 1,
	    x), -1);
	memset(longname, 'f', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(bidx_compute(fx->a, longname,
	    (const unsigned char *)"a", 1, x), -1);
	assert_int_equal(bidx_compute(fx->a, "email", x, BIDX_VALUE_MAX + 1, x),
	    -1);
}

static void
test_nik_normalise_drops_separators(void **state)
{
	char out[BIDX_NIK_MAX + 1];

	(void)state;
	assert_int_equal(bidx_nik_normalise(" 3201.0145-0190 0001\t", out,
	    sizeof(out)), 0);
	assert_string_equal(out, NIK);
}

static void
test_nik_normalise_refuses_other_characters(void **state)
{
	char out[BIDX_NIK_MAX + 1];

	(void)state;
	assert_int_equal(bidx_nik_normalise("32O1014501900001", out,
	    sizeof(out)), -1);
	assert_int_equal(bidx_nik_normalise("3201/0145", out, sizeof(out)), -1);
	assert_int_equal(bidx_nik_normalise("\xd9\xa3", out, sizeof(out)), -1);
}

static void
test_nik_normalise_refuses_empty_and_too_long(void **state)
{
	char out[BIDX_NIK_MAX + 1], small[4];
	char longnik[BIDX_NIK_MAX + 2];

	(void)state;
	assert_int_equal(bidx_nik_normalise("", out, sizeof(out)), -1);
	assert_int_equal(bidx_nik_normalise(" - . ", out, sizeof(out)), -1);
	memset(longnik, '1', sizeof(longnik) - 1);
	longnik[sizeof(longnik) - 1] = '\0';
	assert_int_equal(bidx_nik_normalise(longnik, out, sizeof(out)), -1);
	assert_int_equal(bidx_nik_normalise("1234", small, sizeof(small)), -1);
}

static void
test_nik_index_ignores_formatting(void **state)
{
	struct fx *fx = *state;
	unsigned char x[BIDX_BYTES], y[BIDX_BYTES], z[BIDX_BYTES];

	assert_int_equal(bidx_nik(fx->a, NIK, x), 0);
	assert_int_equal(bidx_nik(fx->a, "3201 0145 0190 0001", y), 0);
	idx(fx->a, "nik", NIK, z);
	assert_memory_equal(x, y, BIDX_BYTES);
	assert_memory_equal(x, z, BIDX_BYTES);
	assert_int_equal(bidx_nik(fx->a, "not a nik", x), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_value_same_index),
		cmocka_unit_test(test_different_value_different_index),
		cmocka_unit_test(test_different_field_different_index),
		cmocka_unit_test(test_different_key_different_index),
		cmocka_unit_test(test_field_value_boundary_is_unambiguous),
		cmocka_unit_test(test_empty_value_allowed_bad_field_refused),
		cmocka_unit_test(test_nik_normalise_drops_separators),
		cmocka_unit_test(test_nik_normalise_refuses_other_characters),
		cmocka_unit_test(test_nik_normalise_refuses_empty_and_too_long),
		cmocka_unit_test(test_nik_index_ignores_formatting),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
