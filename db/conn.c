/*
 * conn — the connection: connecting within the deadline, preparing the
 * closed set, the server-side time limits, and replacing a connection that
 * died (contract in db.h).
 */
#include "db/internal.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/monotime.h"

/* Applied unless the caller's conninfo says otherwise. Keepalives and the
 * TCP user timeout (TCP only) notice a server host that vanished without
 * closing the socket. */
#define DB_APPLICATION_NAME "permitd"
#define DB_KEEPALIVES_IDLE "30"
#define DB_KEEPALIVES_INTERVAL "10"
#define DB_KEEPALIVES_COUNT "3"
#define DB_TCP_USER_TIMEOUT "10000"
/* permitctl's: an operator waits a little longer rather than retry. */
#define DB_CTL_APPLICATION_NAME "permitctl"
#define DB_CTL_CONNECT_MS 10000
/* A connect attempt outside a request's deadline. */
#define DB_CONNECT_MS 2000
/*
 * While the database is down, a handle tries to connect at most this often
 * and spends at most DB_DOWN_CONNECT_MS on a try; in between it answers
 * DB_UNAVAILABLE at once. A hung server then costs each worker a fraction of
 * its time instead of every request's whole deadline, so health and the
 * other requests are answered 503 quickly.
 */
#define DB_DOWN_RETRY_MS 250
#define DB_DOWN_CONNECT_MS 500

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
 * so a worker polled while the server is down does not flood the log. A
 * host of a list with more to try is no outage (a standby refusing a
 * read-write session, the old primary gone): debug only.
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
	if (db->more_hosts) {
		log_debug("%.*s; trying the next host", n, msg);
		return;
	}
	/* While reads go to a standby, a read-write server not found yet is
	 * the expected answer of every recheck (db/standby.c). */
	if (db->down || db->standby)
		log_debug("still unavailable: %.*s", n, msg);
	else
		log_error("database unavailable: %.*s", n, msg);
	db->down = 1;
}

/*
 * Every runtime statement of the .def tables prepared (ctl ones run by
 * text: db/stmt.h says why), then the session's time limits set, in one
 * flight. 0, or -1 (logged by the flight).
 */
static int
db_prepare_all(struct db *db)
{
	struct db_cmd c[DB_STMT_COUNT + 1];
	char v[3][16];
	const char *vals[3] = { v[0], v[1], v[2] };
	enum db_status st;
	int n = 0;

	memset(c, 0, sizeof(c));
	for (int s = 0; s < DB_STMT_COUNT; s++) {
		if (db_stmt_def((enum db_stmt)s)->set != DB_SET_RUNTIME)
			continue;
		c[n].stmt = db_stmt_def((enum db_stmt)s);
		c[n++].prepare = 1;
	}
	snprintf(v[0], sizeof(v[0]), "%d", db->limits.statement_timeout_ms);
	snprintf(v[1], sizeof(v[1]), "%d", db->limits.lock_timeout_ms);
	snprintf(v[2], sizeof(v[2]), "%d", db->limits.idle_in_transaction_ms);
	c[n].stmt = db_stmt_def(DB_STMT_SESSION_LIMITS);
	c[n].nparams = 3;
	c[n++].values = vals;
	st = db_flight(db, c, n);
	db_flight_clear(c, n);
	db->flights--;   /* connecting is not a request's round trip */
	return st == DB_OK ? 0 : -1;
}

/*
 * PQconnectPoll until the connection is made, the handle's deadline passes
 * or it fails. 0 or -1 (logged).
 */
static int
db_connect_poll(struct db *db)
{
	double started = monotime_now();
	PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
	struct pollfd p;
	char msg[256];
	int ms, rc = -1;

	while (ps != PGRES_POLLING_OK) {
		if (ps == PGRES_POLLING_FAILED || (ms = db_remaining_ms(db)) == 0)
			goto out;
		p.fd = PQsocket(db->conn);
		p.events = ps == PGRES_POLLING_READING ? POLLIN : POLLOUT;
		if (p.fd < 0 || poll(&p, 1, ms) < 0)
			goto out;
		ps = PQconnectPoll(db->conn);
	}
	rc = 0;
out:
	if (rc != 0 && ps != PGRES_POLLING_FAILED) {
		snprintf(msg, sizeof(msg), "%s port %s: no answer in time",
		    PQhost(db->conn) != NULL ? PQhost(db->conn) : "?",
		    PQport(db->conn) != NULL ? PQport(db->conn) : "?");
		db_log_down(db, msg);
	} else if (rc != 0) {
		db_log_down(db, PQerrorMessage(db->conn));
	}
	db->busy += monotime_now() - started;
	return rc;
}

