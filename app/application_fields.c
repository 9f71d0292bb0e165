/*
 * application_fields — reading and validating an application body
 * (contract in application_fields.h).
 */
#include "app/application_fields.h"

#include <string.h>

#include "pipe/json.h"
#include "app/nik.h"

static const struct {
	const char *name;
	enum app_field_group group;
} app_fields[APP_FIELD_COUNT] = {
	[APP_F_FULL_NAME]       = { "full_name",       APP_GROUP_APPLICANT },
	[APP_F_NIK]             = { "nik",             APP_GROUP_APPLICANT },
	[APP_F_KK_NUMBER]       = { "kk_number",       APP_GROUP_APPLICANT },
	[APP_F_NPWP]            = { "npwp",            APP_GROUP_APPLICANT },
	[APP_F_BIRTH_DATE]      = { "birth_date",      APP_GROUP_APPLICANT },
	[APP_F_BIRTH_PLACE]     = { "birth_place",     APP_GROUP_APPLICANT },
	[APP_F_SEX]             = { "sex",             APP_GROUP_APPLICANT },
	[APP_F_PHONE]           = { "phone",           APP_GROUP_APPLICANT },
	[APP_F_ADDRESS]         = { "address",         APP_GROUP_APPLICANT },
	[APP_F_MOTHER_NAME]     = { "mother_name",     APP_GROUP_APPLICANT },
	[APP_F_PREVIOUS_NUMBER] = { "previous_number", APP_GROUP_PASSPORT },
	[APP_F_ORIGIN]          = { "origin",          APP_GROUP_TRAVEL },
	[APP_F_DESTINATION]     = { "destination",     APP_GROUP_TRAVEL },
	[APP_F_DEPART_ON]       = { "depart_on",       APP_GROUP_TRAVEL },
	[APP_F_RETURN_ON]       = { "return_on",       APP_GROUP_TRAVEL },
	[APP_F_PURPOSE]         = { "purpose",         APP_GROUP_TRAVEL },
};

static const char *const app_top_keys[] = {
	"kind", "office", "applicant", "passport", "travel", NULL
};
static const char *const app_applicant_keys[] = {
	"full_name", "nik", "kk_number", "npwp", "birth_date", "birth_place",
	"sex", "phone", "address", "mother_name", NULL
};
static const char *const app_passport_keys[] = {
	"type", "previous_number", NULL
};
static const char *const app_travel_keys[] = {
	"origin", "destination", "depart_on", "return_on", "purpose", NULL
};

/* Office codes of migrations/0001: "ABC" or "ABC-DEF". */
#define APP_OFFICE_MAX 7

const char *
app_field_name(enum app_field f)
{
	return app_fields[f].name;
}

enum app_field_group
app_field_group(enum app_field f)
{
	return app_fields[f].group;
}

/* A required string field into in->field[f]. 0 or -1 (422 in res). */
static int
app_read(arena *a, const json_t *obj, const char *prefix, enum app_field f,
    enum pipe_json_need need, struct app_application_input *in,
    struct pipe_response *res)
{
	return pipe_json_string(a, obj, prefix, app_fields[f].name, need,
	    &in->field[f], NULL, res);
}

/* A free-text field: read and checked with validate_text(max). */
static int
app_read_text(arena *a, const json_t *obj, const char *prefix,
    enum app_field f, size_t max, struct app_application_input *in,
    struct pipe_response *res)
{
	enum validate_result r;

	if (app_read(a, obj, prefix, f, PIPE_JSON_REQUIRED, in, res) != 0)
		return -1;
	if ((r = validate_text(in->field[f], max)) != VALIDATE_OK)
		return pipe_json_refuse(a, res, prefix, app_fields[f].name, validate_message(r));
	return 0;
}

/* A NIK-module check's result as a 422 on prefix.key. */
static int
app_nik_fault(arena *a, struct pipe_response *res, const char *prefix,
    enum app_field f, enum nik_result r)
{
	if (r == NIK_OK)
		return 0;
	return pipe_json_refuse(a, res, prefix, app_fields[f].name, nik_message(r));
}

/* full_name, birth_date, sex: what the NIK is then checked against. */
static int
app_parse_person(arena *a, const json_t *obj, const char *p,
    const struct validate_date *today, struct app_application_input *in,
    struct pipe_response *res)
{
	const char *sex;
	enum validate_result r;

