/*
 * invalid — a request's field errors, answered as one 422 (contract in
 * invalid.h).
 */
#include "pipe/invalid.h"

#include <jansson.h>

struct pipe_invalid_entry {
	const char *field;      /* dotted path, in the arena */
	enum rule rule;
	struct pipe_invalid_entry *next;
};

void
pipe_invalid_init(struct pipe_invalid *inv, arena *a)
{
	inv->arena = a;
	inv->first = inv->last = NULL;
	inv->n = 0;
}

/* "prefix.key", or "key" when prefix is NULL or empty, in the arena. */
static const char *
pipe_invalid_path(arena *a, const char *prefix, const char *key)
{
	if (prefix == NULL || *prefix == '\0')
		return arena_strdup(a, key);
	return arena_printf(a, "%s.%s", prefix, key);
}

int
pipe_invalid_add(struct pipe_invalid *inv, const char *prefix,
    const char *key, enum rule rule)
{
	struct pipe_invalid_entry *e;

	if (rule == RULE_NONE)
		return 0;
	e = arena_alloc(inv->arena, sizeof(*e));
	e->field = pipe_invalid_path(inv->arena, prefix, key);
	e->rule = rule;
	e->next = NULL;
	if (inv->last != NULL)
		inv->last->next = e;
	else
		inv->first = e;
	inv->last = e;
	inv->n++;
	return -1;
}

size_t
pipe_invalid_count(const struct pipe_invalid *inv)
{
	return inv->n;
}

/* One entry as {"field","reason","message"}. */
static json_t *
pipe_invalid_entry_json(const struct pipe_invalid_entry *e)
{
	return pipe_oom_check(json_pack("{s:s, s:s, s:s}", "field", e->field,
	    "reason", rule_word(e->rule), "message", rule_message(e->rule)));
}

int
pipe_invalid_answer(const struct pipe_invalid *inv, struct pipe_response *res)
{
	json_t *errors;

	if (inv->first == NULL)
		return 0;
	errors = pipe_oom_check(json_array());
	for (const struct pipe_invalid_entry *e = inv->first; e != NULL;
	    e = e->next)
		if (json_array_append_new(errors,
		    pipe_invalid_entry_json(e)) != 0)
			pipe_oom();
	pipe_error(res, 422, "invalid", rule_message(inv->first->rule),
	    inv->first->field);
	if (json_object_set_new(json_object_get(res->body, "error"),
	    "errors", errors) != 0)
		pipe_oom();
	return -1;
}

enum pipe_status
pipe_invalid_refuse(arena *a, struct pipe_response *res, const char *prefix,
    const char *key, enum rule rule)
{
	struct pipe_invalid inv;

	pipe_invalid_init(&inv, a);
	(void)pipe_invalid_add(&inv, prefix, key, rule);
	(void)pipe_invalid_answer(&inv, res);
	return PIPE_ANSWERED;
}
