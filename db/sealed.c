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
