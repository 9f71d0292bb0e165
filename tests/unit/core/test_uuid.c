/*
 * core/uuid: ids are well-formed version 4 UUIDs, and two are never equal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/uuid.h"
#include "core/validate.h"

static void
test_shape_version_and_variant(void **state)
{
	char id[UUID_SIZE];

	(void)state;
	for (int i = 0; i < 1000; i++) {
		uuid_v4(id);
		assert_int_equal(strlen(id), UUID_LEN);
		assert_int_equal(validate_uuid(id), VALIDATE_OK);
		assert_int_equal(id[14], '4');
		assert_non_null(strchr("89ab", id[19]));
	}
}

static void
test_two_ids_differ(void **state)
{
	char a[UUID_SIZE], b[UUID_SIZE];

	(void)state;
	uuid_v4(a);
	uuid_v4(b);
	assert_string_not_equal(a, b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape_version_and_variant),
		cmocka_unit_test(test_two_ids_differ),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
