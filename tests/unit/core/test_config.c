/* core/config: defaults, parsing, and every refusal names file, line, key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"

static char path[] = "/tmp/permit-config-XXXXXX";

static int
write_config(const char *text)
{
	int fd = mkstemp(path);
	FILE *f;

	if (fd < 0 || (f = fdopen(fd, "w")) == NULL)
		return -1;
	fputs(text, f);
	fclose(f);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	strcpy(path, "/tmp/permit-config-XXXXXX");
	return 0;
}

static void
test_defaults_match_the_documented_ones(void **state)
{
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.workers, 4);
	assert_int_equal(c.body_limit, 64 * 1024);
	assert_int_equal(c.session_idle_timeout, 1800);
	assert_int_equal(c.session_lifetime, 43200);
	assert_int_equal(c.max_active_applications, 5);
	assert_int_equal(c.cookie_secure, 1);
	assert_int_equal(c.sandbox, 1);
	assert_int_equal(c.db_standby_reads, 1);
	assert_string_equal(c.keyring, "var/keyring");
	assert_string_equal(c.pid_file, "var/run/permitd.pid");
}

static void
test_values_with_spaces_and_comments(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	assert_int_equal(write_config(
	    "# a comment\n\n"
	    "database =  host=/tmp port=5433 dbname=permit  \n"
	    "workers=3\n"
	    "cookie_secure = false\n"
	    "sandbox = false\n"
	    "listen_mode = 0600\n"), 0);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), 0);
	assert_string_equal(c.database, "host=/tmp port=5433 dbname=permit");
	assert_int_equal(c.workers, 3);
	assert_int_equal(c.cookie_secure, 0);
	assert_int_equal(c.sandbox, 0);
	assert_int_equal(c.listen_mode, 0600);
}

static void
test_unknown_key_is_refused_naming_it(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	assert_int_equal(write_config("workers = 2\nwokers = 3\n"), 0);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: wokers: unknown key"));
}

static void
test_out_of_range_value_is_refused(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	assert_int_equal(write_config("workers = 0\n"), 0);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "workers: bad value"));
}

static void
test_standby_reads_turn_off_and_take_only_a_boolean(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	assert_int_equal(write_config("db_standby_reads = off\n"), 0);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), 0);
	assert_int_equal(c.db_standby_reads, 0);
	(void)teardown(NULL);
	assert_int_equal(write_config("db_standby_reads = standby\n"), 0);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: db_standby_reads: bad value"));
}

static void
test_trailing_garbage_in_a_number_is_refused(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	assert_int_equal(write_config("body_limit = 64k\n"), 0);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "body_limit: bad value"));
}

static void
test_a_key_set_twice_is_refused_naming_both_lines(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	assert_int_equal(write_config("workers = 2\n# later\nworkers = 4\n"), 0);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":3: workers: set twice (first on line 1)"));
}

static void
test_bad_value_says_the_range_and_line(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	assert_int_equal(write_config("\nworkers = 0\n"), 0);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err,
	    ":2: workers: bad value: a whole number from 1 to 256"));
}

static void
test_bad_value_of_each_kind_says_what_it_takes(void **state)
{
	static const struct {
		const char *text, *says;
	} cases[] = {
		{ "cookie_secure = yes\n", "cookie_secure: bad value: true or false" },
		{ "listen_mode = 0999\n", "listen_mode: bad value: an octal mode from 0000 to 0777" },
		{ "body_limit = 64k\n", "body_limit: bad value: a whole number from 1024 to 16777216" },
		{ "database =\n", "database: bad value: 1 to " },
	};
	struct config c;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(write_config(cases[i].text), 0);
		assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
		assert_non_null(strstr(err, cases[i].says));
		teardown(NULL);
	}
}

static void
test_bad_value_never_echoes_the_value(void **state)
{
	struct config c;
	char err[256], line[CONFIG_STR + 64];

	(void)state;
	/* Too long for a string key, with a password in it. */
	snprintf(line, sizeof(line), "database = password=Sekr1t %*s\n",
	    CONFIG_STR, "x");
	assert_int_equal(write_config(line), 0);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
	assert_null(strstr(err, "Sekr1t"));
}

