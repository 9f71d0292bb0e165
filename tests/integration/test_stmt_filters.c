/*
 * Layer 4a alone (docs/DESIGN.md invariant 4): every statement of
 * db/sql/applications.def names the principal's account itself, so a
 * handler cannot reach another account's row by its id even where RLS would
 * let it. The statements run through db/ on a handle connected as
 * permit_owner, whose policies are USING (true): RLS admits every row and
 * only the statements' own filters stand (`account_id = $who`, or the
 * transaction's bound account, DB_SQL_WHO, for the reads a request
 * prefetches) (each test
 * first shows, with plain SQL on the handle's connection, that B's rows are
 * visible in its transaction). Rows are made and checked as the superuser
 * with plain libpq.
 */
#include "tests/integration/itest.h"

#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"
#include "db/internal.h"

/* Fixed ids of this file's own rows (no other test uses 5f7a1c00-). */
#define ACC_A "5f7a1c00-0000-4000-8000-00000000000a"
#define ACC_B "5f7a1c00-0000-4000-8000-00000000000b"
#define APP_A "5f7a1c00-0000-4000-8000-0000000000aa"
#define APP_B "5f7a1c00-0000-4000-8000-0000000000bb"
#define OFFICE "STF"

/* Idempotency key hashes: SHARED is held by both accounts, ONLY_B by B. */
#define KEY_SHARED_HEX "d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5"
#define KEY_ONLY_B_HEX "d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6"
#define REQ_A_HEX      "dadadadadadadadadadadadadadadadadadadadadadadadadadadadadadadada"
#define REQ_B_HEX      "dbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdb"

#define ACCOUNT_ROW(id, n) \
	"INSERT INTO accounts (id, email_bidx, email_sealed, dek_wrapped," \
	" kek_id, password_hash) VALUES ('" id "', decode(repeat('" n "', 32)," \
	" 'hex'), '\\x00', '\\x01026b31', 'k1', '$argon2id$test');"

#define APPLICATION_ROW(id, acc, n) \
	"INSERT INTO applications (id, account_id, kind, office, passport_type," \
	" nik_bidx, dek_wrapped, kek_id, s_full_name, s_nik, s_kk_number," \
	" s_birth_date, s_birth_place, s_sex, s_phone, s_address," \
	" s_mother_name) VALUES ('" id "', '" acc "', 'passport', '" OFFICE "'," \
	" 'new', decode(repeat('" n "', 32), 'hex'), '\\x01026b31', 'k1'," \
	" '\\x00', '\\x00', '\\x00', '\\x00', '\\x00', '\\x00', '\\x00', '\\x00'," \
	" '\\x00');"

#define IDEM_ROW(acc, key, req) \
	"INSERT INTO idempotency_keys (account_id, key_hash, request_hash)" \
	" VALUES ('" acc "', '\\x" key "', '\\x" req "');"

struct fx {
	PGconn *super;
	struct db *db;
	arena *a;
	unsigned char key_shared[32], key_only_b[32];
};

static const struct db_principal who_a = { ACC_A, "citizen", "" };
static char buf[256];

/* Ends leftovers of a failed run, then deletes this file's rows. */
static void
clean(PGconn *su)
{
	itest_ok(su, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
	    " WHERE usename IN ('permit_owner', 'permit_app')"
	    " AND state LIKE 'idle in transaction%'");
	itest_ok(su, "DELETE FROM idempotency_keys WHERE account_id IN ('"
	    ACC_A "', '" ACC_B "')");
	itest_ok(su, "DELETE FROM applications WHERE id IN ('" APP_A "', '"
	    APP_B "') OR account_id IN ('" ACC_A "', '" ACC_B "')");
	itest_ok(su, "DELETE FROM accounts WHERE id IN ('" ACC_A "', '" ACC_B "')");
	itest_ok(su, "DELETE FROM offices WHERE code = '" OFFICE "'");
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	memset(f->key_shared, 0xd5, sizeof(f->key_shared));
	memset(f->key_only_b, 0xd6, sizeof(f->key_only_b));
	f->super = itest_connect("PERMIT_TEST_SUPER_DSN");
	clean(f->super);
	itest_ok(f->super, "INSERT INTO offices (code, name, city) VALUES"
	    " ('" OFFICE "', 'Statement filter test office', 'Nowhere')");
	itest_ok(f->super, ACCOUNT_ROW(ACC_A, "e1") ACCOUNT_ROW(ACC_B, "e2"));
	itest_ok(f->super, APPLICATION_ROW(APP_A, ACC_A, "e3")
	    APPLICATION_ROW(APP_B, ACC_B, "e4"));
	itest_ok(f->super, IDEM_ROW(ACC_A, KEY_SHARED_HEX, REQ_A_HEX)
	    IDEM_ROW(ACC_B, KEY_SHARED_HEX, REQ_B_HEX)
	    IDEM_ROW(ACC_B, KEY_ONLY_B_HEX, REQ_B_HEX));
	f->db = itest_db("PERMIT_TEST_OWNER_DSN");
	f->a = arena_new(16384);
	assert_non_null(f->a);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	if (f == NULL)
		return 0;
	/* A failed assertion leaves the handle inside a transaction. */
	if (f->db != NULL)
		db_close(f->db);
	if (f->a != NULL)
		arena_free(f->a);
	clean(f->super);
	PQfinish(f->super);
	free(f);
	return 0;
}

