/*
 * The runtime role permit_app, as `permitctl db init` and 0001_platform make
 * it: it cannot create anything, cannot bypass row-level security, owns
 * nothing and writes only the columns it was granted (docs/DESIGN.md
 * invariant 4).
 */
#include "tests/integration/itest.h"

#include <unistd.h>

/* A FORCE'd RLS table made by the owner in a schema of its own. */
struct rls_fixture {
	PGconn *owner;
	PGconn *app;
	char schema[64];
};

static char buf[256];

static int
rls_setup(void **state)
{
	struct rls_fixture *f = calloc(1, sizeof(*f));
	char sql[1024];

	f->owner = itest_connect("PERMIT_TEST_OWNER_DSN");
	f->app = itest_connect("PERMIT_TEST_APP_DSN");
	snprintf(f->schema, sizeof(f->schema), "rls_probe_%ld", (long)getpid());
	snprintf(sql, sizeof(sql),
	    "CREATE SCHEMA %1$s;"
	    "CREATE TABLE %1$s.t (owner text NOT NULL, v int);"
	    "INSERT INTO %1$s.t VALUES ('acct-a', 1), ('acct-a', 2), ('acct-b', 3);"
	    "ALTER TABLE %1$s.t ENABLE ROW LEVEL SECURITY;"
	    "ALTER TABLE %1$s.t FORCE ROW LEVEL SECURITY;"
	    "CREATE POLICY own ON %1$s.t"
	    " USING (owner = current_setting('permit.account_id', true));"
	    "GRANT USAGE ON SCHEMA %1$s TO permit_app;"
	    "GRANT SELECT ON %1$s.t TO permit_app;", f->schema);
	itest_ok(f->owner, sql);
	*state = f;
	return 0;
}

static int
rls_teardown(void **state)
{
	struct rls_fixture *f = *state;
	char sql[256];

	snprintf(sql, sizeof(sql), "SET client_min_messages = warning;"
	    "DROP SCHEMA %s CASCADE", f->schema);
	itest_ok(f->owner, sql);
	PQfinish(f->app);
	PQfinish(f->owner);
	free(f);
	return 0;
}

static void
app_cannot_create_table_in_public(void **state)
{
	assert_string_equal(itest_sqlstate(*state,
	    "CREATE TABLE public.roles_probe (i int)", buf, sizeof(buf)), "42501");
}

static void
app_cannot_create_table_unqualified(void **state)
{
	assert_string_equal(itest_sqlstate(*state,
	    "CREATE TABLE roles_probe (i int)", buf, sizeof(buf)), "42501");
}

static void
app_cannot_create_temp_table(void **state)
{
	assert_string_equal(itest_sqlstate(*state,
	    "CREATE TEMP TABLE roles_probe (i int)", buf, sizeof(buf)), "42501");
}

static void
app_cannot_create_schema(void **state)
{
	assert_string_equal(itest_sqlstate(*state,
	    "CREATE SCHEMA roles_probe", buf, sizeof(buf)), "42501");
}

static void
app_may_create_in_no_schema(void **state)
{
	assert_string_equal(itest_value(*state,
	    "SELECT count(*) FROM pg_namespace"
	    " WHERE has_schema_privilege('permit_app', oid, 'CREATE')",
	    buf, sizeof(buf)), "0");
}

static void
app_role_has_neither_bypassrls_nor_superuser(void **state)
{
	assert_string_equal(itest_value(*state,
	    "SELECT rolbypassrls OR rolsuper FROM pg_roles"
	    " WHERE rolname = 'permit_app'", buf, sizeof(buf)), "f");
}

static void
app_role_cannot_create_roles_or_databases(void **state)
{
	assert_string_equal(itest_value(*state,
	    "SELECT rolcreaterole OR rolcreatedb OR rolinherit OR rolreplication"
	    " FROM pg_roles WHERE rolname = 'permit_app'", buf, sizeof(buf)), "f");
}

static void
app_is_member_of_no_role(void **state)
{
	assert_string_equal(itest_value(*state,
	    "SELECT count(*) FROM pg_auth_members"
	    " WHERE member = 'permit_app'::regrole", buf, sizeof(buf)), "0");
}

static void
app_unbound_sees_no_row_of_forced_rls_table(void **state)
{
	struct rls_fixture *f = *state;
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s.t", f->schema);
	assert_string_equal(itest_value(f->app, sql, buf, sizeof(buf)), "0");
}

static void
app_bound_sees_only_its_rows_of_forced_rls_table(void **state)
{
	struct rls_fixture *f = *state;
	char sql[256];

	itest_ok(f->app, "BEGIN");
	itest_ok(f->app, "SELECT set_config('permit.account_id', 'acct-b', true)");
	snprintf(sql, sizeof(sql), "SELECT string_agg(v::text, ',') FROM %s.t",
	    f->schema);
	assert_string_equal(itest_value(f->app, sql, buf, sizeof(buf)), "3");
	itest_ok(f->app, "COMMIT");
}

static void
app_cannot_disable_row_security(void **state)
{
	struct rls_fixture *f = *state;
	char sql[256];

	snprintf(sql, sizeof(sql), "ALTER TABLE %s.t NO FORCE ROW LEVEL SECURITY",
	    f->schema);
	assert_string_equal(itest_sqlstate(f->app, sql, buf, sizeof(buf)), "42501");
}

