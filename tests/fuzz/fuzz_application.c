/*
 * fuzz_application — libFuzzer over an application's body
 * (app/application_fields.c): the kind, the office's code and the sealed
 * identity fields of DB_SEALED_FIELDS_APPLICATIONS, read and judged by
 * core/validate.c and app/nik.c against the office's today.
 *
 * An input is one byte picking today (2026-06-15, 2000-02-29, 2099-12-31
 * or 1900-01-02), then the body's JSON, loaded as the edge loads it.
 *
 * Invariants, the field list read from the same X-macro the parser is built
 * from: an accepted body has a kind, an office of 1 to 7 bytes, every
 * field its kind and need ask for (a renewal's previous_number exactly for
 * a renewal, none of the other kind's), each pointing into the body, and
 * each valid again by its rule (text by its limit, the NIK against
 * birth_date and sex, the NPWP against the NIK, dates against today and
 * depart_on); it is accepted again when written back as JSON, with the same
 * values. A refused one reports at least one entry; each names a field of
 * the body (a known path, or an unknown key as unknown_field) with a
 * reason and message of the rule table. One more unknown key is one more
 * entry.
 */
#include "tests/fuzz/fuzz.h"

#include "app/application_fields.h"
#include "app/nik.h"
#include "core/rule.h"
#include "core/validate.h"

/* The field list as the parser's contract states it. */
enum fz_rule { FZ_TEXT, FZ_NIK, FZ_KK, FZ_NPWP, FZ_BIRTH_DATE, FZ_SEX,
    FZ_PHONE, FZ_DEPART_ON, FZ_RETURN_ON };
enum fz_need { FZ_REQUIRED, FZ_OPTIONAL, FZ_RENEWAL };

