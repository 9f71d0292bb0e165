/*
 * app/application_fields: which field a body with several faults is refused
 * for (the first in the order the HTTP API's rules are judged), and where valid
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

/* Parses `b` into *in; asserts it is accepted. */
static void
assert_accepted(json_t *b, struct app_application_input *in)
{
	struct pipe_response res = { 0 };

	assert_int_equal(app_application_parse(a, b, &today, in, &res), 0);
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

/*
 * One change to a valid body: group.key set to the JSON text `json`, or
 * (json NULL, text > 0) to a string of `text` x's, or (neither) deleted.
 */
struct edit {
	const char *group, *key;
	const char *json;
	size_t text;
};

#define STR(group, key, s)   { group, key, "\"" s "\"", 0 }
#define TEXT(group, key, n)  { group, key, NULL, n }
#define DEL(group, key)      { group, key, NULL, 0 }
#define JSON(group, key, j)  { group, key, j, 0 }

/* A body of `kind` with up to three faults, refused for `field` (with
 * `message`; NULL: any). */
struct refusal {
	const char *kind;
	struct edit edit[3];
	const char *field, *message;
};

static void
apply(json_t *b, const struct edit *e)
{
	json_t *v = NULL;

	if (e->json != NULL)
		v = json_loads(e->json, JSON_DECODE_ANY, NULL);
	else if (e->text > 0)
		v = text_of(e->text);
	if (e->json != NULL || e->text > 0)
		assert_non_null(v);
	set(b, e->group, e->key, v);
}

/* The cases of one refusal test, its cmocka state. */
struct refusals {
	const struct refusal *c;
	size_t n;
};

/* Each case's body, its edits made, is refused for its field. */
static void
test_refusals(void **state)
{
	const struct refusals *r = *state;

	for (size_t i = 0; i < r->n; i++) {
		json_t *b = body_of(r->c[i].kind);

		for (size_t j = 0; j < 3 && r->c[i].edit[j].group != NULL; j++)
			apply(b, &r->c[i].edit[j]);
		assert_refused(b, r->c[i].field, r->c[i].message);
	}
}

/* A test named `cases`, of the table of that name. */
#define REFUSAL_TEST(cases) { "test_" #cases, test_refusals, NULL, NULL, \
	&(struct refusals){ (cases), sizeof(cases) / sizeof((cases)[0]) } }

static void
test_valid_bodies_fill_every_field_of_their_kind(void **state)
{
	struct app_application_input in;
	json_t *b = body_of("passport");

	(void)state;
	assert_accepted(b, &in);
	assert_int_equal(in.kind, APP_KIND_PASSPORT);
	assert_string_equal(in.passport_type, "new");
	assert_string_equal(in.field[APP_F_NIK], "3174051705900001");
	assert_string_equal(in.field[APP_F_NPWP], "012345674000007");
	assert_string_equal(in.field[APP_F_MOTHER_NAME], "Dewi Lestari");
	assert_null(in.field[APP_F_PREVIOUS_NUMBER]);
	assert_null(in.field[APP_F_ORIGIN]);
	json_decref(b);

	b = body_of("travel_permit");
	assert_accepted(b, &in);
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
	json_t *b = body_of("passport");

	(void)state;
	set(b, "applicant", "npwp", NULL);
	set(b, "passport", "type", json_string("renewal"));
	set(b, "passport", "previous_number", json_string("A1234567"));
	assert_accepted(b, &in);
	assert_null(in.field[APP_F_NPWP]);
	assert_string_equal(in.passport_type, "renewal");
	assert_string_equal(in.field[APP_F_PREVIOUS_NUMBER], "A1234567");
	json_decref(b);
}

static const struct refusal an_unknown_key_is_judged_before_the_fields[] = {
	{ "passport", { DEL("applicant", "full_name"),
	    STR("applicant", "foo", "x") }, "applicant.foo", NULL },
};

static const struct refusal full_name_before_birth_date[] = {
	{ "passport", { TEXT("applicant", "full_name", 101),
	    STR("applicant", "birth_date", "1899-12-31") },
	    "applicant.full_name", NULL },
};

