/*
 * sealed — the registry of tables that hold sealed records
 * (db/sql/sealed.def): what a seal binding names (crypto/seal.h, struct
 * seal_binding) and what key rotation walks. Static data, no connection.
 */
#ifndef PERMIT_DB_SEALED_H
#define PERMIT_DB_SEALED_H

#include "db/sql/sealed_fields.h"

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

/* The sealed fields of accounts (db/sql/sealed_fields.h), for everyone who
 * seals or opens an account: permitd and permitctl staff add. */
enum db_sealed_account_field {
#define DB_SEALED_ACCOUNT_FIELD_(name, ...) DB_SEALED_ACCOUNT_##name,
	DB_SEALED_FIELDS_ACCOUNTS(DB_SEALED_ACCOUNT_FIELD_, )
#undef DB_SEALED_ACCOUNT_FIELD_
	DB_SEALED_ACCOUNT_FIELD_COUNT
};

/* The name field `f` is sealed under (and, for the email, indexed under);
 * f < DB_SEALED_ACCOUNT_FIELD_COUNT. Static storage. */
const char *db_sealed_account_field(enum db_sealed_account_field f);

#endif
