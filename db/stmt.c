#include "db/stmt.h"

#include <stddef.h>

/* The table db_open() prepares on every connection, in enum order. */
static const struct db_stmt_def db_stmt_table[DB_STMT_COUNT] = {
#define DB_STMT(name, nparams, sql) [DB_STMT_##name] = { #name, (nparams), sql },
#define DB_COLUMNS(list)
#include "db/sql/platform.def"
#include "db/sql/offices.def"
#include "db/sql/accounts.def"
#include "db/sql/applications.def"
#undef DB_COLUMNS
#undef DB_STMT
};

const struct db_stmt_def *
db_stmt_def(enum db_stmt s)
{
	return &db_stmt_table[s];
}
