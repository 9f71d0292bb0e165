/*
 * db/hosts.c: a conninfo's list of hosts, which a runtime handle tries one
 * at a time. A list it can tell apart gives each host its own address and
 * port; anything else (one host, a mismatched or overlong list, an empty
 * element) is left to libpq (n 0). White-box: db/internal.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/log.h"
#include "db/internal.h"

static struct db_hosts h;

static int
teardown(void **state)
{
	(void)state;
	db_hosts_free(&h);
	return 0;
}

static void
test_two_hosts_with_their_ports(void **state)
{
	(void)state;
	assert_int_equal(db_hosts_parse("host=db1,db2 port=5432,5433 dbname=permit",
	    &h), 0);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.host[0], "db1");
	assert_string_equal(h.host[1], "db2");
	assert_string_equal(h.port[0], "5432");
	assert_string_equal(h.port[1], "5433");
	assert_null(h.hostaddr[0]);
}

static void
test_one_port_is_every_host_s(void **state)
{
	(void)state;
	assert_int_equal(db_hosts_parse("host=a,b,c port=6000", &h), 0);
	assert_int_equal(h.n, 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(h.port[i], "6000");
}

static void
test_addresses_without_names(void **state)
{
	(void)state;
	assert_int_equal(db_hosts_parse("hostaddr=10.0.0.1,10.0.0.2 dbname=p",
	    &h), 0);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.hostaddr[1], "10.0.0.2");
}

/* A URI's hosts without ports of their own: the port list is ",", each
 * element libpq's default port. */
static void
test_a_uri_s_hosts_without_ports_take_the_default(void **state)
{
	(void)state;
	setenv("PGPORT", "6543", 1);
	assert_int_equal(db_hosts_parse(
	    "postgresql://db1,db2:5433/permit?target_session_attrs=read-write",
	    &h), 0);
	unsetenv("PGPORT");
	assert_int_equal(h.n, 2);
	assert_string_equal(h.host[1], "db2");
	assert_string_equal(h.port[0], "6543");
	assert_string_equal(h.port[1], "5433");
}

static void
test_one_host_is_left_to_libpq(void **state)
{
	(void)state;
	assert_int_equal(db_hosts_parse("host=db1 dbname=permit", &h), 0);
	assert_int_equal(h.n, 0);
}

static void
test_mismatched_ports_are_left_to_libpq(void **state)
{
	(void)state;
	assert_int_equal(db_hosts_parse("host=a,b,c port=1,2", &h), 0);
	assert_int_equal(h.n, 0);
}

static void
test_an_empty_element_is_left_to_libpq(void **state)
{
	(void)state;
	assert_int_equal(db_hosts_parse("host=a,,b", &h), 0);
	assert_int_equal(h.n, 0);
}

static void
test_more_hosts_than_the_most_are_left_to_libpq(void **state)
{
	char conninfo[256] = "host=h0";
	size_t len = strlen(conninfo);

	(void)state;
	for (int i = 1; i <= DB_HOSTS_MAX; i++)
		len += (size_t)snprintf(conninfo + len, sizeof(conninfo) - len,
		    ",h%d", i);
	assert_int_equal(db_hosts_parse(conninfo, &h), 0);
	assert_int_equal(h.n, 0);
}

static void
test_the_most_hosts_are_each_tried(void **state)
{
	char conninfo[256] = "host=h0", last[16];
	size_t len = strlen(conninfo);

	(void)state;
	for (int i = 1; i < DB_HOSTS_MAX; i++)
		len += (size_t)snprintf(conninfo + len, sizeof(conninfo) - len,
		    ",h%d", i);
	assert_int_equal(db_hosts_parse(conninfo, &h), 0);
	assert_int_equal(h.n, DB_HOSTS_MAX);
	snprintf(last, sizeof(last), "h%d", DB_HOSTS_MAX - 1);
	assert_string_equal(h.host[DB_HOSTS_MAX - 1], last);
}

static void
test_an_unparsable_conninfo_is_left_to_libpq(void **state)
{
	(void)state;
	assert_int_equal(db_hosts_parse("host='db1", &h), 0);
	assert_int_equal(h.n, 0);
}

#define TEST(fn) cmocka_unit_test_teardown(fn, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_two_hosts_with_their_ports),
		TEST(test_one_port_is_every_host_s),
		TEST(test_addresses_without_names),
		TEST(test_a_uri_s_hosts_without_ports_take_the_default),
		TEST(test_one_host_is_left_to_libpq),
		TEST(test_mismatched_ports_are_left_to_libpq),
		TEST(test_an_empty_element_is_left_to_libpq),
		TEST(test_more_hosts_than_the_most_are_left_to_libpq),
		TEST(test_the_most_hosts_are_each_tried),
		TEST(test_an_unparsable_conninfo_is_left_to_libpq),
	};

	log_init("test_hosts", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests_name("db hosts", tests, NULL, NULL) != 0;
}
