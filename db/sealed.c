#include "db/sealed.h"

static const struct db_sealed_def db_sealed_table[DB_SEALED_COUNT] = {
#define DB_SEALED(name, table, id, owner) [DB_SEALED_##name] = { table, id, owner },
#include "db/sql/sealed.def"
#undef DB_SEALED
};

const struct db_sealed_def *
db_sealed(enum db_sealed t)
{
	return &db_sealed_table[t];
}

static const char *const db_sealed_account_fields[DB_SEALED_ACCOUNT_FIELD_COUNT] = {
#define DB_SEALED_ACCOUNT_NAME_(name, column, field) \
	[DB_SEALED_ACCOUNT_##name] = field,
	DB_SEALED_FIELDS_ACCOUNTS(DB_SEALED_ACCOUNT_NAME_, )
#undef DB_SEALED_ACCOUNT_NAME_
};

const char *
db_sealed_account_field(enum db_sealed_account_field f)
{
	return db_sealed_account_fields[f];
}
