/*
 * cli/keydb — what the database half of key rotation shares (contract in
 * keydb.h): the statements are db/sql/ctl/keys.def, four per sealed table
 * derived from the registry db/sql/sealed.def, so a new sealed table needs
 * no change here.
 */
#include "cli/keydb.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct cli_sealed_stmts cli_sealed_table[DB_SEALED_COUNT] = {
#define DB_SEALED(name, table, id, owner) [DB_SEALED_##name] = { \
	DB_STMT_REWRAP_COUNT_##name, DB_STMT_REWRAP_BATCH_##name, \
	DB_STMT_REWRAP_UPDATE_##name, DB_STMT_KEK_DEKS_##name },
#include "db/sql/sealed.def"
#undef DB_SEALED
};

const struct cli_sealed_stmts *
cli_sealed_stmts(enum db_sealed t)
{
	return &cli_sealed_table[t];
}

int
cli_keys_env_open(const struct config *cfg, const char *database,
    const char *what, struct cli_keys_env *e)
{
	char err[512];

	memset(e, 0, sizeof(*e));
	if (keyring_load(cfg->keyring, &e->kr, err, sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys %s: %s\n", what, err);
		return -1;
	}
	if (db_open_ctl(cli_database(database, cfg), NULL, &e->db) != DB_OK) {
		keyring_free(e->kr);
		e->kr = NULL;
		return -1;
	}
	e->a = arena_new(16384);
	return 0;
}

void
cli_keys_env_close(struct cli_keys_env *e)
{
	db_close(e->db);
	arena_free(e->a);
	keyring_free(e->kr);
	memset(e, 0, sizeof(*e));
}

int
cli_keys_count(struct cli_keys_env *e, enum db_stmt stmt, const char *p,
    long long *out)
{
	struct db_param param = DB_TEXT(p);
	struct db_result *r;

	if (db_exec(e->db, e->a, stmt, &param, 1, &r) != DB_OK ||
	    db_int64(r, 0, DB_COL(DEK_COUNT, DEKS), out) != 0)
		return -1;
	return 0;
}

/*
 * Runs instances statement `stmt` for KEK `id` and, unless `quiet`, prints
 * one line per live permitd it lists, saying that it `does` (what) kek
 * `id`. The number of them, or -1 on failure.
 */
static int
cli_instances(struct cli_keys_env *e, enum db_stmt stmt, const char *id,
    const char *what, const char *does, int quiet)
{
	struct db_param p = DB_TEXT(id);
	struct db_result *r;

	if (db_exec(e->db, e->a, stmt, &p, 1, &r) != DB_OK)
		return -1;
	for (int i = 0; !quiet && i < db_rows(r); i++)
		fprintf(stderr, "permitctl keys %s: permitd on %s (pid %s, heard "
		    "from %ss ago) %s kek %s\n", what,
		    db_text(r, i, DB_COL(LIVE_INSTANCE, HOST)),
		    db_text(r, i, DB_COL(LIVE_INSTANCE, PID)),
		    db_text(r, i, DB_COL(LIVE_INSTANCE, SECONDS)), does, id);
	return db_rows(r);
}

int
cli_instances_lacking(struct cli_keys_env *e, const char *id,
    const char *what)
{
	int n = cli_instances(e, DB_STMT_INSTANCES_LACKING, id, what,
	    "does not hold", 0);

	if (n <= 0)
		return n;
	fprintf(stderr, "permitctl keys %s: data keys re-wrapped under kek %s "
	    "would not open there: reload it with this keyring first "
	    "(`permitctl -c CONFIG reload` on its host)\n", what, id);
	return 1;
}

/* Live permitd wrapping new DEKs under `id`: 0 none, 2 some (printed
 * unless `quiet`). */
static int
cli_kek_sealing(struct cli_keys_env *e, const char *id, const char *what,
    int quiet)
{
	int n = cli_instances(e, DB_STMT_INSTANCES_SEALING, id, what,
	    "still wraps new data keys under", quiet);

	if (n <= 0)
		return n;
	if (!quiet)
		fprintf(stderr, "permitctl keys %s: reload it with a keyring "
		    "whose active kek is another one (`permitctl -c CONFIG "
		    "reload` on its host), re-wrap, and try again; a permitd "
		    "that stopped without saying so stops counting 30 s after "
		    "it was last heard from\n", what);
	return 2;
}

/* Sealed rows naming `id`: 0 none, 1 some (printed, table by table). */
static int
cli_kek_rows(struct cli_keys_env *e, const char *id, const char *what)
{
	long long n[DB_SEALED_COUNT], total = 0;

	for (int t = 0; t < DB_SEALED_COUNT; t++) {
		if (cli_keys_count(e, cli_sealed_stmts((enum db_sealed)t)->deks,
		    id, &n[t]) != 0)
			return -1;
		total += n[t];
	}
	if (total == 0)
		return 0;
	fprintf(stderr, "permitctl keys %s: kek %s still wraps %lld data keys "
	    "(", what, id, total);
	for (int t = 0; t < DB_SEALED_COUNT; t++)
		fprintf(stderr, "%s%s %lld", t > 0 ? ", " : "",
		    db_sealed((enum db_sealed)t)->table, n[t]);
	fprintf(stderr, "); run `permitctl keys rewrap` first (once every "
	    "permitd was reloaded with this keyring)\n");
	return 1;
}

int
cli_kek_retire(struct cli_keys_env *e, const char *id, const char *what,
    int quiet_sealing)
{
	struct db_param p = DB_TEXT(id);
	int rc;

	if (db_exec(e->db, NULL, DB_STMT_KEK_REGISTER, &p, 1, NULL) != DB_OK ||
	    db_exec(e->db, NULL, DB_STMT_KEK_LOCK, &p, 1, NULL) != DB_OK)
		return -1;
	if ((rc = cli_kek_sealing(e, id, what, quiet_sealing)) != 0 ||
	    (rc = cli_kek_rows(e, id, what)) != 0)
		return rc;
	return db_exec(e->db, NULL, DB_STMT_KEK_RETIRE, &p, 1, NULL) == DB_OK ?
	    0 : -1;
}
