/*
 * The audit trail's chain (migrations/0014, app/audit.h, cli/audit.c),
 * end to end: rows written as permitd writes them (as permit_app, the
 * head and binding in one flight, the row and COMMIT in the next) verify;
 * a row edited, removed or moved by a superuser makes `permitctl audit
 * verify` exit 1 naming it; eight concurrent writers leave an unbroken
 * chain holding every row; a row that does not follow the head is
 * refused.
 *
 * On a database of its own (made with `permitctl db init` and `migrate
 * up`, dropped at the end), so its chain is this file's alone; each test
 * starts from an empty chain. The runner provides PERMITCTL beside the
 * DSNs.
 */
#include "tests/integration/itest.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/audit.h"
#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"

/* Actors of this file (no other test uses a1d17000-). */
#define ACTOR(n) "a1d17000-0000-4000-8000-00000000000" n
#define APPLICATION "a1d17000-0000-4000-8000-0000000000aa"

#define WRITERS 8
#define ROWS_PER_WRITER 50

struct fx {
	char name[64];          /* the database */
	char super[512], owner[512], app[512];   /* DSNs on it */
	PGconn *su;             /* superuser, on it */
};

static char buf[256];
static char out[8192];

/* Runs argv (argv[0] a path), its stdout and stderr into out[cap]: the
 * exit status, or -1 when it could not run or was killed. */
