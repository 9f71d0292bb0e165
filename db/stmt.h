/*
 * The closed set of SQL permitd runs. Each db/sql/<module>.def lists its
 * statements as DB_STMT(NAME, nparams, "SQL"); this header turns them into
 * enum db_stmt and db/stmt.c into the table that db_open() prepares on every
 * connection. No other SQL is ever sent by permitd.
 *
 * Columns are named, never counted. A statement whose columns are read (or
 * an INSERT's target columns) declares them beside it, in its .def, as one
 * list from which both the SQL and the C indices are made:
 *
 *   #define DB_COLS_OFFICES_LIST(COL, _) \
 *       COL(CODE,  "code")        _ \
 *       COL(QUOTA, "daily_quota")
 *   DB_COLUMNS(OFFICES_LIST)
 *   DB_STMT(OFFICES_LIST, 0,
 *       "SELECT" DB_COLUMN_LIST(OFFICES_LIST) " FROM offices")
 *
 *   long long q; db_int64(r, row, DB_COL(OFFICES_LIST, QUOTA), &q);
 *
 * A row is COL(NAME, "SQL expression", ...); anything after the expression
 * is ignored here, so a sealed-field list of db/sql/sealed_fields.h can stand
 * among the rows as it is. `_` goes between rows: it is the SQL's comma, and
 * a row left without one does not compile. One list may serve several
 * statements, and is then named for what a row is (DB_COLS_APPLICATION).
 *
 *   DB_COLUMN_LIST(L)  the SQL: " code, daily_quota"
 *   DB_COLUMNS(L)      a row of the .def: declares L's indices (below)
 *   DB_COL(L, NAME)    NAME's 0-based position in L, a constant int
 *   DB_NCOLS(L)        how many columns L has, a constant int
 *
 * An INSERT's list doubles as its parameters: $1.. in the list's order, so
 * DB_COL(L, NAME) is also NAME's index in the struct db_param array.
 */
#ifndef PERMIT_DB_STMT_H
#define PERMIT_DB_STMT_H

#include <stddef.h>

/* The row expanders behind the macros above (variadic: rows may be longer). */
#define DB_COL_SQL_(...)               " " DB_COL_EXPR_(__VA_ARGS__, ~)
#define DB_COL_EXPR_(name, expr, ...)  expr
#define DB_COL_MEMBER_(name, ...)      char name
#define DB_COL_ONE_(...)               1

#define DB_COLUMN_LIST(list)  DB_COLS_##list(DB_COL_SQL_, ",")
#define DB_NCOLS(list)        (DB_COLS_##list(DB_COL_ONE_, +))
#define DB_COL(list, name)    ((int)offsetof(struct db_cols_##list, name))

/*
 * What DB_COLUMNS(list) declares: one char member per column, so a member's
 * offset is its column's position and the names are scoped to the list.
 */
#define DB_COLUMNS_INDEX(list) \
	struct db_cols_##list { DB_COLS_##list(DB_COL_MEMBER_, ;); }; \
	_Static_assert(sizeof(struct db_cols_##list) == DB_NCOLS(list), \
	    #list ": a column index is a member's offset");

enum db_stmt {
#define DB_STMT(name, nparams, sql) DB_STMT_##name,
#define DB_COLUMNS(list)
#include "db/sql/platform.def"
#include "db/sql/offices.def"
#include "db/sql/accounts.def"
#include "db/sql/applications.def"
#undef DB_COLUMNS
#undef DB_STMT
	DB_STMT_COUNT
};

/* The indices of every column list of the .def files. */
#define DB_STMT(name, nparams, sql)
#define DB_COLUMNS(list) DB_COLUMNS_INDEX(list)
#include "db/sql/platform.def"
#include "db/sql/offices.def"
#include "db/sql/accounts.def"
#include "db/sql/applications.def"
#undef DB_COLUMNS
#undef DB_STMT

struct db_stmt_def {
	const char *name;   /* the prepared statement's name */
	int nparams;
	const char *sql;
};

/* The definition of `s`; s < DB_STMT_COUNT. Static storage. */
const struct db_stmt_def *db_stmt_def(enum db_stmt s);

#endif
