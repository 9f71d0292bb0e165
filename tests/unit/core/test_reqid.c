/* core/reqid and the request id on log lines (core/log.h): only nginx's
 * shape is ever taken, and every line of a request names it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"
#include "core/reqid.h"

#define RID "0123456789abcdef0123456789abcdef"

static void
nginx_s_shape_is_valid(void **state)
{
	(void)state;
	assert_true(reqid_valid(RID));
	assert_true(reqid_valid("ffffffffffffffffffffffffffffffff"));
}

static void
anything_else_is_not(void **state)
{
	static const char *const bad[] = {
		"", "0123456789abcdef0123456789abcde",      /* 31 */
		RID "0",                                      /* 33 */
		"0123456789ABCDEF0123456789abcdef",         /* upper case */
		"0123456789abcdef0123456789abcdeg",
		"0123456789abcdef 123456789abcdef",
		"0123456789abcdef0123456789abcde\n",
		"0123456789abcdef\r\nX-Evil: 1\r\n12345",
		"../../../../../../../../etc/pass",
	};

	(void)state;
	assert_false(reqid_valid(NULL));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(reqid_valid(bad[i]));
}

static void
new_ids_have_the_shape_and_differ(void **state)
{
	char x[REQID_SIZE], y[REQID_SIZE];

	(void)state;
	reqid_new(x);
	reqid_new(y);
	assert_true(reqid_valid(x));
	assert_true(reqid_valid(y));
	assert_string_not_equal(x, y);
}

static void
take_keeps_a_valid_id_and_replaces_a_bad_one(void **state)
{
	char out[REQID_SIZE];

	(void)state;
	assert_int_equal(reqid_take(RID, out), 1);
	assert_string_equal(out, RID);
	assert_int_equal(reqid_take("<script>", out), 0);
	assert_true(reqid_valid(out));
	assert_null(strstr(out, "script"));
	assert_int_equal(reqid_take(NULL, out), 0);
	assert_true(reqid_valid(out));
}

/* What log_info("x") writes to stderr, into buf. */
static void
logged(char *buf, size_t cap)
{
	FILE *f = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	assert_non_null(f);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(f), STDERR_FILENO) >= 0);
	log_info("x");
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	rewind(f);
	n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void
a_request_s_lines_end_with_its_id(void **state)
{
	char line[2048];

	(void)state;
	log_request_begin(RID);
	logged(line, sizeof(line));
	log_request_end();
	assert_non_null(strstr(line, "x rid=" RID "\n"));
	logged(line, sizeof(line));
	assert_null(strstr(line, "rid="));
}

static void
an_id_not_of_its_shape_is_never_logged(void **state)
{
	char line[2048];

	(void)state;
	log_request_begin("evil\nforged line");
	logged(line, sizeof(line));
	log_request_end();
	assert_null(strstr(line, "rid="));
	assert_null(strstr(line, "evil"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nginx_s_shape_is_valid),
		cmocka_unit_test(anything_else_is_not),
		cmocka_unit_test(new_ids_have_the_shape_and_differ),
		cmocka_unit_test(take_keeps_a_valid_id_and_replaces_a_bad_one),
		cmocka_unit_test(a_request_s_lines_end_with_its_id),
		cmocka_unit_test(an_id_not_of_its_shape_is_never_logged),
	};

	log_init("test", LOG_LEVEL_INFO);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