	if (app_read_text(a, obj, p, APP_F_FULL_NAME, VALIDATE_NAME_MAX, in,
	    res) != 0 ||
	    app_read(a, obj, p, APP_F_BIRTH_DATE, PIPE_JSON_REQUIRED, in, res) != 0)
		return -1;
	r = validate_birth_date(in->field[APP_F_BIRTH_DATE], today, NULL);
	if (r != VALIDATE_OK)
		return pipe_json_refuse(a, res, p, "birth_date", validate_message(r));
	if (app_read(a, obj, p, APP_F_SEX, PIPE_JSON_REQUIRED, in, res) != 0)
		return -1;
	sex = in->field[APP_F_SEX];
	if (strcmp(sex, "M") != 0 && strcmp(sex, "F") != 0)
		return pipe_json_refuse(a, res, p, "sex", "must be \"M\" or \"F\"");
	return 0;
}

/* nik, kk_number, npwp (optional). */
static int
app_parse_numbers(arena *a, const json_t *obj, const char *p,
    struct app_application_input *in, struct pipe_response *res)
{
	const char *nik;

	if (app_read(a, obj, p, APP_F_NIK, PIPE_JSON_REQUIRED, in, res) != 0)
		return -1;
	nik = in->field[APP_F_NIK];
	if (app_nik_fault(a, res, p, APP_F_NIK, nik_check(nik,
	    in->field[APP_F_BIRTH_DATE], in->field[APP_F_SEX][0])) != 0 ||
	    app_read(a, obj, p, APP_F_KK_NUMBER, PIPE_JSON_REQUIRED, in, res) != 0 ||
	    app_nik_fault(a, res, p, APP_F_KK_NUMBER,
	    nik_check_kk(in->field[APP_F_KK_NUMBER])) != 0 ||
	    app_read(a, obj, p, APP_F_NPWP, PIPE_JSON_OPTIONAL, in, res) != 0)
		return -1;
	if (in->field[APP_F_NPWP] != NULL &&
	    app_nik_fault(a, res, p, APP_F_NPWP,
	    nik_check_npwp(in->field[APP_F_NPWP], nik)) != 0)
		return -1;
	return 0;
}

static int
app_parse_applicant(arena *a, const json_t *body,
    const struct validate_date *today, struct app_application_input *in,
    struct pipe_response *res)
{
	const char *p = "applicant";
	json_t *obj;
	enum validate_result r;

	if (pipe_json_object(a, body, NULL, p, PIPE_JSON_REQUIRED, &obj, res) != 0 ||
	    pipe_json_known(a, obj, p, app_applicant_keys, res) != 0 ||
	    app_parse_person(a, obj, p, today, in, res) != 0 ||
	    app_parse_numbers(a, obj, p, in, res) != 0 ||
	    app_read_text(a, obj, p, APP_F_BIRTH_PLACE, VALIDATE_BIRTH_PLACE_MAX,
	    in, res) != 0 ||
	    app_read(a, obj, p, APP_F_PHONE, PIPE_JSON_REQUIRED, in, res) != 0)
		return -1;
	if ((r = validate_phone(in->field[APP_F_PHONE])) != VALIDATE_OK)
		return pipe_json_refuse(a, res, p, "phone", validate_message(r));
	if (app_read_text(a, obj, p, APP_F_ADDRESS, VALIDATE_ADDRESS_MAX, in,
	    res) != 0 ||
	    app_read_text(a, obj, p, APP_F_MOTHER_NAME, VALIDATE_NAME_MAX, in,
	    res) != 0)
		return -1;
	return 0;
}

/* "passport": {"type", "previous_number" (renewal only)}. */
static int
app_parse_passport(arena *a, const json_t *obj,
    struct app_application_input *in, struct pipe_response *res)
{
	const char *p = "passport";
	const char *type;

	if (pipe_json_known(a, obj, p, app_passport_keys, res) != 0 ||
	    pipe_json_string(a, obj, p, "type", PIPE_JSON_REQUIRED, &type, NULL,
	    res) != 0)
		return -1;
	if (strcmp(type, "new") != 0 && strcmp(type, "renewal") != 0)
		return pipe_json_refuse(a, res, p, "type",
		    "must be \"new\" or \"renewal\"");
	in->passport_type = type;
	if (strcmp(type, "new") == 0) {
		if (json_object_get(obj, "previous_number") != NULL &&
		    !json_is_null(json_object_get(obj, "previous_number")))
			return pipe_json_refuse(a, res, p, "previous_number",
			    "is only for a renewal");
		return 0;
	}
	return app_read_text(a, obj, p, APP_F_PREVIOUS_NUMBER,
	    VALIDATE_NAME_MAX, in, res);
}

