/*
 * app/application_fields: which field a body with several faults is refused
 * for (the first in the order API.md's rules are judged), and where valid
 * fields land. The e2e bad_input tests prove each rule alone; these pin the
 * order, so a body is refused for the same field whatever drives the loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "app/application_fields.h"
#include "tests/unit/arena_fixture.h"

static const struct validate_date today = { 2026, 1, 15 };

/* A valid body of `kind` ("passport" or "travel_permit"). Caller decrefs. */
static json_t *
body_of(const char *kind)
{
	json_t *b = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
	    " s:s, s:s, s:s}}",
	    "kind", kind, "office", "JKT-SEL", "applicant",
	    "full_name", "Siti Rahayu", "nik", "3174051705900001",
	    "kk_number", "3174010101000001", "npwp", "012345674000007",
	    "birth_date", "1990-05-17", "birth_place", "Bogor", "sex", "M",
	    "phone", "081234567890", "address", "Jalan Kemang Raya 1",
	    "mother_name", "Dewi Lestari");

	assert_non_null(b);
	if (strcmp(kind, "passport") == 0)
		assert_int_equal(json_object_set_new(b, "passport",
		    json_pack("{s:s}", "type", "new")), 0);
	else
		assert_int_equal(json_object_set_new(b, "travel",
		    json_pack("{s:s, s:s, s:s, s:s, s:s}", "origin", "Jakarta",
		    "destination", "Kuala Lumpur", "depart_on", "2026-02-01",
		    "return_on", "2026-02-10", "purpose", "Visiting family")), 0);
	return b;
}

/* Sets group.key of `b` to `v` (stolen; NULL deletes the key). */
static void
set(json_t *b, const char *group, const char *key, json_t *v)
{
	json_t *obj = json_object_get(b, group);

	assert_non_null(obj);
	if (v == NULL)
		assert_int_equal(json_object_del(obj, key), 0);
	else
		assert_int_equal(json_object_set_new(obj, key, v), 0);
}

static json_t *
text_of(size_t n)
{
	char buf[600];

	assert_true(n < sizeof(buf));
	memset(buf, 'x', n);
	buf[n] = '\0';
	return json_string(buf);
}

/* Parses `b` (decref'd here); asserts a 422 naming `field` with `message`
 * (NULL: any message). */
static void
assert_refused(json_t *b, const char *field, const char *message)
{
	struct app_application_input in;
	struct pipe_response res = { 0 };
	json_t *err;

	assert_int_equal(app_application_parse(a, b, &today, &in, &res), -1);
	assert_int_equal(res.status, 422);
	err = json_object_get(res.body, "error");
	assert_string_equal(json_string_value(json_object_get(err, "field")),
	    field);
	if (message != NULL)
		assert_string_equal(json_string_value(json_object_get(err,
		    "message")), message);
	json_decref(res.body);
	json_decref(b);
}

static void
test_valid_bodies_fill_every_field_of_their_kind(void **state)
{
	struct app_application_input in;
	struct pipe_response res = { 0 };
	json_t *b = body_of("passport");

	(void)state;
	assert_int_equal(app_application_parse(a, b, &today, &in, &res), 0);
	assert_int_equal(in.kind, APP_KIND_PASSPORT);
	assert_string_equal(in.passport_type, "new");
	assert_string_equal(in.field[APP_F_NIK], "3174051705900001");
	assert_string_equal(in.field[APP_F_NPWP], "012345674000007");
	assert_string_equal(in.field[APP_F_MOTHER_NAME], "Dewi Lestari");
	assert_null(in.field[APP_F_PREVIOUS_NUMBER]);
	assert_null(in.field[APP_F_ORIGIN]);
	json_decref(b);

	b = body_of("travel_permit");
	assert_int_equal(app_application_parse(a, b, &today, &in, &res), 0);
	assert_int_equal(in.kind, APP_KIND_TRAVEL_PERMIT);
	assert_null(in.passport_type);
	assert_string_equal(in.field[APP_F_RETURN_ON], "2026-02-10");
	assert_string_equal(in.field[APP_F_PURPOSE], "Visiting family");
	json_decref(b);
}

static void
test_an_absent_npwp_and_a_renewal_number_are_read_by_their_need(void **state)
{
	struct app_application_input in;
	struct pipe_response res = { 0 };
	json_t *b = body_of("passport");

	(void)state;
	set(b, "applicant", "npwp", NULL);
	set(b, "passport", "type", json_string("renewal"));
	set(b, "passport", "previous_number", json_string("A1234567"));
	assert_int_equal(app_application_parse(a, b, &today, &in, &res), 0);
	assert_null(in.field[APP_F_NPWP]);
	assert_string_equal(in.passport_type, "renewal");
	assert_string_equal(in.field[APP_F_PREVIOUS_NUMBER], "A1234567");
	json_decref(b);
}

static void
test_an_unknown_key_is_judged_before_the_fields(void **state)
{
	json_t *b = body_of("passport");

	(void)state;
	set(b, "applicant", "full_name", NULL);
	set(b, "applicant", "foo", json_string("x"));
	assert_refused(b, "applicant.foo", NULL);
}

static void
test_full_name_before_birth_date(void **state)
{
	json_t *b = body_of("passport");

	(void)state;
	set(b, "applicant", "full_name", text_of(101));
	set(b, "applicant", "birth_date", json_string("1899-12-31"));
	assert_refused(b, "applicant.full_name", NULL);
}

