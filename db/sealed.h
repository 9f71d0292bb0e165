/*
 * sealed — the registry of tables that hold sealed records
 * (db/sql/sealed.def): what a seal binding names (crypto/seal.h, struct
 * seal_binding) and what key rotation walks. Static data, no connection.
 */
#ifndef PERMIT_DB_SEALED_H
#define PERMIT_DB_SEALED_H

enum db_sealed {
#define DB_SEALED(name, table, id, owner) DB_SEALED_##name,
#include "db/sql/sealed.def"
#undef DB_SEALED
	DB_SEALED_COUNT
};

struct db_sealed_def {
	const char *table;          /* the binding's table name */
	const char *id_column;      /* the binding's record id */
	const char *owner_column;   /* the binding's owner (an account id) */
};

/* The definition of `t`; t < DB_SEALED_COUNT. Static storage. */
const struct db_sealed_def *db_sealed(enum db_sealed t);

#endif
