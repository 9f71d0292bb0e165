/*
 * migrations/0006: KEKs in use. The guard on every sealed table refuses a
 * row naming a retired KEK and registers new ones; its lock and retire's
 * make one of a concurrent write and a retire lose, whichever came second;
 * permitd masters announce themselves only through the definer functions
 * and stop counting after 30 s of silence. Statements run as permitctl and
 * permitd send them (db/sql/ctl/keys.def, db/sql/instances.def); rows are
 * made and checked as the superuser.
 */
#include "tests/integration/itest.h"

#include <unistd.h>

#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"
#include "db/sealed.h"

/* Fixed ids of this file's own rows (no other test uses 6b6b0000-). */
#define ACC(n) "6b6b0000-0000-4000-8000-0000000000" n
#define INSTANCE "6b6b0000-0000-4000-8000-00000000aaaa"

struct fx {
	PGconn *super, *owner, *other;
	char kek[3][32];   /* this run's KEK ids */
};

static char buf[512];

static void
clean(struct fx *f)
{
	itest_ok(f->super, "DELETE FROM accounts WHERE id::text LIKE '6b6b0000-%'");
	itest_ok(f->super, "DELETE FROM instances WHERE id = '" INSTANCE "'");
	itest_okf(f->super, "DELETE FROM keks WHERE id LIKE 'it%ld%%'",
	    (long)getpid());
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->super = itest_connect("PERMIT_TEST_SUPER_DSN");
	f->owner = itest_connect("PERMIT_TEST_OWNER_DSN");
	f->other = itest_connect("PERMIT_TEST_SUPER_DSN");
	for (int i = 0; i < 3; i++)
		snprintf(f->kek[i], sizeof(f->kek[i]), "it%ld%c", (long)getpid(),
		    'a' + i);
	clean(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	PQfinish(f->owner);   /* ends any transaction a failed test left */
	PQfinish(f->other);
	clean(f);
	PQfinish(f->super);
	free(f);
	return 0;
}

/* The INSERT of account ACC(n) whose DEK is wrapped by `kek` (a DEK
 * header the kek_matches_dek check accepts). */
static const char *
account_row(char *sql, size_t len, const char *n, const char *kek)
{
	snprintf(sql, len, "INSERT INTO accounts (id, email_bidx, email_sealed,"
	    " dek_wrapped, kek_id, password_hash) VALUES ('" ACC("%s") "',"
	    " decode(repeat('%s', 32), 'hex'), '\\x00', decode('01' ||"
	    " lpad(to_hex(length('%s')), 2, '0') || encode(convert_to('%s',"
	    " 'UTF8'), 'hex'), 'hex'), '%s', '$argon2id$test')", n, n, kek, kek,
	    kek);
	return sql;
}

/* The UPDATE that moves account ACC("01") under `kek` (its DEK re-wrapped,
 * as keys rewrap does). */
static const char *
account_move(char *sql, size_t len, const char *kek)
{
	snprintf(sql, len, "UPDATE accounts SET kek_id = '%s',"
	    " dek_wrapped = decode('01' || lpad(to_hex(length('%s')), 2, '0') ||"
	    " encode(convert_to('%s', 'UTF8'), 'hex'), 'hex') WHERE id = '"
	    ACC("01") "'", kek, kek, kek);
	return sql;
}

/* Runs closed statement `s` with the one parameter `p` on `c`. */
static PGresult *
stmt1(PGconn *c, enum db_stmt s, const char *p)
{
	return PQexecParams(c, db_stmt_def(s)->sql, 1, NULL, &p, NULL, NULL, 0);
}

static void
stmt1_ok(PGconn *c, enum db_stmt s, const char *p)
{
	PGresult *r = stmt1(c, s, p);

	if (!(PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK))
		fail_msg("%s: %s", db_stmt_def(s)->name, PQresultErrorMessage(r));
	PQclear(r);
}

/* keys retire's database half, left uncommitted on `c`. */
static void
retire_uncommitted(PGconn *c, const char *kek)
{
	itest_ok(c, "BEGIN");
	stmt1_ok(c, DB_STMT_KEK_REGISTER, kek);
	stmt1_ok(c, DB_STMT_KEK_LOCK, kek);
	stmt1_ok(c, DB_STMT_KEK_RETIRE, kek);
}

static const char *
kek_state(struct fx *f, const char *kek)
{
	return itest_valuef(f->super, buf, sizeof(buf), "SELECT coalesce(("
	    "SELECT state FROM keks WHERE id = '%s'), 'none')", kek);
}

/* 1 when `c`'s query is still waiting after a moment (blocked on a lock). */
static int
still_waiting(PGconn *c)
{
	usleep(300 * 1000);
	assert_int_equal(PQconsumeInput(c), 1);
	return PQisBusy(c);
}

/* The SQLSTATE of the query `c` was waiting on ("" for success). */
static const char *
outcome(PGconn *c, char *out, size_t len)
{
	PGresult *r;

	out[0] = '\0';
	while ((r = PQgetResult(c)) != NULL) {
		const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);

		if (s != NULL && out[0] == '\0')
			snprintf(out, len, "%s", s);
		PQclear(r);
	}
	return out;
}