static void
test_birth_date_and_sex_before_the_nik_that_must_agree(void **state)
{
	json_t *b = body_of("passport");

	(void)state;
	set(b, "applicant", "birth_date", json_string("17-05-1990"));
	set(b, "applicant", "nik", NULL);
	assert_refused(b, "applicant.birth_date", NULL);

	b = body_of("passport");
	set(b, "applicant", "birth_date", json_string("1990-02-30"));
	set(b, "applicant", "sex", json_string("X"));
	assert_refused(b, "applicant.birth_date", NULL);

	b = body_of("passport");
	set(b, "applicant", "sex", json_string("X"));
	set(b, "applicant", "nik", json_string("2074051705900001"));
	assert_refused(b, "applicant.sex", "must be \"M\" or \"F\"");
}

static void
test_nik_kk_npwp_in_that_order_before_birth_place(void **state)
{
	json_t *b = body_of("passport");

	(void)state;
	set(b, "applicant", "nik", NULL);
	set(b, "applicant", "kk_number", json_string("x"));
	set(b, "applicant", "birth_place", text_of(101));
	assert_refused(b, "applicant.nik", NULL);

	b = body_of("passport");
	set(b, "applicant", "kk_number", json_string("2074010101000001"));
	set(b, "applicant", "npwp", json_string("12345678901234"));
	assert_refused(b, "applicant.kk_number", NULL);

	b = body_of("passport");
	set(b, "applicant", "npwp", json_string("12345678901234"));
	set(b, "applicant", "birth_place", text_of(101));
	assert_refused(b, "applicant.npwp", NULL);
}

static void
test_birth_place_phone_address_mother_name_in_that_order(void **state)
{
	json_t *b = body_of("passport");

	(void)state;
	set(b, "applicant", "birth_place", json_string(""));
	set(b, "applicant", "phone", json_string("12345678"));
	assert_refused(b, "applicant.birth_place", NULL);

	b = body_of("passport");
	set(b, "applicant", "phone", json_string("12345678"));
	set(b, "applicant", "address", text_of(301));
	assert_refused(b, "applicant.phone", NULL);

	b = body_of("passport");
	set(b, "applicant", "address", text_of(301));
	set(b, "applicant", "mother_name", NULL);
	assert_refused(b, "applicant.address", NULL);

	b = body_of("passport");
	set(b, "applicant", "mother_name", text_of(101));
	set(b, "passport", "type", json_string("old"));
	assert_refused(b, "applicant.mother_name", NULL);
}

static void
test_a_new_passport_refuses_a_previous_number(void **state)
{
	json_t *b = body_of("passport");

	(void)state;
	set(b, "passport", "previous_number", json_string("A1234567"));
	assert_refused(b, "passport.previous_number", "is only for a renewal");

	b = body_of("passport");
	set(b, "passport", "type", json_string("renewal"));
	assert_refused(b, "passport.previous_number", NULL);
}

static void
test_travel_fields_in_order_return_on_after_depart_on(void **state)
{
	json_t *b = body_of("travel_permit");

	(void)state;
	set(b, "travel", "origin", NULL);
	set(b, "travel", "depart_on", json_string("2026-01-14"));
	assert_refused(b, "travel.origin", NULL);

	b = body_of("travel_permit");
	set(b, "travel", "destination", text_of(101));
	set(b, "travel", "depart_on", json_string("2026-01-14"));
	assert_refused(b, "travel.destination", NULL);

	b = body_of("travel_permit");
	set(b, "travel", "depart_on", json_string("2026-01-14"));
	set(b, "travel", "return_on", json_string("2026-01-01"));
	assert_refused(b, "travel.depart_on", NULL);

	b = body_of("travel_permit");
	set(b, "travel", "return_on", json_string("2026-01-31"));
	set(b, "travel", "purpose", text_of(501));
	assert_refused(b, "travel.return_on", NULL);

	b = body_of("travel_permit");
	set(b, "travel", "purpose", text_of(501));
	assert_refused(b, "travel.purpose", NULL);
}

static void
test_the_applicant_is_judged_before_the_kind_s_object(void **state)
{
	json_t *b = body_of("travel_permit");

	(void)state;
	set(b, "applicant", "mother_name", NULL);
	set(b, "travel", "foo", json_true());
	assert_refused(b, "applicant.mother_name", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_bodies_fill_every_field_of_their_kind),
		cmocka_unit_test(test_an_absent_npwp_and_a_renewal_number_are_read_by_their_need),
		cmocka_unit_test(test_an_unknown_key_is_judged_before_the_fields),
		cmocka_unit_test(test_full_name_before_birth_date),
		cmocka_unit_test(test_birth_date_and_sex_before_the_nik_that_must_agree),
		cmocka_unit_test(test_nik_kk_npwp_in_that_order_before_birth_place),
		cmocka_unit_test(test_birth_place_phone_address_mother_name_in_that_order),
		cmocka_unit_test(test_a_new_passport_refuses_a_previous_number),
		cmocka_unit_test(test_travel_fields_in_order_return_on_after_depart_on),
		cmocka_unit_test(test_the_applicant_is_judged_before_the_kind_s_object),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
