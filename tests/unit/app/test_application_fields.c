/*
 * app/application_fields: a body with several faults is refused for every
 * one of them at once, each with its reason, in the order the HTTP API
 * reports them (each object's unknown keys, then its fields in their
 * order; a rule that compares fields only with values that passed their
 * own), and where valid fields land. The e2e bad_input tests prove each
 * rule through the stack; these pin the whole list.
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

/* Sets group.key of `b` (key of `b` for a NULL group) to `v` (stolen;
 * NULL deletes the key). */
static void
set(json_t *b, const char *group, const char *key, json_t *v)
{
	json_t *obj = group == NULL ? b : json_object_get(b, group);

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
	struct pipe_invalid inv;

	pipe_invalid_init(&inv, a);
	assert_int_equal(app_application_parse(&inv, b, &today, in), 0);
	assert_int_equal(pipe_invalid_count(&inv), 0);
}

/* One expected entry of the 422: its field and reason word. */
struct want {
	const char *field, *reason;
};

#define WANT_MAX 8

/* Parses `b` (decref'd here); asserts a 422 whose entries are exactly
 * want[] (ending at a NULL field), the first also the error's field and
 * message. */
static void
assert_refused(json_t *b, const struct want *want)
{
	struct app_application_input in;
	struct pipe_response res = { 0 };
	struct pipe_invalid inv;
	json_t *err, *errors;
	size_t n = 0;

	pipe_invalid_init(&inv, a);
	assert_int_equal(app_application_parse(&inv, b, &today, &in), -1);
	assert_int_equal(pipe_invalid_answer(&inv, &res), -1);
	assert_int_equal(res.status, 422);
	err = json_object_get(res.body, "error");
	errors = json_object_get(err, "errors");
	while (n < WANT_MAX && want[n].field != NULL)
		n++;
	if (json_array_size(errors) != n)
		for (size_t i = 0; i < json_array_size(errors); i++)
			print_message("  got %s %s\n", json_string_value(
			    json_object_get(json_array_get(errors, i), "field")),
			    json_string_value(json_object_get(
			    json_array_get(errors, i), "reason")));
	assert_int_equal(json_array_size(errors), n);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(errors, i);

		assert_string_equal(json_string_value(json_object_get(e,
		    "field")), want[i].field);
		assert_string_equal(json_string_value(json_object_get(e,
		    "reason")), want[i].reason);
	}
	assert_string_equal(json_string_value(json_object_get(err, "field")),
	    want[0].field);
	assert_string_equal(json_string_value(json_object_get(err, "message")),
	    json_string_value(json_object_get(json_array_get(errors, 0),
	    "message")));
	json_decref(res.body);
	json_decref(b);
}