static void
first_write_under_a_kek_registers_it_active(void **state)
{
	struct fx *f = *state;
	char sql[512];

	assert_string_equal(kek_state(f, f->kek[0]), "none");
	itest_ok(f->super, account_row(sql, sizeof(sql), "01", f->kek[0]));
	assert_string_equal(kek_state(f, f->kek[0]), "active");
}

static void
write_naming_a_retired_kek_is_refused(void **state)
{
	struct fx *f = *state;
	char sql[512], st[16];

	itest_ok(f->super, account_row(sql, sizeof(sql), "01", f->kek[1]));
	retire_uncommitted(f->owner, f->kek[0]);
	itest_ok(f->owner, "COMMIT");
	assert_string_equal(kek_state(f, f->kek[0]), "retired");
	assert_string_equal(itest_sqlstate(f->super, account_row(sql, sizeof(sql),
	    "02", f->kek[0]), st, sizeof(st)), "23514");
	/* Moving an existing row under it is refused the same way. */
	assert_string_equal(itest_sqlstate(f->super, account_move(sql,
	    sizeof(sql), f->kek[0]), st, sizeof(st)), "23514");
	assert_string_equal(itest_value(f->super, "SELECT count(*) FROM accounts"
	    " WHERE id::text LIKE '6b6b0000-%'", buf, sizeof(buf)), "1");
}

/* Re-wrapping away from a retired KEK (a restored dump's row) is allowed:
 * the guard looks at the KEK a row moves to. */
static void
moving_a_row_off_a_retired_kek_is_allowed(void **state)
{
	struct fx *f = *state;
	char sql[512];

	itest_ok(f->super, account_row(sql, sizeof(sql), "01", f->kek[0]));
	retire_uncommitted(f->owner, f->kek[0]);
	itest_ok(f->owner, "COMMIT");
	itest_ok(f->super, account_move(sql, sizeof(sql), f->kek[1]));
}

static void
retire_first_makes_a_concurrent_write_fail(void **state)
{
	struct fx *f = *state;
	char sql[512], st[16];

	itest_ok(f->super, account_row(sql, sizeof(sql), "01", f->kek[0]));
	itest_ok(f->super, "DELETE FROM accounts WHERE id = '" ACC("01") "'");
	retire_uncommitted(f->owner, f->kek[0]);
	assert_int_equal(PQsendQuery(f->other, account_row(sql, sizeof(sql),
	    "02", f->kek[0])), 1);
	assert_true(still_waiting(f->other));
	itest_ok(f->owner, "COMMIT");
	assert_string_equal(outcome(f->other, st, sizeof(st)), "23514");
	assert_string_equal(itest_value(f->super, "SELECT count(*) FROM accounts"
	    " WHERE id::text LIKE '6b6b0000-%'", buf, sizeof(buf)), "0");
}

/* A write under KEK k, uncommitted; retire's lock waits for it and then
 * counts its row. `known`: k had been used before (a row to lock already)
 * or is new (retire's registration waits on the write's own). */
static void
write_first_is_counted_by_retire(struct fx *f, const char *kek, int known)
{
	char sql[512], st[16];
	PGresult *r;
	const char *p = kek;

	if (known) {
		itest_ok(f->super, account_row(sql, sizeof(sql), "01", kek));
		itest_ok(f->super, "DELETE FROM accounts WHERE id = '" ACC("01") "'");
	}
	itest_ok(f->other, "BEGIN");
	itest_ok(f->other, account_row(sql, sizeof(sql), "02", kek));
	itest_ok(f->owner, "BEGIN");
	stmt1_ok(f->owner, DB_STMT_INSTANCES_SEALING, kek);
	assert_int_equal(PQsendQueryParams(f->owner,
	    db_stmt_def(known ? DB_STMT_KEK_LOCK : DB_STMT_KEK_REGISTER)->sql, 1,
	    NULL, &p, NULL, NULL, 0), 1);
	assert_true(still_waiting(f->owner));
	itest_ok(f->other, "COMMIT");
	assert_string_equal(outcome(f->owner, st, sizeof(st)), "");
	if (!known)
		stmt1_ok(f->owner, DB_STMT_KEK_LOCK, kek);
	r = stmt1(f->owner, DB_STMT_KEK_DEKS_ACCOUNTS, kek);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(r, 0, 0), "1");
	PQclear(r);
	itest_ok(f->owner, "ROLLBACK");
	assert_string_equal(kek_state(f, kek), "active");
}