/* Runs `stmt` with text parameters; the result must be DB_OK. */
static struct db_result *
run(struct fx *f, enum db_stmt stmt, const struct db_param *p, int n)
{
	struct db_result *r = NULL;

	assert_int_equal(db_exec(f->db, f->a, stmt, p, n, &r), DB_OK);
	assert_non_null(r);
	return r;
}

/* The first column of every row, comma-joined. */
static const char *
ids_of(const struct db_result *r, char *out, size_t len)
{
	out[0] = '\0';
	for (int i = 0; i < db_rows(r); i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s", i ? "," : "",
		    db_text(r, i, 0));
	return out;
}

/*
 * Inside the transaction, the handle's own connection (db/internal.h) sees
 * B's rows: RLS is not what keeps them from A. Plain SQL, so no statement
 * under test is needed to show it.
 */
static void
assert_rls_admits_b(struct fx *f)
{
	assert_string_equal(itest_value(f->db->conn, "SELECT count(*)"
	    " FROM applications WHERE id = '" APP_B "'", buf, sizeof(buf)), "1");
	assert_string_equal(itest_value(f->db->conn, "SELECT count(*)"
	    " FROM idempotency_keys WHERE account_id = '" ACC_B "'", buf,
	    sizeof(buf)), "2");
}

static void
app_get_with_another_accounts_id_returns_no_row(void **state)
{
	struct fx *f = *state;
	const struct db_param own[1] = { DB_TEXT(APP_A) };
	const struct db_param other[1] = { DB_TEXT(APP_B) };

	assert_int_equal(db_begin(f->db, &who_a), DB_OK);
	assert_rls_admits_b(f);
	assert_int_equal(db_rows(run(f, DB_STMT_APP_GET, own, 1)), 1);
	assert_int_equal(db_rows(run(f, DB_STMT_APP_GET, other, 1)), 0);
	db_rollback(f->db);
}

static void
app_get_for_update_with_another_accounts_id_returns_no_row(void **state)
{
	struct fx *f = *state;
	const struct db_param own[1] = { DB_TEXT(APP_A) };
	const struct db_param other[1] = { DB_TEXT(APP_B) };

	assert_int_equal(db_begin(f->db, &who_a), DB_OK);
	assert_rls_admits_b(f);
	assert_int_equal(db_rows(run(f, DB_STMT_APP_GET_FOR_UPDATE, own, 1)), 1);
	assert_int_equal(db_rows(run(f, DB_STMT_APP_GET_FOR_UPDATE, other, 1)), 0);
	db_rollback(f->db);
}

static void
app_list_returns_only_the_accounts_own_ids(void **state)
{
	struct fx *f = *state;
	char ids[1024];

	assert_int_equal(db_begin(f->db, &who_a), DB_OK);
	assert_rls_admits_b(f);
	assert_string_equal(ids_of(run(f, DB_STMT_APP_LIST, NULL, 0), ids,
	    sizeof(ids)), APP_A);
	db_rollback(f->db);
}

