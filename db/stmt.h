/*
 * The closed set of SQL permitd runs. Each db/sql/<module>.def lists its
 * statements as DB_STMT(NAME, nparams, "SQL"); this header turns them into
 * enum db_stmt and db/stmt.c into the table that db_open() prepares on every
 * connection. No other SQL is ever sent by permitd.
 */
#ifndef PERMIT_DB_STMT_H
#define PERMIT_DB_STMT_H

enum db_stmt {
#define DB_STMT(name, nparams, sql) DB_STMT_##name,
#include "db/sql/platform.def"
#include "db/sql/offices.def"
#include "db/sql/accounts.def"
#include "db/sql/applications.def"
#undef DB_STMT
	DB_STMT_COUNT
};

struct db_stmt_def {
	const char *name;   /* the prepared statement's name */
	int nparams;
	const char *sql;
};

/* The definition of `s`; s < DB_STMT_COUNT. Static storage. */
const struct db_stmt_def *db_stmt_def(enum db_stmt s);

#endif