static void
write_first_under_a_used_kek_is_counted_by_retire(void **state)
{
	struct fx *f = *state;

	write_first_is_counted_by_retire(f, f->kek[0], 1);
}

static void
write_first_under_a_new_kek_is_counted_by_retire(void **state)
{
	struct fx *f = *state;

	write_first_is_counted_by_retire(f, f->kek[1], 0);
}

/* An announcement as permitd makes it, through db/ as permit_app. */
struct announce {
	const char *sealing, *held;
	char retired[64];    /* what the announcement returned */
};

static enum db_status
announce_fn(struct db *db, void *arg)
{
	struct announce *an = arg;
	const struct db_param p[6] = { DB_TEXT(INSTANCE), DB_TEXT("itest-host"),
	    DB_TEXT("4242"), DB_TEXT("1700000000"), DB_TEXT(an->sealing),
	    DB_TEXT(an->held) };
	arena *a = arena_new(4096);
	struct db_result *r;
	enum db_status st;

	an->retired[0] = '\0';
	st = db_exec(db, a, DB_STMT_INSTANCE_ANNOUNCE, p, 6, &r);
	if (st == DB_OK)
		for (int i = 0; i < db_rows(r); i++)
			snprintf(an->retired + strlen(an->retired),
			    sizeof(an->retired) - strlen(an->retired), "%s%s",
			    i > 0 ? "," : "", db_text(r, i, 0));
	arena_free(a);
	return st;
}

static void
announce(const char *sealing, const char *held, struct announce *an)
{
	struct db *db = NULL;

	an->sealing = sealing;
	an->held = held;
	assert_int_equal(db_open(itest_env("PERMIT_TEST_APP_DSN"), &db), 0);
	assert_int_equal(db_tx_run(db, NULL, announce_fn, an), DB_OK);
	db_close(db);
}

static const char *
live(struct fx *f)
{
	return itest_value(f->owner, "SELECT coalesce((SELECT host || ' ' ||"
	    " pid || ' ' || sealing_keks::text || ' ' || held_keks::text"
	    " FROM live_instances WHERE id = '" INSTANCE "'), 'none')", buf,
	    sizeof(buf));
}

static void
an_announcement_records_what_a_permitd_holds_and_seals_under(void **state)
{
	struct fx *f = *state;
	struct announce an;
	char want[256];

	snprintf(want, sizeof(want), "%s,%s", f->kek[0], f->kek[1]);
	announce(f->kek[1], want, &an);
	snprintf(want, sizeof(want), "itest-host 4242 {%s} {%s,%s}", f->kek[1],
	    f->kek[0], f->kek[1]);
	assert_string_equal(live(f), want);
	assert_string_equal(an.retired, "");
	/* A heartbeat replaces the sets. */
	announce(f->kek[0], f->kek[0], &an);
	snprintf(want, sizeof(want), "itest-host 4242 {%s} {%s}", f->kek[0],
	    f->kek[0]);
	assert_string_equal(live(f), want);
}

static void
an_announcement_names_its_retired_sealing_keks(void **state)
{
	struct fx *f = *state;
	struct announce an;
	char keks[128];

	retire_uncommitted(f->owner, f->kek[0]);
	itest_ok(f->owner, "COMMIT");
	snprintf(keks, sizeof(keks), "%s,%s", f->kek[0], f->kek[1]);
	announce(keks, keks, &an);
	assert_string_equal(an.retired, f->kek[0]);
}

