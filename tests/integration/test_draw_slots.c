/*
 * The opening draw's slots (migrations/0018), asked with plain SQL as
 * permit_app, as the master asks them: a draw gives its first entries
 * holds up to the day's capacity, and a slot that comes to a day whose
 * entries wait goes to them, not to a first-come booking. The office
 * (RVD, one of its own), an admin, its citizens' accounts, applications, draw and entries are
 * made as the superuser, and removed at the end.
 */
#include "tests/integration/itest.h"

#include <unistd.h>

#include "core/log.h"

#define OFFICE "'RVD'"
#define DAY "'2031-01-08'"
#define SEED "'\\x" \
    "0202020202020202020202020202020202020202020202020202020202020202'"
/* Entries in the draw; the office's quota is one fewer, so one waits. */
#define NENTRIES 3

enum { ADMIN = NENTRIES, NACCOUNTS };

struct fx {
	PGconn *super, *app;
	char id[NACCOUNTS][40];
	char bidx[NACCOUNTS][80];
	char hash[NACCOUNTS][80];
};

static char buf[1024];

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->super = itest_connect("PERMIT_TEST_SUPER_DSN");
	f->app = itest_connect("PERMIT_TEST_APP_DSN");
	itest_ok(f->super, "INSERT INTO offices (code, name, city, daily_quota,"
	    " timezone) VALUES (" OFFICE ", 'Review draw', 'Medan', 2,"
	    " 'Asia/Jakarta')");
	for (int i = 0; i < NACCOUNTS; i++) {
		const struct itest_account a = {
			.role = i == ADMIN ? "admin" : "citizen" };

		itest_account_new(f->super, &a, (long)getpid() * 100 + 10 * i,
		    f->id[i], f->bidx[i], f->hash[i]);
	}
	/* Each citizen's passport application, submitted, a NIK of its own;
	 * the day's seed committed before its window, which has opened and
	 * closed; each application entered, as permit_draw_enter enters it. */
	for (int i = 0; i < NENTRIES; i++)
		itest_okf(f->super, "INSERT INTO applications (id, account_id,"
		    " kind, office, passport_type, nik_bidx, dek_wrapped, kek_id,"
		    " s_full_name, s_nik, s_kk_number, s_birth_date,"
		    " s_birth_place, s_sex, s_phone, s_address, s_mother_name)"
		    " VALUES (gen_random_uuid(), '%s', 'passport', " OFFICE ","
		    " 'new', decode(repeat('%02x', 32), 'hex'), '\\x01026b31',"
		    " 'k1', '\\x00', '\\x00', '\\x00', '\\x00', '\\x00', '\\x00',"
		    " '\\x00', '\\x00', '\\x00')", f->id[i], 0xd0 + i);
	itest_ok(f->super, "INSERT INTO draws (office, day, opens_at, draw_at,"
	    " seed, seed_hash, committed_at) VALUES (" OFFICE ", " DAY ","
	    " now() - interval '2 minutes', now() - interval '1 minute', "
	    SEED ", " SEED ", now() - interval '3 minutes')");
	itest_ok(f->super, "INSERT INTO draw_entries (id, office, day,"
	    " application_id, account_id, nik_bidx, draw_at, billing_code,"
	    " amount, hold_minutes) SELECT gen_random_uuid(), a.office, " DAY ","
	    " a.id, a.account_id, a.nik_bidx, now() - interval '1 minute',"
	    " upper(md5(a.id::text)), 350000, 60 FROM applications a"
	    " WHERE a.office = " OFFICE);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	PQfinish(f->app);
	itest_ok(f->super, "DELETE FROM bookings WHERE office = " OFFICE ";"
	    "DELETE FROM draw_entries WHERE office = " OFFICE ";"
	    "DELETE FROM draws WHERE office = " OFFICE ";"
	    "DELETE FROM office_days WHERE office = " OFFICE ";"
	    "DELETE FROM applications WHERE office = " OFFICE ";"
	    "DELETE FROM offices WHERE code = " OFFICE);
	for (int i = 0; i < NACCOUNTS; i++)
		itest_okf(f->super, "DELETE FROM sessions WHERE account_id = '%s';"
		    "DELETE FROM accounts WHERE id = '%s'", f->id[i], f->id[i]);
	PQfinish(f->super);
	free(f);
	return 0;
}

