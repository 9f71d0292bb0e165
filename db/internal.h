/*
 * db internals shared by the db/ sources (and by the db integration test, which checks
 * the connection with plain libpq). Not for use outside db/.
 */
#ifndef PERMIT_DB_INTERNAL_H
#define PERMIT_DB_INTERNAL_H

#include <libpq-fe.h>

#include "db/db.h"

struct db {
	char *conninfo;   /* malloc'd copy of the caller's conninfo */
	char *dbname;     /* ctl: malloc'd database overriding conninfo's, or NULL */
	enum db_set set;  /* the statements this connection runs (db/stmt.h) */
	PGconn *conn;     /* NULL while not connected */
	int broken;       /* the connection failed: db_ensure() replaces it */
	int down;         /* the last connect failed (logged once per outage) */
	unsigned long flights;   /* round trips made, for db_flights() */
	int connected;    /* ctl: it connected once, so it never reconnects */
};

struct db_result {
	PGresult *res;    /* PQclear'd by the arena that holds this struct */
};

/*
 * The status of a failed command: `res` is its result (NULL allowed, e.g.
 * when libpq could not send). Logs the failure naming `what` (a statement
 * name): on a runtime connection with SQLSTATE and primary message only
 * (never DETAIL, which can carry row values); on a ctl connection (an
 * operator's tool) PostgreSQL's whole message, as psql would show it. No
 * result, a connection already marked broken, a lost connection or
 * SQLSTATE 08xxx/57P01-3 give DB_UNAVAILABLE and mark `db` broken;
 * 23505/23P01 give DB_CONFLICT; anything else DB_ERROR.
 */
enum db_status db_fail(struct db *db, const PGresult *res, const char *what);

/* 1 when `res` finished a command successfully (COMMAND_OK or TUPLES_OK). */
int db_result_ok(const PGresult *res);

/* DB_OK when `db` is a ctl connection, else DB_ERROR naming `what` (logged). */
enum db_status db_require_ctl(const struct db *db, const char *what);

/* Wraps `res` (a successful result) in a db_result that lives until `a` is
 * reset; PQclear's `res` now when `out` or `a` is NULL. */
void db_result_keep(arena *a, PGresult *res, struct db_result **out);

#endif
