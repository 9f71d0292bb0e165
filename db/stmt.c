#include "db/stmt.h"

#include <stddef.h>

/* Runtime statements are prepared on every db_open() connection; ctl ones
 * run by text on db_open_ctl() connections. In enum order. */
static const struct db_stmt_def db_stmt_table[DB_STMT_COUNT] = {
#define DB_STMT(name, nparams, sql) \
	[DB_STMT_##name] = { #name, (nparams), sql, DB_SET_RUNTIME },
#define DB_CTL_STMT(name, nparams, sql) \
	[DB_STMT_##name] = { #name, (nparams), sql, DB_SET_CTL },
#define DB_CTL_DDL(name, sql)
#define DB_COLUMNS(list)
#include "db/sql/all.def"
};

static const struct db_ddl_def db_ddl_table[DB_DDL_COUNT] = {
#define DB_STMT(name, nparams, sql)
#define DB_CTL_STMT(name, nparams, sql)
#define DB_CTL_DDL(name, sql) [DB_DDL_##name] = { #name, sql },
#define DB_COLUMNS(list)
#include "db/sql/all.def"
};

const struct db_stmt_def *
db_stmt_def(enum db_stmt s)
{
	return &db_stmt_table[s];
}

const struct db_ddl_def *
db_ddl_def(enum db_ddl d)
{
	return &db_ddl_table[d];
}
