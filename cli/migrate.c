/*
 * permitctl migrate up|status|verify — applies migrations/NNNN_name.sql as
 * the owner role, each in its own transaction with its schema_migrations
 * row, under an advisory lock so concurrent runs apply each file once; and
 * refuses to go on when an applied file was edited or removed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/migfiles.h"
#include "cli/pg.h"

/* The advisory lock key every `migrate up` takes: "permit" as a number. */
#define CLI_MIG_LOCK_KEY "123581013780852"

enum { COL_VERSION, COL_NAME, COL_CHECKSUM, COL_APPLIED_AT };

struct cli_mig {
	PGconn *conn;
	const char *dir;
	struct cli_mig_set files;
	PGresult *applied;   /* schema_migrations rows by version; NULL: none */
};

static const char cli_mig_sql_exists[] =
    "SELECT to_regclass('public.schema_migrations') IS NOT NULL";

static const char cli_mig_sql_create[] =
    "CREATE TABLE public.schema_migrations ("
    " version integer PRIMARY KEY CHECK (version > 0),"
    " name text NOT NULL,"
    " checksum text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),"
    " applied_at timestamptz NOT NULL DEFAULT now())";

static const char cli_mig_sql_applied[] =
    "SELECT version, name, checksum, to_char(applied_at AT TIME ZONE 'UTC',"
    " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM public.schema_migrations"
    " ORDER BY version";

static const char cli_mig_sql_record[] =
    "INSERT INTO public.schema_migrations (version, name, checksum)"
    " VALUES ($1::integer, $2, $3)";

/* 1 if schema_migrations exists, 0 if not, -1 on error (printed). */
static int
cli_mig_table_exists(PGconn *conn)
{
	PGresult *res = PQexec(conn, cli_mig_sql_exists);
	int rc = -1;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		rc = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	else
		cli_pg_report(conn, res, "schema_migrations");
	PQclear(res);
	return rc;
}

/* Reads schema_migrations into m->applied (NULL when there is no table). */
static int
cli_mig_load_applied(struct cli_mig *m)
{
	int exists = cli_mig_table_exists(m->conn);

	if (exists <= 0)
		return exists;
	m->applied = PQexec(m->conn, cli_mig_sql_applied);
	if (PQresultStatus(m->applied) != PGRES_TUPLES_OK) {
		cli_pg_report(m->conn, m->applied, "schema_migrations");
		return -1;
	}
	return 0;
}

static int
cli_mig_napplied(const struct cli_mig *m)
{
	return m->applied != NULL ? PQntuples(m->applied) : 0;
}

static const char *
cli_mig_col(const struct cli_mig *m, int row, int col)
{
	return PQgetvalue(m->applied, row, col);
}

/* The schema_migrations row of `version`, or -1 when it is pending. */
static int
cli_mig_applied_row(const struct cli_mig *m, int version)
{
	for (int i = 0; i < cli_mig_napplied(m); i++)
		if (atoi(cli_mig_col(m, i, COL_VERSION)) == version)
			return i;
	return -1;
}

/* 1 when the applied row no longer matches file `f` (edited or renamed). */
static int
cli_mig_differs(const struct cli_mig *m, int row, const struct cli_mig_file *f)
{
	return strcmp(cli_mig_col(m, row, COL_CHECKSUM), f->checksum) != 0 ||
	    strcmp(cli_mig_col(m, row, COL_NAME), f->name) != 0;
}

/* Prints every applied migration whose file was edited, renamed or removed;
 * returns how many. */
static int
cli_mig_problems(const struct cli_mig *m)
{
	int problems = 0;

	for (int i = 0; i < cli_mig_napplied(m); i++) {
		int version = atoi(cli_mig_col(m, i, COL_VERSION));
		const char *name = cli_mig_col(m, i, COL_NAME);
		const struct cli_mig_file *f = cli_migfiles_find(&m->files, version);

		if (f == NULL)
			fprintf(stderr, "permitctl: %04d_%s.sql was applied but its "
			    "file is missing from %s\n", version, name, m->dir);
		else if (strcmp(name, f->name) != 0)
			fprintf(stderr, "permitctl: %s was applied as %04d_%s.sql "
			    "and renamed since\n", f->file, version, name);
		else if (cli_mig_differs(m, i, f))
			fprintf(stderr, "permitctl: %s was edited after it was "
			    "applied (checksum differs)\n", f->file);
		else
			continue;
		problems++;
	}
	return problems;
}

static void
cli_mig_rollback(PGconn *conn)
{
	if (PQtransactionStatus(conn) != PQTRANS_IDLE)
		PQclear(PQexec(conn, "ROLLBACK"));
}

/* Runs the file's SQL and records it, in one transaction. 0, or -1. */
static int
cli_mig_apply(PGconn *conn, const struct cli_mig_file *f)
{
	char version[16];
	const char *params[3] = { version, f->name, f->checksum };
	PGresult *res = NULL;
	ExecStatusType st;
	int rc = -1;

	snprintf(version, sizeof(version), "%d", f->version);
	if (cli_pg_command(conn, "BEGIN", f->file) != 0)
		return -1;
	/* A trusted file of several statements: the simple query protocol. */
	res = PQexec(conn, f->sql);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
	    st != PGRES_EMPTY_QUERY) {
		cli_pg_report(conn, res, f->file);
		goto out;
	}
	if (PQtransactionStatus(conn) != PQTRANS_INTRANS) {
		fprintf(stderr, "permitctl: %s: must not end its transaction "
		    "(each migration runs in one that permitctl commits)\n", f->file);
		goto out;
	}
	PQclear(res);
	res = PQexecParams(conn, cli_mig_sql_record, 3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		cli_pg_report(conn, res, f->file);
		goto out;
	}
	PQclear(res);
	res = PQexec(conn, "COMMIT");
	if (PQresultStatus(res) != PGRES_COMMAND_OK ||
	    strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		cli_pg_report(conn, res, f->file);
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	if (rc != 0)
		cli_mig_rollback(conn);
	return rc;
}

