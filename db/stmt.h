/*
 * The closed set of SQL permitd and permitctl run, in two statement sets.
 *
 *   runtime  permitd's: db/sql/<module>.def, DB_STMT(NAME, nparams, "SQL").
 *            Prepared on every connection at connect (db_open), run as the
 *            runtime role permit_app, every one inside a transaction bound
 *            to a principal (DESIGN.md invariant 4).
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
 */
#ifndef PERMIT_DB_STMT_H
#define PERMIT_DB_STMT_H

enum db_set {
	DB_SET_RUNTIME,   /* permitd's, prepared at connect */
	DB_SET_CTL        /* permitctl's, run by text */
};

enum db_stmt {
#define DB_STMT(name, nparams, sql) DB_STMT_##name,
#define DB_CTL_STMT(name, nparams, sql) DB_STMT_##name,
#define DB_CTL_DDL(name, sql)
#include "db/sql/platform.def"
#include "db/sql/offices.def"
#include "db/sql/accounts.def"
#include "db/sql/applications.def"
#include "db/sql/instances.def"
#include "db/sql/ctl/bootstrap.def"
#include "db/sql/ctl/migrate.def"
#include "db/sql/ctl/keys.def"
#undef DB_CTL_DDL
#undef DB_CTL_STMT
#undef DB_STMT
	DB_STMT_COUNT
};

enum db_ddl {
#define DB_STMT(name, nparams, sql)
#define DB_CTL_STMT(name, nparams, sql)
#define DB_CTL_DDL(name, sql) DB_DDL_##name,
#include "db/sql/ctl/bootstrap.def"
#include "db/sql/ctl/migrate.def"
#include "db/sql/ctl/keys.def"
#undef DB_CTL_DDL
#undef DB_CTL_STMT
#undef DB_STMT
	DB_DDL_COUNT
};

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
