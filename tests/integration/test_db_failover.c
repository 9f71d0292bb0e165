/*
 * db/ in a failover: a conninfo's hosts are tried one by one, so a host
 * that never answers does not hold the others up (db/hosts.c); and a
 * handle whose conninfo asks for a read-write server reads from a
 * read-only one while there is none, says so (db_read_only), and goes back
 * to a read-write one once there is one again (db/standby.c). The server stands
 * in for a hot standby the way a promoted standby of pg_auto_failover's
 * does: permit_app's sessions get default_transaction_read_only (which
 * libpq's target_session_attrs judges like in_hot_standby); tests/drill/
 * does it all on a real standby. White-box: db/internal.h.
 *
 * It changes permit_app's settings for new sessions, so it must not run
 * alongside other users of the same cluster.
 */
#include "tests/integration/itest.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/metrics.h"
#include "db/db.h"
#include "db/internal.h"

static char conninfo[1024];

/* permit_app's new sessions refuse writes (on) or not (off). */
static void
server_read_only(int on)
{
	PGconn *c = itest_connect("PERMIT_TEST_SUPER_DSN");

	itest_ok(c, on ?
	    "ALTER ROLE permit_app SET default_transaction_read_only = on" :
	    "ALTER ROLE permit_app RESET default_transaction_read_only");
	PQfinish(c);
}

/* A handle on permit_app's conninfo asking for a read-write server, with
 * standby reads on. */
static int
standby_setup(void **state)
{
	struct db *db;

	snprintf(conninfo, sizeof(conninfo), "%s target_session_attrs=read-write",
	    itest_env("PERMIT_TEST_APP_DSN"));
	if (db_open(conninfo, &db) != 0)
		return -1;
	db_set_standby_reads(db, 1);
	*state = db;
	return 0;
}

/* permit_app may sign in (on) or not (off). */
static void
app_login(int on)
{
	PGconn *c = itest_connect("PERMIT_TEST_SUPER_DSN");

	itest_ok(c, on ? "ALTER ROLE permit_app LOGIN" :
	    "ALTER ROLE permit_app NOLOGIN");
	PQfinish(c);
}

static int
standby_teardown(void **state)
{
	app_login(1);
	server_read_only(0);
	db_close(*state);
	return 0;
}

static void
no_read_write_server_means_reads_from_a_read_only_one(void **state)
{
	struct db *db = *state;
	char mode[64] = "";

	server_read_only(1);
	assert_int_equal(db_ensure(db), DB_OK);
	assert_true(db_read_only(db));
	assert_int_equal(db_tx_run(db, NULL, itest_read_mode, mode), DB_OK);
	assert_string_equal(mode, "normal");
}

static void
without_standby_reads_no_read_write_server_is_unavailable(void **state)
{
	struct db *db = *state;

	db_set_standby_reads(db, 0);
	server_read_only(1);
	assert_int_equal(db_ensure(db), DB_UNAVAILABLE);
	assert_false(db_read_only(db));
}

static void
a_read_write_server_found_again_takes_over(void **state)
{
	struct db *db = *state;

	server_read_only(1);
	assert_int_equal(db_ensure(db), DB_OK);
	assert_true(db_read_only(db));
	server_read_only(0);
	/* Before the next look for a read-write server: still the standby. */
	assert_int_equal(db_ensure(db), DB_OK);
	assert_true(db_read_only(db));
	db->recheck_at = 0;   /* its time has come */
	assert_int_equal(db_ensure(db), DB_OK);
	assert_false(db_read_only(db));
	assert_int_equal(db->standby, 0);
}

/* The server's own change, reported with its next answer (as a promoted
 * standby's in_hot_standby and, in pg_auto_failover's wait_primary, its
 * default_transaction_read_only are). */
static void
the_standby_taking_writes_is_noticed_at_once(void **state)
{
	struct db *db = *state;
	PGresult *r;

	server_read_only(1);
	assert_int_equal(db_ensure(db), DB_OK);
	assert_true(db_read_only(db));
	r = PQexec(db->conn, "SET default_transaction_read_only = off");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	assert_false(db_read_only(db));
	assert_int_equal(db_ensure(db), DB_OK);
	assert_int_equal(db->standby, 0);
}

/* A read-write server that turns read-only under a live connection
 * (demoted without closing it, or default_transaction_read_only set) is
 * noticed with its next answer and left at once for one that takes
 * writes. */
static void
a_server_turned_read_only_is_left_for_a_read_write_one(void **state)
{
	struct db *db = *state;
	PGconn *first;
	PGresult *r;

	assert_int_equal(db_ensure(db), DB_OK);
	assert_false(db_read_only(db));
	first = db->conn;
	r = PQexec(db->conn, "SET default_transaction_read_only = on");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	assert_true(db_read_only(db));
	assert_int_equal(db_ensure(db), DB_OK);
	assert_ptr_not_equal(db->conn, first);
	assert_false(db_read_only(db));
	assert_int_equal(db->standby, 0);
}

/* A request with less than a look's time left is served from the standby
 * and does not look for a read-write server; one with time left looks. */
static void
a_request_short_of_time_does_not_look_for_a_read_write_server(void **state)
{
	struct db *db = *state;

	server_read_only(1);
	assert_int_equal(db_ensure(db), DB_OK);
	server_read_only(0);
	db->recheck_at = 0;
	db_deadline(db, 300);
	assert_int_equal(db_ensure(db), DB_OK);
	assert_true(db_read_only(db));
	db_deadline(db, 3000);
	assert_int_equal(db_ensure(db), DB_OK);
	assert_false(db_read_only(db));
}

