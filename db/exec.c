#include "db/internal.h"

#include "core/log.h"

/* More than any statement needs; checked, so a table typo cannot overflow. */
#define DB_MAX_PARAMS 32

static void
db_pqclear(void *res)
{
	PQclear(res);
}

void
db_result_keep(arena *a, PGresult *res, struct db_result **out)
{
	struct db_result *r;

	if (out == NULL || a == NULL) {
		PQclear(res);
		return;
	}
	r = arena_alloc(a, sizeof(*r));
	r->res = res;
	arena_defer(a, db_pqclear, res);
	*out = r;
}

/* The statement's definition when `db` may run it with `nparams`; NULL
 * (logged) when it is unknown, of the other set, or miscounted. */
static const struct db_stmt_def *
db_exec_def(const struct db *db, enum db_stmt stmt, const struct db_param *params,
    int nparams)
{
	const struct db_stmt_def *d;

	if ((unsigned)stmt >= DB_STMT_COUNT) {
		log_error("no statement %d", (int)stmt);
		return NULL;
	}
	d = db_stmt_def(stmt);
	if (d->set != db->set) {
		log_error("%s: not a statement of this connection's set", d->name);
		return NULL;
	}
	if (nparams != d->nparams || nparams > DB_MAX_PARAMS ||
	    (nparams > 0 && params == NULL)) {
		log_error("%s: %d parameters given, %d declared", d->name,
		    nparams, d->nparams);
		return NULL;
	}
	return d;
}

enum db_status
db_exec(struct db *db, arena *a, enum db_stmt stmt,
    const struct db_param *params, int nparams, struct db_result **out)
{
	const char *vals[DB_MAX_PARAMS];
	int lens[DB_MAX_PARAMS], fmts[DB_MAX_PARAMS];
	const struct db_stmt_def *d;
	PGresult *res;

	if (out != NULL)
		*out = NULL;
	if ((d = db_exec_def(db, stmt, params, nparams)) == NULL)
		return DB_ERROR;
	if (db->conn == NULL || db->broken)
		return DB_UNAVAILABLE;
	if (db->set == DB_SET_RUNTIME &&
	    PQtransactionStatus(db->conn) == PQTRANS_IDLE) {
		/* Invariant 4: nothing runs without a bound principal. */
		log_error("%s: outside a transaction (use db_begin)", d->name);
		return DB_ERROR;
	}
	for (int i = 0; i < nparams; i++) {
		vals[i] = params[i].value;
		lens[i] = params[i].binary ? params[i].len : 0;
		fmts[i] = params[i].binary ? 1 : 0;
	}
	db->flights++;
	if (db->set == DB_SET_RUNTIME)
		res = PQexecPrepared(db->conn, d->name, nparams, vals, lens,
		    fmts, 0);
	else
		res = PQexecParams(db->conn, d->sql, nparams, NULL, vals, lens,
		    fmts, 0);
	if (!db_result_ok(res)) {
		enum db_status st = db_fail(db, res, d->name);

		PQclear(res);
		return st;
	}
	db_result_keep(a, res, out);
	return DB_OK;
}
