/*
 * fuzz_json — libFuzzer over the typed reading of a JSON body (pipe/json.c)
 * and the collector that answers its refusals as one 422 (pipe/invalid.c,
 * core/rule.c).
 *
 * An input is one byte of settings (bit 0: Jansson's JSON_ALLOW_NUL, which
 * the edge never gives, so the getters' own refusal of a NUL is reached
 * too), then JSON text, loaded as the edge loads a body.
 *
 * Every key of every object (to a depth of 8), and a few keys no object has,
 * is read with each getter, required and optional; each object's keys are
 * checked against a known list. Invariants: a body that is not an object is
 * 400; each getter answers by Jansson's own view of the value (absent or
 * null: required is refused, optional gives NULL; the right type: the value,
 * a string's length its length; else its type's rule) and reports exactly
 * one entry when it refuses, none when not; pipe_json_known reports each
 * unknown key once; the 422 lists every report in order, with its dotted
 * field, its rule's reason and message, and the first one as error.field
 * and error.message.
 */
#include "tests/fuzz/fuzz.h"

#include "pipe/invalid.h"
#include "pipe/json.h"

#define FZ_DEPTH 8
#define FZ_REPORTS_MAX 4096

static const char *const fz_known[] = { "email", "password", "kind",
    "applicant", "date", "reason", NULL };
static const char *const fz_absent[] = { "nik", "", "a.b", NULL };

/* The reports the collector must hold, in order. */
struct fz_expect {
	const char *field[FZ_REPORTS_MAX];
	enum rule rule[FZ_REPORTS_MAX];
	size_t n;
};

static void
fz_init(void)
{
}

/* "prefix.key", or "key" when prefix is NULL or "" (pipe/invalid.h). */
static const char *
fz_path(const char *prefix, const char *key)
{
	return prefix == NULL || *prefix == '\0' ? key :
	    arena_printf(fuzz_arena, "%s.%s", prefix, key);
}

static void
fz_record(struct fz_expect *x, const char *prefix, const char *key,
    enum rule rule)
{
	if (rule == RULE_NONE || x->n == FZ_REPORTS_MAX)
		return;
	x->field[x->n] = fz_path(prefix, key);
	x->rule[x->n++] = rule;
}

/* `rule` is what the getter must have reported (RULE_NONE: nothing). */
static void
fz_expect(struct fz_expect *x, const struct pipe_invalid *inv,
    size_t before, const char *prefix, const char *key, enum rule rule)
{
	FUZZ_CHECK(pipe_invalid_count(inv) == before + (rule != RULE_NONE));
	fz_record(x, prefix, key, rule);
}

/* The rule a value `v` breaks for a getter of `type`, by Jansson. */
static enum rule
fz_rule(const json_t *v, enum pipe_json_need need, json_type type)
{
	if (v == NULL || json_is_null(v))
		return need == PIPE_JSON_REQUIRED ? RULE_REQUIRED : RULE_NONE;
	if (json_typeof(v) != type)
		return type == JSON_STRING ? RULE_STRING :
		    type == JSON_INTEGER ? RULE_INTEGER : RULE_OBJECT;
	if (type == JSON_STRING &&
	    strlen(json_string_value(v)) != json_string_length(v))
		return RULE_CONTROL;
	return RULE_NONE;
}

/* Each getter on `key` of `obj`, both needs. */
static void
fz_get(struct fz_expect *x, struct pipe_invalid *inv, const json_t *obj,
    const char *prefix, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	for (int need = PIPE_JSON_REQUIRED; need <= PIPE_JSON_OPTIONAL; need++) {
		enum pipe_json_need nd = (enum pipe_json_need)need;
		const char *s = "unset";
		size_t len = 1, before = pipe_invalid_count(inv);
		long long i = 42;
		int present = -1, rc;
		json_t *o = (json_t *)1;
		enum rule r;

		r = fz_rule(v, nd, JSON_STRING);
		rc = pipe_json_string(inv, obj, prefix, key, nd, &s, &len);
		FUZZ_CHECK(rc == (r == RULE_NONE ? 0 : -1));
		fz_expect(x, inv, before, prefix, key, r);
		FUZZ_CHECK(r == RULE_NONE && json_is_string(v) ?
		    s == json_string_value(v) && len == strlen(s) :
		    s == NULL && len == 0);

		before = pipe_invalid_count(inv);
		r = fz_rule(v, nd, JSON_INTEGER);
		rc = pipe_json_integer(inv, obj, prefix, key, nd, &i, &present);
		FUZZ_CHECK(rc == (r == RULE_NONE ? 0 : -1));
		fz_expect(x, inv, before, prefix, key, r);
		FUZZ_CHECK(present == json_is_integer(v));
		FUZZ_CHECK(present ? i == json_integer_value(v) : i == 42);

		before = pipe_invalid_count(inv);
		r = fz_rule(v, nd, JSON_OBJECT);
		rc = pipe_json_object(inv, obj, prefix, key, nd, &o);
		FUZZ_CHECK(rc == (r == RULE_NONE ? 0 : -1));
		fz_expect(x, inv, before, prefix, key, r);
		FUZZ_CHECK(o == (json_is_object(v) ? v : NULL));
	}
}

