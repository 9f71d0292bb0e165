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
	struct pipe_invalid *inv;
	const json_t *obj;                   /* the object at hand */
	const char *prefix;                  /* its path: "applicant", ... */
	const struct validate_date *today;
	struct validate_date depart;         /* when depart_on is a date */
	int has_depart;
	int kind_known;                      /* in->kind is the body's */
	unsigned char judged[APP_FIELD_COUNT];
	enum rule fault[APP_FIELD_COUNT];    /* what each field broke */
	struct app_application_input *in;
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

/* 1 when field `f` was judged and is good: a rule may compare with it. */
static int
app_good(const struct app_judge *j, enum app_field f)
{
	return j->in->field[f] != NULL && j->fault[f] == RULE_NONE;
}

/*
 * Reads field `f` of j->obj into in->field[f] by its need (NULL when it may
 * be, and is, absent): RULE_NONE or the rule its reading broke. A renewal's
 * field is optional while the passport's type is unknown.
 */
static enum rule
app_read(struct app_judge *j, enum app_field f)
{
	enum pipe_json_need need = PIPE_JSON_REQUIRED;
	const char *type = j->in->passport_type;
	const json_t *v;

	switch (app_fields[f].need) {
	case APP_NEED_REQUIRED:
		break;
	case APP_NEED_OPTIONAL:
		need = PIPE_JSON_OPTIONAL;
		break;
	case APP_NEED_RENEWAL:
		if (type == NULL)
			need = PIPE_JSON_OPTIONAL;
		if (type == NULL || strcmp(type, "renewal") == 0)
			break;
		v = json_object_get(j->obj, app_fields[f].name);
		return v != NULL && !json_is_null(v) ? RULE_RENEWAL_ONLY :
		    RULE_NONE;
	}
	return pipe_json_string_rule(j->obj, app_fields[f].name, need,
	    &j->in->field[f], NULL);
}

/* The NIK against birth_date and sex, where those are good. */
static enum rule
app_check_nik(const struct app_judge *j, const char *v)
{
	const char *const *field = j->in->field;
	const char *birth = app_good(j, APP_F_BIRTH_DATE) ?
	    field[APP_F_BIRTH_DATE] : NULL;
	char sex = app_good(j, APP_F_SEX) ? field[APP_F_SEX][0] : '\0';

	return nik_rule(nik_check(v, birth, sex));
}

/* depart_on's rule; its day kept, when it is one, for return_on's. */
static enum rule
app_check_depart(struct app_judge *j, const char *v)
{
	j->has_depart = validate_date_parse(v, &j->depart) == VALIDATE_OK;
	return rule_depart_on(validate_depart_on(v, j->today, NULL));
}

/* The value read of `f` by its rule: RULE_NONE or the rule it broke. */
static enum rule
app_check(struct app_judge *j, enum app_field f)
{
	const char *v = j->in->field[f];

	switch (app_fields[f].rule) {
	case APP_RULE_TEXT:
		return rule_text(validate_text(v, app_fields[f].max),
		    app_fields[f].max);
	case APP_RULE_NIK:
		return app_check_nik(j, v);
	case APP_RULE_KK:
		return nik_rule(nik_check_kk(v));
	case APP_RULE_NPWP:
		return nik_npwp_rule(nik_check_npwp(v,
		    j->in->field[APP_F_NIK]));
	case APP_RULE_BIRTH_DATE:
		return rule_birth_date(validate_birth_date(v, j->today, NULL));
	case APP_RULE_SEX:
		return strcmp(v, "M") == 0 || strcmp(v, "F") == 0 ? RULE_NONE :
		    RULE_SEX;
	case APP_RULE_PHONE:
		return rule_phone(validate_phone(v));
	case APP_RULE_DEPART_ON:
		return app_check_depart(j, v);
	case APP_RULE_RETURN_ON:
		return rule_return_on(validate_return_on(v,
		    j->has_depart ? &j->depart : j->today, NULL));
	}
	abort();   /* every rule is a case above */
}

static void app_judge_field(struct app_judge *j, enum app_field f);

/*
 * The fields a rule compares `f` with, all in f's own object, judged before
 * it: a rule compares only with values that passed their own.
 */
static void
app_judge_inputs(struct app_judge *j, enum app_field f)
{
	switch (app_fields[f].rule) {
	case APP_RULE_NIK:
		app_judge_field(j, APP_F_BIRTH_DATE);
		app_judge_field(j, APP_F_SEX);
		break;
	case APP_RULE_NPWP:
		app_judge_field(j, APP_F_NIK);
		break;
	case APP_RULE_RETURN_ON:
		app_judge_field(j, APP_F_DEPART_ON);
		break;
	default:
		break;
	}
}

/* Field `f` read and checked, once, its fault in j->fault[f]. */
static void
app_judge_field(struct app_judge *j, enum app_field f)
{
	if (j->judged[f])
		return;
	j->judged[f] = 1;
	app_judge_inputs(j, f);
	j->fault[f] = app_read(j, f);
	if (j->fault[f] == RULE_NONE && j->in->field[f] != NULL)
		j->fault[f] = app_check(j, f);
}

/*
 * Turns to object `obj` at `prefix`, of group `g`, reporting any key but its
 * fields and `extra` (its one plaintext key, or NULL).
 */
static void
app_judge_enter(struct app_judge *j, const json_t *obj, const char *prefix,
    enum app_field_group g, const char *extra)
{
	const char *keys[APP_FIELD_COUNT + 2];

