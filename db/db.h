/*
 * db — permitd's use of PostgreSQL through libpq.
 *
 * One struct db per worker: one connection, every statement of db/sql/<module>.def
 * prepared on it at connect, re-connected on its own after a failure. Knows
 * no HTTP and no crypto.
 *
 * Every transaction is bound to a principal (DESIGN.md invariant 4): db_begin()
 * sets the transaction-local settings permit.account_id, permit.role and
 * permit.office with set_config(..., true) before anything else runs, and the
 * forced row-level-security policies read them.
 *
 * Errors: functions return an enum db_status. DB_UNAVAILABLE means the server
 * cannot be reached (the caller answers 503 with Retry-After); the next call
 * tries to reconnect. Database error text is logged here, never returned.
 */
#ifndef PERMIT_DB_DB_H
#define PERMIT_DB_DB_H

#include <stddef.h>

#include "core/arena.h"
#include "db/stmt.h"

struct db;

enum db_status {
	DB_OK = 0,
	DB_UNAVAILABLE,   /* no connection, or it broke: retry later */
	DB_CONFLICT,      /* unique_violation (23505) or exclusion_violation */
	DB_ERROR          /* anything else (logged) */
};

/* The principal a transaction runs as; NULL fields are bound as "". */
struct db_principal {
	const char *account_id;
	const char *role;
	const char *office;
};

/* One parameter. `len` is used only when `binary` is set (bytea). */
struct db_param {
	const char *value;   /* NULL sends SQL NULL */
	int len;
	int binary;
};

#define DB_TEXT(s)        ((struct db_param){ (s), 0, 0 })
#define DB_BYTES(p, n)    ((struct db_param){ (const char *)(p), (int)(n), 1 })
#define DB_NULL           ((struct db_param){ NULL, 0, 0 })

struct db_result;

/*
 * A handle for `conninfo`. Connects now if it can; if it cannot, the handle
 * is still returned and every call reconnects first. -1 only on out of memory.
 * Owned by the caller; release with db_close().
 */
int db_open(const char *conninfo, struct db **out);
void db_close(struct db *db);

/* Connects (and prepares) if not connected. DB_OK or DB_UNAVAILABLE. */
enum db_status db_ensure(struct db *db);

/* BEGIN and bind `who` (NULL: anonymous), in one round trip. */
enum db_status db_begin(struct db *db, const struct db_principal *who);
enum db_status db_commit(struct db *db);
/* Rolls back if a transaction is open; never fails the caller. */
void db_rollback(struct db *db);

/*
 * Begins, binds `who`, runs fn(db, arg), and commits when fn returned DB_OK,
 * else rolls back. Returns fn's status, or the begin/commit failure.
 */
typedef enum db_status db_tx_fn(struct db *db, void *arg);
enum db_status db_tx_run(struct db *db, const struct db_principal *who,
    db_tx_fn *fn, void *arg);

/*
 * Runs prepared statement `stmt` with `params` (count checked against the
 * statement's declared count), only inside db_begin()..db_commit(): outside
 * a transaction nothing is sent and the result is DB_ERROR. On DB_OK, *out is a result that lives until
 * `a` is reset (freed by arena_defer). `out` may be NULL to discard rows.
 */
enum db_status db_exec(struct db *db, arena *a, enum db_stmt stmt,
    const struct db_param *params, int nparams, struct db_result **out);

/*
 * Round trips to the server made on this handle so far (each statement
 * sent and waited for, or each pipelined batch, counts one; connecting does
 * not). A request's count is the difference across it: what the access log
 * reports, and what tests and `make bench` read.
 */
unsigned long db_flights(const struct db *db);

/* Rows in a result; and affected rows of INSERT/UPDATE/DELETE. */
int db_rows(const struct db_result *r);
long db_affected(const struct db_result *r);

/* Column values by row and column number. Strings live as long as the result. */
const char *db_text(const struct db_result *r, int row, int col);  /* NULL if SQL NULL */
int db_isnull(const struct db_result *r, int row, int col);
/* An integer column; -1 when it is NULL or not an integer. */
int db_int64(const struct db_result *r, int row, int col, long long *out);
/* A bytea column decoded into `a`; -1 when NULL or malformed. */
int db_bytes(const struct db_result *r, arena *a, int row, int col,
    const unsigned char **out, size_t *len);

#endif
