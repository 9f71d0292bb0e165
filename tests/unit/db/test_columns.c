/*
 * db/stmt.h's column lists: one list gives the SQL and the indices, which
 * therefore agree; rows may carry arguments of their own after the SQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db/stmt.h"

#define DB_COLS_PROBE(COL, _) \
	COL(FIRST,  "a")                        _ \
	COL(SECOND, "to_char(b, 'YYYY-MM-DD')") _ \
	COL(THIRD,  "c", ignored, TOKENS, 7)
DB_COLUMNS_INDEX(PROBE)

/* A list standing in another, as the sealed-field lists do. */
#define DB_COLS_OUTER(COL, _) \
	COL(HEAD, "h") _ \
	DB_COLS_PROBE(COL, _) _ \
	COL(TAIL, "t")
DB_COLUMNS_INDEX(OUTER)

static void
test_the_sql_is_the_expressions_comma_separated(void **state)
{
	(void)state;
	assert_string_equal(DB_COLUMN_LIST(PROBE),
	    " a, to_char(b, 'YYYY-MM-DD'), c");
	assert_string_equal("SELECT" DB_COLUMN_LIST(OUTER) " FROM x",
	    "SELECT h, a, to_char(b, 'YYYY-MM-DD'), c, t FROM x");
}

static void
test_a_column_s_index_is_its_position_in_the_list(void **state)
{
	(void)state;
	assert_int_equal(DB_COL(PROBE, FIRST), 0);
	assert_int_equal(DB_COL(PROBE, SECOND), 1);
	assert_int_equal(DB_COL(PROBE, THIRD), 2);
	assert_int_equal(DB_NCOLS(PROBE), 3);
	assert_int_equal(DB_COL(OUTER, HEAD), 0);
	assert_int_equal(DB_COL(OUTER, THIRD), 3);
	assert_int_equal(DB_COL(OUTER, TAIL), 4);
	assert_int_equal(DB_NCOLS(OUTER), 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_sql_is_the_expressions_comma_separated),
		cmocka_unit_test(test_a_column_s_index_is_its_position_in_the_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