static void
app_owns_no_relation(void **state)
{
	assert_string_equal(itest_value(*state,
	    "SELECT count(*) FROM pg_class WHERE relowner = 'permit_app'::regrole",
	    buf, sizeof(buf)), "0");
}

static void
app_owns_no_schema(void **state)
{
	assert_string_equal(itest_value(*state,
	    "SELECT count(*) FROM pg_namespace"
	    " WHERE nspowner = 'permit_app'::regrole", buf, sizeof(buf)), "0");
}

static void
app_owns_no_function(void **state)
{
	assert_string_equal(itest_value(*state,
	    "SELECT count(*) FROM pg_proc WHERE proowner = 'permit_app'::regrole",
	    buf, sizeof(buf)), "0");
}

/* pg_shdepend records every owned object of every database, and databases. */
static void
app_owns_nothing_in_any_database(void **state)
{
	assert_string_equal(itest_value(*state,
	    "SELECT (SELECT count(*) FROM pg_shdepend WHERE deptype = 'o'"
	    "  AND refclassid = 'pg_authid'::regclass"
	    "  AND refobjid = 'permit_app'::regrole)"
	    " + (SELECT count(*) FROM pg_database"
	    "  WHERE datdba = 'permit_app'::regrole)", buf, sizeof(buf)), "0");
}

static void
app_cannot_insert_service_state(void **state)
{
	assert_string_equal(itest_sqlstate(*state,
	    "INSERT INTO service_state (id) VALUES (true)", buf, sizeof(buf)),
	    "42501");
}

static void
app_cannot_delete_service_state(void **state)
{
	assert_string_equal(itest_sqlstate(*state, "DELETE FROM service_state",
	    buf, sizeof(buf)), "42501");
}

static void
app_cannot_rename_an_office(void **state)
{
	assert_string_equal(itest_sqlstate(*state,
	    "UPDATE offices SET name = 'x' WHERE false", buf, sizeof(buf)), "42501");
}

static void
app_cannot_read_schema_migrations(void **state)
{
	assert_string_equal(itest_sqlstate(*state,
	    "SELECT count(*) FROM schema_migrations", buf, sizeof(buf)), "42501");
}

/*
 * The per-user tables as the catalog has them: accounts, and every table in
 * public with an account_id column. Each row: name, and whether RLS is
 * enabled AND forced (without FORCE the owner, which runs migrations and
 * permitctl, would bypass the policies).
 */
#define PER_USER_TABLES \
	"SELECT c.relname, c.relrowsecurity AND c.relforcerowsecurity AS forced" \
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace" \
	" WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')" \
	" AND (c.relname = 'accounts' OR EXISTS (SELECT 1 FROM pg_attribute a" \
	"  WHERE a.attrelid = c.oid AND a.attname = 'account_id'" \
	"  AND NOT a.attisdropped))"

static void
every_per_user_table_has_forced_row_security(void **state)
{
	/* The check covers the tables it must (a catalog query that matched
	 * nothing would pass vacuously). */
	assert_string_equal(itest_value(*state,
	    "SELECT count(*) FROM (" PER_USER_TABLES ") t WHERE relname IN"
	    " ('accounts', 'sessions', 'applications', 'idempotency_keys')",
	    buf, sizeof(buf)), "4");
	/* Named, so a failure says which table lost it. */
	assert_string_equal(itest_value(*state,
	    "SELECT coalesce(string_agg(relname, ',' ORDER BY relname), '')"
	    " FROM (" PER_USER_TABLES ") t WHERE NOT forced", buf, sizeof(buf)), "");
}

#define APP_TEST(f) \
	cmocka_unit_test_setup_teardown(f, itest_app_setup, itest_conn_teardown)
#define RLS_TEST(f) cmocka_unit_test_setup_teardown(f, rls_setup, rls_teardown)

int
main(void)
{
	/* One group, so the runner's summary line counts every test. */
	const struct CMUnitTest tests[] = {
		APP_TEST(app_cannot_create_table_in_public),
		APP_TEST(app_cannot_create_table_unqualified),
		APP_TEST(app_cannot_create_temp_table),
		APP_TEST(app_cannot_create_schema),
		APP_TEST(app_may_create_in_no_schema),
		APP_TEST(app_role_has_neither_bypassrls_nor_superuser),
		APP_TEST(app_role_cannot_create_roles_or_databases),
		APP_TEST(app_is_member_of_no_role),
		APP_TEST(app_owns_no_relation),
		APP_TEST(app_owns_no_schema),
		APP_TEST(app_owns_no_function),
		APP_TEST(app_owns_nothing_in_any_database),
		APP_TEST(app_cannot_insert_service_state),
		APP_TEST(app_cannot_delete_service_state),
		APP_TEST(app_cannot_rename_an_office),
		APP_TEST(app_cannot_read_schema_migrations),
		APP_TEST(every_per_user_table_has_forced_row_security),
		RLS_TEST(app_unbound_sees_no_row_of_forced_rls_table),
		RLS_TEST(app_bound_sees_only_its_rows_of_forced_rls_table),
		RLS_TEST(app_cannot_disable_row_security),
	};

	return cmocka_run_group_tests_name("roles", tests, NULL, NULL) != 0;
}