/* Counter `c` now. */
static uint64_t
counted(enum metrics_counter c)
{
	struct metrics_snapshot snap;

	assert_int_equal(metrics_snapshot(&snap), 0);
	return snap.counter[c];
}

/* Going to a standby is counted once; its looks for a read-write server
 * that find none are what a standby does, not failed connects. */
static void
a_standby_looking_for_a_read_write_server_counts_no_failure(void **state)
{
	struct db *db = *state;
	uint64_t failed = counted(METRICS_DB_CONNECT_FAILED);
	uint64_t standby = counted(METRICS_DB_STANDBY);

	server_read_only(1);
	assert_int_equal(db_ensure(db), DB_OK);
	for (int i = 0; i < 3; i++) {
		db->recheck_at = 0;
		assert_int_equal(db_ensure(db), DB_OK);
		assert_true(db_read_only(db));
	}
	assert_int_equal(counted(METRICS_DB_STANDBY), standby + 1);
	assert_int_equal(counted(METRICS_DB_CONNECT_FAILED), failed);
}

/* The standby lost too, while reads went to it: an outage like any other
 * (logged as one, at error), no longer a standby's. */
static void
the_standby_lost_too_is_an_outage(void **state)
{
	struct db *db = *state;
	uint64_t failed = counted(METRICS_DB_CONNECT_FAILED);

	server_read_only(1);
	assert_int_equal(db_ensure(db), DB_OK);
	assert_int_equal(db->standby, 1);
	app_login(0);
	db->broken = 1;   /* its connection lost */
	assert_int_equal(db_ensure(db), DB_UNAVAILABLE);
	assert_int_equal(db->standby, 0);
	assert_int_equal(db->down, 1);
	assert_int_equal(counted(METRICS_DB_CONNECT_FAILED), failed + 1);
}

/* Every commit of permitd waits until a synchronous standby has applied
 * it, so a standby that stands in for reads knows every sign-out, block
 * and revoked session permitd acknowledged. */
static void
commits_wait_until_a_synchronous_standby_applied_them(void **state)
{
	struct db *db = *state;
	PGresult *r;

	assert_int_equal(db_ensure(db), DB_OK);
	r = PQexec(db->conn, "SHOW synchronous_commit");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(r, 0, 0), "remote_apply");
	PQclear(r);
}

/* A conninfo that takes any server took this one: nothing to fall back
 * from, though the server refuses writes, which db_read_only tells. */
static void
a_conninfo_without_read_write_never_falls_back(void **state)
{
	struct db *db = NULL;

	(void)state;
	assert_int_equal(db_open(itest_env("PERMIT_TEST_APP_DSN"), &db), 0);
	db_set_standby_reads(db, 1);
	assert_int_equal(db->standby_reads, 0);
	server_read_only(1);
	assert_int_equal(db_ensure(db), DB_OK);
	assert_true(db_read_only(db));
	assert_int_equal(db->standby, 0);
	db_close(db);
}

/* A socket listening on 127.0.0.1 (its port in *port) that takes
 * connections, in the kernel's backlog, and never answers: a hung host. */
static int
hung_host(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void
a_host_that_never_answers_does_not_hold_up_the_next(void **state)
{
	struct pollfd hung = { .events = POLLIN };
	struct db *db = NULL;
	int port;

	(void)state;
	hung.fd = hung_host(&port);
	snprintf(conninfo, sizeof(conninfo), "host=127.0.0.1,%s/run port=%d,%s "
	    "user=permit_app dbname=permit", itest_env("PERMIT_TEST_PG_DIR"), port,
	    itest_env("PERMIT_TEST_PG_PORT"));
	assert_int_equal(db_open(conninfo, &db), 0);
	assert_int_equal(db_ensure(db), DB_OK);
	/* The hung host was tried first: its connection waits in the backlog. */
	assert_int_equal(poll(&hung, 1, 0), 1);
	db_close(db);
	close(hung.fd);
}

#define STANDBY_TEST(f) \
	cmocka_unit_test_setup_teardown(f, standby_setup, standby_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_host_that_never_answers_does_not_hold_up_the_next),
		STANDBY_TEST(no_read_write_server_means_reads_from_a_read_only_one),
		STANDBY_TEST(without_standby_reads_no_read_write_server_is_unavailable),
		STANDBY_TEST(a_read_write_server_found_again_takes_over),
		STANDBY_TEST(the_standby_taking_writes_is_noticed_at_once),
		STANDBY_TEST(a_conninfo_without_read_write_never_falls_back),
		STANDBY_TEST(a_server_turned_read_only_is_left_for_a_read_write_one),
		STANDBY_TEST(a_request_short_of_time_does_not_look_for_a_read_write_server),
		STANDBY_TEST(a_standby_looking_for_a_read_write_server_counts_no_failure),
		STANDBY_TEST(the_standby_lost_too_is_an_outage),
		STANDBY_TEST(commits_wait_until_a_synchronous_standby_applied_them),
	};

	/* The refused connections log errors: what an operator sees. */
	log_init("test_db_failover", LOG_LEVEL_ERROR);
	if (metrics_map() != 0)
		return 1;
	return cmocka_run_group_tests_name("db failover", tests, NULL, NULL) != 0;
}