static const struct refusal birth_date_and_sex_before_the_nik_that_must_agree[] = {
	{ "passport", { STR("applicant", "birth_date", "17-05-1990"),
	    DEL("applicant", "nik") }, "applicant.birth_date", NULL },
	{ "passport", { STR("applicant", "birth_date", "1990-02-30"),
	    STR("applicant", "sex", "X") }, "applicant.birth_date", NULL },
	{ "passport", { STR("applicant", "sex", "X"),
	    STR("applicant", "nik", "2074051705900001") },
	    "applicant.sex", "must be \"M\" or \"F\"" },
};

static const struct refusal nik_kk_npwp_in_that_order_before_birth_place[] = {
	{ "passport", { DEL("applicant", "nik"),
	    STR("applicant", "kk_number", "x"),
	    TEXT("applicant", "birth_place", 101) }, "applicant.nik", NULL },
	{ "passport", { STR("applicant", "kk_number", "2074010101000001"),
	    STR("applicant", "npwp", "12345678901234") },
	    "applicant.kk_number", NULL },
	{ "passport", { STR("applicant", "npwp", "12345678901234"),
	    TEXT("applicant", "birth_place", 101) }, "applicant.npwp", NULL },
};

static const struct refusal birth_place_phone_address_mother_name_in_that_order[] = {
	{ "passport", { STR("applicant", "birth_place", ""),
	    STR("applicant", "phone", "12345678") },
	    "applicant.birth_place", NULL },
	{ "passport", { STR("applicant", "phone", "12345678"),
	    TEXT("applicant", "address", 301) }, "applicant.phone", NULL },
	{ "passport", { TEXT("applicant", "address", 301),
	    DEL("applicant", "mother_name") }, "applicant.address", NULL },
	{ "passport", { TEXT("applicant", "mother_name", 101),
	    STR("passport", "type", "old") },
	    "applicant.mother_name", NULL },
};

static const struct refusal a_new_passport_refuses_a_previous_number[] = {
	{ "passport", { STR("passport", "previous_number", "A1234567") },
	    "passport.previous_number", "is only for a renewal" },
	{ "passport", { STR("passport", "type", "renewal") },
	    "passport.previous_number", NULL },
};

static const struct refusal travel_fields_in_order_return_on_after_depart_on[] = {
	{ "travel_permit", { DEL("travel", "origin"),
	    STR("travel", "depart_on", "2026-01-14") },
	    "travel.origin", NULL },
	{ "travel_permit", { TEXT("travel", "destination", 101),
	    STR("travel", "depart_on", "2026-01-14") },
	    "travel.destination", NULL },
	{ "travel_permit", { STR("travel", "depart_on", "2026-01-14"),
	    STR("travel", "return_on", "2026-01-01") },
	    "travel.depart_on", NULL },
	{ "travel_permit", { STR("travel", "return_on", "2026-01-31"),
	    TEXT("travel", "purpose", 501) }, "travel.return_on", NULL },
	{ "travel_permit", { TEXT("travel", "purpose", 501) },
	    "travel.purpose", NULL },
};

static const struct refusal the_applicant_is_judged_before_the_kind_s_object[] = {
	{ "travel_permit", { DEL("applicant", "mother_name"),
	    JSON("travel", "foo", "true") }, "applicant.mother_name",
	    NULL },
};

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_bodies_fill_every_field_of_their_kind),
		cmocka_unit_test(test_an_absent_npwp_and_a_renewal_number_are_read_by_their_need),
		REFUSAL_TEST(an_unknown_key_is_judged_before_the_fields),
		REFUSAL_TEST(full_name_before_birth_date),
		REFUSAL_TEST(birth_date_and_sex_before_the_nik_that_must_agree),
		REFUSAL_TEST(nik_kk_npwp_in_that_order_before_birth_place),
		REFUSAL_TEST(birth_place_phone_address_mother_name_in_that_order),
		REFUSAL_TEST(a_new_passport_refuses_a_previous_number),
		REFUSAL_TEST(travel_fields_in_order_return_on_after_depart_on),
		REFUSAL_TEST(the_applicant_is_judged_before_the_kind_s_object),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
