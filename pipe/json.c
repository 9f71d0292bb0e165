/*
 * json — strict, typed reading of request bodies (contract in json.h).
 */
#include "pipe/json.h"

#include <string.h>

int
pipe_json_refuse(arena *a, struct pipe_response *res, const char *prefix,
    const char *key, const char *message)
{
	pipe_error(res, 422, "invalid", message, pipe_json_path(a, prefix, key));
	return -1;
}

/* The refusal of a value that is not a `type`. */
static const char *
pipe_json_must(json_type type)
{
	switch (type) {
	case JSON_STRING:
		return "must be a string";
	case JSON_INTEGER:
		return "must be an integer";
	default:
		return "must be an object";
	}
}

/*
 * The value of `key` in *out when it is a `type` (JSON_STRING, JSON_INTEGER
 * or JSON_OBJECT), or NULL when it is absent or JSON null. -1 with 422 when
 * a required field is missing or the value is of another type; 0 otherwise
 * (*out may then be NULL for an optional field).
 */
static int
pipe_json_field(arena *a, const json_t *obj, const char *prefix,
    const char *key, enum pipe_json_need need, json_type type, json_t **out,
    struct pipe_response *res)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return need == PIPE_JSON_REQUIRED ?
		    pipe_json_refuse(a, res, prefix, key, "is required") : 0;
	if (json_typeof(v) != type)
		return pipe_json_refuse(a, res, prefix, key,
		    pipe_json_must(type));
	*out = v;
	return 0;
}

const char *
pipe_json_path(arena *a, const char *prefix, const char *key)
{
	if (prefix == NULL || *prefix == '\0')
		return arena_strdup(a, key);
	return arena_printf(a, "%s.%s", prefix, key);
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
pipe_json_known(arena *a, const json_t *obj, const char *prefix,
    const char *const known[], struct pipe_response *res)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		(void)v;
		if (!pipe_json_is_known(key, known))
			return pipe_json_refuse(a, res, prefix, key,
			    "is not a known field");
	}
	return 0;
}

int
pipe_json_string(arena *a, const json_t *obj, const char *prefix,
    const char *key, enum pipe_json_need need, const char **out, size_t *len,
    struct pipe_response *res)
{
	json_t *v;
	int rc = pipe_json_field(a, obj, prefix, key, need, JSON_STRING, &v, res);

	*out = NULL;
	if (len != NULL)
		*len = 0;
	if (v == NULL)
		return rc;
	/* Only if the parser allowed \u0000. */
	if (strlen(json_string_value(v)) != json_string_length(v))
		return pipe_json_refuse(a, res, prefix, key,
		    "must not contain NUL characters");
	*out = json_string_value(v);
	if (len != NULL)
		*len = json_string_length(v);
	return 0;
}

int
pipe_json_integer(arena *a, const json_t *obj, const char *prefix,
    const char *key, enum pipe_json_need need, long long *out, int *present,
    struct pipe_response *res)
{
	json_t *v;
	int rc = pipe_json_field(a, obj, prefix, key, need, JSON_INTEGER, &v, res);

	if (v != NULL)
		*out = (long long)json_integer_value(v);
	if (present != NULL)
		*present = v != NULL;
	return rc;
}

int
pipe_json_object(arena *a, const json_t *obj, const char *prefix,
    const char *key, enum pipe_json_need need, json_t **out,
    struct pipe_response *res)
{
	return pipe_json_field(a, obj, prefix, key, need, JSON_OBJECT, out, res);
}