static const struct {
	const char *name;
	enum app_field_group group;
	enum fz_rule rule;
	size_t limit;
	enum fz_need need;
} fz_fields[APP_FIELD_COUNT] = {
#define FZ_FIELD(name, column, field, group, rule, limit, need) \
	[APP_F_##name] = { field, APP_GROUP_##group, FZ_##rule, (limit), \
	    FZ_##need },
	DB_SEALED_FIELDS_APPLICATIONS(FZ_FIELD, )
#undef FZ_FIELD
};

static const char *const fz_groups[] = {
	[APP_GROUP_APPLICANT] = "applicant",
	[APP_GROUP_PASSPORT] = "passport",
	[APP_GROUP_TRAVEL] = "travel",
};

static const struct validate_date fz_todays[4] = {
	{ 2026, 6, 15 }, { 2000, 2, 29 }, { 2099, 12, 31 }, { 1900, 1, 2 },
};

static void
fz_init(void)
{
	for (int f = 0; f < APP_FIELD_COUNT; f++) {
		FUZZ_CHECK(strcmp(app_field_name((enum app_field)f),
		    fz_fields[f].name) == 0);
		FUZZ_CHECK(app_field_group((enum app_field)f) ==
		    fz_fields[f].group);
	}
}

/* Field `f`'s value, valid again by its rule. */
static void
fz_revalidate(const struct app_application_input *in, int f,
    const struct validate_date *today)
{
	const char *v = in->field[f];
	const char *const *field = in->field;
	struct validate_date depart;

	switch (fz_fields[f].rule) {
	case FZ_TEXT:
		FUZZ_CHECK(validate_text(v, fz_fields[f].limit) == VALIDATE_OK);
		break;
	case FZ_NIK:
		FUZZ_CHECK(nik_check(v, field[APP_F_BIRTH_DATE],
		    field[APP_F_SEX][0]) == NIK_OK);
		break;
	case FZ_KK:
		FUZZ_CHECK(nik_check_kk(v) == NIK_OK);
		break;
	case FZ_NPWP:
		FUZZ_CHECK(nik_check_npwp(v, field[APP_F_NIK]) == NIK_OK);
		break;
	case FZ_BIRTH_DATE:
		FUZZ_CHECK(validate_birth_date(v, today, NULL) == VALIDATE_OK);
		break;
	case FZ_SEX:
		FUZZ_CHECK(strcmp(v, "M") == 0 || strcmp(v, "F") == 0);
		break;
	case FZ_PHONE:
		FUZZ_CHECK(validate_phone(v) == VALIDATE_OK);
		break;
	case FZ_DEPART_ON:
		FUZZ_CHECK(validate_depart_on(v, today, NULL) == VALIDATE_OK);
		break;
	case FZ_RETURN_ON:
		FUZZ_CHECK(validate_date_parse(field[APP_F_DEPART_ON],
		    &depart) == VALIDATE_OK);
		FUZZ_CHECK(validate_return_on(v, &depart, NULL) == VALIDATE_OK);
		break;
	}
}

/* An accepted body: what its kind needs, each valid, each from the body. */
static void
fz_check_accepted(const json_t *body, const struct app_application_input *in,
    const struct validate_date *today)
{
	int passport = in->kind == APP_KIND_PASSPORT;
	int renewal = passport && in->passport_type != NULL &&
	    strcmp(in->passport_type, "renewal") == 0;
	size_t olen = in->office != NULL ? strlen(in->office) : 0;

	FUZZ_CHECK(strcmp(in->kind_name, passport ? "passport" :
	    "travel_permit") == 0);
	FUZZ_CHECK(olen >= 1 && olen <= 7);
	FUZZ_CHECK(passport ? in->passport_type != NULL &&
	    (renewal || strcmp(in->passport_type, "new") == 0) :
	    in->passport_type == NULL);
	for (int f = 0; f < APP_FIELD_COUNT; f++) {
		enum app_field_group g = fz_fields[f].group;
		int wanted = g == APP_GROUP_APPLICANT ||
		    (g == APP_GROUP_PASSPORT) == passport;
		const json_t *obj = json_object_get(body, fz_groups[g]);

		if (!wanted || (fz_fields[f].need == FZ_RENEWAL && !renewal)) {
			FUZZ_CHECK(in->field[f] == NULL);
			continue;
		}
		if (fz_fields[f].need != FZ_OPTIONAL)
			FUZZ_CHECK(in->field[f] != NULL);
		if (in->field[f] == NULL)
			continue;
		FUZZ_CHECK(in->field[f] == json_string_value(
		    json_object_get(obj, fz_fields[f].name)));
		fz_revalidate(in, f, today);
	}
}

/* The accepted input written back as a body. */
static json_t *
fz_write_back(const struct app_application_input *in)
{
	json_t *body = json_pack("{s:s, s:s, s:{}}", "kind", in->kind_name,
	    "office", in->office, "applicant");
	json_t *obj[3] = { json_object_get(body, "applicant") };

	FUZZ_CHECK(body != NULL);
	if (in->kind == APP_KIND_PASSPORT) {
		obj[APP_GROUP_PASSPORT] = json_pack("{s:s}", "type",
		    in->passport_type);
		json_object_set_new(body, "passport", obj[APP_GROUP_PASSPORT]);
	} else {
		obj[APP_GROUP_TRAVEL] = json_object();
		json_object_set_new(body, "travel", obj[APP_GROUP_TRAVEL]);
	}
	for (int f = 0; f < APP_FIELD_COUNT; f++)
		if (in->field[f] != NULL)
			json_object_set_new(obj[fz_fields[f].group],
			    fz_fields[f].name, json_string(in->field[f]));
	return body;
}

static void
fz_check_round_trip(const struct app_application_input *in,
    const struct validate_date *today)
{
	struct app_application_input back;
	struct pipe_invalid inv;

	pipe_invalid_init(&inv, fuzz_arena);
	FUZZ_CHECK(app_application_parse(&inv, fz_write_back(in), today,
	    &back) == 0);
	FUZZ_CHECK(back.kind == in->kind &&
	    strcmp(back.office, in->office) == 0);
	for (int f = 0; f < APP_FIELD_COUNT; f++)
		FUZZ_CHECK(in->field[f] == NULL ? back.field[f] == NULL :
		    back.field[f] != NULL &&
		    strcmp(in->field[f], back.field[f]) == 0);
}

/* 1 when `field` (no unknown key) is a path the parser may name. */
static int
fz_known_path(const char *field)
{
	static const char *const top[] = { "kind", "office", "applicant",
	    "passport", "travel", "passport.type", NULL };

	for (size_t i = 0; top[i] != NULL; i++)
		if (strcmp(field, top[i]) == 0)
			return 1;
	for (int f = 0; f < APP_FIELD_COUNT; f++)
		if (strcmp(field, arena_printf(fuzz_arena, "%s.%s",
		    fz_groups[fz_fields[f].group], fz_fields[f].name)) == 0)
			return 1;
	return 0;
}

static int
fz_rule_message(const char *message)
{
	for (int r = RULE_NONE + 1; r < RULE_COUNT; r++)
		if (strcmp(rule_message((enum rule)r), message) == 0)
			return 1;
	return 0;
}

/* A refusal: entries each naming a field of the body by a rule's words. */
static void
fz_check_refused(const struct pipe_invalid *inv)
{
	struct pipe_response res = { 0 };
	json_t *errors, *e;
	const char *field, *reason;
	size_t i;

	FUZZ_CHECK(pipe_invalid_count(inv) > 0);
	FUZZ_CHECK(pipe_invalid_answer(inv, &res) == -1 && res.status == 422);
	errors = json_object_get(json_object_get(res.body, "error"), "errors");
	json_array_foreach(errors, i, e) {
		field = json_string_value(json_object_get(e, "field"));
		reason = json_string_value(json_object_get(e, "reason"));
		FUZZ_CHECK(field != NULL && reason != NULL);
		FUZZ_CHECK(strcmp(reason, "unknown_field") == 0 ||
		    fz_known_path(field));
		FUZZ_CHECK(fz_rule_message(json_string_value(
		    json_object_get(e, "message"))));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct validate_date *today;
	struct app_application_input in;
	struct pipe_invalid inv, more;
	json_t *body, *other;
	int rc;

	if (size == 0)
		return 0;
	today = &fz_todays[data[0] & 3];
	body = json_loadb((const char *)data + 1, size - 1,
	    JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(body)) {
		fuzz_done();
		return 0;   /* the edge's 400, fuzz_request's to check */
	}
	pipe_invalid_init(&inv, fuzz_arena);
	rc = app_application_parse(&inv, body, today, &in);
	FUZZ_CHECK((rc == 0) == (pipe_invalid_count(&inv) == 0));
	if (rc == 0) {
		fz_check_accepted(body, &in, today);
		fz_check_round_trip(&in, today);
	} else {
		fz_check_refused(&inv);
	}
	if (json_object_get(body, "zz_unknown") == NULL) {
		other = json_deep_copy(body);
		FUZZ_CHECK(json_object_set_new(other, "zz_unknown",
		    json_integer(1)) == 0);
		pipe_invalid_init(&more, fuzz_arena);
		FUZZ_CHECK(app_application_parse(&more, other, today, &in) == -1);
		FUZZ_CHECK(pipe_invalid_count(&more) ==
		    pipe_invalid_count(&inv) + 1);
	}
	fuzz_done();
	return 0;
}
