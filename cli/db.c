/*
 * permitctl db init — the DBA's bootstrap, run with superuser credentials:
 * the owner role (migrations), the runtime role (permitd) and the database.
 * Idempotent: a second run reports what exists, re-asserts the roles'
 * attributes and the database's privileges, and succeeds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/pg.h"

#define CLI_DB_OWNER "permit_owner"
#define CLI_DB_APP "permit_app"
#define CLI_DB_SQL 2048

struct cli_db_role {
	const char *name;
	const char *attributes;    /* appended to CREATE ROLE and ALTER ROLE */
	const char *password_env;
};

/* permit_app: no ownership, no RLS bypass, inherits nothing (invariant 4). */
static const struct cli_db_role cli_db_roles[] = {
	{ CLI_DB_OWNER, "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
	  "NOBYPASSRLS", "PERMIT_OWNER_PASSWORD" },
	{ CLI_DB_APP, "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
	  "NOBYPASSRLS NOINHERIT", "PERMIT_APP_PASSWORD" },
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

/* 1 and the first column in `first` (may be NULL) if `sql` with `param`
 * returns a row; 0 if none; -1 on error (printed). */
static int
cli_db_lookup(PGconn *conn, const char *sql, const char *param,
    char *first, size_t firstlen)
{
	PGresult *res = PQexecParams(conn, sql, 1, NULL, &param, NULL, NULL, 0);
	int rc = -1;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		cli_pg_report(conn, res, "look-up");
		goto out;
	}
	rc = PQntuples(res) > 0;
	if (rc == 1 && first != NULL)
		snprintf(first, firstlen, "%s", PQgetvalue(res, 0, 0));
out:
	PQclear(res);
	return rc;
}

/* ALTER ROLE ... PASSWORD with the password hashed here (SCRAM, by the
 * server's password_encryption) so it never travels or logs in clear. */
static int
cli_db_set_password(PGconn *conn, const char *role, const char *ident,
    const char *password)
{
	char *hash = NULL, *lit = NULL, sql[CLI_DB_SQL];
	int rc = -1;

	if ((hash = PQencryptPasswordConn(conn, password, role, NULL)) == NULL) {
		cli_pg_report(conn, NULL, "password");
		goto out;
	}
	if ((lit = PQescapeLiteral(conn, hash, strlen(hash))) == NULL) {
		cli_pg_report(conn, NULL, "password");
		goto out;
	}
	snprintf(sql, sizeof(sql), "ALTER ROLE %s PASSWORD %s", ident, lit);
	rc = cli_pg_command(conn, sql, role);
	if (rc == 0)
		printf("role %s: password set\n", role);
out:
	PQfreemem(lit);
	PQfreemem(hash);
	return rc;
}

/* Creates the role, or re-asserts its attributes when it exists. */
static int
cli_db_ensure_role(PGconn *conn, const struct cli_db_role *r)
{
	const char *password = getenv(r->password_env);
	char sql[CLI_DB_SQL], *ident;
	int exists, rc = -1;

	exists = cli_db_lookup(conn, "SELECT 1 FROM pg_roles WHERE rolname = $1",
	    r->name, NULL, 0);
	if (exists < 0)
		return -1;
	if ((ident = PQescapeIdentifier(conn, r->name, strlen(r->name))) == NULL) {
		cli_pg_report(conn, NULL, r->name);
		return -1;
	}
	snprintf(sql, sizeof(sql), "%s ROLE %s %s", exists ? "ALTER" : "CREATE",
	    ident, r->attributes);
	if (cli_pg_command(conn, sql, r->name) != 0)
		goto out;
	printf("role %s: %s\n", r->name, exists ? "exists (attributes checked)" :
	    "created");
	if (password != NULL && *password != '\0' &&
	    cli_db_set_password(conn, r->name, ident, password) != 0)
		goto out;
	rc = 0;
out:
	PQfreemem(ident);
	return rc;
}

/* Creates database `name` owned by the owner role; refuses one that exists
 * under another owner rather than hand it over. */
static int
cli_db_ensure_database(PGconn *conn, const char *name, const char *ident)
{
	char owner[128], sql[CLI_DB_SQL];
	int exists;

	exists = cli_db_lookup(conn, "SELECT pg_get_userbyid(datdba) "
	    "FROM pg_database WHERE datname = $1", name, owner, sizeof(owner));
	if (exists < 0)
		return -1;
	if (exists) {
		if (strcmp(owner, CLI_DB_OWNER) != 0) {
			fprintf(stderr, "permitctl: database %s exists but is owned "
			    "by %s, not %s\n", name, owner, CLI_DB_OWNER);
			return -1;
		}
		printf("database %s: exists\n", name);
		return 0;
	}
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s OWNER " CLI_DB_OWNER
	    " ENCODING 'UTF8' TEMPLATE template0", ident);
	if (cli_pg_command(conn, sql, "create database") != 0)
		return -1;
	printf("database %s: created\n", name);
	return 0;
}

/* On the new database: nobody but the two roles gets in, nobody but the
 * owner creates objects, and permit_app may only look up names in public. */
static int
cli_db_privileges(PGconn *conn, const char *name, const char *ident)
{
	char sql[CLI_DB_SQL];

	snprintf(sql, sizeof(sql),
	    "BEGIN;"
	    "REVOKE ALL ON DATABASE %s FROM PUBLIC;"
	    "GRANT CONNECT ON DATABASE %s TO " CLI_DB_APP ";"
	    "REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
	    "ALTER SCHEMA public OWNER TO " CLI_DB_OWNER ";"
	    "GRANT USAGE ON SCHEMA public TO " CLI_DB_APP ";"
	    "COMMIT", ident, ident);
	if (cli_pg_command(conn, sql, "privileges") != 0)
		return -1;
	printf("database %s: privileges set\n", name);
	return 0;
}

static int
cli_db_usage(void)
{
	fprintf(stderr, "usage: permitctl db init [--database SUPERUSER_CONNINFO] "
	    "[--name DB]\n");
	return 2;
}

static int
cli_db_init(const char *conninfo, const char *name)
{
	PGconn *conn;
	char *ident = NULL;
	int rc = 1;

	if ((conn = cli_pg_connect(conninfo, NULL)) == NULL)
		return 1;
	for (size_t i = 0; i < sizeof(cli_db_roles) / sizeof(cli_db_roles[0]); i++)
		if (cli_db_ensure_role(conn, &cli_db_roles[i]) != 0)
			goto out;
	if ((ident = PQescapeIdentifier(conn, name, strlen(name))) == NULL) {
		cli_pg_report(conn, NULL, name);
		goto out;
	}
	if (cli_db_ensure_database(conn, name, ident) != 0)
		goto out;
	PQfinish(conn);
	if ((conn = cli_pg_connect(conninfo, name)) == NULL)
		goto out;
	if (cli_db_privileges(conn, name, ident) != 0)
		goto out;
	rc = 0;
out:
	PQfreemem(ident);
	PQfinish(conn);
	return rc;
}

int
cli_db(int argc, char **argv, const struct config *cfg)
{
	const char *database = NULL, *name = "permit";

	(void)cfg;
	if (argc < 2 || strcmp(argv[1], "init") != 0)
		return cli_db_usage();
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--database") == 0 && i + 1 < argc)
			database = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else
			return cli_db_usage();
	}
	if (!cli_db_name_valid(name)) {
		fprintf(stderr, "permitctl: database name `%s' must match "
		    "[a-z_][a-z0-9_]{0,62}\n", name);
		return 2;
	}
	return cli_db_init(cli_database(database), name);
}