/*
 * When a connection attempt ends, as CLOCK_MONOTONIC seconds: the handle's
 * deadline (a request's), but no later than DB_DOWN_CONNECT_MS from now
 * while down or standby, and without one DB_CONNECT_MS from now
 * (DB_CTL_CONNECT_MS for permitctl).
 */
static double
db_attempt_end(const struct db *db)
{
	double now = monotime_now();

	if ((db->down || db->standby) &&
	    (db->deadline <= 0 || db_remaining_ms(db) > DB_DOWN_CONNECT_MS))
		return now + DB_DOWN_CONNECT_MS / 1e3;
	if (db->deadline <= 0)
		return now + (db->set == DB_SET_CTL ? DB_CTL_CONNECT_MS :
		    DB_CONNECT_MS) / 1e3;
	return db->deadline;
}

/* Appends keyword `k` with value `v` to the arrays, unless `v` is NULL. */
static void
db_param(const char **keys, const char **vals, int *n, const char *k,
    const char *v)
{
	if (v == NULL)
		return;
	keys[*n] = k;
	vals[(*n)++] = v;
}

/*
 * Starts connecting with the defaults above: they come before the expanded
 * conninfo in the arrays, so the conninfo overrides any of them. Only the
 * first dbname is expanded as a conninfo; a ctl handle's second one, after
 * it, overrides the database the conninfo names; a runtime handle's host
 * `i` of its list (unless -1) overrides the conninfo's hosts, and `attrs`
 * (unless NULL) its target_session_attrs.
 */
static PGconn *
db_connect_start(const struct db *db, const char *attrs, int i)
{
	/* At most 11 keywords below, then the terminating NULL; room for more. */
	const char *keys[16], *vals[16];
	int n = 0;

	if (db->set == DB_SET_CTL) {
		db_param(keys, vals, &n, "application_name", DB_CTL_APPLICATION_NAME);
		db_param(keys, vals, &n, "dbname", db->conninfo);
		db_param(keys, vals, &n, "dbname", db->dbname);
	} else {
		db_param(keys, vals, &n, "application_name", DB_APPLICATION_NAME);
		db_param(keys, vals, &n, "keepalives_idle", DB_KEEPALIVES_IDLE);
		db_param(keys, vals, &n, "keepalives_interval", DB_KEEPALIVES_INTERVAL);
		db_param(keys, vals, &n, "keepalives_count", DB_KEEPALIVES_COUNT);
		db_param(keys, vals, &n, "tcp_user_timeout", DB_TCP_USER_TIMEOUT);
		db_param(keys, vals, &n, "dbname", db->conninfo);
		if (i >= 0) {
			db_param(keys, vals, &n, "host", db->hosts.host[i]);
			db_param(keys, vals, &n, "hostaddr", db->hosts.hostaddr[i]);
			db_param(keys, vals, &n, "port", db->hosts.port[i]);
		}
		db_param(keys, vals, &n, "target_session_attrs", attrs);
	}
	keys[n] = vals[n] = NULL;
	return PQconnectStartParams(keys, vals, 1);
}

/*
 * Connects to host `i` of the handle's list (-1: the conninfo as it is)
 * within a `left`-th of the time to `end`, then prepares the runtime set
 * by `end`. 0 with db->conn connected, or -1 (logged) with db->conn NULL.
 */
static int
db_connect_host(struct db *db, const char *attrs, int i, int left, double end)
{
	double now = monotime_now();

	db->conn = db_connect_start(db, attrs, i);
	if (db->conn == NULL || PQstatus(db->conn) == CONNECTION_BAD) {
		db_log_down(db, db->conn != NULL ? PQerrorMessage(db->conn) :
		    "out of memory");
		goto fail;
	}
	db->deadline = now + (end - now) / left;
	if (db_connect_poll(db) != 0) {
		/* Not again before DB_DOWN_RETRY_MS (a connection libpq could
		 * not even start, no socket file say, may be tried at once). */
		db->retry_at = monotime_now() + DB_DOWN_RETRY_MS / 1e3;
		goto fail;
	}
	if (PQsetnonblocking(db->conn, 1) != 0)
		goto fail;
	db->deadline = end;
	if (db->set == DB_SET_RUNTIME && db_prepare_all(db) != 0) {
		/* Unprepared statements make the database unusable: unmigrated
		 * schema, or the server went away meanwhile. Retry later; a
		 * host of a list with more to try is no outage yet, so the
		 * last one's failure is still logged as one. */
		if (!db->more_hosts)
			db->down = 1;
		goto fail;
	}
	return 0;
fail:
	db_disconnect(db);
	return -1;
}

