/*
 * tx — transactions bound to a principal (contract in db.h). Each step is
 * one flight: BEGIN and the binding travel together.
 */
#include "db/internal.h"

#include <string.h>

#include "core/log.h"

static const char *
db_or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* One literal command as a flight; its result is not kept. */
static enum db_status
db_command(struct db *db, const char *sql)
{
	struct db_cmd c = { .sql = sql };
	enum db_status st = db_flight(db, &c, 1);

	if (st == DB_OK && strcmp(sql, "COMMIT") == 0 &&
	    strcmp(PQcmdStatus(c.res), "COMMIT") != 0) {
		/* COMMIT of a failed transaction succeeds as ROLLBACK. */
		log_error("the transaction had failed and was rolled back");
		st = DB_ERROR;
	}
	db_flight_clear(&c, 1);
	return st;
}

/* A ctl connection's transaction: BEGIN alone. It binds no principal: it
 * runs as the owner role, whose policies admit every row, or a superuser. */
static enum db_status
db_begin_ctl(struct db *db, const struct db_principal *who)
{
	enum db_status st;

	if (who != NULL) {
		log_error("a permitctl transaction binds no principal");
		return DB_ERROR;
	}
	if ((st = db_ensure(db)) != DB_OK)
		return st;
	if (PQtransactionStatus(db->conn) != PQTRANS_IDLE) {
		log_error("a transaction was left open; rolled back");
		db_rollback(db);
		return DB_ERROR;
	}
	return db_command(db, "BEGIN");
}

enum db_status
db_begin(struct db *db, const struct db_principal *who)
{
	struct db_param p[3] = { DB_TEXT(""), DB_TEXT(""), DB_TEXT("") };
	struct db_call bind = { DB_STMT_BIND_PRINCIPAL, p, 3, NULL, DB_ERROR };

	if (db->set == DB_SET_CTL)
		return db_begin_ctl(db, who);
	if (who != NULL) {
		p[0] = DB_TEXT(db_or_empty(who->account_id));
		p[1] = DB_TEXT(db_or_empty(who->role));
		p[2] = DB_TEXT(db_or_empty(who->office));
	}
	return db_batch(db, NULL, DB_BATCH_BEGIN, &bind, 1);
}

enum db_status
db_commit(struct db *db)
{
	if (db->conn == NULL || db->broken)
		return DB_UNAVAILABLE;
	return db_command(db, "COMMIT");
}

int
db_in_transaction(const struct db *db)
{
	return db->conn != NULL && !db->broken &&
	    PQtransactionStatus(db->conn) != PQTRANS_IDLE;
}

void
db_rollback(struct db *db)
{
	PGTransactionStatusType ts;

	if (db->conn == NULL || db->broken || PQstatus(db->conn) == CONNECTION_BAD)
		return;
	ts = PQtransactionStatus(db->conn);
	if (ts == PQTRANS_IDLE)
		return;
	if (ts != PQTRANS_INTRANS && ts != PQTRANS_INERROR) {
		db->broken = 1;   /* busy or unknown: start over on a new connection */
		return;
	}
	(void)db_command(db, "ROLLBACK");
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
