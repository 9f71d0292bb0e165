/*
 * draw_master — the permitd master's part in the opening draw
 * (migrations/0018, app/app.h app_draws): commit each coming day's seed
 * before its window opens, and run each draw once its draw_at has passed.
 *
 * Any number of masters may do both at once against one database: a seed
 * is committed only where the day has none (the first to commit wins, the
 * others' seeds are dropped unseen), and a draw is run by whichever master
 * locks its row (FOR UPDATE SKIP LOCKED), the others passing it by; a draw
 * marked run is never run again.
 */
#include "app/app.h"
#include "app/audit.h"

#include <string.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/log.h"
#include "core/metrics.h"
#include "crypto/draw.h"
#include "db/db.h"

/* Seeds are committed this long before a window opens, at most; a day
 * opened sooner than one housekeeping interval from now by an admin may
 * open without one, and is then first-come. */
#define APP_DRAW_HORIZON_MINUTES "1440"
/* Draws run per housekeeping, at most. */
#define APP_DRAWS_PER_ROUND "16"

/* The seed of one due day, fresh from libsodium, committed with its hash. */
static enum db_status
app_draw_commit_one(struct db *db, const struct db_result *due, int row)
{
	unsigned char seed[DRAW_SEED_BYTES], hash[DRAW_HASH_BYTES];
	const struct db_param p[6] = {
		DB_TEXT(db_text(due, row, DB_COL(DRAWS_DUE, OFFICE))),
		DB_TEXT(db_text(due, row, DB_COL(DRAWS_DUE, DAY))),
		DB_TEXT(db_text(due, row, DB_COL(DRAWS_DUE, OPENS_AT))),
		DB_TEXT(db_text(due, row, DB_COL(DRAWS_DUE, DRAW_AT))),
		DB_BYTES(seed, sizeof(seed)), DB_BYTES(hash, sizeof(hash)),
	};
	enum db_status st;

	draw_seed_new(seed);
	draw_seed_hash(seed, hash);
	st = db_exec(db, NULL, DB_STMT_DRAW_COMMIT, p, 6, NULL);
	sodium_memzero(seed, sizeof(seed));
	return st;
}

/* Seeds for every day whose window opens within the horizon and has none,
 * in one transaction. */
static enum db_status
app_draws_commit(struct db *db, arena *a, const struct config *c)
{
	const struct db_param p[4] = {
		DB_TEXT(arena_printf(a, "%d", c->booking_days_ahead)),
		DB_TEXT(arena_printf(a, "%d", c->open_hour)),
		DB_TEXT(arena_printf(a, "%d", c->draw_minutes)),
		DB_TEXT(APP_DRAW_HORIZON_MINUTES),
	};
	struct db_result *due;
	enum db_status st;

	if ((st = db_begin(db, NULL)) != DB_OK ||
	    (st = db_exec(db, a, DB_STMT_DRAWS_DUE, p, 4, &due)) != DB_OK)
		goto done;
	for (int i = 0; i < db_rows(due); i++)
		if ((st = app_draw_commit_one(db, due, i)) != DB_OK)
			goto done;
	st = db_commit(db);
done:
	db_rollback(db);
	return st;
}

/* The ordered draw as DRAW_RUN and its audit row take it, in the arena. */
struct app_draw_ordered {
	const char *ids;       /* text[] literal: entry ids, first place first */
	const char *places;    /* text[] literal: their places in hex */
	const char *seed_hash; /* hex */
};

/* An entry id's text at its longest (draw_order refuses longer ones). */
#define APP_DRAW_ID_MAX 64

/* The n ranked entries as DRAW_RUN's two text[] literals, in the arena. */
static void
app_draw_literals(arena *a, const struct draw_rank *rank, size_t n,
    struct app_draw_ordered *out)
{
	char *ids = arena_alloc(a, n * (APP_DRAW_ID_MAX + 1) + 3);
	char *places = arena_alloc(a, n * (DRAW_HASH_BYTES * 2 + 1) + 3);
	char *ip = ids, *pp = places;

	*ip++ = '{';
	*pp++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			*ip++ = ',';
			*pp++ = ',';
		}
		ip = stpcpy(ip, rank[i].id);
		sodium_bin2hex(pp, DRAW_HASH_BYTES * 2 + 1, rank[i].place,
		    DRAW_HASH_BYTES);
		pp += DRAW_HASH_BYTES * 2;
	}
	strcpy(ip, "}");
	strcpy(pp, "}");
	out->ids = ids;
	out->places = places;
}

/*
 * The locked draw's entries (DRAW_LOCK's rows) ordered under its seed, and
 * the seed's hash. 0, or -1 on a malformed row.
 */
static int
app_draw_order(arena *a, const struct db_result *r,
    struct app_draw_ordered *out)
{
	unsigned char seed[DRAW_SEED_BYTES], hash[DRAW_HASH_BYTES];
	char *hash_hex = arena_alloc(a, DRAW_HASH_BYTES * 2 + 1);
	int rows = db_rows(r);
	size_t n = 0, len = 0;
	const char **ids = arena_calloc(a, (size_t)rows + 1, sizeof(*ids));
	struct draw_rank *rank = arena_calloc(a, (size_t)rows + 1,
	    sizeof(*rank));
	const char *hex = db_text(r, 0, DB_COL(DRAW_LOCK, SEED));
	int rc = -1;