/* The draw run as the master runs it (app/draw_master.c), from an unbound
 * transaction of permit_app, committed: its counts "entries won waiting".
 * The order is the entries' ids' (the places are not what is tested). */
static const char *
draw_runs(struct fx *f)
{
	char ids[512];

	itest_value(f->super, "SELECT '{' || string_agg(id::text, ',' ORDER BY"
	    " id) || '}' FROM draw_entries WHERE office = " OFFICE, ids,
	    sizeof(ids));
	itest_ok(f->app, "BEGIN");
	assert_string_equal(itest_value(f->app, "SELECT count(*) FROM"
	    " permit_draw_lock(" OFFICE ", " DAY ")", buf, sizeof(buf)), "3");
	itest_valuef(f->app, buf, sizeof(buf), "SELECT entries || ' ' || won"
	    " || ' ' || waiting FROM permit_draw_run(" OFFICE ", " DAY ", '%s',"
	    " array_fill('\\x%064d'::bytea, ARRAY[%d]))", ids, 0, NENTRIES);
	itest_ok(f->app, "COMMIT");
	return buf;
}

/* "taken held waiting": the day's taken count, its held bookings and its
 * waiting entries. */
static const char *
day_counts(struct fx *f)
{
	return itest_value(f->super, "SELECT coalesce((SELECT booked FROM"
	    " office_days WHERE office = " OFFICE " AND day = " DAY "), 0)"
	    " || ' ' || (SELECT count(*) FROM bookings WHERE office = " OFFICE
	    " AND day = " DAY " AND state = 'held') || ' ' || (SELECT count(*)"
	    " FROM draw_entries WHERE office = " OFFICE " AND day = " DAY
	    " AND state = 'waiting')", buf, sizeof(buf));
}

/*
 * A day that opens by booking_days_ahead has no office_days row until its
 * first booking, and in its draw window no booking is made: the draw must
 * still give holds up to the day's capacity (the office's quota), not
 * leave every entry waiting while first-come bookings, which make the
 * row, take the day.
 */
static void
draw_of_a_day_without_its_row_gives_holds(void **state)
{
	struct fx *f = *state;

	assert_string_equal(itest_value(f->super, "SELECT count(*) FROM"
	    " office_days WHERE office = " OFFICE, buf, sizeof(buf)), "0");
	assert_string_equal(draw_runs(f), "3 2 1");
	assert_string_equal(day_counts(f), "2 2 1");
}

/*
 * An admin's larger daily quota gives every coming day that counts with
 * it more slots: those of a day whose entries wait are theirs, as a
 * capacity raised on the day itself is (the trigger on office_days), not
 * free for the next first-come booking.
 */
static void
larger_quota_goes_to_the_waiting_entries(void **state)
{
	struct fx *f = *state;

	assert_string_equal(draw_runs(f), "3 2 1");
	itest_ok(f->app, "BEGIN");
	itest_valuef(f->app, buf, sizeof(buf), "SELECT coalesce(account_id::text,"
	    " '') FROM permit_bind(%s, 60)", f->hash[ADMIN]);
	assert_string_equal(buf, f->id[ADMIN]);
	itest_ok(f->app, "SELECT permit_admin_office_quota(" OFFICE ", 3)");
	itest_ok(f->app, "COMMIT");
	assert_string_equal(day_counts(f), "3 3 0");
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(draw_of_a_day_without_its_row_gives_holds),
		TEST(larger_quota_goes_to_the_waiting_entries),
	};

	log_init("test_draw_slots", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests_name("draw_slots", tests, NULL, NULL) != 0;
}
