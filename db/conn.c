#include "db/internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

/* Applied unless the caller's conninfo says otherwise. Keepalives (TCP
 * only) notice a server host that vanished without closing the socket. */
#define DB_CONNECT_TIMEOUT "2"
#define DB_APPLICATION_NAME "permitd"
#define DB_KEEPALIVES_IDLE "30"
#define DB_KEEPALIVES_INTERVAL "10"
#define DB_KEEPALIVES_COUNT "3"
/* permitctl's: an operator waits a little longer rather than retry. */
#define DB_CTL_CONNECT_TIMEOUT "10"
#define DB_CTL_APPLICATION_NAME "permitctl"

static void
db_disconnect(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
	db->broken = 0;
}

/*
 * Logs a failed connect once per outage at error level; repeats go to debug,
 * so a worker polled while the server is down does not flood the log.
 */
static void
db_log_down(struct db *db, const char *msg)
{
	int n = (int)strcspn(msg, "\n");

	/* An operator (ctl) gets libpq's whole explanation, hints included. */
	if (db->set == DB_SET_CTL) {
		n = (int)strlen(msg);
		while (n > 0 && msg[n - 1] == '\n')
			n--;
	}
	if (db->down)
		log_debug("still unavailable: %.*s", n, msg);
	else
		log_error("database unavailable: %.*s", n, msg);
	db->down = 1;
}

/* Prepares every runtime statement of the .def tables on the fresh
 * connection; ctl statements run by text (db/stmt.h says why). */
static int
db_prepare_all(struct db *db)
{
	for (int s = 0; s < DB_STMT_COUNT; s++) {
		const struct db_stmt_def *d = db_stmt_def((enum db_stmt)s);
		PGresult *res;
		int ok;

		if (d->set != DB_SET_RUNTIME)
			continue;
		res = PQprepare(db->conn, d->name, d->sql, d->nparams, NULL);
		ok = db_result_ok(res);

		if (!ok) {
			const char *msg = res != NULL ?
			    PQresultErrorMessage(res) : PQerrorMessage(db->conn);
			log_error("prepare %s: %.*s", d->name,
			    (int)strcspn(msg, "\n"), msg);
		}
		PQclear(res);
		if (!ok)
			return -1;
	}
	return 0;
}

/*
 * Connects with the defaults above: they come before the expanded conninfo
 * in the arrays, so the conninfo overrides any of them. Only the first
 * dbname is expanded as a conninfo; a ctl handle's second one, after it,
 * overrides the database the conninfo names.
 */
static PGconn *
db_connect_params(const struct db *db)
{
	const char *const keys[] = { "connect_timeout", "application_name",
	    "keepalives_idle", "keepalives_interval", "keepalives_count",
	    "dbname", NULL };
	const char *const vals[] = { DB_CONNECT_TIMEOUT, DB_APPLICATION_NAME,
	    DB_KEEPALIVES_IDLE, DB_KEEPALIVES_INTERVAL, DB_KEEPALIVES_COUNT,
	    db->conninfo, NULL };
	const char *const ctl_keys[] = { "connect_timeout", "application_name",
	    "dbname", db->dbname != NULL ? "dbname" : NULL, NULL };
	const char *const ctl_vals[] = { DB_CTL_CONNECT_TIMEOUT,
	    DB_CTL_APPLICATION_NAME, db->conninfo, db->dbname, NULL };

	if (db->set == DB_SET_CTL)
		return PQconnectdbParams(ctl_keys, ctl_vals, 1);
	return PQconnectdbParams(keys, vals, 1);
}

static enum db_status
db_connect(struct db *db)
{
	db->conn = db_connect_params(db);
	if (db->conn == NULL) {
		db_log_down(db, "out of memory");
		return DB_UNAVAILABLE;
	}
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db_log_down(db, PQerrorMessage(db->conn));
		db_disconnect(db);
		return DB_UNAVAILABLE;
	}
	if (db->set == DB_SET_RUNTIME && db_prepare_all(db) != 0) {
		/* Unprepared statements make the database unusable: unmigrated
		 * schema, or the server went away meanwhile. Retry later. */
		db->down = 1;
		db_disconnect(db);
		return DB_UNAVAILABLE;
	}
	if (db->down)
		log_info("database connection restored");
	db->down = 0;
	db->connected = 1;
	return DB_OK;
}

/* A handle of `set` for `conninfo` (and `dbname`, NULL allowed), not yet
 * connected; NULL on out of memory (logged). */
static struct db *
db_new(enum db_set set, const char *conninfo, const char *dbname)
{
	struct db *db = calloc(1, sizeof(*db));

	if (db == NULL || (db->conninfo = strdup(conninfo)) == NULL ||
	    (dbname != NULL && (db->dbname = strdup(dbname)) == NULL)) {
		log_error("out of memory");
		if (db != NULL)
			free(db->conninfo);
		free(db);
		return NULL;
	}
	db->set = set;
	return db;
}

int
db_open(const char *conninfo, struct db **out)
{
	struct db *db = db_new(DB_SET_RUNTIME, conninfo, NULL);

	if (db == NULL)
		return -1;
	(void)db_ensure(db);
	*out = db;
	return 0;
}

enum db_status
db_open_ctl(const char *conninfo, const char *dbname, struct db **out)
{
	struct db *db = db_new(DB_SET_CTL, conninfo, dbname);
	enum db_status st;

	*out = NULL;
	if (db == NULL)
		return DB_ERROR;
	if ((st = db_ensure(db)) != DB_OK) {
		db_close(db);
		return st;
	}
	*out = db;
	return DB_OK;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db->conninfo);
	free(db->dbname);
	free(db);
}

void
db_release(struct db *db)
{
	if (db != NULL)
		db_disconnect(db);
}

enum db_status
db_ensure(struct db *db)
{
	if (db->conn != NULL && !db->broken && PQstatus(db->conn) == CONNECTION_OK)
		return DB_OK;
	if (db->set == DB_SET_CTL && db->connected) {
		/* A new session would silently drop the old one's advisory
		 * lock, settings and transaction: fail instead. */
		log_error("the database connection was lost; not reconnecting");
		return DB_UNAVAILABLE;
	}
	db_disconnect(db);
	return db_connect(db);
}
