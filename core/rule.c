/*
 * rule — the HTTP API's field rules, from the one table of rule.h.
 */
#include "core/rule.h"

#include <stdlib.h>

static const char *const rule_reason_words[RULE_REASON_COUNT] = {
#define RULE_REASON_WORD(name, word) [RULE_REASON_##name] = word,
	RULE_REASONS(RULE_REASON_WORD)
#undef RULE_REASON_WORD
};

static const struct {
	enum rule_reason reason;
	size_t limit;
	const char *message;
} rule_rows[RULE_COUNT] = {
#define RULE_ROW(name, reason, limit, message) \
	[RULE_##name] = { RULE_REASON_##reason, (limit), message },
	RULE_TABLE(RULE_ROW)
#undef RULE_ROW
};

const char *
rule_reason_word(enum rule_reason reason)
{
	if ((unsigned)reason >= RULE_REASON_COUNT)
		return NULL;
	return rule_reason_words[reason];
}

/* Rule `r` is one of the table's; anything else is a programming error. */
static void
rule_assert(enum rule r)
{
	if (r <= RULE_NONE || r >= RULE_COUNT)
		abort();
}

enum rule_reason
rule_reason(enum rule r)
{
	rule_assert(r);
	return rule_rows[r].reason;
}

const char *
rule_word(enum rule r)
{
	return rule_reason_word(rule_reason(r));
}

const char *
rule_message(enum rule r)
{
	rule_assert(r);
	return rule_rows[r].message;
}

enum rule
rule_too_long(size_t max_chars)
{
	for (int r = RULE_NONE + 1; r < RULE_COUNT; r++)
		if (rule_rows[r].reason == RULE_REASON_TOO_LONG &&
		    rule_rows[r].limit == max_chars)
			return (enum rule)r;
	abort();   /* a limit without its row in RULE_TABLE */
}

enum rule
rule_text(enum validate_result r, size_t max_chars)
{
	switch (r) {
	case VALIDATE_OK:
		return RULE_NONE;
	case VALIDATE_EMPTY:
		return RULE_EMPTY;
	case VALIDATE_CONTROL_CHAR:
		return RULE_CONTROL;
	case VALIDATE_TOO_LONG:
		return rule_too_long(max_chars);
	case VALIDATE_IDENTITY:
		return RULE_STAFF_IDENTITY;
	default:
		return RULE_UTF8;
	}
}

enum rule
rule_date(enum validate_result r)
{
	switch (r) {
	case VALIDATE_OK:
		return RULE_NONE;
	case VALIDATE_EMPTY:
		return RULE_EMPTY;
	case VALIDATE_BAD_DATE:
		return RULE_NO_SUCH_DAY;
	default:
		return RULE_DATE;
	}
}

enum rule
rule_birth_date(enum validate_result r)
{
	if (r == VALIDATE_TOO_EARLY)
		return RULE_BIRTH_EARLY;
	if (r == VALIDATE_TOO_LATE)
		return RULE_BIRTH_FUTURE;
	return rule_date(r);
}

enum rule
rule_depart_on(enum validate_result r)
{
	return r == VALIDATE_TOO_EARLY ? RULE_DEPART_PAST : rule_date(r);
}

enum rule
rule_return_on(enum validate_result r)
{
	return r == VALIDATE_TOO_EARLY ? RULE_RETURN_EARLY : rule_date(r);
}

enum rule
rule_phone(enum validate_result r)
{
	if (r == VALIDATE_OK)
		return RULE_NONE;
	return r == VALIDATE_EMPTY ? RULE_EMPTY : RULE_PHONE;
}

enum rule
rule_email(enum validate_result r)
{
	switch (r) {
	case VALIDATE_OK:
		return RULE_NONE;
	case VALIDATE_EMPTY:
		return RULE_EMPTY;
	case VALIDATE_TOO_LONG:
		return RULE_EMAIL_LONG;
	default:
		return RULE_EMAIL;
	}
}

enum rule
rule_password(enum validate_result r)
{
	switch (r) {
	case VALIDATE_OK:
		return RULE_NONE;
	case VALIDATE_EMPTY:
		return RULE_EMPTY;
	case VALIDATE_TOO_SHORT:
		return RULE_PASSWORD_SHORT;
	case VALIDATE_TOO_LONG:
		return RULE_PASSWORD_LONG;
	default:
		return RULE_UTF8;
	}
}
