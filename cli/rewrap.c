/*
 * cli/rewrap — permitctl keys rewrap (contract in keydb.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/monotime.h"
#include "cli/keydb.h"
#include "crypto/seal.h"

/* Parses argv[1..) (argv[0] is "rewrap"). 0, or -1. */
static int
cli_rewrap_args(int argc, char **argv, const char **database, long *batch)
{
	char *end;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--database") == 0 && i + 1 < argc) {
			*database = argv[++i];
		} else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
			*batch = strtol(argv[++i], &end, 10);
			if (*end != '\0' || *batch < 1 || *batch > 100000)
				return -1;
		} else {
			return -1;
		}
	}
	return 0;
}

/* Why the DEK of `b`, wrapped by KEK `kek` (its row's kek_id, which the
 * database keeps equal to the id inside the wrapped DEK), did not open:
 * names the KEK when the keyring lacks it (an archived one can be brought
 * back). */
static void
cli_rewrap_unopened(const struct keyring *kr, const struct seal_binding *b,
    const char *kek)
{
	if (kek != NULL && !keyring_has_kek(kr, kek))
		fprintf(stderr, "permitctl keys rewrap: %s %s: wrapped by kek %s, "
		    "which this keyring does not hold; if it is archived, "
		    "`permitctl keys restore %s`, reload permitd and rewrap "
		    "again\n", b->table, b->record_id, kek, kek);
	else
		fprintf(stderr, "permitctl keys rewrap: %s %s: the data key does "
		    "not open with this keyring\n", b->table, b->record_id);
}

/* Re-wraps row `i` of `rows` (table `t`) and writes it back. 0, or -1. */
static int
cli_rewrap_row(struct cli_keys_env *e, enum db_sealed t,
    const struct db_result *rows, int i)
{
	struct seal_binding b = { db_sealed(t)->table,
	    db_text(rows, i, DB_COL(REWRAP_ROW, RECORD_ID)),
	    db_text(rows, i, DB_COL(REWRAP_ROW, OWNER_ID)) };
	unsigned char out[SEAL_WRAPPED_MAX];
	const unsigned char *wrapped;
	char kek[KEYRING_ID_SIZE];
	struct db_param p[3];
	struct db_result *r;
	size_t wlen, outlen;

	if (b.record_id == NULL || b.owner_id == NULL ||
	    db_bytes(rows, e->a, i, DB_COL(REWRAP_ROW, DEK_WRAPPED), &wrapped,
	    &wlen) != 0) {
		fprintf(stderr, "permitctl keys rewrap: %s: a row without id, "
		    "owner or data key\n", b.table);
		return -1;
	}
	if (seal_dek_rewrap(e->kr, &b, wrapped, wlen, out, &outlen, kek) != 0) {
		cli_rewrap_unopened(e->kr, &b,
		    db_text(rows, i, DB_COL(REWRAP_ROW, KEK_ID)));
		return -1;
	}
	p[0] = DB_TEXT(b.record_id);
	p[1] = DB_BYTES(out, outlen);
	p[2] = DB_TEXT(kek);
	if (db_exec(e->db, e->a, cli_sealed_stmts(t)->update, p, 3, &r) != DB_OK)
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
	if (db_exec(e->db, e->a, cli_sealed_stmts(t)->batch, p, 2, &rows) != DB_OK)
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

/* Every table, batch after batch, with progress on stdout. 0 or -1. */
static int
cli_rewrap_all(struct cli_keys_env *e, long batch, long long total)
{
	double start = monotime_now(), secs;
	long long n = 0;
	int done;

	for (int t = 0; t < DB_SEALED_COUNT; t++) {
		do {
			if (cli_rewrap_batch(e, (enum db_sealed)t, batch, &done) != 0)
				return -1;
			n += done;
			secs = monotime_now() - start;
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

int
cli_keys_rewrap(int argc, char **argv, const struct config *cfg)
{
	const char *database = NULL;
	long batch = cfg->rewrap_batch;
	struct cli_keys_env e;
	long long total = 0, n;
	const char *active;
	int rc = 1;

	if (cli_rewrap_args(argc, argv, &database, &batch) != 0)
		return cli_usage_error(cli_keys_help);
	if (cli_keys_env_open(cfg, database, "rewrap", &e) != 0)
		return 1;
	active = keyring_active_kek_id(e.kr);
	if (cli_instances_lacking(&e, active, "rewrap") != 0)
		goto out;
	for (int t = 0; t < DB_SEALED_COUNT; t++) {
		if (cli_keys_count(&e, cli_sealed_stmts((enum db_sealed)t)->count,
		    active, &n) != 0)
			goto out;
		total += n;
	}
	arena_reset(e.a);
	printf("keys rewrap: %lld data keys to re-wrap under kek %s, %ld per "
	    "transaction\n", total, active, batch);
	if (cli_rewrap_all(&e, batch, total) == 0)
		rc = 0;
out:
	cli_keys_env_close(&e);
	return rc;
}
