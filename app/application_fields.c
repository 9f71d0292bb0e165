/*
 * application_fields — reading and validating an application body
 * (contract in application_fields.h).
 */
#include "app/application_fields.h"

#include <stdlib.h>
#include <string.h>

#include "pipe/json.h"
#include "app/nik.h"

/* How a field is judged (RULE of db/sql/sealed_fields.h). */
enum app_rule {
	APP_RULE_TEXT,          /* validate_text() up to the list's limit */
	APP_RULE_NIK,           /* agrees with birth_date and sex */
	APP_RULE_KK,
	APP_RULE_NPWP,          /* may be the applicant's NIK */
	APP_RULE_BIRTH_DATE,
	APP_RULE_SEX,
	APP_RULE_PHONE,
	APP_RULE_DEPART_ON,
	APP_RULE_RETURN_ON      /* not before depart_on */
};

/* When a field must be there (NEED of db/sql/sealed_fields.h). */
enum app_need {
	APP_NEED_REQUIRED,
	APP_NEED_OPTIONAL,
	APP_NEED_RENEWAL        /* required for a renewal, refused for a new
	                         * passport */
};

static const struct {
	const char *name;
	enum app_field_group group;
	enum app_rule rule;
	size_t max;             /* APP_RULE_TEXT's limit, in code points */
	enum app_need need;
} app_fields[APP_FIELD_COUNT] = {
#define APP_FIELD_DEF(name, column, field, group, rule, limit, need) \
	[APP_F_##name] = { field, APP_GROUP_##group, APP_RULE_##rule, (limit), \
	    APP_NEED_##need },
	DB_SEALED_FIELDS_APPLICATIONS(APP_FIELD_DEF, )
#undef APP_FIELD_DEF
};

static const char *const app_top_keys[] = {
	"kind", "office", "applicant", "passport", "travel", NULL
};

/* Office codes of migrations/0001: "ABC" or "ABC-DEF". */
#define APP_OFFICE_MAX 7

/* Where judging a body's fields stands. */
struct app_judge {
	arena *a;
	const json_t *obj;                   /* the object at hand */
	const char *prefix;                  /* its path: "applicant", ... */
	const struct validate_date *today;
	struct validate_date depart;         /* once depart_on is judged */
	unsigned char judged[APP_FIELD_COUNT];
	struct app_application_input *in;
	struct pipe_response *res;
};

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

/*
 * The keys an object of group `g` may hold: its fields, then `extra` (a
 * plaintext key, or NULL), NULL-terminated in keys[].
 */
static void
app_group_keys(enum app_field_group g, const char *extra,
    const char *keys[APP_FIELD_COUNT + 2])
{
	size_t n = 0;

	for (int f = 0; f < APP_FIELD_COUNT; f++)
		if (app_fields[f].group == g)
			keys[n++] = app_fields[f].name;
	if (extra != NULL)
		keys[n++] = extra;
	keys[n] = NULL;
}

static int
app_refuse(struct app_judge *j, enum app_field f, const char *message)
{
	return pipe_json_refuse(j->a, j->res, j->prefix, app_fields[f].name,
	    message);
}

/* A validate.h check's result: 0, or -1 with the 422. */
static int
app_valid(struct app_judge *j, enum app_field f, enum validate_result r)
{
	return r == VALIDATE_OK ? 0 : app_refuse(j, f, validate_message(r));
}

/* A nik.h check's result: 0, or -1 with the 422. */
static int
app_nik_valid(struct app_judge *j, enum app_field f, enum nik_result r)
{
	return r == NIK_OK ? 0 : app_refuse(j, f, nik_message(r));
}

/*
 * Reads field `f` of j->obj into in->field[f] by its need (NULL when it may
 * be, and is, absent). 0, or -1 with the 422.
 */
static int
app_read(struct app_judge *j, enum app_field f)
{
	enum pipe_json_need need = PIPE_JSON_REQUIRED;
	const json_t *v;

	switch (app_fields[f].need) {
	case APP_NEED_REQUIRED:
		break;
	case APP_NEED_OPTIONAL:
		need = PIPE_JSON_OPTIONAL;
		break;
	case APP_NEED_RENEWAL:
		if (j->in->passport_type != NULL &&
		    strcmp(j->in->passport_type, "renewal") == 0)
			break;
		v = json_object_get(j->obj, app_fields[f].name);
		if (v != NULL && !json_is_null(v))
			return app_refuse(j, f, "is only for a renewal");
		return 0;
	}
	return pipe_json_string(j->a, j->obj, j->prefix, app_fields[f].name,
	    need, &j->in->field[f], NULL, j->res);
}

/* Checks the value read of `f` by its rule. 0, or -1 with the 422. */
static int
app_check(struct app_judge *j, enum app_field f)
{
	const char *const *field = j->in->field;
	const char *v = field[f];

	switch (app_fields[f].rule) {
	case APP_RULE_TEXT:
		return app_valid(j, f, validate_text(v, app_fields[f].max));
	case APP_RULE_NIK:
		return app_nik_valid(j, f, nik_check(v, field[APP_F_BIRTH_DATE],
		    field[APP_F_SEX][0]));
	case APP_RULE_KK:
		return app_nik_valid(j, f, nik_check_kk(v));
	case APP_RULE_NPWP:
		return app_nik_valid(j, f, nik_check_npwp(v, field[APP_F_NIK]));
	case APP_RULE_BIRTH_DATE:
		return app_valid(j, f, validate_birth_date(v, j->today, NULL));
	case APP_RULE_SEX:
		if (strcmp(v, "M") == 0 || strcmp(v, "F") == 0)
			return 0;
		return app_refuse(j, f, "must be \"M\" or \"F\"");
	case APP_RULE_PHONE:
		return app_valid(j, f, validate_phone(v));
	case APP_RULE_DEPART_ON:
		return app_valid(j, f, validate_depart_on(v, j->today,
		    &j->depart));
	case APP_RULE_RETURN_ON:
		return app_valid(j, f, validate_return_on(v, &j->depart, NULL));
	}
	abort();   /* every rule is a case above */
}

static int app_judge_field(struct app_judge *j, enum app_field f);

/*
 * The fields a rule compares `f` with, all in f's own object, judged before
 * it: a body is refused for the birth date before a NIK that must agree
 * with it, and a rule sees only values that passed their own.
 */
static int
app_judge_inputs(struct app_judge *j, enum app_field f)
{
	switch (app_fields[f].rule) {
	case APP_RULE_NIK:
		if (app_judge_field(j, APP_F_BIRTH_DATE) != 0)
			return -1;
		return app_judge_field(j, APP_F_SEX);
	case APP_RULE_NPWP:
		return app_judge_field(j, APP_F_NIK);
	case APP_RULE_RETURN_ON:
		return app_judge_field(j, APP_F_DEPART_ON);
	default:
		return 0;
	}
}

/* Field `f` read and checked, once. 0, or -1 with the 422. */
static int
app_judge_field(struct app_judge *j, enum app_field f)
{
	if (j->judged[f])
		return 0;
	j->judged[f] = 1;
	if (app_judge_inputs(j, f) != 0 || app_read(j, f) != 0)
		return -1;
	return j->in->field[f] != NULL ? app_check(j, f) : 0;
}

/*
 * Turns to object `obj` at `prefix`, of group `g`, refusing any key but its
 * fields and `extra` (its one plaintext key, or NULL). 0, or -1 with the 422.
 */
static int
app_judge_enter(struct app_judge *j, const json_t *obj, const char *prefix,
    enum app_field_group g, const char *extra)
{
	const char *keys[APP_FIELD_COUNT + 2];

	j->obj = obj;
	j->prefix = prefix;
	app_group_keys(g, extra, keys);
	return pipe_json_known(j->a, obj, prefix, keys, j->res);
}

/* The fields of group `g` in the list's order, save that a rule's inputs
 * go first (app_judge_inputs). 0, or -1 with the 422. */
static int
app_judge_group(struct app_judge *j, enum app_field_group g)
{
	for (int f = 0; f < APP_FIELD_COUNT; f++)
		if (app_fields[f].group == g &&
		    app_judge_field(j, (enum app_field)f) != 0)
			return -1;
	return 0;
}

static int
app_parse_applicant(struct app_judge *j, const json_t *body)
{
	json_t *obj;

	if (pipe_json_object(j->a, body, NULL, "applicant", PIPE_JSON_REQUIRED,
	    &obj, j->res) != 0 ||
	    app_judge_enter(j, obj, "applicant", APP_GROUP_APPLICANT, NULL) != 0)
		return -1;
	return app_judge_group(j, APP_GROUP_APPLICANT);
}

/* "passport": {"type", then its sealed fields (by type)}. */
static int
app_parse_passport(struct app_judge *j, const json_t *obj)
{
	const char *p = "passport";
	const char *type;

	if (app_judge_enter(j, obj, p, APP_GROUP_PASSPORT, "type") != 0 ||
	    pipe_json_string(j->a, obj, p, "type", PIPE_JSON_REQUIRED, &type,
	    NULL, j->res) != 0)
		return -1;
	if (strcmp(type, "new") != 0 && strcmp(type, "renewal") != 0)
		return pipe_json_refuse(j->a, j->res, p, "type",
		    "must be \"new\" or \"renewal\"");
	j->in->passport_type = type;
	return app_judge_group(j, APP_GROUP_PASSPORT);
}

static int
app_parse_travel(struct app_judge *j, const json_t *obj)
{
	if (app_judge_enter(j, obj, "travel", APP_GROUP_TRAVEL, NULL) != 0)
		return -1;
	return app_judge_group(j, APP_GROUP_TRAVEL);
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
app_parse_kind_part(struct app_judge *j, const json_t *body)
{
	arena *a = j->a;
	struct pipe_response *res = j->res;
	int passport = j->in->kind == APP_KIND_PASSPORT;
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
	return passport ? app_parse_passport(j, pp) : app_parse_travel(j, tr);
}

int
app_application_parse(arena *a, const json_t *body,
    const struct validate_date *today, struct app_application_input *out,
    struct pipe_response *res)
{
	struct app_judge j = { .a = a, .today = today, .in = out, .res = res };

	memset(out, 0, sizeof(*out));
	if (pipe_json_known(a, body, NULL, app_top_keys, res) != 0 ||
	    app_parse_head(a, body, out, res) != 0 ||
	    app_parse_applicant(&j, body) != 0 ||
	    app_parse_kind_part(&j, body) != 0)
		return -1;
	return 0;
}
