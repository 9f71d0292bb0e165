/*
 * The closed set of SQL permitd and permitctl run, in two statement sets.
 *
 *   runtime  permitd's: db/sql/<module>.def, DB_STMT(NAME, nparams, "SQL").
 *            Prepared on every connection at connect (db_open), run as the
 *            runtime role permit_app, every one inside a transaction bound
 *            to a principal (docs/DESIGN.md invariant 4).
 *   ctl      permitctl's: db/sql/ctl/<command>.def,
 *            DB_CTL_STMT(NAME, nparams, "SQL") and the DDL templates
 *            DB_CTL_DDL(NAME, "template"). Run as the owner role or a
 *            superuser (db_open_ctl) over things permit_app cannot see
 *            (schema_migrations, pg_roles, pg_database), some of which do
 *            not exist yet when the connection opens (migrate on an empty
 *            database). So they are never prepared: each runs by its text
 *            from this closed table (PQexecParams), parameters only.
 *
 * A connection belongs to one set, chosen when it is opened; db_exec refuses
 * a statement of the other set. Both kinds of statement are one enum, so a
 * statement is named the same way wherever it runs.
 *
 * DDL cannot take parameters (CREATE ROLE, ALTER ROLE ... PASSWORD, CREATE
 * DATABASE name an identifier or take a literal), so a DB_CTL_DDL template
 * has slots instead: %I is filled with an identifier quoted by
 * PQescapeIdentifier, %L with a literal quoted by PQescapeLiteral, in order
 * (db_ddl). Nothing else is substituted and no other text is ever sent.
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

enum db_set {
	DB_SET_RUNTIME,   /* permitd's, prepared at connect */
	DB_SET_CTL        /* permitctl's, run by text */
};

/* Each pass below defines the four row macros and includes every .def
 * through db/sql/all.def. */
enum db_stmt {
#define DB_STMT(name, nparams, sql) DB_STMT_##name,
#define DB_CTL_STMT(name, nparams, sql) DB_STMT_##name,
#define DB_CTL_DDL(name, sql)
#define DB_COLUMNS(list)
#include "db/sql/all.def"
	DB_STMT_COUNT
};

enum db_ddl {
#define DB_STMT(name, nparams, sql)
#define DB_CTL_STMT(name, nparams, sql)
#define DB_CTL_DDL(name, sql) DB_DDL_##name,
#define DB_COLUMNS(list)
#include "db/sql/all.def"
	DB_DDL_COUNT
};

/* The indices of every column list of the .def files. */
#define DB_STMT(name, nparams, sql)
#define DB_CTL_STMT(name, nparams, sql)
#define DB_CTL_DDL(name, sql)
#define DB_COLUMNS(list) DB_COLUMNS_INDEX(list)
#include "db/sql/all.def"

struct db_stmt_def {
	const char *name;   /* the prepared statement's name; in logs */
	int nparams;
	const char *sql;
	enum db_set set;
};

struct db_ddl_def {
	const char *name;       /* in logs */
	const char *template;   /* %I identifier and %L literal slots */
};

/* The definition of `s`; s < DB_STMT_COUNT. Static storage. */
const struct db_stmt_def *db_stmt_def(enum db_stmt s);

/* The definition of `d`; d < DB_DDL_COUNT. Static storage. */
const struct db_ddl_def *db_ddl_def(enum db_ddl d);

#endif
