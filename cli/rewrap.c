/*
 * cli/rewrap — permitctl keys rewrap and keys retire (contract in rewrap.h).
 *
 * The statements are db/sql/ctl/keys.def, four per sealed table, derived
 * from the registry db/sql/sealed.def; this file walks that registry, so a
 * new sealed table needs no change here.
 */
#include "cli/rewrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "crypto/keyring.h"
#include "crypto/seal.h"
#include "db/db.h"
#include "db/sealed.h"

/* The statements of each sealed table (db/sql/ctl/keys.def). */
struct cli_sealed_stmts {
	enum db_stmt count;    /* $1 active KEK: DEKs not under it */
	enum db_stmt batch;    /* $1 active KEK, $2 batch: id, owner, dek_wrapped */
	enum db_stmt update;   /* $1 id, $2 dek_wrapped, $3 kek_id */
	enum db_stmt deks;     /* $1 a KEK: DEKs under it */
};

static const struct cli_sealed_stmts cli_sealed_stmts[DB_SEALED_COUNT] = {
#define DB_SEALED(name, table, id, owner) [DB_SEALED_##name] = { \
	DB_STMT_REWRAP_COUNT_##name, DB_STMT_REWRAP_BATCH_##name, \
	DB_STMT_REWRAP_UPDATE_##name, DB_STMT_KEK_DEKS_##name },
#include "db/sql/sealed.def"
#undef DB_SEALED
};

/* Options shared by rewrap and retire. */
struct cli_rewrap_opts {
	const char *database;
	long batch;
	const char *id;       /* retire's KEK id */
};

/* What a command works with: the keyring, an owner connection, an arena
 * for results (reset after each batch). */