	if (hex == NULL || sodium_hex2bin(seed, sizeof(seed), hex, strlen(hex),
	    NULL, &len, NULL) != 0 || len != sizeof(seed))
		goto out;
	for (int i = 0; i < rows; i++)
		if ((ids[n] = db_text(r, i, DB_COL(DRAW_LOCK, ENTRY))) != NULL)
			n++;
	if (draw_order(seed, ids, n, rank) != 0)
		goto out;
	app_draw_literals(a, rank, n, out);
	draw_seed_hash(seed, hash);
	out->seed_hash = sodium_bin2hex(hash_hex, DRAW_HASH_BYTES * 2 + 1, hash,
	    DRAW_HASH_BYTES);
	rc = 0;
out:
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

/*
 * The draw's audit row, in its transaction, after its run: the day, the
 * counts and the seed's hash (workflow data only), as permitd itself.
 */
static enum db_status
app_draw_audit(struct db *db, arena *a, const char *office, const char *day,
    const struct db_result *counts, const char *seed_hash)
{
	struct app_audit_entry entry = { .action = "draw.run" };
	struct db_result *head;
	struct db_call row;
	enum db_status st;

	entry.detail = arena_printf(a, "office=%s day=%s entries=%s holds=%s "
	    "waiting=%s seed_hash=%s", office, day,
	    db_text(counts, 0, DB_COL(DRAW_RUN, ENTRIES)),
	    db_text(counts, 0, DB_COL(DRAW_RUN, WON)),
	    db_text(counts, 0, DB_COL(DRAW_RUN, WAITING)), seed_hash);
	if ((st = db_exec(db, a, DB_STMT_AUDIT_HEAD, NULL, 0, &head)) != DB_OK)
		return st;
	if (app_audit_add_system(a, head, &entry, &row) != APP_AUDIT_OK)
		return DB_ERROR;
	return db_exec(db, NULL, row.stmt, row.params, row.nparams, NULL);
}

/* The holds a committed draw gave, into the metrics. */
static void
app_draw_count_holds(const struct db_result *counts)
{
	long long won;

	if (db_int64(counts, 0, DB_COL(DRAW_RUN, WON), &won) == 0 && won > 0)
		metrics_add(METRICS_BOOKINGS_TAKEN, (uint64_t)won);
}

/* The draw of (office, day), if this master gets its lock: ordered, run,
 * audited, counted in the log; all of it or nothing. */
static enum db_status
app_draw_run_one(struct db *db, arena *a, const char *office, const char *day)
{
	const struct db_param lock[2] = { DB_TEXT(office), DB_TEXT(day) };
	struct db_param run[4] = { DB_TEXT(office), DB_TEXT(day) };
	struct db_result *r, *counts;
	struct app_draw_ordered o;
	enum db_status st;

	if ((st = db_begin(db, NULL)) != DB_OK ||
	    (st = db_exec(db, a, DB_STMT_DRAW_LOCK, lock, 2, &r)) != DB_OK)
		goto done;
	if (db_rows(r) == 0)
		goto done;   /* another host's, or run already */
	if (app_draw_order(a, r, &o) != 0) {
		log_error("the draw of %s %s is malformed", office, day);
		st = DB_ERROR;
		goto done;
	}
	run[2] = DB_TEXT(o.ids);
	run[3] = DB_TEXT(o.places);
	if ((st = db_exec(db, a, DB_STMT_DRAW_RUN, run, 4, &counts)) != DB_OK ||
	    (st = app_draw_audit(db, a, office, day, counts,
	    o.seed_hash)) != DB_OK ||
	    (st = db_commit(db)) != DB_OK)
		goto done;
	app_draw_count_holds(counts);
	log_info("drew %s %s: %s entries, %s holds, %s waiting",
	    office, day, db_text(counts, 0, DB_COL(DRAW_RUN, ENTRIES)),
	    db_text(counts, 0, DB_COL(DRAW_RUN, WON)),
	    db_text(counts, 0, DB_COL(DRAW_RUN, WAITING)));
done:
	db_rollback(db);
	return st;
}

/* Every draw due to run (a round's worth), each in its own transaction. */
static enum db_status
app_draws_run(struct db *db, arena *a)
{
	const struct db_param p[1] = { DB_TEXT(APP_DRAWS_PER_ROUND) };
	struct db_result *ready;
	enum db_status st;

	if ((st = db_begin(db, NULL)) != DB_OK ||
	    (st = db_exec(db, a, DB_STMT_DRAWS_READY, p, 1, &ready)) != DB_OK ||
	    (st = db_commit(db)) != DB_OK) {
		db_rollback(db);
		return st;
	}
	for (int i = 0; i < db_rows(ready) && st == DB_OK; i++)
		st = app_draw_run_one(db, a,
		    db_text(ready, i, DB_COL(DRAWS_READY, OFFICE)),
		    db_text(ready, i, DB_COL(DRAWS_READY, DAY)));
	return st;
}

void
app_draws(struct db *db, const struct config *c)
{
	arena *a;

	if (c->draw_minutes == 0)
		return;
	a = arena_new(16384);
	db_deadline(db, c->health_deadline);
	if (app_draws_commit(db, a, c) != DB_OK)
		log_warn("seeds of coming draws not committed; next in %ds",
		    c->session_sweep_interval);
	db_deadline(db, c->health_deadline);
	if (app_draws_run(db, a) != DB_OK)
		log_warn("due draws not run; next in %ds",
		    c->session_sweep_interval);
	arena_free(a);
}
