/*
 * cli/retire — permitctl keys retire and keys purge (contract in keydb.h).
 *
 * The database is asked and changed before the files: retire commits the
 * KEK's retirement (after which no write can wrap a DEK under it) and only
 * then moves the key to the archive; purge checks under the same lock and
 * destroys the archived key before it commits. Run again after a failure
 * in between, each finishes what it started.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/keydb.h"

/* A master that just reloaded re-announces the moment its last old worker
 * is gone: retire looks again for this long before it refuses because of
 * a permitd (tries x pause). */
#define CLI_RETIRE_SETTLE_TRIES 6
#define CLI_RETIRE_SETTLE_PAUSE_US (500 * 1000)

struct cli_retire_opts {
	const char *database;
	const char *id;
	int yes;              /* purge: no confirmation asked */
};

/* Parses argv[1..) (argv[0] is "retire" or "purge"). 0, or -1. */
static int
cli_retire_args(int argc, char **argv, int purge, struct cli_retire_opts *o)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--database") == 0 && i + 1 < argc)
			o->database = argv[++i];
		else if (purge && strcmp(argv[i], "--yes") == 0)
			o->yes = 1;
		else if (o->id == NULL && argv[i][0] != '-')
			o->id = argv[i];
		else
			return -1;
	}
	return o->id == NULL ? -1 : 0;
}

/* 1 when the archive of cfg's keyring holds `id`, 0 when not, -1 when it
 * cannot be read (printed). */
static int
cli_archived(const struct config *cfg, const char *id, const char *what)
{
	char ids[KEYRING_MAX_KEKS][KEYRING_ID_SIZE], err[512];
	size_t n;

	if (keyring_archive_ids(cfg->keyring, ids, KEYRING_MAX_KEKS, &n, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys %s: %s\n", what, err);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return 1;
	return 0;
}

/* What retire can tell from the keyring alone. 0 when `id` may be retired,
 * else 1 (printed). */
static int
cli_retire_keyring_check(const struct config *cfg, const struct keyring *kr,
    const char *id)
{
	if (strcmp(keyring_active_kek_id(kr), id) == 0) {
		fprintf(stderr, "permitctl keys retire: kek %s is the keyring's "
		    "active kek: new data keys are wrapped under it. Rotate "
		    "first (`permitctl keys rotate`), reload permitd "
		    "(`permitctl reload`), re-wrap (`permitctl keys rewrap`), "
		    "then retire %s\n", id, id);
		return 1;
	}
	if (keyring_has_kek(kr, id))
		return 0;
	if (cli_archived(cfg, id, "retire") == 1)
		fprintf(stderr, "permitctl keys retire: kek %s is already "
		    "retired (it is in the archive)\n", id);
	else
		fprintf(stderr, "permitctl keys retire: no kek %s in %s\n", id,
		    cfg->keyring);
	return 1;
}

/*
 * One attempt: in a transaction, lock the KEK, check nothing uses it, mark
 * it retired and commit. 0 retired in the database; 1 refused (printed);
 * 2 refused because a live permitd still seals under it (printed only on
 * the `last` attempt); -1 failed (logged).
 */
static int
cli_retire_in_db(struct cli_keys_env *e, const char *id, int last)
{
	int rc = -1;

	if (db_begin(e->db, NULL) == DB_OK &&
	    (rc = cli_kek_retire(e, id, "retire", !last)) == 0 &&
	    db_commit(e->db) != DB_OK)
		rc = -1;
	db_rollback(e->db);
	arena_reset(e->a);
	return rc;
}

int
cli_keys_retire(int argc, char **argv, const struct config *cfg)
{
	struct cli_retire_opts o = { NULL, NULL, 0 };
	struct cli_keys_env e;
	char err[512], apath[4096];
	int rc = 1, st = 2;

	if (cli_retire_args(argc, argv, 0, &o) != 0)
		return cli_usage_error(cli_keys_help);
	if (cli_keys_env_open(cfg, o.database, "retire", &e) != 0)
		return 1;
	if (cli_retire_keyring_check(cfg, e.kr, o.id) != 0)
		goto out;
	for (int i = 0; st == 2 && i < CLI_RETIRE_SETTLE_TRIES; i++) {
		if (i > 0)
			usleep(CLI_RETIRE_SETTLE_PAUSE_US);
		st = cli_retire_in_db(&e, o.id, i == CLI_RETIRE_SETTLE_TRIES - 1);
	}
	if (st != 0)
		goto out;
	if (keyring_retire(cfg->keyring, o.id, err, sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys retire: kek %s is retired in the "
		    "database, but moving it to the archive failed: %s; run "
		    "retire again\n", o.id, err);
		goto out;
	}
	if (keyring_archive_path(cfg->keyring, apath, sizeof(apath)) != 0)
		snprintf(apath, sizeof(apath), "the archive");
	printf("keys retire: kek %s retired: moved from %s to %s (kept to open "
	    "old dumps; `permitctl keys purge %s` destroys it)\n", o.id,
	    cfg->keyring, apath, o.id);
	printf("keys retire: reload permitd (`permitctl reload`) so it no "
	    "longer holds it\n");
	rc = 0;
out:
	cli_keys_env_close(&e);
	return rc;
}

/* Asks the operator to type `id`. 1 when they did. */
static int
cli_purge_confirmed(const char *id)
{
	char line[KEYRING_ID_SIZE + 8];
	size_t n;

	fprintf(stderr, "permitctl keys purge: kek %s will be destroyed for good: "
	    "whatever it still wraps, in this database's backups or any "
	    "older dump, can never be opened again.\nType the kek id to "
	    "confirm: ", id);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 0;
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	return strcmp(line, id) == 0;
}

/* In one transaction: lock, check nothing uses it, destroy the archived
 * key, commit. 0, 1 refused (printed), -1 failed. */
static int
cli_purge_locked(struct cli_keys_env *e, const struct config *cfg,
    const char *id)
{
	char err[512];
	int rc;

	if (db_begin(e->db, NULL) != DB_OK)
		return -1;
	if ((rc = cli_kek_retire(e, id, "purge", 0)) != 0)
		goto out;
	rc = -1;
	if (keyring_purge(cfg->keyring, id, err, sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys purge: %s\n", err);
		goto out;
	}
	/* Destroyed: a failed commit here changes nothing that matters. */
	(void)db_commit(e->db);
	rc = 0;
out:
	db_rollback(e->db);
	return rc;
}

int
cli_keys_purge(int argc, char **argv, const struct config *cfg)
{
	struct cli_retire_opts o = { NULL, NULL, 0 };
	struct cli_keys_env e;
	int archived, rc = 1;

	if (cli_retire_args(argc, argv, 1, &o) != 0)
		return cli_usage_error(cli_keys_help);
	if ((archived = cli_archived(cfg, o.id, "purge")) < 0)
		return 1;
	if (!archived) {
		fprintf(stderr, "permitctl keys purge: no archived kek %s (only "
		    "a retired kek can be purged)\n", o.id);
		return 1;
	}
	if (!o.yes && !cli_purge_confirmed(o.id)) {
		fprintf(stderr, "permitctl keys purge: not confirmed; nothing "
		    "purged\n");
		return 1;
	}
	if (cli_keys_env_open(cfg, o.database, "purge", &e) != 0)
		return 1;
	if (cli_purge_locked(&e, cfg, o.id) == 0) {
		printf("keys purge: kek %s destroyed\n", o.id);
		rc = 0;
	}
	cli_keys_env_close(&e);
	return rc;
}
