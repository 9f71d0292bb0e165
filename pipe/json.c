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

/*
 * The value of `key`, or NULL when it is absent or JSON null. -1 with 422
 * when a required field is missing; 0 otherwise (*out may then be NULL for
 * an optional field).
 */
static int
pipe_json_field(arena *a, const json_t *obj, const char *prefix,
    const char *key, enum pipe_json_need need, json_t **out,
    struct pipe_response *res)
{
	json_t *v = json_object_get(obj, key);

	if (v != NULL && json_is_null(v))
		v = NULL;
	*out = v;
	if (v == NULL && need == PIPE_JSON_REQUIRED)
		return pipe_json_refuse(a, res, prefix, key, "is required");
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
	const char *s;
	size_t n;

	*out = NULL;
	if (len != NULL)
		*len = 0;
	if (pipe_json_field(a, obj, prefix, key, need, &v, res) != 0)
		return -1;
	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return pipe_json_refuse(a, res, prefix, key, "must be a string");
	s = json_string_value(v);
	n = json_string_length(v);
	if (strlen(s) != n)   /* only if the parser allowed \u0000 */
		return pipe_json_refuse(a, res, prefix, key,
		    "must not contain NUL characters");
	*out = s;
	if (len != NULL)
		*len = n;
	return 0;
}

int
pipe_json_integer(arena *a, const json_t *obj, const char *prefix,
    const char *key, enum pipe_json_need need, long long *out, int *present,
    struct pipe_response *res)
{
	json_t *v;

	if (present != NULL)
		*present = 0;
	if (pipe_json_field(a, obj, prefix, key, need, &v, res) != 0)
		return -1;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v))
		return pipe_json_refuse(a, res, prefix, key,
		    "must be an integer");
	*out = (long long)json_integer_value(v);
	if (present != NULL)
		*present = 1;
	return 0;
}

int
pipe_json_object(arena *a, const json_t *obj, const char *prefix,
    const char *key, enum pipe_json_need need, json_t **out,
    struct pipe_response *res)
{
	json_t *v;

	*out = NULL;
	if (pipe_json_field(a, obj, prefix, key, need, &v, res) != 0)
		return -1;
	if (v == NULL)
		return 0;
	if (!json_is_object(v))
		return pipe_json_refuse(a, res, prefix, key,
		    "must be an object");
	*out = v;
	return 0;
}
