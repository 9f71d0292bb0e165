/*
 * json — typed, strict reading of a request body (docs/DESIGN.md
 * invariant 8).
 *
 * A handler takes the body with pipe_json_body(), refuses unknown keys with
 * pipe_json_known(), then reads each field with a typed getter. A body that
 * is not an object is a 400 at once; everything else a getter refuses is
 * reported into the request's collector (pipe/invalid.h) and reading goes
 * on, so one 422 names every field at fault:
 *
 *   missing body, or a body that is not an object   400 bad_request
 *   a key not in the known list                      unknown_field, "a.b"
 *   a required field missing (or JSON null)          required
 *   a field of the wrong type                        type
 *   a string with a NUL character                    control_character
 *
 * Field paths are dotted: a getter's `prefix` is the path of the object it
 * reads ("" or NULL at the top level, "applicant" inside it). Strings
 * handed out live in the body (the request arena).
 */
#ifndef PERMIT_PIPE_JSON_H
#define PERMIT_PIPE_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "pipe/invalid.h"
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
 * Reports every key of `obj` not in `known` (a NULL-terminated list of
 * static names) as "prefix.key", unknown_field, in the body's order.
 * 0 when there is none, else -1.
 */
int pipe_json_known(struct pipe_invalid *inv, const json_t *obj,
    const char *prefix, const char *const known[]);

/*
 * A string field: *out points into the body (NUL-terminated, no embedded
 * NUL) and, if len is not NULL, *len gets its length in bytes. *out is NULL
 * when an optional field is absent, and when the field was refused.
 * 0, or -1 with the refusal reported.
 */
int pipe_json_string(struct pipe_invalid *inv, const json_t *obj,
    const char *prefix, const char *key, enum pipe_json_need need,
    const char **out, size_t *len);

/*
 * The same, reporting nothing: RULE_NONE, or the rule the field broke
 * (RULE_REQUIRED, RULE_STRING, RULE_CONTROL), for a caller that orders its
 * own reports.
 */
enum rule pipe_json_string_rule(const json_t *obj, const char *key,
    enum pipe_json_need need, const char **out, size_t *len);

/*
 * An integer field (a JSON integer, not a real or a string). *present (may be
 * NULL) is set to 1 when the field was there and good, 0 otherwise (then
 * *out is untouched). 0, or -1 with the refusal reported.
 */
int pipe_json_integer(struct pipe_invalid *inv, const json_t *obj,
    const char *prefix, const char *key, enum pipe_json_need need,
    long long *out, int *present);

/*
 * A nested object field: *out borrows it from `obj` (NULL when an optional
 * field is absent, or when it was refused). 0, or -1 with the refusal
 * reported.
 */
int pipe_json_object(struct pipe_invalid *inv, const json_t *obj,
    const char *prefix, const char *key, enum pipe_json_need need,
    json_t **out);

#endif