static void
a_silent_instance_stops_counting_after_30_seconds(void **state)
{
	struct fx *f = *state;
	struct announce an;
	PGresult *r;

	announce(f->kek[0], f->kek[0], &an);
	r = stmt1(f->owner, DB_STMT_INSTANCES_SEALING, f->kek[0]);
	assert_int_equal(PQntuples(r), 1);
	assert_string_equal(PQgetvalue(r, 0, 1), "4242");
	PQclear(r);
	itest_ok(f->super, "UPDATE instances SET seen_at = now() - interval"
	    " '31 seconds' WHERE id = '" INSTANCE "'");
	r = stmt1(f->owner, DB_STMT_INSTANCES_SEALING, f->kek[0]);
	assert_int_equal(PQntuples(r), 0);
	PQclear(r);
	assert_string_equal(live(f), "none");
}

static enum db_status
leave_fn(struct db *db, void *arg)
{
	const struct db_param p = DB_TEXT(INSTANCE);

	(void)arg;
	return db_exec(db, NULL, DB_STMT_INSTANCE_LEAVE, &p, 1, NULL);
}

static void
leaving_removes_the_instance(void **state)
{
	struct fx *f = *state;
	struct announce an;
	struct db *db = NULL;

	announce(f->kek[0], f->kek[0], &an);
	assert_int_equal(db_open(itest_env("PERMIT_TEST_APP_DSN"), &db), 0);
	assert_int_equal(db_tx_run(db, NULL, leave_fn, NULL), DB_OK);
	db_close(db);
	assert_string_equal(itest_value(f->super, "SELECT count(*) FROM instances"
	    " WHERE id = '" INSTANCE "'", buf, sizeof(buf)), "0");
}

static void
runtime_role_touches_neither_table_directly(void **state)
{
	PGconn *app = itest_connect("PERMIT_TEST_APP_DSN");
	char st[16];

	(void)state;
	assert_string_equal(itest_sqlstate(app, "SELECT * FROM instances", st,
	    sizeof(st)), "42501");
	assert_string_equal(itest_sqlstate(app, "SELECT * FROM live_instances",
	    st, sizeof(st)), "42501");
	assert_string_equal(itest_sqlstate(app, "UPDATE keks SET state = 'active'",
	    st, sizeof(st)), "42501");
	assert_string_equal(itest_sqlstate(app, "INSERT INTO keks (id) VALUES"
	    " ('x')", st, sizeof(st)), "42501");
	PQfinish(app);
}

/* The registry and the schema agree: every table of db/sql/sealed.def has
 * its guard, and every table that holds a wrapped DEK is registered. */
static void
every_sealed_table_is_guarded_and_registered(void **state)
{
	struct fx *f = *state;
	char names[256] = "";

	for (int t = 0; t < DB_SEALED_COUNT; t++) {
		const char *table = db_sealed((enum db_sealed)t)->table;

		if (strcmp(itest_valuef(f->super, buf, sizeof(buf),
		    "SELECT count(*) FROM pg_trigger tg"
		    " JOIN pg_proc p ON p.oid = tg.tgfoid"
		    " WHERE tg.tgrelid = 'public.%s'::regclass"
		    " AND tg.tgname = '%s_kek_guard' AND p.proname = 'permit_kek_guard'"
		    " AND tg.tgenabled = 'O'", table, table), "1") != 0)
			fail_msg("%s has no enabled %s_kek_guard trigger", table, table);
		snprintf(names + strlen(names), sizeof(names) - strlen(names),
		    "%s%s", t > 0 ? "," : "", table);
	}
	assert_string_equal(itest_valuef(f->super, buf, sizeof(buf),
	    "SELECT coalesce(string_agg(c.relname, ','),"
	    " '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	    " WHERE n.nspname = 'public' AND c.relkind = 'r'"
	    " AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid"
	    " AND a.attname = 'dek_wrapped') AND EXISTS (SELECT 1 FROM"
	    " pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'kek_id')"
	    " AND NOT (c.relname = ANY (string_to_array('%s', ',')))", names), "");
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(first_write_under_a_kek_registers_it_active),
		T(write_naming_a_retired_kek_is_refused),
		T(moving_a_row_off_a_retired_kek_is_allowed),
		T(retire_first_makes_a_concurrent_write_fail),
		T(write_first_under_a_used_kek_is_counted_by_retire),
		T(write_first_under_a_new_kek_is_counted_by_retire),
		T(an_announcement_records_what_a_permitd_holds_and_seals_under),
		T(an_announcement_names_its_retired_sealing_keks),
		T(a_silent_instance_stops_counting_after_30_seconds),
		T(leaving_removes_the_instance),
		T(runtime_role_touches_neither_table_directly),
		T(every_sealed_table_is_guarded_and_registered),
	};

	log_init("test_keks", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests_name("keks", tests, NULL, NULL) != 0;
}
