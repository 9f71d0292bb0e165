/*
 * cli/rewrap — permitctl keys rewrap and keys retire (contract in rewrap.h).
 *
 * permitctl cannot use db/sql (permitd's runtime set, prepared as the
 * runtime role), so its statements are this static table, parameterised.
 */
#include "cli/rewrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "cli/cli.h"
#include "cli/pg.h"
#include "crypto/keyring.h"
#include "crypto/seal.h"

/* One table holding wrapped DEKs, and how its rows are bound (seal.h). */
struct cli_dek_table {
	const char *table;    /* the binding's table name */
	const char *select;   /* $1 active KEK, $2 batch: id, owner, dek_wrapped */
	const char *update;   /* $1 id, $2 dek_wrapped, $3 kek_id */
	const char *count;    /* $1 a KEK id: DEKs not under it */
};

static const struct cli_dek_table cli_dek_tables[] = {
	{ "accounts",
	  "SELECT id::text, id::text, dek_wrapped FROM accounts"
	  " WHERE kek_id <> $1 ORDER BY id LIMIT $2::integer"
	  " FOR UPDATE SKIP LOCKED",
	  "UPDATE accounts SET dek_wrapped = $2, kek_id = $3 WHERE id = $1::uuid",
	  "SELECT count(*) FROM accounts WHERE kek_id <> $1" },
	{ "applications",
	  "SELECT id::text, account_id::text, dek_wrapped FROM applications"
	  " WHERE kek_id <> $1 ORDER BY id LIMIT $2::integer"
	  " FOR UPDATE SKIP LOCKED",
	  "UPDATE applications SET dek_wrapped = $2, kek_id = $3"
	  " WHERE id = $1::uuid",
	  "SELECT count(*) FROM applications WHERE kek_id <> $1" },
};

#define CLI_NTABLES (sizeof(cli_dek_tables) / sizeof(cli_dek_tables[0]))

/* DEKs wrapped by KEK $1, in every table: what retire must see at 0. */
static const char cli_sql_using_kek[] =
    "SELECT (SELECT count(*) FROM accounts WHERE kek_id = $1)"
    " + (SELECT count(*) FROM applications WHERE kek_id = $1)";

/* Options shared by rewrap and retire. */
struct cli_rewrap_opts {
	const char *database;
	long batch;
	const char *id;       /* retire's KEK id */
};

static int
cli_rewrap_usage(void)
{
	fprintf(stderr, "usage: permitctl keys rewrap [--batch N] "
	    "[--database OWNER_CONNINFO]\n"
	    "       permitctl keys retire ID [--database OWNER_CONNINFO]\n");
	return 2;
}

/* Parses argv[1..) (argv[0] is "rewrap" or "retire"). 0, or -1. */
static int
cli_rewrap_args(int argc, char **argv, int want_id,
    struct cli_rewrap_opts *o)
{
	char *end;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--database") == 0 && i + 1 < argc) {
			o->database = argv[++i];
		} else if (!want_id && strcmp(argv[i], "--batch") == 0 &&
		    i + 1 < argc) {
			o->batch = strtol(argv[++i], &end, 10);
			if (*end != '\0' || o->batch < 1 || o->batch > 100000)
				return -1;
		} else if (want_id && o->id == NULL && argv[i][0] != '-') {
			o->id = argv[i];
		} else {
			return -1;
		}
	}
	return want_id && o->id == NULL ? -1 : 0;
}

/* One count(*) of `sql` with the single text parameter `p`. 0 or -1. */
static int
cli_count(PGconn *conn, const char *sql, const char *p, long long *out)
{
	const char *vals[1] = { p };
	PGresult *res = PQexecParams(conn, sql, 1, NULL, vals, NULL, NULL, 0);
	int rc = -1;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		*out = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		rc = 0;
	} else {
		cli_pg_report(conn, res, "count");
	}
	PQclear(res);
	return rc;
}

/* Re-wraps one row's DEK and writes it back. 0, or -1 (printed). */
static int
cli_rewrap_row(PGconn *conn, const struct keyring *kr,
    const struct cli_dek_table *t, const PGresult *rows, int i)
{
	struct seal_binding b = { t->table, PQgetvalue(rows, i, 0),
	    PQgetvalue(rows, i, 1) };
	unsigned char out[SEAL_WRAPPED_MAX], *wrapped;
	char kek[KEYRING_ID_SIZE];
	size_t wlen, outlen;
	const char *vals[3];
	int lens[3] = { 0, 0, 0 }, fmts[3] = { 0, 1, 0 };
	PGresult *res;
	int rc;

	wrapped = PQunescapeBytea((const unsigned char *)PQgetvalue(rows, i, 2),
	    &wlen);
	rc = wrapped != NULL ? seal_dek_rewrap(kr, &b, wrapped, wlen, out,
	    &outlen, kek) : -1;
	PQfreemem(wrapped);
	if (rc != 0) {
		fprintf(stderr, "permitctl keys rewrap: %s %s: the data key does "
		    "not open with this keyring\n", t->table, b.record_id);
		return -1;
	}
	vals[0] = b.record_id;
	vals[1] = (const char *)out;
	lens[1] = (int)outlen;
	vals[2] = kek;
	res = PQexecParams(conn, t->update, 3, NULL, vals, lens, fmts, 0);
	rc = PQresultStatus(res) == PGRES_COMMAND_OK &&
	    strcmp(PQcmdTuples(res), "1") == 0 ? 0 : -1;
	if (rc != 0)
		cli_pg_report(conn, res, "rewrap update");
	PQclear(res);
	return rc;
}

