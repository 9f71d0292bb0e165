/*
 * cli/draw — permitctl draw verify OFFICE DATE: re-runs a day's opening
 * draw from its revealed seed (migrations/0018, crypto/draw.h) and compares
 * it with what was stored.
 *
 * In one snapshot: the seed must hash to the committed seed_hash (the one
 * published before the window opened), and the entries the draw ranked,
 * ordered by BLAKE2b keyed with the seed over each id, must be exactly the
 * stored ranks 1, 2, ... with the stored places. The first difference is
 * named on stderr.
 *
 * Exit status as cli.h says: 0 the draw is the seed's, 1 it is not (or has
 * not run, or could not be read), 2 a usage error.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "crypto/draw.h"
#include "db/db.h"

#define CLI_DRAW_SAY "permitctl draw verify: "

/* The stored seed, checked against its committed hash: 0, or -1 said. */
static int
cli_draw_seed(arena *a, const struct db_result *r,
    unsigned char seed[DRAW_SEED_BYTES])
{
	const unsigned char *s, *h;
	size_t slen, hlen;
	unsigned char hash[DRAW_HASH_BYTES];
	const char *drawn = db_text(r, 0, DB_COL(DRAW_VERIFY_DRAW, DRAWN));

	if (drawn == NULL || strcmp(drawn, "t") != 0) {
		fprintf(stderr, CLI_DRAW_SAY "the draw has not run yet\n");
		return -1;
	}
	if (db_bytes(r, a, 0, DB_COL(DRAW_VERIFY_DRAW, SEED), &s, &slen) != 0 ||
	    db_bytes(r, a, 0, DB_COL(DRAW_VERIFY_DRAW, SEED_HASH), &h,
	    &hlen) != 0 || slen != DRAW_SEED_BYTES || hlen != DRAW_HASH_BYTES) {
		fprintf(stderr, CLI_DRAW_SAY "the seed is malformed\n");
		return -1;
	}
	memcpy(seed, s, DRAW_SEED_BYTES);
	draw_seed_hash(seed, hash);
	if (sodium_memcmp(hash, h, DRAW_HASH_BYTES) != 0) {
		fprintf(stderr, CLI_DRAW_SAY "the seed does not match the hash "
		    "committed before the window opened\n");
		return -1;
	}
	return 0;
}

/* The stored ranks against the seed's order: 0, or -1 with the first
 * difference said. */
static int
cli_draw_order(arena *a, const struct db_result *r,
    const unsigned char seed[DRAW_SEED_BYTES])
{
	int n = db_rows(r);
	const char **ids = arena_calloc(a, (size_t)n + 1, sizeof(*ids));
	struct draw_rank *want = arena_calloc(a, (size_t)n + 1, sizeof(*want));
	const unsigned char *place;
	size_t plen;
	long long rank;

	for (int i = 0; i < n; i++)
		ids[i] = db_text(r, i, DB_COL(DRAW_VERIFY_ENTRY, ID));
	if (draw_order(seed, ids, (size_t)n, want) != 0) {
		fprintf(stderr, CLI_DRAW_SAY "an entry id is malformed\n");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (db_int64(r, i, DB_COL(DRAW_VERIFY_ENTRY, RANK), &rank) != 0 ||
		    rank != i + 1) {
			fprintf(stderr, CLI_DRAW_SAY "place %d: no entry is stored "
			    "there\n", i + 1);
			return -1;
		}
		if (strcmp(ids[i], want[i].id) != 0) {
			fprintf(stderr, CLI_DRAW_SAY "place %d: entry %s is stored, "
			    "the seed gives entry %s\n", i + 1, ids[i], want[i].id);
			return -1;
		}
		if (db_bytes(r, a, i, DB_COL(DRAW_VERIFY_ENTRY, PLACE), &place,
		    &plen) != 0 || plen != DRAW_HASH_BYTES ||
		    memcmp(place, want[i].place, DRAW_HASH_BYTES) != 0) {
			fprintf(stderr, CLI_DRAW_SAY "place %d: entry %s's stored "
			    "place is not its keyed hash\n", i + 1, ids[i]);
			return -1;
		}
	}
	return 0;
}

static int
cli_draw_verify(const char *conninfo, const char *office, const char *day)
{
	const struct db_param p[2] = { DB_TEXT(office), DB_TEXT(day) };
	unsigned char seed[DRAW_SEED_BYTES];
	struct db_result *draw, *entries;
	struct db *db = NULL;
	arena *a = arena_new(1 << 16);
	int rc = 1;

	if (db_open_ctl(conninfo, NULL, &db) != DB_OK ||
	    db_begin(db, NULL) != DB_OK ||
	    db_exec(db, NULL, DB_STMT_DRAW_SNAPSHOT, NULL, 0, NULL) != DB_OK ||
	    db_exec(db, a, DB_STMT_DRAW_VERIFY_DRAW, p, 2, &draw) != DB_OK ||
	    db_exec(db, a, DB_STMT_DRAW_VERIFY_ENTRIES, p, 2,
	    &entries) != DB_OK) {
		fprintf(stderr, CLI_DRAW_SAY "the draw could not be read\n");
		goto out;
	}
	if (db_rows(draw) != 1) {
		fprintf(stderr, CLI_DRAW_SAY "no draw for %s on %s\n", office, day);
		goto out;
	}
	if (cli_draw_seed(a, draw, seed) != 0 ||
	    cli_draw_order(a, entries, seed) != 0)
		goto out;
	printf("draw verify: %s %s: %d entries in the order the seed gives; "
	    "the seed matches the hash committed before the window opened\n",
	    office, day, db_rows(entries));
	rc = 0;
out:
	sodium_memzero(seed, sizeof(seed));
	if (db != NULL)
		db_rollback(db);   /* read only: nothing to keep */
	db_close(db);
	arena_free(a);
	return rc;
}

const char cli_draw_help[] =
    "usage: permitctl draw verify OFFICE DATE [--database OWNER_CONNINFO]\n"
    "\n"
    "  Recomputes the opening draw of OFFICE's DATE (YYYY-MM-DD) from its\n"
    "  revealed seed and the entries, and compares it with the stored\n"
    "  order; exits 1 when they differ or the draw has not run.\n"
    CLI_HELP_DATABASE
    "  -h, --help           this text\n";

int
cli_draw(int argc, char **argv, const struct config *cfg)
{
	const char *database = NULL;

	if (argc < 4 || strcmp(argv[1], "verify") != 0)
		return cli_usage_error(cli_draw_help);
	for (int i = 4; i < argc; i++) {
		if (strcmp(argv[i], "--database") == 0 && i + 1 < argc)
			database = argv[++i];
		else
			return cli_usage_error(cli_draw_help);
	}
	return cli_draw_verify(cli_database(database, cfg), argv[2], argv[3]);
}
