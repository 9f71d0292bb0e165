/*
 * Which calendar day it is at an office (migrations/0005): each zone's day
 * turns at its own midnight, asked as permit_app at fixed instants one
 * second apart; the OFFICE_TODAY statement permitd runs gives the
 * office's day at the transaction's instant; and OFFICE_DAYS counts whole
 * days whatever the connection's TimeZone. One office per zone is made as
 * the superuser (offices are public data: no principal is needed).
 */
#include "tests/integration/itest.h"

#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"
#include "db/internal.h"

/* This file's offices (no other test uses TOD-). */
#define WIB "TOD-WIB"
#define WITA "TOD-WTA"
#define WIT "TOD-WIT"

struct fx {
	PGconn *super;
	PGconn *app;
};

static char buf[256];

static void
clean(PGconn *su)
{
	itest_ok(su, "DELETE FROM offices WHERE code IN ('" WIB "', '" WITA
	    "', '" WIT "')");
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->super = itest_connect("PERMIT_TEST_SUPER_DSN");
	clean(f->super);
	itest_ok(f->super, "INSERT INTO offices (code, name, city, timezone)"
	    " VALUES ('" WIB "', 'WIB test office', 'Jakarta', 'Asia/Jakarta'),"
	    " ('" WITA "', 'WITA test office', 'Makassar', 'Asia/Makassar'),"
	    " ('" WIT "', 'WIT test office', 'Jayapura', 'Asia/Jayapura')");
	f->app = itest_connect("PERMIT_TEST_APP_DSN");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	PQfinish(f->app);
	clean(f->super);
	PQfinish(f->super);
	free(f);
	return 0;
}

/* permit_office_today(code, at) as permit_app, as text ("" for NULL). */
static const char *
office_today(struct fx *f, const char *code, const char *at)
{
	return itest_valuef(f->app, buf, sizeof(buf),
	    "SELECT permit_office_today('%s', '%s')", code, at);
}

/* Each zone's 2026-12-02 begins at its own midnight: the last second of
 * the 1st there and the first of the 2nd, in UTC. */
static void
each_zone_s_day_turns_at_its_own_midnight(void **state)
{
	static const struct { const char *code, *last, *first; } zones[] = {
		{ WIB, "2026-12-01 16:59:59Z", "2026-12-01 17:00:00Z" },
		{ WITA, "2026-12-01 15:59:59Z", "2026-12-01 16:00:00Z" },
		{ WIT, "2026-12-01 14:59:59Z", "2026-12-01 15:00:00Z" },
	};

	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		assert_string_equal(office_today(*state, zones[i].code,
		    zones[i].last), "2026-12-01");
		assert_string_equal(office_today(*state, zones[i].code,
		    zones[i].first), "2026-12-02");
	}
}

/* The zone's day even where UTC's has not turned: 23:30 UTC on New Year's
 * Eve is already New Year's Day in WIB. */
static void
the_office_day_leads_utc_across_a_year_end(void **state)
{
	assert_string_equal(office_today(*state, WIB, "2026-12-31 23:30:00Z"),
	    "2027-01-01");
}

/* permitd's connection may have any TimeZone setting: the day is the
 * office's all the same. */
static void
the_session_time_zone_does_not_matter(void **state)
{
	struct fx *f = *state;

	itest_ok(f->app, "SET TimeZone = 'Pacific/Honolulu'");
	assert_string_equal(office_today(f, WIB, "2026-12-01 17:00:00Z"),
	    "2026-12-02");
	itest_ok(f->app, "RESET TimeZone");
}

static void
an_unknown_office_has_no_day(void **state)
{
	assert_string_equal(office_today(*state, "XYZ", "2026-12-01 12:00:00Z"),
	    "");
	assert_string_equal(itest_value(((struct fx *)*state)->app,
	    "SELECT permit_office_today(NULL, now()) IS NULL", buf,
	    sizeof(buf)), "t");
}

static void
jakarta_day_turns_at_17_utc(void **state)
{
	struct fx *f = *state;

	assert_string_equal(itest_value(f->app, "SELECT permit_zone_today("
	    "'Asia/Jakarta', '2026-12-01 16:59:59Z')", buf, sizeof(buf)),
	    "2026-12-01");
	assert_string_equal(itest_value(f->app, "SELECT permit_zone_today("
	    "'Asia/Jakarta', '2026-12-01 17:00:00Z')", buf, sizeof(buf)),
	    "2026-12-02");
}

/* Granted to permit_app alone: PUBLIC (grantee 0) may execute neither. */
static void
public_may_not_execute_the_functions(void **state)
{
	struct fx *f = *state;

	assert_string_equal(itest_value(f->super, "SELECT count(*) FROM pg_proc p,"
	    " aclexplode(p.proacl) a WHERE p.proname IN ('permit_zone_today',"
	    " 'permit_office_today') AND a.grantee = 0", buf, sizeof(buf)), "0");
	assert_string_equal(itest_value(f->super, "SELECT count(*) FROM pg_proc"
	    " WHERE proname IN ('permit_zone_today', 'permit_office_today')"
	    " AND proacl IS NOT NULL", buf, sizeof(buf)), "2");
}

/*
 * OFFICE_TODAY through db/ as permit_app: the office's day at the
 * transaction's instant (now() is fixed for the transaction, so the check in
 * the same transaction sees the same instant), and Jakarta's beside it.
 */