/* "travel": {"origin", "destination", "depart_on", "return_on", "purpose"}. */
static int
app_parse_travel(arena *a, const json_t *obj,
    const struct validate_date *today, struct app_application_input *in,
    struct pipe_response *res)
{
	const char *p = "travel";
	struct validate_date depart;
	enum validate_result r;

	if (pipe_json_known(a, obj, p, app_travel_keys, res) != 0 ||
	    app_read_text(a, obj, p, APP_F_ORIGIN, VALIDATE_NAME_MAX, in, res) != 0 ||
	    app_read_text(a, obj, p, APP_F_DESTINATION, VALIDATE_NAME_MAX, in,
	    res) != 0 ||
	    app_read(a, obj, p, APP_F_DEPART_ON, PIPE_JSON_REQUIRED, in, res) != 0)
		return -1;
	r = validate_depart_on(in->field[APP_F_DEPART_ON], today, &depart);
	if (r != VALIDATE_OK)
		return pipe_json_refuse(a, res, p, "depart_on", validate_message(r));
	if (app_read(a, obj, p, APP_F_RETURN_ON, PIPE_JSON_REQUIRED, in, res) != 0)
		return -1;
	r = validate_return_on(in->field[APP_F_RETURN_ON], &depart, NULL);
	if (r != VALIDATE_OK)
		return pipe_json_refuse(a, res, p, "return_on", validate_message(r));
	return app_read_text(a, obj, p, APP_F_PURPOSE, VALIDATE_PURPOSE_MAX, in,
	    res);
}

/* kind and office: the plaintext workflow fields. */
static int
app_parse_head(arena *a, const json_t *body, struct app_application_input *in,
    struct pipe_response *res)
{
	const char *kind, *office;
	size_t len;

	if (pipe_json_string(a, body, NULL, "kind", PIPE_JSON_REQUIRED, &kind,
	    NULL, res) != 0)
		return -1;
	if (strcmp(kind, "passport") == 0)
		in->kind = APP_KIND_PASSPORT;
	else if (strcmp(kind, "travel_permit") == 0)
		in->kind = APP_KIND_TRAVEL_PERMIT;
	else
		return pipe_json_refuse(a, res, NULL, "kind",
		    "must be \"passport\" or \"travel_permit\"");
	in->kind_name = kind;
	if (pipe_json_string(a, body, NULL, "office", PIPE_JSON_REQUIRED, &office,
	    &len, res) != 0)
		return -1;
	if (len == 0 || len > APP_OFFICE_MAX)
		return pipe_json_refuse(a, res, NULL, "office", "is not an office");
	in->office = office;
	return 0;
}

/* The passport or travel object: required for its kind, refused otherwise. */
static int
app_parse_kind_part(arena *a, const json_t *body,
    const struct validate_date *today, struct app_application_input *in,
    struct pipe_response *res)
{
	int passport = in->kind == APP_KIND_PASSPORT;
	json_t *pp, *tr;

	if (pipe_json_object(a, body, NULL, "passport",
	    passport ? PIPE_JSON_REQUIRED : PIPE_JSON_OPTIONAL, &pp, res) != 0 ||
	    pipe_json_object(a, body, NULL, "travel",
	    passport ? PIPE_JSON_OPTIONAL : PIPE_JSON_REQUIRED, &tr, res) != 0)
		return -1;
	if (passport && tr != NULL)
		return pipe_json_refuse(a, res, NULL, "travel",
		    "is only for a travel_permit application");
	if (!passport && pp != NULL)
		return pipe_json_refuse(a, res, NULL, "passport",
		    "is only for a passport application");
	return passport ? app_parse_passport(a, pp, in, res) :
	    app_parse_travel(a, tr, today, in, res);
}

int
app_application_parse(arena *a, const json_t *body,
    const struct validate_date *today, struct app_application_input *out,
    struct pipe_response *res)
{
	memset(out, 0, sizeof(*out));
	if (pipe_json_known(a, body, NULL, app_top_keys, res) != 0 ||
	    app_parse_head(a, body, out, res) != 0 ||
	    app_parse_applicant(a, body, today, out, res) != 0 ||
	    app_parse_kind_part(a, body, today, out, res) != 0)
		return -1;
	return 0;
}