static int
fz_is_known(const char *key)
{
	for (size_t i = 0; fz_known[i] != NULL; i++)
		if (strcmp(key, fz_known[i]) == 0)
			return 1;
	return 0;
}

static void
fz_walk(struct fz_expect *x, struct pipe_invalid *inv, const json_t *obj,
    const char *prefix, int depth)
{
	const char *key;
	size_t before = pipe_invalid_count(inv), unknown = 0;
	json_t *v;
	int rc;

	rc = pipe_json_known(inv, obj, prefix, fz_known);
	json_object_foreach((json_t *)obj, key, v) {
		if (fz_is_known(key))
			continue;
		unknown++;
		fz_record(x, prefix, key, RULE_UNKNOWN_FIELD);
	}
	FUZZ_CHECK(pipe_invalid_count(inv) == before + unknown);
	FUZZ_CHECK(rc == (unknown > 0 ? -1 : 0));
	json_object_foreach((json_t *)obj, key, v)
		fz_get(x, inv, obj, prefix, key);
	for (size_t i = 0; fz_absent[i] != NULL; i++)
		if (json_object_get(obj, fz_absent[i]) == NULL)
			fz_get(x, inv, obj, prefix, fz_absent[i]);
	if (depth == FZ_DEPTH)
		return;
	json_object_foreach((json_t *)obj, key, v)
		if (json_is_object(v))
			fz_walk(x, inv, v, fz_path(prefix, key), depth + 1);
}

/* The 422: every report, in order, as its rule says. */
static void
fz_check_answer(const struct fz_expect *x, const struct pipe_invalid *inv)
{
	struct pipe_response res = { 0 };
	json_t *err, *errors, *e;

	if (pipe_invalid_count(inv) == 0) {
		FUZZ_CHECK(pipe_invalid_answer(inv, &res) == 0);
		FUZZ_CHECK(res.status == 0 && res.body == NULL);
		return;
	}
	FUZZ_CHECK(pipe_invalid_answer(inv, &res) == -1 && res.status == 422);
	err = json_object_get(res.body, "error");
	errors = json_object_get(err, "errors");
	FUZZ_CHECK(strcmp(json_string_value(json_object_get(err, "code")),
	    "invalid") == 0);
	FUZZ_CHECK(json_array_size(errors) == pipe_invalid_count(inv));
	for (size_t i = 0; i < x->n; i++) {
		e = json_array_get(errors, i);
		FUZZ_CHECK(strcmp(json_string_value(json_object_get(e, "field")),
		    x->field[i]) == 0);
		FUZZ_CHECK(strcmp(json_string_value(json_object_get(e, "reason")),
		    rule_word(x->rule[i])) == 0);
		FUZZ_CHECK(strcmp(json_string_value(json_object_get(e,
		    "message")), rule_message(x->rule[i])) == 0);
	}
	e = json_array_get(errors, 0);
	FUZZ_CHECK(json_equal(json_object_get(err, "field"),
	    json_object_get(e, "field")));
	FUZZ_CHECK(json_equal(json_object_get(err, "message"),
	    json_object_get(e, "message")));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pipe_request req = { .arena = fuzz_arena };
	struct pipe_response res = { 0 };
	static struct fz_expect x;
	struct pipe_invalid inv;
	json_t *loaded, *body;
	size_t flags;

	if (size == 0)
		return 0;
	flags = JSON_REJECT_DUPLICATES | (data[0] & 1 ? JSON_ALLOW_NUL : 0);
	loaded = json_loadb((const char *)data + 1, size - 1, flags, NULL);
	req.body = json_is_object(loaded) ? loaded : NULL;
	if (pipe_json_body(&req, &res, &body) != 0) {
		FUZZ_CHECK(req.body == NULL && body == NULL);
		FUZZ_CHECK(res.status == 400);
		fuzz_done();
		return 0;
	}
	FUZZ_CHECK(body == req.body && res.status == 0);
	x.n = 0;
	pipe_invalid_init(&inv, fuzz_arena);
	fz_walk(&x, &inv, body, NULL, 0);
	fz_check_answer(&x, &inv);
	fuzz_done();
	return 0;
}