struct today_row {
	const char *code;
	char office[32], jakarta[32], office_want[32], jakarta_want[32];
};

static enum db_status
read_office_today(struct db *db, void *arg)
{
	struct today_row *t = arg;
	struct db_param p[1] = { DB_TEXT(t->code) };
	arena *a = arena_new(4096);
	struct db_result *r = NULL;
	enum db_status st = db_exec(db, a, DB_STMT_OFFICE_TODAY, p, 1, &r);
	const char *v;
	PGresult *want;

	assert_int_equal(st, DB_OK);
	assert_int_equal(db_rows(r), 1);
	snprintf(t->office, sizeof(t->office), "%s",
	    (v = db_text(r, 0, DB_COL(OFFICE_TODAY, OFFICE))) != NULL ? v :
	    "NULL");
	snprintf(t->jakarta, sizeof(t->jakarta), "%s",
	    (v = db_text(r, 0, DB_COL(OFFICE_TODAY, JAKARTA))) != NULL ? v :
	    "NULL");
	want = PQexecParams(db->conn, "SELECT coalesce(to_char((now() AT TIME"
	    " ZONE (SELECT timezone FROM offices WHERE code = $1))::date,"
	    " 'YYYY-MM-DD'), 'NULL'), to_char((now() AT TIME ZONE"
	    " 'Asia/Jakarta')::date, 'YYYY-MM-DD')", 1, NULL, &t->code, NULL,
	    NULL, 0);
	assert_int_equal(PQresultStatus(want), PGRES_TUPLES_OK);
	snprintf(t->office_want, sizeof(t->office_want), "%s",
	    PQgetvalue(want, 0, 0));
	snprintf(t->jakarta_want, sizeof(t->jakarta_want), "%s",
	    PQgetvalue(want, 0, 1));
	PQclear(want);
	arena_free(a);
	return DB_OK;
}

static void
office_today_statement_gives_each_zone_its_day(void **state)
{
	const char *codes[] = { WIB, WITA, WIT };
	struct db *db = itest_db("PERMIT_TEST_APP_DSN");

	(void)state;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		struct today_row t = { .code = codes[i] };

		assert_int_equal(db_tx_run(db, NULL, read_office_today, &t), DB_OK);
		assert_string_equal(t.office, t.office_want);
		assert_string_equal(t.jakarta, t.jakarta_want);
		assert_string_not_equal(t.office, "NULL");
	}
	db_close(db);
}

static void
office_today_statement_has_a_row_for_an_unknown_office(void **state)
{
	struct today_row t = { .code = "XYZ" };
	struct db *db = itest_db("PERMIT_TEST_APP_DSN");

	(void)state;
	assert_int_equal(db_tx_run(db, NULL, read_office_today, &t), DB_OK);
	assert_string_equal(t.office, "NULL");
	assert_string_equal(t.jakarta, t.jakarta_want);
	db_close(db);
}

/* OFFICE_DAYS of $1 from $2 to $3: the dates, comma-joined, into buf. */
static enum db_status
read_office_days(struct db *db, void *arg)
{
	struct db_param p[5] = { DB_TEXT(WIB), DB_TEXT("2018-11-03"),
	    DB_TEXT("2018-11-05"), DB_TEXT("30"), DB_TEXT("8") };
	arena *a = arena_new(4096);
	struct db_result *r = NULL;
	char *out = arg;

	assert_int_equal(db_exec(db, a, DB_STMT_OFFICE_DAYS, p, 5, &r), DB_OK);
	out[0] = '\0';
	for (int i = 0; i < db_rows(r); i++)
		snprintf(out + strlen(out), sizeof(buf) - strlen(out), "%s%s",
		    i ? "," : "", db_text(r, i, DB_COL(OFFICE_DAYS, DAY)));
	arena_free(a);
	return DB_OK;
}

/* São Paulo's clocks went from 2018-11-04 00:00 to 01:00: a day stepped
 * as a timestamptz in that session TimeZone would skip 2018-11-05. */
static void
office_days_counts_every_day_whatever_the_session_time_zone(void **state)
{
	struct db *db = itest_db("PERMIT_TEST_APP_DSN");

	(void)state;
	itest_ok(db->conn, "SET TimeZone = 'America/Sao_Paulo'");
	assert_int_equal(db_tx_run(db, NULL, read_office_days, buf), DB_OK);
	assert_string_equal(buf, "2018-11-03,2018-11-04,2018-11-05");
	db_close(db);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	/* One group, so the runner's summary line counts every test. */
	const struct CMUnitTest tests[] = {
		TEST(each_zone_s_day_turns_at_its_own_midnight),
		TEST(the_office_day_leads_utc_across_a_year_end),
		TEST(the_session_time_zone_does_not_matter),
		TEST(an_unknown_office_has_no_day),
		TEST(jakarta_day_turns_at_17_utc),
		TEST(public_may_not_execute_the_functions),
		TEST(office_today_statement_gives_each_zone_its_day),
		TEST(office_today_statement_has_a_row_for_an_unknown_office),
		TEST(office_days_counts_every_day_whatever_the_session_time_zone),
	};

	log_init("test_office_today", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests_name("office_today", tests, NULL, NULL) != 0;
}
