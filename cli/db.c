/*
 * permitctl db init — the DBA's bootstrap, run with superuser credentials:
 * the owner role (migrations), the runtime role (permitd) and the database.
 * Idempotent: a second run reports what exists, re-asserts the roles'
 * attributes and the database's privileges, and succeeds.
 *
 * Every statement is in db/sql/ctl/bootstrap.def; the names below fill the
 * DDL templates' slots (db_ddl quotes them). PostgreSQL's own messages go
 * to stderr through db/'s log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "db/db.h"

#define CLI_DB_OWNER "permit_owner"
#define CLI_DB_APP "permit_app"

struct cli_db_role {
	const char *name;
	enum db_ddl create, alter;   /* the role's attributes, in both */
	const char *password_env;
};

static const struct cli_db_role cli_db_roles[] = {
	{ CLI_DB_OWNER, DB_DDL_OWNER_ROLE_CREATE, DB_DDL_OWNER_ROLE_ALTER,
	  "PERMIT_OWNER_PASSWORD" },
	{ CLI_DB_APP, DB_DDL_APP_ROLE_CREATE, DB_DDL_APP_ROLE_ALTER,
	  "PERMIT_APP_PASSWORD" },
};

/* [a-z_][a-z0-9_]{0,62}: a plain identifier that needs no case folding. */
static int
cli_db_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* Runs look-up `stmt` with `param`: 1 when it returns a row (in *r, which
 * lives until `a` is reset), 0 when none, -1 on failure (logged). */
static int
cli_db_lookup(struct db *db, arena *a, enum db_stmt stmt, const char *param,
    struct db_result **r)
{
	struct db_param p = DB_TEXT(param);

	if (db_exec(db, a, stmt, &p, 1, r) != DB_OK)
		return -1;
	return db_rows(*r) > 0;
}

/* Creates the role, or re-asserts its attributes when it exists; sets its
 * password when its environment variable is set. */
static int
cli_db_ensure_role(struct db *db, arena *a, const struct cli_db_role *r)
{
	const char *password = getenv(r->password_env);
	struct db_result *found;
	int exists;

	exists = cli_db_lookup(db, a, DB_STMT_ROLE_EXISTS, r->name, &found);
	if (exists < 0)
		return -1;
	if (db_ddl(db, exists ? r->alter : r->create,
	    (const char *const[]){ r->name }, 1) != DB_OK)
		return -1;
	printf("role %s: %s\n", r->name, exists ? "exists (attributes checked)" :
	    "created");
	if (password != NULL && *password != '\0') {
		if (db_role_password(db, r->name, password) != DB_OK)
			return -1;
		printf("role %s: password set\n", r->name);
	}
	return 0;
}

/* Creates database `name` owned by the owner role; refuses one that exists
 * under another owner rather than hand it over. */
static int
cli_db_ensure_database(struct db *db, arena *a, const char *name)
{
	struct db_result *r;
	const char *owner;
	int exists;

	exists = cli_db_lookup(db, a, DB_STMT_DATABASE_OWNER, name, &r);
	if (exists < 0)
		return -1;
	if (exists) {
		owner = db_text(r, 0, DB_COL(DATABASE_OWNER, OWNER));
		if (owner == NULL || strcmp(owner, CLI_DB_OWNER) != 0) {
			fprintf(stderr, "permitctl: database %s exists but is owned "
			    "by %s, not %s\n", name, owner != NULL ? owner : "?",
			    CLI_DB_OWNER);
			return -1;
		}
		printf("database %s: exists\n", name);
		return 0;
	}
	/* Outside any transaction, as PostgreSQL requires. */
	if (db_ddl(db, DB_DDL_DATABASE_CREATE,
	    (const char *const[]){ name, CLI_DB_OWNER }, 2) != DB_OK)
		return -1;
	printf("database %s: created\n", name);
	return 0;
}

/* On the new database, in one transaction. */
static int
cli_db_privileges(const char *conninfo, const char *name)
{
	const char *const args[] = { name, name, CLI_DB_APP, CLI_DB_OWNER,
	    CLI_DB_APP };
	struct db *db;
	int rc = -1;

	if (db_open_ctl(conninfo, name, &db) != DB_OK)
		return -1;
	if (db_begin(db, NULL) == DB_OK &&
	    db_ddl(db, DB_DDL_DATABASE_PRIVILEGES, args, 5) == DB_OK &&
	    db_commit(db) == DB_OK)
		rc = 0;
	db_rollback(db);
	db_close(db);
	if (rc == 0)
		printf("database %s: privileges set\n", name);
	return rc;
}

const char cli_db_help[] =
    "usage: permitctl db init [--database SUPERUSER_CONNINFO] [--name DB]\n"
    "\n"
    "  Creates the roles permit_owner and permit_app (passwords from\n"
    "  $PERMIT_OWNER_PASSWORD and $PERMIT_APP_PASSWORD when set), the\n"
    "  database owned by permit_owner, and its schema; says what existed.\n"
    "  --database CONNINFO  a superuser's connection (default:\n"
    "                       $PERMIT_DATABASE, then libpq's PG* variables)\n"
    "  --name DB            the database to create (default: permit)\n"
    "  -h, --help           this text\n";

static int
cli_db_init(const char *conninfo, const char *name)
{
	arena *a = arena_new(4096);
	struct db *db = NULL;
	int rc = 1;

	if (db_open_ctl(conninfo, NULL, &db) != DB_OK)
		goto out;
	for (size_t i = 0; i < sizeof(cli_db_roles) / sizeof(cli_db_roles[0]); i++)
		if (cli_db_ensure_role(db, a, &cli_db_roles[i]) != 0)
			goto out;
	if (cli_db_ensure_database(db, a, name) != 0)
		goto out;
	db_close(db);
	db = NULL;
	if (cli_db_privileges(conninfo, name) != 0)
		goto out;
	rc = 0;
out:
	db_close(db);
	arena_free(a);
	return rc;
}

int
cli_db(int argc, char **argv, const struct config *cfg)
{
	const char *database = NULL, *name = "permit";

	(void)cfg;
	if (argc < 2 || strcmp(argv[1], "init") != 0)
		return cli_usage_error(cli_db_help);
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--database") == 0 && i + 1 < argc)
			database = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else
			return cli_usage_error(cli_db_help);
	}
	if (!cli_db_name_valid(name)) {
		fprintf(stderr, "permitctl: database name `%s' must match "
		    "[a-z_][a-z0-9_]{0,62}\n", name);
		return 2;
	}
	return cli_db_init(cli_database(database, NULL), name);
}
