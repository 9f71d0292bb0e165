/*
 * db_script — a trusted script of several statements (a migration file),
 * on a ctl connection, inside the caller's transaction (contract in db.h).
 */
#include "db/internal.h"

#include "core/log.h"

/* Runs `sql` from transaction state `from`, which it must leave as it
 * found it: PQTRANS_INTRANS (db_script) or PQTRANS_IDLE (db_script_alone). */
static enum db_status
db_script_run(struct db *db, const char *name, const char *sql,
    PGTransactionStatusType from)
{
	enum db_status st = DB_OK;
	ExecStatusType es;
	PGresult *res;

	if ((st = db_require_ctl(db, name)) != DB_OK)
		return st;
	if (db->conn == NULL || db->broken)
		return DB_UNAVAILABLE;
	if (PQtransactionStatus(db->conn) != from) {
		log_error("%s: a script runs %s", name, from == PQTRANS_IDLE ?
		    "outside any transaction" : "inside db_begin()");
		return DB_ERROR;
	}
	/* Several statements: the simple query protocol, one result back
	 * (the last statement's, or the first failure's). */
	res = PQexec(db->conn, sql);
	es = PQresultStatus(res);
	if (res == NULL || (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK &&
	    es != PGRES_EMPTY_QUERY))
		st = db_fail(db, res, name);
	else if (PQtransactionStatus(db->conn) != from) {
		log_error("%s: must not end or open a transaction (permitctl "
		    "runs each file in its own, or each statement alone)", name);
		st = DB_ERROR;
	}
	PQclear(res);
	if (from == PQTRANS_IDLE && db->conn != NULL &&
	    PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		db_rollback(db);
	return st;
}

enum db_status
db_script(struct db *db, const char *name, const char *sql)
{
	return db_script_run(db, name, sql, PQTRANS_INTRANS);
}

enum db_status
db_script_alone(struct db *db, const char *name, const char *sql)
{
	return db_script_run(db, name, sql, PQTRANS_IDLE);
}
