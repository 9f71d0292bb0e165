/*
 * crypto/enroll: a new account's email opens only as its own record, is
 * found by the blind index of its field, its password verifies, and every
 * enrolment has an id and a data key of its own.
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
#include "core/arena.h"
#include "crypto/enroll.h"

#define EMAIL "staff.member@example.org"
#define PW    "correct horse battery staple"
#define OPS   crypto_pwhash_OPSLIMIT_MIN
#define MEM   (crypto_pwhash_MEMLIMIT_MIN * 8)

static const struct enroll_names names = { "accounts", "email" };

#define group_setup two_keyrings_setup
#define group_teardown two_keyrings_teardown

static void
enrol(const struct keyring *kr, arena *a, struct enroll *e)
{
	assert_int_equal(enroll_new(kr, &names, a, EMAIL, PW, strlen(PW), OPS,
	    MEM, e), 0);
}

/* Opens e's sealed email as record `id` owned by `owner`: 0 or -1. */
static int
open_email(const struct keyring *kr, const struct enroll *e, const char *id,
    const char *owner, char *out, size_t cap)
{
	const struct seal_binding b = { names.table, id, owner };
	struct seal_dek dek;
	size_t n = 0;
	int rc = -1;

	if (seal_dek_unwrap(kr, &b, e->wrapped, e->wrapped_len, &dek) == 0 &&
	    seal_open_field(&dek, &b, names.field, e->sealed, e->sealed_len,
	    (unsigned char *)out, cap - 1, &n) == 0) {
		out[n] = '\0';
		rc = 0;
	}
	seal_dek_wipe(&dek);
	return rc;
}

static void
test_email_opens_as_its_own_record(void **state)
{
	struct fx *fx = *state;
	arena *a = arena_new(4096);
	struct enroll e;
	char email[128];

	enrol(fx->a, a, &e);
	assert_int_equal(open_email(fx->a, &e, e.id, e.id, email,
	    sizeof(email)), 0);
	assert_string_equal(email, EMAIL);
	assert_string_equal(e.kek_id, keyring_active_kek_id(fx->a));
	enroll_wipe(&e);
	arena_free(a);
}

static void
test_email_does_not_open_as_another_owner(void **state)
{
	struct fx *fx = *state;
	arena *a = arena_new(4096);
	struct enroll e, other;
	char email[128];

	enrol(fx->a, a, &e);
	enrol(fx->a, a, &other);
	assert_int_equal(open_email(fx->a, &e, e.id, other.id, email,
	    sizeof(email)), -1);
	assert_int_equal(open_email(fx->b, &e, e.id, e.id, email,
	    sizeof(email)), -1);
	enroll_wipe(&e);
	enroll_wipe(&other);
	arena_free(a);
}

static void
test_blind_index_is_the_fields(void **state)
{
	struct fx *fx = *state;
	arena *a = arena_new(4096);
	unsigned char want[BIDX_BYTES];
	struct enroll e;

	enrol(fx->a, a, &e);
	assert_int_equal(bidx_compute(fx->a, names.field,
	    (const unsigned char *)EMAIL, strlen(EMAIL), want), 0);
	assert_memory_equal(e.bidx, want, BIDX_BYTES);
	enroll_wipe(&e);
	arena_free(a);
}

static void
test_password_verifies(void **state)
{
	struct fx *fx = *state;
	arena *a = arena_new(4096);
	struct enroll e;

	enrol(fx->a, a, &e);
	assert_int_equal(pw_verify(e.pw_hash, PW, strlen(PW)), 0);
	assert_int_equal(pw_verify(e.pw_hash, "wrong password", 14), -1);
	enroll_wipe(&e);
	arena_free(a);
}

static void
test_each_enrolment_has_its_own_id_and_key(void **state)
{
	struct fx *fx = *state;
	arena *a = arena_new(4096);
	struct enroll x, y;

	enrol(fx->a, a, &x);
	enrol(fx->a, a, &y);
	assert_int_equal(strlen(x.id), UUID_LEN);
	assert_string_not_equal(x.id, y.id);
	assert_memory_not_equal(x.wrapped, y.wrapped, x.wrapped_len);
	enroll_wipe(&x);
	enroll_wipe(&y);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_email_opens_as_its_own_record),
		cmocka_unit_test(test_email_does_not_open_as_another_owner),
		cmocka_unit_test(test_blind_index_is_the_fields),
		cmocka_unit_test(test_password_verifies),
		cmocka_unit_test(test_each_enrolment_has_its_own_id_and_key),
	};

	return cmocka_run_group_tests_name("enroll", tests, group_setup,
	    group_teardown);
}
