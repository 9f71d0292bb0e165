/*
 * json — typed, strict reading of a request body (invariant 8).
 *
 * A handler takes the body with pipe_json_body(), refuses unknown keys with
 * pipe_json_known(), then reads each field with a typed getter. Every refusal
 * fills the response with the HTTP API's error and returns -1, so a handler's
 * reading code is a run of `if (...) return 0;` lines:
 *
 *   missing body, or a body that is not an object   400 bad_request
 *   a key not in the known list                      422 invalid, field "a.b"
 *   a required field missing (or JSON null)          422 invalid, field named
 *   a field of the wrong type                        422 invalid, field named
 *
 * Field paths are dotted: a getter's `prefix` is the path of the object it
 * reads ("" or NULL at the top level, "applicant" inside it). Paths and
 * strings handed out live in the request arena (or in the body, which lives
 * there too). Messages are static and never contain the value.
 */
#ifndef PERMIT_PIPE_JSON_H
#define PERMIT_PIPE_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "pipe/pipe.h"

/* Whether a field must be present. An optional field given as JSON null
 * counts as absent. */
enum pipe_json_need {
	PIPE_JSON_REQUIRED,
	PIPE_JSON_OPTIONAL
};

/*
 * The request's body as a JSON object in *out. 0; or -1 with 400
 * bad_request in res when there is no body or it is not an object.
 */
int pipe_json_body(const struct pipe_request *req, struct pipe_response *res,
    json_t **out) __attribute__((warn_unused_result));

/*
 * Refuses any key of `obj` not in `known` (a NULL-terminated list of static
 * names). 0; or -1 with 422 invalid naming "prefix.key" of the first unknown
 * key (in Jansson's iteration order).
 */
int pipe_json_known(arena *a, const json_t *obj, const char *prefix,
    const char *const known[], struct pipe_response *res)
    __attribute__((warn_unused_result));

/*
 * A string field: *out points into the body (NUL-terminated, no embedded
 * NUL) and, if len is not NULL, *len gets its length in bytes. An absent
 * optional field gives *out = NULL. 0, or -1 with 422 in res.
 */
int pipe_json_string(arena *a, const json_t *obj, const char *prefix,
    const char *key, enum pipe_json_need need, const char **out, size_t *len,
    struct pipe_response *res) __attribute__((warn_unused_result));

/*
 * An integer field (a JSON integer, not a real or a string). *present (may be
 * NULL) is set to 1 when the field was there, 0 when an optional field was
 * absent (then *out is untouched). 0, or -1 with 422 in res.
 */
int pipe_json_integer(arena *a, const json_t *obj, const char *prefix,
    const char *key, enum pipe_json_need need, long long *out, int *present,
    struct pipe_response *res) __attribute__((warn_unused_result));

/*
 * A nested object field: *out borrows it from `obj` (NULL when an optional
 * field is absent). 0, or -1 with 422 in res.
 */
int pipe_json_object(arena *a, const json_t *obj, const char *prefix,
    const char *key, enum pipe_json_need need, json_t **out,
    struct pipe_response *res) __attribute__((warn_unused_result));

/*
 * "prefix.key" (or "key" when prefix is NULL or empty) in the arena: the
 * `field` of a 422 body.
 */
const char *pipe_json_path(arena *a, const char *prefix, const char *key);

/*
 * A 422 invalid for the field prefix.key with `message`, a static text that
 * states the rule and never the value (validate_message() gives one per
 * failed check). Always returns -1, so reading code can
 * `return pipe_json_refuse(...)`.
 */
int pipe_json_refuse(arena *a, struct pipe_response *res, const char *prefix,
    const char *key, const char *message);

#endif