/* Committed, so the superuser's look afterwards shows what really happened. */
static void
app_cancel_with_another_accounts_id_changes_nothing(void **state)
{
	struct fx *f = *state;
	const struct db_param own[2] = { DB_TEXT(APP_A), DB_TEXT(ACC_A) };
	const struct db_param other[2] = { DB_TEXT(APP_B), DB_TEXT(ACC_A) };
	struct db_result *r;

	assert_int_equal(db_begin(f->db, &who_a), DB_OK);
	assert_rls_admits_b(f);
	r = run(f, DB_STMT_APP_CANCEL, other, 2);
	assert_int_equal(db_rows(r), 0);
	/* The same statement does cancel A's own. */
	assert_int_equal(db_rows(run(f, DB_STMT_APP_CANCEL, own, 2)), 1);
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_string_equal(itest_value(f->super, "SELECT status FROM applications"
	    " WHERE id = '" APP_B "'", buf, sizeof(buf)), "submitted");
}

/* A key both accounts used: A gets its own claim and never B's. */
static void
idem_get_of_a_shared_key_returns_only_the_accounts_own_claim(void **state)
{
	struct fx *f = *state;
	const struct db_param p[2] = { DB_TEXT(ACC_A),
	    DB_BYTES(f->key_shared, sizeof(f->key_shared)) };
	struct db_result *r;

	assert_int_equal(db_begin(f->db, &who_a), DB_OK);
	assert_rls_admits_b(f);
	r = run(f, DB_STMT_IDEM_GET, p, 2);
	assert_int_equal(db_rows(r), 1);
	assert_string_equal(db_text(r, 0, 0), "\\x" REQ_A_HEX);
	db_rollback(f->db);
}

static void
idem_get_of_a_key_only_another_account_holds_returns_no_row(void **state)
{
	struct fx *f = *state;
	const struct db_param p[2] = { DB_TEXT(ACC_A),
	    DB_BYTES(f->key_only_b, sizeof(f->key_only_b)) };

	assert_int_equal(db_begin(f->db, &who_a), DB_OK);
	assert_rls_admits_b(f);
	assert_int_equal(db_rows(run(f, DB_STMT_IDEM_GET, p, 2)), 0);
	db_rollback(f->db);
}

/* Committed: A records the outcome of its own claims; B's stay unrecorded. */
static void
idem_done_records_only_the_accounts_own_claim(void **state)
{
	struct fx *f = *state;
	const struct db_param shared[4] = { DB_TEXT(ACC_A),
	    DB_BYTES(f->key_shared, sizeof(f->key_shared)), DB_TEXT("201"),
	    DB_TEXT(APP_A) };
	const struct db_param only_b[4] = { DB_TEXT(ACC_A),
	    DB_BYTES(f->key_only_b, sizeof(f->key_only_b)), DB_TEXT("201"),
	    DB_TEXT(APP_A) };

	assert_int_equal(db_begin(f->db, &who_a), DB_OK);
	assert_rls_admits_b(f);
	assert_int_equal(db_affected(run(f, DB_STMT_IDEM_DONE, shared, 4)), 1);
	assert_int_equal(db_affected(run(f, DB_STMT_IDEM_DONE, only_b, 4)), 0);
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_string_equal(itest_value(f->super, "SELECT count(*)"
	    " FROM idempotency_keys WHERE account_id = '" ACC_B "'"
	    " AND status IS NULL AND resource_id IS NULL", buf, sizeof(buf)), "2");
	assert_string_equal(itest_value(f->super, "SELECT resource_id"
	    " FROM idempotency_keys WHERE account_id = '" ACC_A "'", buf,
	    sizeof(buf)), APP_A);
}

#define FX_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(app_get_with_another_accounts_id_returns_no_row),
		FX_TEST(app_get_for_update_with_another_accounts_id_returns_no_row),
		FX_TEST(app_list_returns_only_the_accounts_own_ids),
		FX_TEST(app_cancel_with_another_accounts_id_changes_nothing),
		FX_TEST(idem_get_of_a_shared_key_returns_only_the_accounts_own_claim),
		FX_TEST(idem_get_of_a_key_only_another_account_holds_returns_no_row),
		FX_TEST(idem_done_records_only_the_accounts_own_claim),
	};

	log_init("test_stmt_filters", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests_name("stmt_filters", tests, NULL, NULL) != 0;
}