/*
 * One change to a valid body: group.key set to the JSON text `json`, or
 * (json NULL, text > 0) to a string of `text` x's, or (neither) deleted.
 * A NULL group is the body itself.
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

#define EDIT_MAX 5

/* A body of `kind` with up to EDIT_MAX faults, refused with want[]. */
struct refusal {
	const char *kind;
	struct edit edit[EDIT_MAX];
	struct want want[WANT_MAX];
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

/* Each case's body, its edits made, is refused with its entries. */
static void
test_refusals(void **state)
{
	const struct refusals *r = *state;

	for (size_t i = 0; i < r->n; i++) {
		json_t *b = body_of(r->c[i].kind);

		for (size_t j = 0; j < EDIT_MAX && r->c[i].edit[j].key != NULL;
		    j++)
			apply(b, &r->c[i].edit[j]);
		assert_refused(b, r->c[i].want);
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

/* The body the issue names: a bad NIK, a bad phone and an unknown field,
 * three entries; each object's unknown keys come before its fields. */
static const struct refusal every_fault_of_a_body_at_once[] = {
	{ "passport", { STR("applicant", "nik", "2074051705900001"),
	    STR("applicant", "phone", "12345678"), JSON(NULL, "foo", "1") },
	    { { "foo", "unknown_field" }, { "applicant.nik", "province" },
	    { "applicant.phone", "format" } } },
	{ "passport", { DEL("applicant", "full_name"),
	    STR("applicant", "foo", "x"), TEXT("applicant", "address", 301),
	    STR("passport", "type", "old") },
	    { { "applicant.foo", "unknown_field" },
	    { "applicant.full_name", "required" },
	    { "applicant.address", "too_long" },
	    { "passport.type", "choice" } } },
	{ "travel_permit", { DEL("applicant", "mother_name"),
	    JSON("travel", "foo", "true"), TEXT("travel", "purpose", 501),
	    STR("applicant", "sex", "X") },
	    { { "applicant.sex", "choice" },
	    { "applicant.mother_name", "required" },
	    { "travel.foo", "unknown_field" },
	    { "travel.purpose", "too_long" } } },
};

/* Fields in the list's order, whatever order a rule judged them in. */
static const struct refusal fields_in_the_list_s_order[] = {
	{ "passport", { TEXT("applicant", "full_name", 101),
	    STR("applicant", "birth_date", "1899-12-31"),
	    STR("applicant", "kk_number", "2074010101000001"),
	    STR("applicant", "npwp", "12345678901234"),
	    TEXT("applicant", "birth_place", 101) },
	    { { "applicant.full_name", "too_long" },
	    { "applicant.kk_number", "province" },
	    { "applicant.npwp", "format" },
	    { "applicant.birth_date", "too_early" },
	    { "applicant.birth_place", "too_long" } } },
	{ "passport", { STR("applicant", "birth_place", ""),
	    STR("applicant", "phone", "12345678"),
	    TEXT("applicant", "address", 301),
	    DEL("applicant", "mother_name") },
	    { { "applicant.birth_place", "required" },
	    { "applicant.phone", "format" },
	    { "applicant.address", "too_long" },
	    { "applicant.mother_name", "required" } } },
};

/* The NIK is compared only with a birth_date and sex that are good; its own
 * shape is judged whatever they are. */
static const struct refusal the_nik_against_good_inputs_only[] = {
	{ "passport", { STR("applicant", "birth_date", "17-05-1990") },
	    { { "applicant.birth_date", "format" } } },
	{ "passport", { STR("applicant", "birth_date", "1990-02-30"),
	    STR("applicant", "sex", "X") },
	    { { "applicant.birth_date", "no_such_day" },
	    { "applicant.sex", "choice" } } },
	{ "passport", { STR("applicant", "sex", "X"),
	    STR("applicant", "nik", "2074051705900001") },
	    { { "applicant.nik", "province" },
	    { "applicant.sex", "choice" } } },
	{ "passport", { STR("applicant", "birth_date", "2026-01-15"),
	    STR("applicant", "nik", "3174051705900000") },
	    { { "applicant.nik", "serial" },
	    { "applicant.birth_date", "future" } } },
	{ "passport", { STR("applicant", "birth_date", "1990-05-18") },
	    { { "applicant.nik", "date_mismatch" } } },
	{ "passport", { STR("applicant", "sex", "F") },
	    { { "applicant.nik", "sex_mismatch" } } },
	{ "passport", { STR("applicant", "npwp", "012345675000007") },
	    { { "applicant.npwp", "checksum" } } },
};

static const struct refusal kind_office_and_the_kind_s_object[] = {
	{ "passport", { STR(NULL, "kind", "visa"), JSON(NULL, "office", "7"),
	    STR("passport", "previous_number", "A1") },
	    { { "kind", "choice" }, { "office", "type" },
	    { "passport.previous_number", "not_allowed" } } },
	{ "passport", { STR(NULL, "office", "JKT-SELATAN") },
	    { { "office", "not_found" } } },
	{ "passport", { STR(NULL, "office", "") },
	    { { "office", "required" } } },
	{ "passport", { JSON(NULL, "travel", "{}"),
	    STR("passport", "previous_number", "A1234567") },
	    { { "travel", "not_allowed" },
	    { "passport.previous_number", "not_allowed" } } },
	{ "passport", { STR("passport", "type", "renewal") },
	    { { "passport.previous_number", "required" } } },
	{ "travel_permit", { DEL(NULL, "travel"), DEL("applicant", "nik") },
	    { { "applicant.nik", "required" }, { "travel", "required" } } },
};

static const struct refusal travel_dates[] = {
	{ "travel_permit", { STR("travel", "depart_on", "2026-01-14"),
	    STR("travel", "return_on", "2026-01-13") },
	    { { "travel.depart_on", "past" },
	    { "travel.return_on", "too_early" } } },
	{ "travel_permit", { STR("travel", "depart_on", "2026/01/20"),
	    STR("travel", "return_on", "2026-01-14") },
	    { { "travel.depart_on", "format" },
	    { "travel.return_on", "too_early" } } },
	{ "travel_permit", { STR("travel", "return_on", "2026-01-31") },
	    { { "travel.return_on", "too_early" } } },
	{ "travel_permit", { STR("travel", "origin", "Ana\\u0007") },
	    { { "travel.origin", "control_character" } } },
};

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_bodies_fill_every_field_of_their_kind),
		cmocka_unit_test(test_an_absent_npwp_and_a_renewal_number_are_read_by_their_need),
		REFUSAL_TEST(every_fault_of_a_body_at_once),
		REFUSAL_TEST(fields_in_the_list_s_order),
		REFUSAL_TEST(the_nik_against_good_inputs_only),
		REFUSAL_TEST(kind_office_and_the_kind_s_object),
		REFUSAL_TEST(travel_dates),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
