/*
 * standby — reads from a read-only server while no read-write one can be
 * reached (contract in db.h: db_set_standby_reads, db_read_only).
 *
 * The conninfo's target_session_attrs=read-write (or primary) is what
 * makes libpq skip a standby; while there is no primary (a failover under
 * way) it then finds nothing. A handle with standby reads on then connects
 * with target_session_attrs=read-only instead, and every
 * DB_STANDBY_RECHECK_MS tries the conninfo again, keeping the standby's
 * connection until it finds a read-write server. The standby's own
 * promotion is noticed sooner: the server reports in_hot_standby off on
 * the connection with its next answer.
 */
#include "db/internal.h"

#include <string.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/monotime.h"

/* How often a handle reading from a standby looks for a read-write server,
 * and how much of a request's deadline must be left for it to look (a
 * look may take DB_DOWN_CONNECT_MS; a request with less left is served
 * from the standby, and a later one looks). */
#define DB_STANDBY_RECHECK_MS 1000
#define DB_STANDBY_RECHECK_LEFT_MS 1200

/* 1 when the parameter the server reported as `name` is "on". */
static int
db_reported_on(PGconn *conn, const char *name)
{
	const char *v = PQparameterStatus(conn, name);

	return v != NULL && strcmp(v, "on") == 0;
}

int
db_read_only(const struct db *db)
{
	if (db->conn == NULL || db->broken || PQstatus(db->conn) != CONNECTION_OK)
		return 0;
	return db_reported_on(db->conn, "in_hot_standby") ||
	    db_reported_on(db->conn, "default_transaction_read_only");
}

/* 1 when `conninfo` asks libpq for a server that takes writes. */
static int
db_wants_writable(const char *conninfo)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	int wants = 0;

	for (PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++)
		if (strcmp(o->keyword, "target_session_attrs") == 0 &&
		    o->val != NULL)
			wants = strcmp(o->val, "read-write") == 0 ||
			    strcmp(o->val, "primary") == 0;
	PQconninfoFree(opts);
	return wants;
}

void
db_set_standby_reads(struct db *db, int on)
{
	db->standby_reads = on && db->set == DB_SET_RUNTIME &&
	    db_wants_writable(db->conninfo);
}

int
db_standby_fallback(struct db *db)
{
	int was = db->standby;

	if (!db->standby_reads)
		return -1;
	db->standby = 1;   /* the attempt's failure is then logged as a repeat */
	if (db_connect_attempt(db, "read-only") != 0) {
		/* Down now: the next failures are repeats of this outage. */
		db->standby = 0;
		if (was)
			log_error("database unavailable: no read-write server, and "
			    "the read-only one is gone too");
		return -1;
	}
	if (!was) {
		metrics_add(METRICS_DB_STANDBY, 1);
		log_warn("no read-write database server: reads go to a read-only "
		    "one (a standby) and writes are refused until one is back");
	}
	db->recheck_at = monotime_now() + DB_STANDBY_RECHECK_MS / 1e3;
	return 0;
}

void
db_standby_notice(struct db *db)
{
	if (!db->standby_reads || db->standby || !db_read_only(db))
		return;
	log_warn("the database server refuses writes now (demoted, or made "
	    "read-only); reads stay on it while a read-write one is looked for");
	metrics_add(METRICS_DB_STANDBY, 1);
	db->standby = 1;
	db->recheck_at = 0;   /* look at once */
}

void
db_standby_check(struct db *db)
{
	PGconn *standby;

	if (!db_read_only(db)) {
		log_info("the read-only database server takes writes now "
		    "(promoted)");
		db->standby = 0;
		return;
	}
	if (monotime_now() < db->recheck_at ||
	    (db->deadline > 0 && db_remaining_ms(db) < DB_STANDBY_RECHECK_LEFT_MS))
		return;
	standby = db->conn;
	db->conn = NULL;
	if (db_connect_attempt(db, NULL) == 0) {
		PQfinish(standby);
		log_info("a read-write database server is back");
		db->standby = 0;
		return;
	}
	db->conn = standby;
	db->down = 0;
	db->recheck_at = monotime_now() + DB_STANDBY_RECHECK_MS / 1e3;
}
