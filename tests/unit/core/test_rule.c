/*
 * core/rule: the one table of the HTTP API's rules. Each reason is a
 * distinct stable word, each rule has a reason and a message, every limit
 * of validate.h has its too_long rule, and the validate.h results map to
 * the rules whose messages state them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/rule.h"

/* A reason word: lower-case letters and underscores, nothing else. */
static int
word_shaped(const char *w)
{
	if (w == NULL || *w == '\0')
		return 0;
	for (; *w != '\0'; w++)
		if ((*w < 'a' || *w > 'z') && *w != '_')
			return 0;
	return 1;
}

static void
test_reasons_are_distinct_words(void **state)
{
	(void)state;
	for (int r = 0; r < RULE_REASON_COUNT; r++) {
		const char *w = rule_reason_word((enum rule_reason)r);

		assert_true(word_shaped(w));
		for (int o = 0; o < r; o++)
			assert_string_not_equal(w,
			    rule_reason_word((enum rule_reason)o));
	}
	assert_null(rule_reason_word(RULE_REASON_COUNT));
}

static void
test_every_rule_has_a_reason_and_a_message(void **state)
{
	(void)state;
	for (int r = RULE_NONE + 1; r < RULE_COUNT; r++) {
		assert_true(word_shaped(rule_word((enum rule)r)));
		assert_true(strlen(rule_message((enum rule)r)) > 0);
	}
}

/* The words pages translate, as the HTTP API publishes them. */
static void
test_the_published_words(void **state)
{
	static const struct {
		enum rule r;
		const char *word;
	} cases[] = {
		{ RULE_REQUIRED, "required" },
		{ RULE_UNKNOWN_FIELD, "unknown_field" },
		{ RULE_NAME_LONG, "too_long" },
		{ RULE_PASSWORD_SHORT, "too_short" },
		{ RULE_PHONE, "format" },
		{ RULE_PROVINCE, "province" },
		{ RULE_NIK_DATE, "date_mismatch" },
		{ RULE_NIK_SEX, "sex_mismatch" },
		{ RULE_NPWP_CHECKSUM, "checksum" },
		{ RULE_DEPART_PAST, "past" },
		{ RULE_BIRTH_FUTURE, "future" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(rule_word(cases[i].r), cases[i].word);
}

/* Each free-text limit has a too_long rule that states it. */
static void
test_each_text_limit_has_its_rule(void **state)
{
	static const struct {
		size_t max;
		const char *message;
	} cases[] = {
		{ VALIDATE_NAME_MAX, "at most 100 characters" },
		{ VALIDATE_BIRTH_PLACE_MAX, "at most 100 characters" },
		{ VALIDATE_ADDRESS_MAX, "at most 300 characters" },
		{ VALIDATE_PURPOSE_MAX, "at most 500 characters" },
		{ VALIDATE_MAINTENANCE_MAX, "at most 500 characters" },
		{ VALIDATE_REASON_MAX, "at most 500 characters" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum rule r = rule_too_long(cases[i].max);

		assert_int_equal(rule_reason(r), RULE_REASON_TOO_LONG);
		assert_string_equal(rule_message(r), cases[i].message);
	}
}

/* The results of validate.h as the rules they broke. */
static void
test_validate_results_map_to_rules(void **state)
{
	(void)state;
	assert_int_equal(rule_text(VALIDATE_OK, VALIDATE_NAME_MAX), RULE_NONE);
	assert_int_equal(rule_text(VALIDATE_EMPTY, VALIDATE_NAME_MAX),
	    RULE_EMPTY);
	assert_int_equal(rule_text(VALIDATE_CONTROL_CHAR, VALIDATE_NAME_MAX),
	    RULE_CONTROL);
	assert_int_equal(rule_text(VALIDATE_TOO_LONG, VALIDATE_ADDRESS_MAX),
	    RULE_ADDRESS_LONG);
	assert_int_equal(rule_date(VALIDATE_BAD_FORMAT), RULE_DATE);
	assert_int_equal(rule_date(VALIDATE_BAD_DATE), RULE_NO_SUCH_DAY);
	assert_int_equal(rule_birth_date(VALIDATE_TOO_EARLY), RULE_BIRTH_EARLY);
	assert_int_equal(rule_birth_date(VALIDATE_TOO_LATE), RULE_BIRTH_FUTURE);
	assert_int_equal(rule_depart_on(VALIDATE_TOO_EARLY), RULE_DEPART_PAST);
	assert_int_equal(rule_return_on(VALIDATE_TOO_EARLY), RULE_RETURN_EARLY);
	assert_int_equal(rule_phone(VALIDATE_BAD_FORMAT), RULE_PHONE);
	assert_int_equal(rule_email(VALIDATE_BAD_FORMAT), RULE_EMAIL);
	assert_int_equal(rule_email(VALIDATE_TOO_LONG), RULE_EMAIL_LONG);
	assert_int_equal(rule_password(VALIDATE_TOO_SHORT),
	    RULE_PASSWORD_SHORT);
	assert_int_equal(rule_password(VALIDATE_OK), RULE_NONE);
	assert_string_equal(rule_message(RULE_PASSWORD_SHORT),
	    "at least 10 characters");
	assert_string_equal(rule_message(RULE_PHONE),
	    "+62 or 0, then 8–13 digits");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reasons_are_distinct_words),
		cmocka_unit_test(test_every_rule_has_a_reason_and_a_message),
		cmocka_unit_test(test_the_published_words),
		cmocka_unit_test(test_each_text_limit_has_its_rule),
		cmocka_unit_test(test_validate_results_map_to_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