	j->obj = obj;
	j->prefix = prefix;
	app_group_keys(g, extra, keys);
	(void)pipe_json_known(j->inv, obj, prefix, keys);
}

/* The fields of group `g`, each judged (a rule's inputs first), then
 * reported in the list's order. */
static void
app_judge_group(struct app_judge *j, enum app_field_group g)
{
	for (int f = 0; f < APP_FIELD_COUNT; f++)
		if (app_fields[f].group == g)
			app_judge_field(j, (enum app_field)f);
	for (int f = 0; f < APP_FIELD_COUNT; f++)
		if (app_fields[f].group == g)
			(void)pipe_invalid_add(j->inv, j->prefix,
			    app_fields[f].name, j->fault[f]);
}

static void
app_parse_applicant(struct app_judge *j, const json_t *body)
{
	json_t *obj;

	if (pipe_json_object(j->inv, body, NULL, "applicant",
	    PIPE_JSON_REQUIRED, &obj) != 0)
		return;
	app_judge_enter(j, obj, "applicant", APP_GROUP_APPLICANT, NULL);
	app_judge_group(j, APP_GROUP_APPLICANT);
}

/* "passport": {"type", then its sealed fields (by type)}. */
static void
app_parse_passport(struct app_judge *j, const json_t *obj)
{
	const char *p = "passport";
	const char *type;

	app_judge_enter(j, obj, p, APP_GROUP_PASSPORT, "type");
	if (pipe_json_string(j->inv, obj, p, "type", PIPE_JSON_REQUIRED, &type,
	    NULL) == 0) {
		if (strcmp(type, "new") == 0 || strcmp(type, "renewal") == 0)
			j->in->passport_type = type;
		else
			(void)pipe_invalid_add(j->inv, p, "type",
			    RULE_PASSPORT_TYPE);
	}
	app_judge_group(j, APP_GROUP_PASSPORT);
}

static void
app_parse_travel(struct app_judge *j, const json_t *obj)
{
	app_judge_enter(j, obj, "travel", APP_GROUP_TRAVEL, NULL);
	app_judge_group(j, APP_GROUP_TRAVEL);
}

/* kind: the application's, when it is one (j->kind_known). */
static void
app_parse_kind(struct app_judge *j, const json_t *body)
{
	const char *kind;

	if (pipe_json_string(j->inv, body, NULL, "kind", PIPE_JSON_REQUIRED,
	    &kind, NULL) != 0)
		return;
	if (strcmp(kind, "passport") == 0)
		j->in->kind = APP_KIND_PASSPORT;
	else if (strcmp(kind, "travel_permit") == 0)
		j->in->kind = APP_KIND_TRAVEL_PERMIT;
	else {
		(void)pipe_invalid_add(j->inv, NULL, "kind", RULE_KIND);
		return;
	}
	j->kind_known = 1;
	j->in->kind_name = kind;
}

/* office: the shape of an office's code (whether it exists is the
 * caller's to judge, in->office set for it). */
static void
app_parse_office(struct app_judge *j, const json_t *body)
{
	const char *office;
	size_t len;
	enum rule r = RULE_NONE;

	if (pipe_json_string(j->inv, body, NULL, "office", PIPE_JSON_REQUIRED,
	    &office, &len) != 0)
		return;
	if (len == 0)
		r = RULE_EMPTY;
	else if (len > APP_OFFICE_MAX)
		r = RULE_OFFICE;
	if (pipe_invalid_add(j->inv, NULL, "office", r) == 0)
		j->in->office = office;
}

/*
 * The passport or travel object: required for its kind, refused for the
 * other; both judged as they come while the kind is unknown.
 */
static void
app_parse_kind_part(struct app_judge *j, const json_t *body)
{
	int passport = j->kind_known && j->in->kind == APP_KIND_PASSPORT;
	int travel = j->kind_known && j->in->kind == APP_KIND_TRAVEL_PERMIT;
	json_t *pp, *tr;

	(void)pipe_json_object(j->inv, body, NULL, "passport",
	    passport ? PIPE_JSON_REQUIRED : PIPE_JSON_OPTIONAL, &pp);
	(void)pipe_json_object(j->inv, body, NULL, "travel",
	    travel ? PIPE_JSON_REQUIRED : PIPE_JSON_OPTIONAL, &tr);
	if (travel && pp != NULL &&
	    pipe_invalid_add(j->inv, NULL, "passport", RULE_PASSPORT_ONLY) != 0)
		pp = NULL;
	if (passport && tr != NULL &&
	    pipe_invalid_add(j->inv, NULL, "travel", RULE_TRAVEL_ONLY) != 0)
		tr = NULL;
	if (pp != NULL)
		app_parse_passport(j, pp);
	if (tr != NULL)
		app_parse_travel(j, tr);
}

int
app_application_parse(struct pipe_invalid *inv, const json_t *body,
    const struct validate_date *today, struct app_application_input *out)
{
	struct app_judge j = { .inv = inv, .today = today, .in = out };
	size_t before = pipe_invalid_count(inv);

	memset(out, 0, sizeof(*out));
	(void)pipe_json_known(inv, body, NULL, app_top_keys);
	app_parse_kind(&j, body);
	app_parse_office(&j, body);
	app_parse_applicant(&j, body);
	app_parse_kind_part(&j, body);
	return pipe_invalid_count(inv) == before ? 0 : -1;
}
