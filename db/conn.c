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

	if (db->down)
		log_debug("still unavailable: %.*s", n, msg);
	else
		log_error("database unavailable: %.*s", n, msg);
	db->down = 1;
}

/* Prepares every statement of the .def tables on the fresh connection. */
static int
db_prepare_all(struct db *db)
{
	for (int s = 0; s < DB_STMT_COUNT; s++) {
		const struct db_stmt_def *d = db_stmt_def((enum db_stmt)s);
		PGresult *res = PQprepare(db->conn, d->name, d->sql, d->nparams, NULL);
		int ok = db_result_ok(res);

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
 * in the arrays, so the conninfo overrides any of them.
 */
static enum db_status
db_connect(struct db *db)
{
	const char *const keys[] = { "connect_timeout", "application_name",
	    "keepalives_idle", "keepalives_interval", "keepalives_count",
	    "dbname", NULL };
	const char *const vals[] = { DB_CONNECT_TIMEOUT, DB_APPLICATION_NAME,
	    DB_KEEPALIVES_IDLE, DB_KEEPALIVES_INTERVAL, DB_KEEPALIVES_COUNT,
	    db->conninfo, NULL };

	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn == NULL) {
		db_log_down(db, "out of memory");
		return DB_UNAVAILABLE;
	}
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db_log_down(db, PQerrorMessage(db->conn));
		db_disconnect(db);
		return DB_UNAVAILABLE;
	}
	if (db_prepare_all(db) != 0) {
		/* Unprepared statements make the database unusable: unmigrated
		 * schema, or the server went away meanwhile. Retry later. */
		db->down = 1;
		db_disconnect(db);
		return DB_UNAVAILABLE;
	}
	if (db->down)
		log_info("database connection restored");
	db->down = 0;
	return DB_OK;
}

int
db_open(const char *conninfo, struct db **out)
{
	struct db *db = calloc(1, sizeof(*db));

	if (db == NULL || (db->conninfo = strdup(conninfo)) == NULL) {
		log_error("out of memory");
		free(db);
		return -1;
	}
	(void)db_ensure(db);
	*out = db;
	return 0;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db->conninfo);
	free(db);
}

enum db_status
db_ensure(struct db *db)
{
	if (db->conn != NULL && !db->broken && PQstatus(db->conn) == CONNECTION_OK)
		return DB_OK;
	db_disconnect(db);
	return db_connect(db);
}