/* Creates schema_migrations if missing; the caller holds the lock. */
static int
cli_mig_prepare_table(PGconn *conn)
{
	int exists = cli_mig_table_exists(conn);

	if (exists != 0)
		return exists < 0 ? -1 : 0;
	return cli_pg_command(conn, cli_mig_sql_create, "schema_migrations");
}

static int
cli_mig_up(struct cli_mig *m)
{
	size_t applied_now = 0;

	if (cli_pg_command(m->conn, "SELECT pg_advisory_lock(" CLI_MIG_LOCK_KEY ")",
	    "advisory lock") != 0)
		return 1;
	if (cli_mig_prepare_table(m->conn) != 0 || cli_mig_load_applied(m) != 0)
		return 1;
	if (cli_mig_problems(m) > 0) {
		fprintf(stderr, "permitctl: nothing applied: restore the applied "
		    "files above, then run migrate again\n");
		return 1;
	}
	for (size_t i = 0; i < m->files.n; i++) {
		const struct cli_mig_file *f = &m->files.files[i];

		if (cli_mig_applied_row(m, f->version) >= 0)
			continue;
		if (cli_mig_apply(m->conn, f) != 0) {
			fprintf(stderr, "permitctl: %s failed; %zu applied before it\n",
			    f->file, applied_now);
			return 1;
		}
		printf("applied %s\n", f->file);
		applied_now++;
	}
	printf("migrate: %zu applied now, %d already applied\n", applied_now,
	    cli_mig_napplied(m));
	return 0;
}

static int
cli_mig_status(struct cli_mig *m)
{
	int pending = 0;

	if (cli_mig_load_applied(m) != 0)
		return 1;
	for (size_t i = 0; i < m->files.n; i++) {
		const struct cli_mig_file *f = &m->files.files[i];
		int row = cli_mig_applied_row(m, f->version);

		if (row < 0) {
			printf("%-40s pending\n", f->file);
			pending++;
		} else {
			printf("%-40s %s %s\n", f->file, cli_mig_differs(m, row, f) ?
			    "EDITED since applied" : "applied",
			    cli_mig_col(m, row, COL_APPLIED_AT));
		}
	}
	for (int i = 0; i < cli_mig_napplied(m); i++)
		if (cli_migfiles_find(&m->files, atoi(cli_mig_col(m, i, COL_VERSION))) == NULL)
			printf("%04d_%-35s MISSING, applied %s\n",
			    atoi(cli_mig_col(m, i, COL_VERSION)),
			    cli_mig_col(m, i, COL_NAME), cli_mig_col(m, i, COL_APPLIED_AT));
	printf("migrate: %d applied, %d pending\n", cli_mig_napplied(m), pending);
	return 0;
}

static int
cli_mig_verify(struct cli_mig *m)
{
	int problems;

	if (cli_mig_load_applied(m) != 0)
		return 1;
	if ((problems = cli_mig_problems(m)) > 0) {
		fprintf(stderr, "permitctl: verify failed: %d applied migration%s "
		    "changed\n", problems, problems == 1 ? "" : "s");
		return 1;
	}
	printf("verify: %d applied migrations match their files\n",
	    cli_mig_napplied(m));
	return 0;
}

static int
cli_mig_usage(void)
{
	fprintf(stderr, "usage: permitctl migrate [up|status|verify] "
	    "[--database OWNER_CONNINFO] [--dir migrations]\n");
	return 2;
}

static int
cli_mig_run(const char *cmd, const char *conninfo, const char *dir)
{
	struct cli_mig m = { .dir = dir };
	int rc = 1;

	if (cli_migfiles_load(dir, &m.files) != 0)
		goto out;
	if ((m.conn = cli_pg_connect(conninfo, NULL)) == NULL)
		goto out;
	/* Unqualified names in migration files land in public, whatever the
	 * conninfo's options say. */
	if (cli_pg_command(m.conn, "SET search_path = public", "search_path") != 0)
		goto out;
	if (strcmp(cmd, "up") == 0)
		rc = cli_mig_up(&m);
	else if (strcmp(cmd, "status") == 0)
		rc = cli_mig_status(&m);
	else
		rc = cli_mig_verify(&m);
out:
	PQclear(m.applied);
	PQfinish(m.conn);   /* also releases the advisory lock */
	cli_migfiles_free(&m.files);
	return rc;
}

int
cli_migrate(int argc, char **argv, const struct config *cfg)
{
	const char *cmd = "up", *database = NULL, *dir = "migrations";
	int i = 1;

	(void)cfg;
	if (i < argc && strncmp(argv[i], "--", 2) != 0)
		cmd = argv[i++];
	if (strcmp(cmd, "up") != 0 && strcmp(cmd, "status") != 0 &&
	    strcmp(cmd, "verify") != 0)
		return cli_mig_usage();
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--database") == 0 && i + 1 < argc)
			database = argv[++i];
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else
			return cli_mig_usage();
	}
	return cli_mig_run(cmd, cli_database(database), dir);
}
