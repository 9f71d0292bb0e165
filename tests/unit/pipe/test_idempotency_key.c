/*
 * pipe/idempotency: which Idempotency-Key headers are accepted (API.md,
 * Conventions: 1-64 characters), before anything is claimed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pipe/idempotency.h"

static void
test_keys_of_one_to_64_printable_characters_pass(void **state)
{
	static const char *const ok[] = {
		"a",
		"0f8fad5b-d9cb-469f-a165-70867728950e",
		"k:1/2?x=~!",
		"order 17",
		"0123456789012345678901234567890123456789012345678901234567890123",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_true(pipe_idem_key_valid(ok[i]));
}

static void
test_empty_long_and_unprintable_keys_are_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"01234567890123456789012345678901234567890123456789012345678901234",
		"a\tb",
		"a\nb",
		"a\x7f",
		"cl\xC3\xA9",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(pipe_idem_key_valid(bad[i]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_of_one_to_64_printable_characters_pass),
		cmocka_unit_test(test_empty_long_and_unprintable_keys_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
