/*
 * The sealed fields declared in db/sql/sealed_fields.h are exactly the
 * sealed columns the migrations made, in column order, for every table of
 * the registry db/sql/sealed.def. A field added to a list without its
 * column (or a column without its field), a renamed or a reordered one,
 * fails here before any statement is prepared against it.
 *
 * A column counts as sealed when it is named so (s_<field> or
 * <field>_sealed) or is any other bytea than the wrapped DEK and the blind
 * indexes: nothing else of a sealed table may hold bytes.
 */
#include "tests/integration/itest.h"

#include "db/sql/sealed_fields.h"

/* A table of the registry and its list's columns, ",c1,c2,...". */
struct sealed_table {
	const char *name;
	const char *table;
	const char *columns;
};

#define LIST_COLUMN(name, column, ...) "," column
static const struct sealed_table sealed_tables[] = {
#define DB_SEALED(name, table, ...) \
	{ #name, table, "" DB_SEALED_FIELDS_##name(LIST_COLUMN, ) },
#include "db/sql/sealed.def"
#undef DB_SEALED
};
#undef LIST_COLUMN

/* The sealed columns of `table` as migrated, ",c1,c2,..." by position. */
static const char *
migrated_columns(PGconn *c, const char *table, char *buf, size_t len)
{
	const char *params[1] = { table };
	PGresult *r = PQexecParams(c,
	    "SELECT coalesce(string_agg(',' || column_name, ''"
	    "  ORDER BY ordinal_position), '')"
	    " FROM information_schema.columns"
	    " WHERE table_schema = 'public' AND table_name = $1"
	    " AND (column_name LIKE 's\\_%' OR column_name LIKE '%\\_sealed'"
	    "  OR (data_type = 'bytea' AND column_name <> 'dek_wrapped'"
	    "   AND column_name NOT LIKE '%\\_bidx'))",
	    1, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		fail_msg("columns of %s: %s", table, PQresultErrorMessage(r));
	snprintf(buf, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return buf;
}

static void
test_every_sealed_table_has_exactly_its_listed_columns_in_order(void **state)
{
	char buf[1024];

	for (size_t i = 0; i < sizeof(sealed_tables) / sizeof(sealed_tables[0]);
	    i++) {
		const struct sealed_table *t = &sealed_tables[i];

		migrated_columns(*state, t->table, buf, sizeof(buf));
		if (strcmp(buf, t->columns) != 0)
			fail_msg("%s: the migrations have \"%s\", "
			    "DB_SEALED_FIELDS_%s lists \"%s\"", t->table, buf,
			    t->name, t->columns);
	}
}

/* The registry's applications entry. */
static const struct sealed_table *
applications(void)
{
	for (size_t i = 0; i < sizeof(sealed_tables) / sizeof(sealed_tables[0]);
	    i++)
		if (strcmp(sealed_tables[i].table, "applications") == 0)
			return &sealed_tables[i];
	fail_msg("the registry has no applications");
	return NULL;
}

/*
 * The comparison sees a change of the schema: `ddl` is run on applications
 * inside a transaction that is rolled back, and the migrated columns then
 * read are `want`, which the list is not.
 */
static void
assert_seen(PGconn *c, const char *ddl, const char *want)
{
	char buf[1024];

	itest_ok(c, "BEGIN");
	itest_ok(c, ddl);
	migrated_columns(c, "applications", buf, sizeof(buf));
	itest_ok(c, "ROLLBACK");
	assert_string_equal(buf, want);
	assert_string_not_equal(buf, applications()->columns);
}

static void
test_a_sealed_column_missing_from_the_list_is_seen(void **state)
{
	char want[1024];

	snprintf(want, sizeof(want), "%s,s_extra", applications()->columns);
	assert_seen(*state, "ALTER TABLE applications ADD COLUMN s_extra bytea",
	    want);
}

static void
test_a_bytea_column_of_any_other_name_counts_as_sealed(void **state)
{
	char want[1024];

	snprintf(want, sizeof(want), "%s,photo", applications()->columns);
	assert_seen(*state, "ALTER TABLE applications ADD COLUMN photo bytea",
	    want);
}

static void
test_a_listed_field_whose_column_is_renamed_is_seen(void **state)
{
	const char *cols = applications()->columns;   /* ",first,..." */
	const char *rest = strchr(cols + 1, ',');
	char ddl[256], want[1024];

	assert_non_null(rest);
	snprintf(ddl, sizeof(ddl), "ALTER TABLE applications RENAME COLUMN %.*s"
	    " TO s_renamed", (int)(rest - cols - 1), cols + 1);
	snprintf(want, sizeof(want), ",s_renamed%s", rest);
	assert_seen(*state, ddl, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_sealed_table_has_exactly_its_listed_columns_in_order),
		cmocka_unit_test(test_a_sealed_column_missing_from_the_list_is_seen),
		cmocka_unit_test(test_a_bytea_column_of_any_other_name_counts_as_sealed),
		cmocka_unit_test(test_a_listed_field_whose_column_is_renamed_is_seen),
	};

	return cmocka_run_group_tests(tests, itest_super_setup,
	    itest_conn_teardown);
}