/* One batch of table `t` in its own transaction: *done gets the rows
 * re-wrapped (0 when none is left). 0, or -1 (rolled back, printed). */
static int
cli_rewrap_batch(PGconn *conn, const struct keyring *kr,
    const struct cli_dek_table *t, long batch, int *done)
{
	char nbuf[24];
	const char *vals[2] = { keyring_active_kek_id(kr), nbuf };
	PGresult *rows = NULL;
	int rc = -1;

	*done = 0;
	snprintf(nbuf, sizeof(nbuf), "%ld", batch);
	if (cli_pg_command(conn, "BEGIN", "begin") != 0)
		return -1;
	rows = PQexecParams(conn, t->select, 2, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(rows) != PGRES_TUPLES_OK) {
		cli_pg_report(conn, rows, "rewrap select");
		goto out;
	}
	for (int i = 0; i < PQntuples(rows); i++)
		if (cli_rewrap_row(conn, kr, t, rows, i) != 0)
			goto out;
	if (cli_pg_command(conn, "COMMIT", "commit") != 0)
		goto out;
	*done = PQntuples(rows);
	rc = 0;
out:
	if (rc != 0)
		(void)cli_pg_command(conn, "ROLLBACK", "rollback");
	PQclear(rows);
	return rc;
}

static double
cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Every table, batch after batch, with progress on stdout. 0 or -1. */
static int
cli_rewrap_all(PGconn *conn, const struct keyring *kr, long batch,
    long long total)
{
	const char *active = keyring_active_kek_id(kr);
	double start = cli_now(), secs;
	long long n = 0;
	int done;

	for (size_t t = 0; t < CLI_NTABLES; t++) {
		do {
			if (cli_rewrap_batch(conn, kr, &cli_dek_tables[t], batch,
			    &done) != 0)
				return -1;
			n += done;
			secs = cli_now() - start;
			if (done > 0)
				printf("keys rewrap: %s: %lld/%lld (%.0f/s)\n",
				    cli_dek_tables[t].table, n, total,
				    secs > 0 ? (double)n / secs : (double)n);
			fflush(stdout);
		} while (done > 0);
	}
	printf("keys rewrap: %lld data keys re-wrapped under kek %s\n", n,
	    active);
	return 0;
}

/* The keyring of cfg and an owner connection. 0, or -1 (printed). */
static int
cli_rewrap_open(const struct config *cfg, const struct cli_rewrap_opts *o,
    const char *what, struct keyring **kr, PGconn **conn)
{
	char err[512];

	*conn = NULL;
	if (keyring_load(cfg->keyring, kr, err, sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys %s: %s\n", what, err);
		return -1;
	}
	if ((*conn = cli_pg_connect(cli_database(o->database), NULL)) == NULL) {
		keyring_free(*kr);
		*kr = NULL;
		return -1;
	}
	return 0;
}

int
cli_keys_rewrap(int argc, char **argv, const struct config *cfg)
{
	struct cli_rewrap_opts o = { NULL, cfg->rewrap_batch, NULL };
	struct keyring *kr;
	PGconn *conn;
	long long total = 0, n;
	int rc = 1;

	if (cli_rewrap_args(argc, argv, 0, &o) != 0)
		return cli_rewrap_usage();
	if (cli_rewrap_open(cfg, &o, "rewrap", &kr, &conn) != 0)
		return 1;
	for (size_t t = 0; t < CLI_NTABLES; t++) {
		if (cli_count(conn, cli_dek_tables[t].count,
		    keyring_active_kek_id(kr), &n) != 0)
			goto out;
		total += n;
	}
	printf("keys rewrap: %lld data keys to re-wrap under kek %s, %ld per "
	    "transaction\n", total, keyring_active_kek_id(kr), o.batch);
	if (cli_rewrap_all(conn, kr, o.batch, total) == 0)
		rc = 0;
out:
	PQfinish(conn);
	keyring_free(kr);
	return rc;
}

int
cli_keys_retire(int argc, char **argv, const struct config *cfg)
{
	struct cli_rewrap_opts o = { NULL, 0, NULL };
	struct keyring *kr;
	PGconn *conn;
	long long n;
	char err[512];
	int rc = 1;

	if (cli_rewrap_args(argc, argv, 1, &o) != 0)
		return cli_rewrap_usage();
	if (cli_rewrap_open(cfg, &o, "retire", &kr, &conn) != 0)
		return 1;
	if (cli_count(conn, cli_sql_using_kek, o.id, &n) != 0)
		goto out;
	if (n > 0) {
		fprintf(stderr, "permitctl keys retire: kek %s still wraps %lld "
		    "data keys; run `permitctl keys rewrap` first\n", o.id, n);
		goto out;
	}
	if (keyring_retire(cfg->keyring, o.id, err, sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys retire: %s\n", err);
		goto out;
	}
	printf("keys retire: kek %s removed from %s\n", o.id, cfg->keyring);
	rc = 0;
out:
	PQfinish(conn);
	keyring_free(kr);
	return rc;
}
