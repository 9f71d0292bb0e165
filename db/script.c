/*
 * db_script — a trusted script of several statements (a migration file),
 * on a ctl connection, inside the caller's transaction (contract in db.h).
 */
#include "db/internal.h"

#include "core/log.h"

enum db_status
db_script(struct db *db, const char *name, const char *sql)
{
	enum db_status st = DB_OK;
	ExecStatusType es;
	PGresult *res;

	if ((st = db_require_ctl(db, name)) != DB_OK)
		return st;
	if (db->conn == NULL || db->broken)
		return DB_UNAVAILABLE;
	if (PQtransactionStatus(db->conn) != PQTRANS_INTRANS) {
		log_error("%s: a script runs inside db_begin()", name);
		return DB_ERROR;
	}
	/* Several statements: the simple query protocol, one result back
	 * (the last statement's, or the first failure's). */
	res = PQexec(db->conn, sql);
	es = PQresultStatus(res);
	if (res == NULL || (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK &&
	    es != PGRES_EMPTY_QUERY))
		st = db_fail(db, res, name);
	else if (PQtransactionStatus(db->conn) != PQTRANS_INTRANS) {
		log_error("%s: must not end its transaction (each script runs "
		    "in one its caller commits)", name);
		st = DB_ERROR;
	}
	PQclear(res);
	return st;
}