struct cli_keys_env {
	struct keyring *kr;
	struct db *db;
	arena *a;
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

/* The count(*) `stmt` returns for the one text parameter `p`. 0 or -1. */
static int
cli_count(struct cli_keys_env *e, enum db_stmt stmt, const char *p,
    long long *out)
{
	struct db_param param = DB_TEXT(p);
	struct db_result *r;

	if (db_exec(e->db, e->a, stmt, &param, 1, &r) != DB_OK ||
	    db_int64(r, 0, 0, out) != 0)
		return -1;
	return 0;
}

/* Re-wraps row `i` of `rows` (table `t`) and writes it back. 0, or -1. */
static int
cli_rewrap_row(struct cli_keys_env *e, enum db_sealed t,
    const struct db_result *rows, int i)
{
	struct seal_binding b = { db_sealed(t)->table, db_text(rows, i, 0),
	    db_text(rows, i, 1) };
	unsigned char out[SEAL_WRAPPED_MAX];
	const unsigned char *wrapped;
	char kek[KEYRING_ID_SIZE];
	struct db_param p[3];
	struct db_result *r;
	size_t wlen, outlen;

	if (b.record_id == NULL || b.owner_id == NULL ||
	    db_bytes(rows, e->a, i, 2, &wrapped, &wlen) != 0 ||
	    seal_dek_rewrap(e->kr, &b, wrapped, wlen, out, &outlen, kek) != 0) {
		fprintf(stderr, "permitctl keys rewrap: %s %s: the data key does "
		    "not open with this keyring\n", b.table,
		    b.record_id != NULL ? b.record_id : "?");
		return -1;
	}
	p[0] = DB_TEXT(b.record_id);
	p[1] = DB_BYTES(out, outlen);
	p[2] = DB_TEXT(kek);
	if (db_exec(e->db, e->a, cli_sealed_stmts[t].update, p, 3, &r) != DB_OK)
		return -1;
	if (db_affected(r) != 1) {
		fprintf(stderr, "permitctl keys rewrap: %s %s: not updated\n",
		    b.table, b.record_id);
		return -1;
	}
	return 0;
}

/* One batch of table `t` in its own transaction: *done gets the rows
 * re-wrapped (0 when none is left). 0, or -1 (rolled back, printed). */
static int
cli_rewrap_batch(struct cli_keys_env *e, enum db_sealed t, long batch,
    int *done)
{
	char nbuf[24];
	const struct db_param p[2] = { DB_TEXT(keyring_active_kek_id(e->kr)),
	    DB_TEXT(nbuf) };
	struct db_result *rows;
	int rc = -1;

	*done = 0;
	snprintf(nbuf, sizeof(nbuf), "%ld", batch);
	if (db_begin(e->db, NULL) != DB_OK)
		return -1;
	if (db_exec(e->db, e->a, cli_sealed_stmts[t].batch, p, 2, &rows) != DB_OK)
		goto out;
	for (int i = 0; i < db_rows(rows); i++)
		if (cli_rewrap_row(e, t, rows, i) != 0)
			goto out;
	if (db_commit(e->db) != DB_OK)
		goto out;
	*done = db_rows(rows);
	rc = 0;
out:
	db_rollback(e->db);
	arena_reset(e->a);
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
cli_rewrap_all(struct cli_keys_env *e, long batch, long long total)
{
	double start = cli_now(), secs;
	long long n = 0;
	int done;

	for (int t = 0; t < DB_SEALED_COUNT; t++) {
		do {
			if (cli_rewrap_batch(e, (enum db_sealed)t, batch, &done) != 0)
				return -1;
			n += done;
			secs = cli_now() - start;
			if (done > 0)
				printf("keys rewrap: %s: %lld/%lld (%.0f/s)\n",
				    db_sealed((enum db_sealed)t)->table, n, total,
				    secs > 0 ? (double)n / secs : (double)n);
			fflush(stdout);
		} while (done > 0);
	}
	printf("keys rewrap: %lld data keys re-wrapped under kek %s\n", n,
	    keyring_active_kek_id(e->kr));
	return 0;
}

/* The keyring of cfg, an owner connection and an arena. 0, or -1 (printed;
 * nothing left to close). */
static int
cli_keys_env_open(const struct config *cfg, const char *database,
    const char *what, struct cli_keys_env *e)
{
	char err[512];

	memset(e, 0, sizeof(*e));
	if (keyring_load(cfg->keyring, &e->kr, err, sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys %s: %s\n", what, err);
		return -1;
	}
	if (db_open_ctl(cli_database(database), NULL, &e->db) != DB_OK) {
		keyring_free(e->kr);
		e->kr = NULL;
		return -1;
	}
	e->a = arena_new(16384);
	return 0;
}

static void
cli_keys_env_close(struct cli_keys_env *e)
{
	db_close(e->db);
	arena_free(e->a);
	keyring_free(e->kr);
}

int
cli_keys_rewrap(int argc, char **argv, const struct config *cfg)
{
	struct cli_rewrap_opts o = { NULL, cfg->rewrap_batch, NULL };
	struct cli_keys_env e;
	long long total = 0, n;
	int rc = 1;

	if (cli_rewrap_args(argc, argv, 0, &o) != 0)
		return cli_rewrap_usage();
	if (cli_keys_env_open(cfg, o.database, "rewrap", &e) != 0)
		return 1;
	for (int t = 0; t < DB_SEALED_COUNT; t++) {
		if (cli_count(&e, cli_sealed_stmts[t].count,
		    keyring_active_kek_id(e.kr), &n) != 0)
			goto out;
		total += n;
	}
	arena_reset(e.a);
	printf("keys rewrap: %lld data keys to re-wrap under kek %s, %ld per "
	    "transaction\n", total, keyring_active_kek_id(e.kr), o.batch);
	if (cli_rewrap_all(&e, o.batch, total) == 0)
		rc = 0;
out:
	cli_keys_env_close(&e);
	return rc;
}

int
cli_keys_retire(int argc, char **argv, const struct config *cfg)
{
	struct cli_rewrap_opts o = { NULL, 0, NULL };
	struct cli_keys_env e;
	long long total = 0, n;
	char err[512];
	int rc = 1;

	if (cli_rewrap_args(argc, argv, 1, &o) != 0)
		return cli_rewrap_usage();
	if (cli_keys_env_open(cfg, o.database, "retire", &e) != 0)
		return 1;
	for (int t = 0; t < DB_SEALED_COUNT; t++) {
		if (cli_count(&e, cli_sealed_stmts[t].deks, o.id, &n) != 0)
			goto out;
		total += n;
	}
	if (total > 0) {
		fprintf(stderr, "permitctl keys retire: kek %s still wraps %lld "
		    "data keys; run `permitctl keys rewrap` first\n", o.id, total);
		goto out;
	}
	if (keyring_retire(cfg->keyring, o.id, err, sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys retire: %s\n", err);
		goto out;
	}
	printf("keys retire: kek %s removed from %s\n", o.id, cfg->keyring);
	rc = 0;
out:
	cli_keys_env_close(&e);
	return rc;
}