int
db_connect_attempt(struct db *db, const char *attrs)
{
	double saved = db->deadline, end = db_attempt_end(db);
	int rc = -1;

	if (db->hosts.n == 0)
		rc = db_connect_host(db, attrs, -1, 1, end);
	for (int i = 0; i < db->hosts.n && rc != 0; i++) {
		db->more_hosts = i < db->hosts.n - 1;
		rc = db_connect_host(db, attrs, i, db->hosts.n - i, end);
	}
	db->more_hosts = 0;
	db->deadline = saved;
	return rc;
}

/* A connection to the conninfo's server, else (db/standby.c) to a
 * read-only one for reads. Counts one failed connect when neither is
 * found: an attempt, whatever the number of hosts it tried. */
static enum db_status
db_connect(struct db *db)
{
	if (db_connect_attempt(db, NULL) == 0) {
		if (db->down || db->standby)
			log_info("database connection restored");
		db->standby = 0;
	} else if (db_standby_fallback(db) != 0) {
		metrics_add(METRICS_DB_CONNECT_FAILED, 1);
		return DB_UNAVAILABLE;
	}
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
	db->limits = (struct db_limits){ DB_LIMITS_DEFAULT };
	if (set == DB_SET_RUNTIME && db_hosts_parse(conninfo, &db->hosts) != 0) {
		free(db->conninfo);
		free(db);
		return NULL;
	}
	return db;
}

int
db_open(const char *conninfo, struct db **out)
{
	struct db *db = db_new(DB_SET_RUNTIME, conninfo, NULL);

	if (db == NULL)
		return -1;
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
db_release(struct db *db)
{
	if (db != NULL)
		db_disconnect(db);
}

void
db_set_limits(struct db *db, const struct db_limits *limits)
{
	db->limits = *limits;
	db->broken = db->conn != NULL;   /* the next use reconnects with them */
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	db_hosts_free(&db->hosts);
	free(db->conninfo);
	free(db->dbname);
	free(db);
}

enum db_status
db_ensure(struct db *db)
{
	int again;   /* the last connection or attempt failed: a reconnect */

	if (db->conn != NULL && !db->broken && PQstatus(db->conn) == CONNECTION_OK) {
		db_standby_notice(db);
		if (db->standby)
			db_standby_check(db);
		return DB_OK;
	}
	if (db->set == DB_SET_CTL && db->connected) {
		/* A new session would silently drop the old one's advisory
		 * lock, settings and transaction: fail instead. */
		log_error("the database connection was lost; not reconnecting");
		return DB_UNAVAILABLE;
	}
	again = db->conn != NULL || db->down;
	db_disconnect(db);
	if (db->down && monotime_now() < db->retry_at)
		return DB_UNAVAILABLE;
	if (db_connect(db) != DB_OK)
		return DB_UNAVAILABLE;
	if (again)
		metrics_add(METRICS_DB_RECONNECTS, 1);
	return DB_OK;
}

/*
 * An idle connection the server has closed (a restart, an administrator's
 * pg_terminate_backend) has its goodbye waiting on the socket. The server
 * has nothing else to say to an idle connection of ours (permitd listens
 * for nothing), so a readable socket before anything is sent means the
 * connection is replaced, and the request goes to a new one instead of
 * failing.
 */
static void
db_check_idle(struct db *db)
{
	struct pollfd p = { .fd = PQsocket(db->conn), .events = POLLIN };

	if (p.fd < 0 || poll(&p, 1, 0) <= 0)
		return;
	log_info("the database spoke on an idle connection (a restart?); "
	    "reconnecting");
	db->broken = 1;
}

enum db_status
db_ready(struct db *db)
{
	if (db->conn != NULL && !db->broken &&
	    PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		db_check_idle(db);
	return db_ensure(db);
}
