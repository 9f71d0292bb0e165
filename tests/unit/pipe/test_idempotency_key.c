/*
 * pipe/idempotency: which Idempotency-Key headers are accepted (docs/API.md,
 * Idempotency: 1-64 characters), before anything is claimed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pipe/idempotency.h"

/* Keys and whether they pass: 1 to 64 printable ASCII characters. */
static const struct {
	const char *key;
	int valid;
} cases[] = {
	{ "a", 1 },
	{ "0f8fad5b-d9cb-469f-a165-70867728950e", 1 },
	{ "k:1/2?x=~!", 1 },
	{ "order 17", 1 },
	{ "0123456789012345678901234567890123456789012345678901234567890123", 1 },
	{ "", 0 },
	{ "01234567890123456789012345678901234567890123456789012345678901234", 0 },
	{ "a\tb", 0 },
	{ "a\nb", 0 },
	{ "a\x7f", 0 },
	{ "cl\xC3\xA9", 0 },
};

static void
test_keys_of_one_to_64_printable_characters_pass_and_no_others(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if ((pipe_idem_key_valid(cases[i].key) != 0) != cases[i].valid)
			fail_msg("key %zu (\"%s\"): %s", i, cases[i].key,
			    cases[i].valid ? "refused" : "accepted");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_of_one_to_64_printable_characters_pass_and_no_others),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
