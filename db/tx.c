#include "db/internal.h"

#include <string.h>

#include "core/log.h"

static const char *
db_or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* 1 when the connection is gone; marks it for db_ensure() to replace. */
static int
db_lost(struct db *db)
{
	if (PQstatus(db->conn) != CONNECTION_BAD)
		return 0;
	db->broken = 1;
	return 1;
}

/* Reads one pipelined command's result and the NULL that ends it. */
static enum db_status
db_pipeline_result(struct db *db, const char *what)
{
	enum db_status st = DB_OK;
	PGresult *res = PQgetResult(db->conn);

	if (res == NULL || db_lost(db)) {
		db->broken = 1;
		st = db_fail(db, res, what);
		PQclear(res);
		return st;
	}
	if (PQresultStatus(res) == PGRES_PIPELINE_ABORTED)
		st = DB_ERROR;            /* the earlier failure was logged */
	else if (!db_result_ok(res))
		st = db_fail(db, res, what);
	PQclear(res);
	if (db_lost(db))
		return DB_UNAVAILABLE;
	if ((res = PQgetResult(db->conn)) != NULL) {
		log_error("%s: unexpected extra result", what);
		PQclear(res);
		db->broken = 1;
		return DB_ERROR;
	}
	return st;
}

/* Reads the sync point and leaves pipeline mode. 0, or -1 (marked broken). */
static int
db_pipeline_end(struct db *db)
{
	PGresult *res = PQgetResult(db->conn);
	int ok = res != NULL && PQresultStatus(res) == PGRES_PIPELINE_SYNC;

	PQclear(res);
	if (ok && PQexitPipelineMode(db->conn) == 1)
		return 0;
	if (!db_lost(db))
		log_error("pipeline did not end cleanly");
	db->broken = 1;
	return -1;
}

/* BEGIN and the bind statement, sent together, one sync, one round trip. */
static enum db_status
db_begin_pipelined(struct db *db, const char *const vals[3])
{
	const struct db_stmt_def *bind = db_stmt_def(DB_STMT_BIND_PRINCIPAL);
	enum db_status st, st_bind;

	/* Fails only when the connection is not idle: start over afresh. */
	if (PQenterPipelineMode(db->conn) != 1)
		return db_fail(db, NULL, "BEGIN");
	if (PQsendQueryParams(db->conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0) != 1 ||
	    PQsendQueryPrepared(db->conn, bind->name, 3, vals, NULL, NULL, 0) != 1 ||
	    PQpipelineSync(db->conn) != 1)
		return db_fail(db, NULL, "BEGIN");   /* could not send: unavailable */
	db->flights++;
	st = db_pipeline_result(db, "BEGIN");
	if (db->broken)
		return st != DB_OK ? st : DB_ERROR;
	st_bind = db_pipeline_result(db, bind->name);
	if (db->broken)
		return st_bind != DB_OK ? st_bind : DB_ERROR;
	if (db_pipeline_end(db) != 0)
		return db_lost(db) ? DB_UNAVAILABLE : DB_ERROR;
	return st != DB_OK ? st : st_bind;
}

/* A ctl connection's transaction: BEGIN alone. It binds no principal: it
 * runs as the owner role, whose policies admit every row, or a superuser. */
static enum db_status
db_begin_ctl(struct db *db, const struct db_principal *who)
{
	enum db_status st = DB_OK;
	PGresult *res;

	if (who != NULL) {
		log_error("a permitctl transaction binds no principal");
		return DB_ERROR;
	}
	res = PQexec(db->conn, "BEGIN");
	if (!db_result_ok(res))
		st = db_fail(db, res, "BEGIN");
	PQclear(res);
	return st;
}

enum db_status
db_begin(struct db *db, const struct db_principal *who)
{
	const char *vals[3] = { "", "", "" };
	enum db_status st;

	if ((st = db_ensure(db)) != DB_OK)
		return st;
	if (PQtransactionStatus(db->conn) != PQTRANS_IDLE) {
		/* A caller left one open: end it (and its binding) so this
		 * request fails but the next one starts clean. */
		log_error("a transaction was left open; rolled back");
		db_rollback(db);
		return DB_ERROR;
	}
	if (db->set == DB_SET_CTL)
		return db_begin_ctl(db, who);
	if (who != NULL) {
		vals[0] = db_or_empty(who->account_id);
		vals[1] = db_or_empty(who->role);
		vals[2] = db_or_empty(who->office);
	}
	st = db_begin_pipelined(db, vals);
	if (st != DB_OK)
		db_rollback(db);
	return st;
}

enum db_status
db_commit(struct db *db)
{
	enum db_status st = DB_OK;
	PGresult *res;

	if (db->conn == NULL || db->broken)
		return DB_UNAVAILABLE;
	db->flights++;
	res = PQexec(db->conn, "COMMIT");
	if (!db_result_ok(res)) {
		st = db_fail(db, res, "COMMIT");
	} else if (strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		/* COMMIT of a failed transaction succeeds as ROLLBACK. */
		log_error("the transaction had failed and was rolled back");
		st = DB_ERROR;
	}
	PQclear(res);
	return st;
}

void
db_rollback(struct db *db)
{
	PGresult *res;
	PGTransactionStatusType ts;

	if (db->conn == NULL || db->broken || db_lost(db))
		return;
	ts = PQtransactionStatus(db->conn);
	if (ts == PQTRANS_IDLE)
		return;
	if (ts != PQTRANS_INTRANS && ts != PQTRANS_INERROR) {
		db->broken = 1;   /* busy or unknown: start over on a new connection */
		return;
	}
	db->flights++;
	res = PQexec(db->conn, "ROLLBACK");
	if (!db_result_ok(res))
		(void)db_fail(db, res, "ROLLBACK");
	PQclear(res);
	if (!db->broken && PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		db->broken = 1;
}

enum db_status
db_tx_run(struct db *db, const struct db_principal *who, db_tx_fn *fn,
    void *arg)
{
	enum db_status st;

	if ((st = db_begin(db, who)) != DB_OK)
		return st;
	st = fn(db, arg);
	if (st == DB_OK)
		st = db_commit(db);
	db_rollback(db);   /* no-op after a commit; ends the transaction otherwise */
	return st;
}
