/*
 * db/stmt: the closed tables as the .def files declare them. Every
 * statement's declared parameter count is the highest $N its SQL uses (a
 * miscount would be refused or would leave a parameter unbound); names are
 * unique; DDL templates have only %I and %L slots; the statements derived
 * from db/sql/sealed.def exist for every sealed table and name it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/sealed.h"
#include "db/stmt.h"

/* The highest $N in `sql`, outside string literals. */
static int
highest_param(const char *sql)
{
	int max = 0, quoted = 0;

	for (const char *p = sql; *p != '\0'; p++) {
		if (*p == '\'')
			quoted = !quoted;
		else if (!quoted && *p == '$' && p[1] >= '1' && p[1] <= '9') {
			int n = (int)strtol(p + 1, NULL, 10);

			if (n > max)
				max = n;
		}
	}
	return max;
}

static void
declared_counts_match_the_sql(void **state)
{
	(void)state;
	for (int s = 0; s < DB_STMT_COUNT; s++) {
		const struct db_stmt_def *d = db_stmt_def((enum db_stmt)s);

		if (highest_param(d->sql) != d->nparams)
			fail_msg("%s declares %d parameters, uses $%d", d->name,
			    d->nparams, highest_param(d->sql));
	}
}

static void
statement_names_are_unique(void **state)
{
	(void)state;
	for (int i = 0; i < DB_STMT_COUNT; i++)
		for (int j = i + 1; j < DB_STMT_COUNT; j++)
			assert_string_not_equal(db_stmt_def((enum db_stmt)i)->name,
			    db_stmt_def((enum db_stmt)j)->name);
}

static void
ddl_templates_have_only_identifier_and_literal_slots(void **state)
{
	(void)state;
	for (int d = 0; d < DB_DDL_COUNT; d++) {
		const char *t = db_ddl_def((enum db_ddl)d)->template, *p = t;
		int slots = 0;

		while ((p = strchr(p, '%')) != NULL) {
			if (p[1] != 'I' && p[1] != 'L')
				fail_msg("%s: bad slot", db_ddl_def((enum db_ddl)d)->name);
			slots++;
			p += 2;
		}
		assert_true(slots > 0);
		assert_null(strchr(t, '$'));
	}
}

/* Four ctl statements per sealed table, each naming that table. */
static void
sealed_statements_cover_every_sealed_table(void **state)
{
	static const enum db_stmt per_table[][4] = {
#define DB_SEALED(name, table, id, owner) { DB_STMT_REWRAP_COUNT_##name, \
	DB_STMT_REWRAP_BATCH_##name, DB_STMT_REWRAP_UPDATE_##name, \
	DB_STMT_KEK_DEKS_##name },
#include "db/sql/sealed.def"
#undef DB_SEALED
	};

	(void)state;
	assert_int_equal(sizeof(per_table) / sizeof(per_table[0]),
	    DB_SEALED_COUNT);
	for (int t = 0; t < DB_SEALED_COUNT; t++) {
		char from[128];

		snprintf(from, sizeof(from), " %s ", db_sealed((enum db_sealed)t)->table);
		for (int k = 0; k < 4; k++) {
			const struct db_stmt_def *d = db_stmt_def(per_table[t][k]);

			assert_int_equal(d->set, DB_SET_CTL);
			assert_non_null(strstr(d->sql, from));
		}
	}
	assert_int_equal(db_stmt_def(DB_STMT_BIND_PRINCIPAL)->set, DB_SET_RUNTIME);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(declared_counts_match_the_sql),
		cmocka_unit_test(statement_names_are_unique),
		cmocka_unit_test(ddl_templates_have_only_identifier_and_literal_slots),
		cmocka_unit_test(sealed_statements_cover_every_sealed_table),
	};

	return cmocka_run_group_tests_name("db stmt", tests, NULL, NULL) != 0;
}