static void
test_sandbox_neither_on_nor_off_is_refused(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	assert_int_equal(write_config("sandbox = maybe\n"), 0);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: sandbox: bad value"));
}

/* The client-address settings: each text and whether it loads. */
static const struct {
	const char *text;
	int ok;
} client_addr_cases[] = {
	{ "trusted_proxies = 127.0.0.1, 10.0.0.0/8 ::1 fd00::/8\n", 1 },
	{ "trusted_proxies = 10.0.0.0/33\n", 0 },
	{ "trusted_proxies = 10.0.0.0/\n", 0 },
	{ "trusted_proxies = localhost\n", 0 },
	{ "client_addr_header = X-Forwarded-For\n", 1 },
	{ "client_addr_header = X Forwarded\n", 0 },
	{ "client_addr_header = X_Forwarded\n", 0 },
};

static void
test_client_addr_settings(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(client_addr_cases) /
	    sizeof(client_addr_cases[0]); i++) {
		assert_int_equal(write_config(client_addr_cases[i].text), 0);
		if ((config_load(path, &c, err, sizeof(err)) == 0) !=
		    client_addr_cases[i].ok)
			fail_msg("case %zu: %s", i, client_addr_cases[i].text);
		(void)teardown(NULL);
	}
}

static void
test_rate_limit_defaults(void **state)
{
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.limit_registrations, 5);
	assert_int_equal(c.limit_registrations_window, 3600);
	assert_int_equal(c.limit_signin_failures, 10);
	assert_int_equal(c.limit_signin_failures_window, 900);
	assert_int_equal(c.limit_submissions, 10);
	assert_int_equal(c.limit_submissions_window, 86400);
	assert_int_equal(c.limit_bookings, 20);
	assert_int_equal(c.limit_bookings_window, 3600);
	assert_string_equal(c.trusted_proxies, "");
}

static void
test_line_without_equals_is_refused(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	assert_int_equal(write_config("workers 2\n"), 0);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1:"));
}

static void
test_idle_longer_than_lifetime_is_refused(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	assert_int_equal(write_config(
	    "session_idle_timeout = 7200\nsession_lifetime = 3600\n"), 0);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "session_idle_timeout"));
}

static void
test_missing_file_is_refused_naming_it(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	assert_int_equal(config_load("/nonexistent/permitd.conf", &c, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/permitd.conf"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_match_the_documented_ones),
		cmocka_unit_test_teardown(test_values_with_spaces_and_comments, teardown),
		cmocka_unit_test_teardown(test_unknown_key_is_refused_naming_it, teardown),
		cmocka_unit_test_teardown(test_out_of_range_value_is_refused, teardown),
		cmocka_unit_test_teardown(test_standby_reads_turn_off_and_take_only_a_boolean,
		    teardown),
		cmocka_unit_test_teardown(test_trailing_garbage_in_a_number_is_refused, teardown),
		cmocka_unit_test_teardown(test_sandbox_neither_on_nor_off_is_refused,
		    teardown),
		cmocka_unit_test_teardown(test_line_without_equals_is_refused, teardown),
		cmocka_unit_test_teardown(test_client_addr_settings, teardown),
		cmocka_unit_test(test_rate_limit_defaults),
		cmocka_unit_test_teardown(test_idle_longer_than_lifetime_is_refused, teardown),
		cmocka_unit_test(test_missing_file_is_refused_naming_it),
		cmocka_unit_test_teardown(test_a_key_set_twice_is_refused_naming_both_lines, teardown),
		cmocka_unit_test_teardown(test_bad_value_says_the_range_and_line, teardown),
		cmocka_unit_test_teardown(test_bad_value_of_each_kind_says_what_it_takes, teardown),
		cmocka_unit_test_teardown(test_bad_value_never_echoes_the_value, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
