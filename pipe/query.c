#include "pipe/query.h"

#include <string.h>

#include "core/validate.h"

static int
pipe_query_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..len) into the arena; NULL on a bad escape, a NUL, or text
 * that is not UTF-8. */
static const char *
pipe_query_decode(arena *a, const char *s, size_t len)
{
	char *out = arena_alloc(a, len + 1), *o = out;
	int hi, lo;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] != '%') {
			*o++ = s[i];
		} else {
			if (len - i < 3)      /* '%' and two hex digits */
				return NULL;
			if ((hi = pipe_query_hex(s[i + 1])) < 0 ||
			    (lo = pipe_query_hex(s[i + 2])) < 0 ||
			    (hi == 0 && lo == 0))
				return NULL;
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	*o = '\0';
	if (validate_utf8(out, (size_t)(o - out), NULL) != VALIDATE_OK)
		return NULL;
	return out;
}

/* One "name=value" of len bytes into *p. 0, or -1 if malformed. */
static int
pipe_query_pair(arena *a, const char *s, size_t len, struct pipe_query_pair *p)
{
	const char *eq = memchr(s, '=', len);

	if (eq == NULL || eq == s)
		return -1;
	p->name = pipe_query_decode(a, s, (size_t)(eq - s));
	p->value = pipe_query_decode(a, eq + 1, len - (size_t)(eq - s) - 1);
	return p->name != NULL && p->value != NULL && *p->name != '\0' ? 0 : -1;
}

int
pipe_query_parse(arena *a, const char *raw, struct pipe_query *out)
{
	size_t cap = 1;
	const char *s, *end;

	out->n = 0;
	for (s = raw; *s != '\0'; s++)
		cap += *s == '&';
	out->pairs = arena_calloc(a, cap, sizeof(*out->pairs));
	for (s = raw; *s != '\0'; s = *end ? end + 1 : end) {
		end = s + strcspn(s, "&");
		if (end == s)
			continue;   /* "a=1&&b=2": an empty piece carries nothing */
		if (pipe_query_pair(a, s, (size_t)(end - s), &out->pairs[out->n]) != 0 ||
		    pipe_query_get(out, out->pairs[out->n].name) != NULL)
			return -1;
		out->n++;
	}
	return 0;
}

const char *
pipe_query_get(const struct pipe_query *q, const char *name)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->pairs[i].name, name) == 0)
			return q->pairs[i].value;
	return NULL;
}

/* 1 when `name` is in the NULL-terminated `known`. */
static int
pipe_query_is_known(const char *name, const char *const *known)
{
	for (size_t k = 0; known[k] != NULL; k++)
		if (strcmp(name, known[k]) == 0)
			return 1;
	return 0;
}

const char *
pipe_query_unknown(const struct pipe_query *q, const char *const *known)
{
	for (size_t i = 0; i < q->n; i++)
		if (!pipe_query_is_known(q->pairs[i].name, known))
			return q->pairs[i].name;
	return NULL;
}

int
pipe_query_known(struct pipe_invalid *inv, const struct pipe_query *q,
    const char *const *known)
{
	int rc = 0;

	for (size_t i = 0; i < q->n; i++)
		if (!pipe_query_is_known(q->pairs[i].name, known))
			rc = pipe_invalid_add(inv, NULL, q->pairs[i].name,
			    RULE_UNKNOWN_PARAM);
	return rc;
}
