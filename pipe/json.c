/*
 * json — strict, typed reading of request bodies (contract in json.h).
 */
#include "pipe/json.h"

#include <string.h>

/* The rule a value that is not a `type` breaks. */
static enum rule
pipe_json_must(json_type type)
{
	switch (type) {
	case JSON_STRING:
		return RULE_STRING;
	case JSON_INTEGER:
		return RULE_INTEGER;
	default:
		return RULE_OBJECT;
	}
}

/*
 * The value of `key` in *out when it is a `type` (JSON_STRING, JSON_INTEGER
 * or JSON_OBJECT), else NULL. RULE_NONE (*out NULL when an optional field
 * is absent or JSON null), RULE_REQUIRED or the type's rule.
 */
static enum rule
pipe_json_field(const json_t *obj, const char *key, enum pipe_json_need need,
    json_type type, json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return need == PIPE_JSON_REQUIRED ? RULE_REQUIRED : RULE_NONE;
	if (json_typeof(v) != type)
		return pipe_json_must(type);
	*out = v;
	return RULE_NONE;
}

int
pipe_json_body(const struct pipe_request *req, struct pipe_response *res,
    json_t **out)
{
	*out = NULL;
	if (req->body == NULL || !json_is_object(req->body)) {
		pipe_error(res, 400, "bad_request",
		    "the body must be a JSON object", NULL);
		return -1;
	}
	*out = req->body;
	return 0;
}

static int
pipe_json_is_known(const char *key, const char *const known[])
{
	for (size_t i = 0; known[i] != NULL; i++)
		if (strcmp(key, known[i]) == 0)
			return 1;
	return 0;
}

int
pipe_json_known(struct pipe_invalid *inv, const json_t *obj,
    const char *prefix, const char *const known[])
{
	const char *key;
	json_t *v;
	int rc = 0;

	json_object_foreach((json_t *)obj, key, v) {
		(void)v;
		if (!pipe_json_is_known(key, known))
			rc = pipe_invalid_add(inv, prefix, key,
			    RULE_UNKNOWN_FIELD);
	}
	return rc;
}

enum rule
pipe_json_string_rule(const json_t *obj, const char *key,
    enum pipe_json_need need, const char **out, size_t *len)
{
	json_t *v;
	enum rule r = pipe_json_field(obj, key, need, JSON_STRING, &v);

	*out = NULL;
	if (len != NULL)
		*len = 0;
	if (v == NULL)
		return r;
	/* Only if the parser allowed \u0000. */
	if (strlen(json_string_value(v)) != json_string_length(v))
		return RULE_CONTROL;
	*out = json_string_value(v);
	if (len != NULL)
		*len = json_string_length(v);
	return RULE_NONE;
}

int
pipe_json_string(struct pipe_invalid *inv, const json_t *obj,
    const char *prefix, const char *key, enum pipe_json_need need,
    const char **out, size_t *len)
{
	return pipe_invalid_add(inv, prefix, key,
	    pipe_json_string_rule(obj, key, need, out, len));
}

int
pipe_json_integer(struct pipe_invalid *inv, const json_t *obj,
    const char *prefix, const char *key, enum pipe_json_need need,
    long long *out, int *present)
{
	json_t *v;
	enum rule r = pipe_json_field(obj, key, need, JSON_INTEGER, &v);

	if (v != NULL)
		*out = (long long)json_integer_value(v);
	if (present != NULL)
		*present = v != NULL;
	return pipe_invalid_add(inv, prefix, key, r);
}

int
pipe_json_object(struct pipe_invalid *inv, const json_t *obj,
    const char *prefix, const char *key, enum pipe_json_need need,
    json_t **out)
{
	return pipe_invalid_add(inv, prefix, key,
	    pipe_json_field(obj, key, need, JSON_OBJECT, out));
}
