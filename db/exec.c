/*
 * exec — prepared statements of the closed set: one at a time (db_exec) or
 * several in one flight (db_batch), contract in db.h.
 */
#include "db/internal.h"

#include <string.h>

#include "core/log.h"

/* More than any statement needs; checked, so a table typo cannot overflow. */
#define DB_MAX_PARAMS 32
/* ROLLBACK, BEGIN, the calls, COMMIT. */
#define DB_MAX_CMDS (DB_BATCH_MAX + 3)

static void
db_pqclear(void *res)
{
	PQclear(res);
}

/* libpq's arrays of one call's parameters. */
struct db_params {
	const char *vals[DB_MAX_PARAMS];
	int lens[DB_MAX_PARAMS];
	int fmts[DB_MAX_PARAMS];
};

/* Checks `call` and turns its parameters into libpq's arrays in *p. */
static int
db_call_cmd(const struct db *db, const struct db_call *call,
    struct db_params *p, struct db_cmd *c)
{
	if ((unsigned)call->stmt >= DB_STMT_COUNT) {
		log_error("no statement %d", (int)call->stmt);
		return -1;
	}
	c->stmt = db_stmt_def(call->stmt);
	if (c->stmt->set != db->set) {
		log_error("%s: not a statement of this connection's set",
		    c->stmt->name);
		return -1;
	}
	if (call->nparams != c->stmt->nparams || call->nparams > DB_MAX_PARAMS ||
	    (call->nparams > 0 && call->params == NULL)) {
		log_error("%s: %d parameters given, %d declared", c->stmt->name,
		    call->nparams, c->stmt->nparams);
		return -1;
	}
	c->nparams = call->nparams;
	c->values = p->vals;
	c->lengths = p->lens;
	c->formats = p->fmts;
	for (int i = 0; i < c->nparams; i++) {
		p->vals[i] = call->params[i].value;
		p->lens[i] = call->params[i].binary ? call->params[i].len : 0;
		p->fmts[i] = call->params[i].binary ? 1 : 0;
	}
	return 0;
}

/* The statements that bind a runtime transaction's principal
 * (docs/DESIGN.md invariant 4). */
static int
db_stmt_binds(enum db_stmt s)
{
	return s == DB_STMT_BIND || s == DB_STMT_BIND_PRINCIPAL;
}

/* The calls' results into the arena (none kept without one), each call's
 * status from its own result. */
static void
db_batch_results(arena *a, struct db_cmd *cmds, struct db_call *calls, int n)
{
	for (int i = 0; i < n; i++) {
		PGresult *res = cmds[i].res;

		calls[i].result = NULL;
		calls[i].status = res == NULL ? DB_UNAVAILABLE :
		    db_result_ok(res) ? DB_OK :
		    PQresultStatus(res) == PGRES_PIPELINE_ABORTED ? DB_ERROR :
		    db_status_of(res);
		if (calls[i].status != DB_OK || a == NULL)
			continue;
		calls[i].result = arena_alloc(a, sizeof(*calls[i].result));
		calls[i].result->res = res;
		arena_defer(a, db_pqclear, res);
		cmds[i].res = NULL;
	}
}

/* The flight's frame: where BEGIN puts the calls, and what the checks say. */
static int
db_batch_check(struct db *db, unsigned flags, const struct db_call *calls,
    int n)
{
	if (n < 0 || n > DB_BATCH_MAX) {
		log_error("a batch of %d statements", n);
		return -1;
	}
	if (flags & DB_BATCH_BEGIN) {
		if (db->set == DB_SET_RUNTIME &&
		    (n == 0 || !db_stmt_binds(calls[0].stmt))) {
			log_error("a transaction must begin by binding its principal");
			return -1;
		}
		if (PQtransactionStatus(db->conn) != PQTRANS_IDLE &&
		    !(flags & DB_BATCH_ROLLBACK)) {
			/* A caller left one open: end it (and its binding) so
			 * this request fails but the next one starts clean. */
			log_error("a transaction was left open; rolled back");
			db_rollback(db);
			return -1;
		}
	} else if (db->set == DB_SET_RUNTIME &&
	    PQtransactionStatus(db->conn) == PQTRANS_IDLE &&
	    !(n == 1 && db_stmt_binds(calls[0].stmt))) {
		/* Nothing runs without a bound principal (docs/DESIGN.md
		 * invariant 4). */
		log_error("%s: outside a transaction (begin it bound)",
		    n > 0 ? db_stmt_def(calls[0].stmt)->name : "a batch");
		return -1;
	}
	return 0;
}

enum db_status
db_batch(struct db *db, arena *a, unsigned flags, struct db_call *calls,
    int n)
{
	struct db_cmd cmds[DB_MAX_CMDS] = { { 0 } };
	struct db_params params[DB_BATCH_MAX];
	int first = 0, k = 0;
	enum db_status st;

	for (int i = 0; i < n; i++) {
		calls[i].result = NULL;
		calls[i].status = DB_ERROR;
	}
	/* Between transactions the connection may be replaced (db_ready);
	 * inside one it must be the one the transaction began on. */
	if ((st = db_in_transaction(db) ? DB_OK : db_ready(db)) != DB_OK)
		return st;
	if (db_batch_check(db, flags, calls, n) != 0)
		return DB_ERROR;
	if ((flags & DB_BATCH_ROLLBACK) && db_in_transaction(db))
		cmds[k++].sql = "ROLLBACK";
	if (flags & DB_BATCH_BEGIN)
		cmds[k++].sql = (flags & DB_BATCH_READ_ONLY) ? "BEGIN READ ONLY" :
		    "BEGIN";
	first = k;
	for (int i = 0; i < n; i++)
		if (db_call_cmd(db, &calls[i], &params[i], &cmds[k++]) != 0)
			return DB_ERROR;   /* refused before sending: nothing changed */
	if (flags & DB_BATCH_COMMIT)
		cmds[k++].sql = "COMMIT";
	st = db_flight(db, cmds, k);
	db_batch_results(a, cmds + first, calls, n);
	if (st == DB_OK && (flags & DB_BATCH_COMMIT) &&
	    strcmp(PQcmdStatus(cmds[k - 1].res), "COMMIT") != 0)
		st = DB_ERROR;
	db_flight_clear(cmds, k);
	if (st != DB_OK)
		db_rollback(db);
	return st;
}

enum db_status
db_exec(struct db *db, arena *a, enum db_stmt stmt,
    const struct db_param *params, int nparams, struct db_result **out)
{
	struct db_call call = { stmt, params, nparams, NULL, DB_ERROR };
	enum db_status st = db_batch(db, a, 0, &call, 1);

	if (out != NULL)
		*out = call.result;
	return st;
}