static int
run(char *const argv[], char *o, size_t cap)
{
	int fd[2], status;
	size_t n = 0;
	ssize_t got;
	pid_t pid;

	if (pipe(fd) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	while ((got = read(fd[0], o + n, cap - 1 - n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		n += (size_t)got;
		if (n == cap - 1) {   /* full: drain the rest */
			char sink[512];

			while (read(fd[0], sink, sizeof(sink)) > 0)
				;
			break;
		}
	}
	o[n] = '\0';
	close(fd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* `permitctl audit verify` on the file's database (with `batch`, or the
 * default when NULL), its output in out. Its exit status. */
static int
verify(struct fx *f, const char *batch)
{
	char *argv[] = { (char *)itest_env("PERMITCTL"), "audit", "verify",
	    "--database", f->owner, batch != NULL ? "--batch" : NULL,
	    (char *)batch, NULL };

	return run(argv, out, sizeof(out));
}

static int
group_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char dir[512];

	assert_non_null(f);
	snprintf(f->name, sizeof(f->name), "audit_chain_%ld", (long)getpid());
	snprintf(f->super, sizeof(f->super), "%s dbname=%s",
	    itest_env("PERMIT_TEST_SUPER_DSN"), f->name);
	snprintf(f->owner, sizeof(f->owner), "%s dbname=%s",
	    itest_env("PERMIT_TEST_OWNER_DSN"), f->name);
	snprintf(f->app, sizeof(f->app), "%s dbname=%s",
	    itest_env("PERMIT_TEST_APP_DSN"), f->name);
	snprintf(dir, sizeof(dir), "%s/migrations", itest_env("PERMIT_TEST_ROOT"));
	{
		char *init[] = { (char *)itest_env("PERMITCTL"), "db", "init",
		    "--database", (char *)itest_env("PERMIT_TEST_SUPER_DSN"),
		    "--name", f->name, NULL };
		char *up[] = { (char *)itest_env("PERMITCTL"), "migrate", "up",
		    "--database", f->owner, "--dir", dir, NULL };

		if (run(init, out, sizeof(out)) != 0 ||
		    run(up, out, sizeof(out)) != 0)
			fail_msg("the test database: %s", out);
	}
	f->su = PQconnectdb(f->super);
	if (PQstatus(f->su) != CONNECTION_OK)
		fail_msg("%s: %s", f->name, PQerrorMessage(f->su));
	*state = f;
	return 0;
}

static int
group_teardown(void **state)
{
	struct fx *f = *state;
	PGconn *main_su;

	if (f == NULL)
		return 0;
	PQfinish(f->su);
	main_su = itest_connect("PERMIT_TEST_SUPER_DSN");
	itest_okf(main_su, "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->name);
	PQfinish(main_su);
	free(f);
	return 0;
}

/* Each test starts from an empty chain: what the triggers refuse to
 * anyone is done with them off, as only a superuser can. */
static int
empty_chain(void **state)
{
	struct fx *f = *state;

	itest_ok(f->su, "SET session_replication_role = replica;"
	    "TRUNCATE audit_log;"
	    "UPDATE audit_head SET seq = 0, hash = decode(repeat('00', 32), 'hex');"
	    "RESET session_replication_role");
	return 0;
}

/* SQL `sql` as the superuser with the triggers off: a tampering. */
static void
tamper(struct fx *f, const char *sql)
{
	itest_okf(f->su, "SET session_replication_role = replica; %s;"
	    " RESET session_replication_role", sql);
}

/*
 * Writes `n` rows as account `actor` (bound as a reviewer), each in a
 * transaction of its own as a request would: BEGIN, the binding and the
 * head in one flight; the row and COMMIT in the next. Details are
 * "<tag> <i>". 0, or -1 (logged); never a cmocka assertion, so a forked
 * writer may call it.
 */
static int
write_rows(const char *dsn, const char *actor, const char *tag, int n)
{
	const struct db_param bind[3] = { DB_TEXT(actor), DB_TEXT("reviewer"),
	    DB_TEXT("") };
	const struct pipe_principal who = { .role = PIPE_ROLE_REVIEWER,
	    .account_id = actor };
	struct db *db = NULL;
	arena *a = arena_new(8192);
	int rc = -1;

	if (db_open(dsn, &db) != 0)
		goto out;
	for (int i = 0; i < n; i++) {
		struct db_call first[2] = {
			{ DB_STMT_BIND_PRINCIPAL, bind, 3, NULL, DB_ERROR },
			{ DB_STMT_AUDIT_HEAD, NULL, 0, NULL, DB_ERROR },
		};
		struct app_audit_entry e = { .action = "test.write",
		    .application = APPLICATION,
		    .detail = arena_printf(a, "%s %d", tag, i) };
		struct db_call row;

		if (db_batch(db, a, DB_BATCH_BEGIN, first, 2) != DB_OK ||
		    app_audit_add(a, first[1].result, &who, &e, &row) !=
		    APP_AUDIT_OK ||
		    db_batch(db, a, DB_BATCH_COMMIT, &row, 1) != DB_OK)
			goto out;
		arena_reset(a);
	}
	rc = 0;
out:
	db_close(db);
	arena_free(a);
	return rc;
}

static void
an_untouched_chain_verifies(void **state)
{
	struct fx *f = *state;

	assert_int_equal(write_rows(f->app, ACTOR("1"), "w", 5), 0);
	assert_int_equal(verify(f, NULL), 0);
	assert_non_null(strstr(out, "5 rows, the chain is unbroken; head: row 5"));
}

static void
an_empty_chain_verifies(void **state)
{
	struct fx *f = *state;

	assert_int_equal(verify(f, NULL), 0);
	assert_non_null(strstr(out, "0 rows, the chain is unbroken"));
}

static void
editing_a_row_fails_verify_naming_it(void **state)
{
	struct fx *f = *state;

	assert_int_equal(write_rows(f->app, ACTOR("1"), "w", 5), 0);
	tamper(f, "UPDATE audit_log SET detail = 'w 9' WHERE seq = 3");
	assert_int_equal(verify(f, NULL), 1);
	assert_non_null(strstr(out, "row 3: altered"));
}

/* The time too is covered: an edit of `at` alone is seen. */
static void
editing_a_rows_time_fails_verify_naming_it(void **state)
{
	struct fx *f = *state;

	assert_int_equal(write_rows(f->app, ACTOR("1"), "w", 5), 0);
	tamper(f, "UPDATE audit_log SET at = at - interval '1 microsecond'"
	    " WHERE seq = 2");
	assert_int_equal(verify(f, NULL), 1);
	assert_non_null(strstr(out, "row 2: altered"));
}

static void
deleting_a_row_fails_verify_naming_it(void **state)
{
	struct fx *f = *state;

	assert_int_equal(write_rows(f->app, ACTOR("1"), "w", 5), 0);
	tamper(f, "DELETE FROM audit_log WHERE seq = 3");
	assert_int_equal(verify(f, NULL), 1);
	assert_non_null(strstr(out, "row 3: missing"));
}

/* Removed and the rest renumbered to close the gap: the link breaks. */
static void
deleting_a_row_and_renumbering_fails_verify_naming_it(void **state)
{
	struct fx *f = *state;

	assert_int_equal(write_rows(f->app, ACTOR("1"), "w", 5), 0);
	tamper(f, "DELETE FROM audit_log WHERE seq = 3;"
	    " UPDATE audit_log SET seq = seq - 1 WHERE seq > 3");
	assert_int_equal(verify(f, NULL), 1);
	assert_non_null(strstr(out, "row 3: broken link"));
}

static void
deleting_the_last_row_fails_verify_naming_it(void **state)
{
	struct fx *f = *state;

	assert_int_equal(write_rows(f->app, ACTOR("1"), "w", 5), 0);
	tamper(f, "DELETE FROM audit_log WHERE seq = 5");
	assert_int_equal(verify(f, NULL), 1);
	assert_non_null(strstr(out, "row 5: missing"));
}

/* Rows 3 and 4 swap places: position 3 holds what was row 4. */
static void
reordering_rows_fails_verify_naming_the_first_moved(void **state)
{
	struct fx *f = *state;

	assert_int_equal(write_rows(f->app, ACTOR("1"), "w", 5), 0);
	tamper(f, "UPDATE audit_log SET seq = 1000 WHERE seq = 3;"
	    " UPDATE audit_log SET seq = 3 WHERE seq = 4;"
	    " UPDATE audit_log SET seq = 4 WHERE seq = 1000");
	assert_int_equal(verify(f, NULL), 1);
	assert_non_null(strstr(out, "row 3: broken link"));
}

/* The times swapped between two rows, which then read in time order as
 * the other's: each row's hash covers its own time. */
static void
reordering_rows_by_time_fails_verify_naming_the_first_moved(void **state)
{
	struct fx *f = *state;

	assert_int_equal(write_rows(f->app, ACTOR("1"), "w", 5), 0);
	tamper(f, "UPDATE audit_log a SET at = b.at FROM audit_log b"
	    " WHERE (a.seq, b.seq) IN ((2, 4), (4, 2))");
	assert_int_equal(verify(f, NULL), 1);
	assert_non_null(strstr(out, "row 2: altered"));
}

static void
verify_prints_progress_on_a_chain_longer_than_a_batch(void **state)
{
	struct fx *f = *state;

	assert_int_equal(write_rows(f->app, ACTOR("1"), "w", 5), 0);
	assert_int_equal(verify(f, "2"), 0);
	assert_non_null(strstr(out, "2 of 5 rows checked"));
	assert_non_null(strstr(out, "4 of 5 rows checked"));
	assert_non_null(strstr(out, "5 rows, the chain is unbroken"));
	assert_int_equal(verify(f, NULL), 0);
	assert_null(strstr(out, "rows checked"));
}

/* Released together, so they contend for the head from the start. */
static void
eight_concurrent_writers_leave_an_unbroken_chain_with_every_row(void **state)
{
	struct fx *f = *state;
	pid_t pid[WRITERS];
	int gate[2], status, ok = 0;
	char go;

	assert_int_equal(pipe(gate), 0);
	for (int w = 0; w < WRITERS; w++) {
		char actor[] = ACTOR("0"), tag[32];

		actor[sizeof(actor) - 2] = (char)('1' + w);
		snprintf(tag, sizeof(tag), "writer-%d", w);
		if ((pid[w] = fork()) == 0) {
			close(gate[1]);
			if (read(gate[0], &go, 1) != 0)
				_exit(3);
			_exit(write_rows(f->app, actor, tag, ROWS_PER_WRITER) == 0 ?
			    0 : 1);
		}
		assert_true(pid[w] > 0);
	}
	close(gate[0]);
	close(gate[1]);   /* the gate opens */
	for (int w = 0; w < WRITERS; w++)
		if (waitpid(pid[w], &status, 0) == pid[w] && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
			ok++;
	assert_int_equal(ok, WRITERS);
	assert_int_equal(verify(f, NULL), 0);
	assert_non_null(strstr(out, "400 rows, the chain is unbroken"));
	/* Every row each writer wrote, once, at positions 1..400. */
	assert_string_equal(itest_value(f->su, "SELECT count(*) || ' '"
	    " || count(DISTINCT detail) || ' ' || min(seq) || ' ' || max(seq)"
	    " FROM audit_log", buf, sizeof(buf)), "400 400 1 400");
	assert_string_equal(itest_value(f->su, "SELECT count(*) FROM"
	    " (SELECT actor FROM audit_log GROUP BY actor"
	    "  HAVING count(*) = 50 AND count(DISTINCT detail) = 50"
	    "  AND bool_and(detail LIKE 'writer-%') ) t", buf, sizeof(buf)), "8");
	/* They did write at once (else this test proves nothing): the actor
	 * changes more often than eight blocks one after another would. */
	assert_true(atoi(itest_value(f->su, "SELECT count(*) FROM audit_log a"
	    " JOIN audit_log b ON b.seq = a.seq + 1 WHERE a.actor <> b.actor",
	    buf, sizeof(buf))) > WRITERS - 1);
}

/*
 * A row computed from a head that has moved on (a writer that did not
 * hold the head's lock) is refused; the chain stays as it was.
 */
static void
a_row_that_does_not_follow_the_head_is_refused(void **state)
{
	struct fx *f = *state;
	const struct db_param bind[3] = { DB_TEXT(ACTOR("1")),
	    DB_TEXT("reviewer"), DB_TEXT("") };
	const struct pipe_principal who = { .role = PIPE_ROLE_REVIEWER,
	    .account_id = ACTOR("1") };
	const struct app_audit_entry e = { .action = "test.stale" };
	struct db_call first[2] = {
		{ DB_STMT_BIND_PRINCIPAL, bind, 3, NULL, DB_ERROR },
		{ DB_STMT_AUDIT_HEAD, NULL, 0, NULL, DB_ERROR },
	};
	struct db_call stale;
	struct db *db = NULL;
	arena *a = arena_new(8192);

	assert_int_equal(db_open(f->app, &db), 0);
	assert_int_equal(db_batch(db, a, DB_BATCH_BEGIN, first, 2), DB_OK);
	assert_int_equal(app_audit_add(a, first[1].result, &who, &e, &stale),
	    APP_AUDIT_OK);
	db_rollback(db);
	assert_int_equal(write_rows(f->app, ACTOR("1"), "w", 1), 0);
	assert_int_equal(db_batch(db, a, DB_BATCH_BEGIN, first, 1), DB_OK);
	assert_int_equal(db_batch(db, a, DB_BATCH_COMMIT, &stale, 1), DB_ERROR);
	assert_string_equal(itest_value(f->su, "SELECT seq FROM audit_head",
	    buf, sizeof(buf)), "1");
	assert_int_equal(verify(f, NULL), 0);
	db_close(db);
	arena_free(a);
}

/* Row-level security: permitd writes rows of its bound principal only. */
static void
a_row_of_another_actor_than_the_bound_one_is_refused(void **state)
{
	struct fx *f = *state;
	const struct db_param bind[3] = { DB_TEXT(ACTOR("1")),
	    DB_TEXT("reviewer"), DB_TEXT("") };
	const struct pipe_principal other = { .role = PIPE_ROLE_REVIEWER,
	    .account_id = ACTOR("2") };
	const struct app_audit_entry e = { .action = "test.forged" };
	struct db_call first[2] = {
		{ DB_STMT_BIND_PRINCIPAL, bind, 3, NULL, DB_ERROR },
		{ DB_STMT_AUDIT_HEAD, NULL, 0, NULL, DB_ERROR },
	};
	struct db_call row;
	struct db *db = NULL;
	arena *a = arena_new(8192);

	assert_int_equal(db_open(f->app, &db), 0);
	assert_int_equal(db_batch(db, a, DB_BATCH_BEGIN, first, 2), DB_OK);
	assert_int_equal(app_audit_add(a, first[1].result, &other, &e, &row),
	    APP_AUDIT_OK);
	assert_int_equal(db_batch(db, a, DB_BATCH_COMMIT, &row, 1), DB_ERROR);
	assert_string_equal(itest_value(f->su, "SELECT count(*) FROM audit_log",
	    buf, sizeof(buf)), "0");
	db_close(db);
	arena_free(a);
}

#define CHAIN_TEST(t) cmocka_unit_test_setup(t, empty_chain)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		CHAIN_TEST(an_untouched_chain_verifies),
		CHAIN_TEST(an_empty_chain_verifies),
		CHAIN_TEST(editing_a_row_fails_verify_naming_it),
		CHAIN_TEST(editing_a_rows_time_fails_verify_naming_it),
		CHAIN_TEST(deleting_a_row_fails_verify_naming_it),
		CHAIN_TEST(deleting_a_row_and_renumbering_fails_verify_naming_it),
		CHAIN_TEST(deleting_the_last_row_fails_verify_naming_it),
		CHAIN_TEST(reordering_rows_fails_verify_naming_the_first_moved),
		CHAIN_TEST(reordering_rows_by_time_fails_verify_naming_the_first_moved),
		CHAIN_TEST(verify_prints_progress_on_a_chain_longer_than_a_batch),
		CHAIN_TEST(eight_concurrent_writers_leave_an_unbroken_chain_with_every_row),
		CHAIN_TEST(a_row_that_does_not_follow_the_head_is_refused),
		CHAIN_TEST(a_row_of_another_actor_than_the_bound_one_is_refused),
	};

	log_init("test_audit_chain", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests_name("audit_chain", tests, group_setup,
	    group_teardown) != 0;
}
