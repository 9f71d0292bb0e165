/*
 * invalid — a request's field errors, collected, answered as one 422.
 *
 * Every validator reports what it refused as (field, rule) into the
 * request's collector and carries on, so a body's fields that can be judged
 * on their own are all reported at once. The handler then answers:
 *
 *   {"error": {"code": "invalid", "message": M, "field": F,
 *              "errors": [{"field", "reason", "message"}, ...]}}
 *
 * with one entry per refusal in the order they were reported, F and M
 * those of the first. `reason` and `message` come from the rule's row of
 * core/rule.h, never from the value refused.
 *
 * Everything lives in the request arena: the collector holds no static
 * buffer and nothing of it outlives the request.
 */
#ifndef PERMIT_PIPE_INVALID_H
#define PERMIT_PIPE_INVALID_H

#include <stddef.h>

#include "core/arena.h"
#include "core/rule.h"
#include "pipe/pipe.h"

struct pipe_invalid_entry;

/* A request's collector; set up with pipe_invalid_init. */
struct pipe_invalid {
	arena *arena;
	struct pipe_invalid_entry *first, *last;
	size_t n;
};

/* An empty collector whose entries live in `a`. */
void pipe_invalid_init(struct pipe_invalid *inv, arena *a);

/*
 * Reports that field prefix.key (or key, when prefix is NULL or "") broke
 * `rule`. RULE_NONE reports nothing and returns 0; any other rule is
 * recorded and returns -1, so `if (pipe_invalid_add(...) != 0)` reads as
 * "if it was refused".
 */
int pipe_invalid_add(struct pipe_invalid *inv, const char *prefix,
    const char *key, enum rule rule);

/* How many refusals were reported. */
size_t pipe_invalid_count(const struct pipe_invalid *inv);

/*
 * 0 when nothing was reported (res untouched); else -1 with the 422 of
 * every entry in `res`.
 */
int pipe_invalid_answer(const struct pipe_invalid *inv,
    struct pipe_response *res);

/*
 * A 422 of the one refusal (field prefix.key broke `rule`) in `res`, for a
 * rule judged on its own after the body's (a day closed, an office unknown).
 * Returns PIPE_ANSWERED.
 */
enum pipe_status pipe_invalid_refuse(arena *a, struct pipe_response *res,
    const char *prefix, const char *key, enum rule rule);

#endif
