/*
 * flight — every exchange with the server: commands sent together in
 * pipeline mode, one sync, results read back, all under the deadline
 * (contract in internal.h). The socket is non-blocking and every wait is a
 * poll() bounded by what is left of the deadline, so a server that stopped
 * answering costs a worker at most the deadline, never a hang.
 */
#include "db/internal.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/monotime.h"

/* A cancel request that the server does not acknowledge is abandoned. */
#define DB_CANCEL_SECONDS 2

int
db_remaining_ms(const struct db *db)
{
	double left;

	if (db->deadline <= 0)
		return -1;
	left = (db->deadline - monotime_now()) * 1e3;
	return left <= 0 ? 0 : (int)left + 1;
}

void
db_deadline(struct db *db, int ms)
{
	db->deadline = ms > 0 ? monotime_now() + (double)ms / 1e3 : 0;
}

/*
 * Waits for `events` on the connection's socket until the deadline. 1 when
 * ready, 0 when the deadline passed, -1 on a socket error.
 */
static int
db_wait(struct db *db, short events)
{
	struct pollfd p = { .fd = PQsocket(db->conn), .events = events };
	int ms, rc;

	if (p.fd < 0)
		return -1;
	do {
		if ((ms = db_remaining_ms(db)) == 0)
			return 0;
		rc = poll(&p, 1, ms);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -1;
	return rc > 0 ? 1 : 0;
}

/* Closes every descriptor above stderr (in a child that only cancels). */
static void
db_close_inherited(void)
{
	long max = sysconf(_SC_OPEN_MAX);

#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return;
#endif
	for (long fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
		(void)close((int)fd);
}

/*
 * Asks the server to cancel what this connection runs, from a short-lived
 * child: libpq's PQcancel waits for the server's answer with no time limit
 * of its own, and a hung server would hold the worker with it. The child
 * gives up after DB_CANCEL_SECONDS; the worker does not wait for it.
 */
static void
db_cancel(struct db *db)
{
	PGcancel *c = PQgetCancel(db->conn);
	char err[256];
	pid_t pid;

	if (c == NULL)
		return;
	if ((pid = fork()) == 0) {
		/* Nothing of the worker's stays open in the child (a web
		 * server's connection would not see its end until the child
		 * exits); PQcancel opens a socket of its own. */
		db_close_inherited();
		alarm(DB_CANCEL_SECONDS);
		(void)PQcancel(c, err, sizeof(err));
		_exit(0);
	}
	if (pid < 0)
		log_warn("cannot send a cancel request");
	PQfreeCancel(c);
}

/* The deadline passed: the connection is in an unknown state. */
static enum db_status
db_expired(struct db *db, const char *what)
{
	log_error("%s: the database did not answer in time; cancelled", what);
	metrics_add(METRICS_DB_DEADLINE, 1);
	db_cancel(db);
	db->broken = 1;
	db->down = 1;   /* the next connect is a short, spaced-out try */
	return DB_UNAVAILABLE;
}

/* Sends whatever libpq still buffers. 1 done, 0 deadline, -1 lost. */
static int
db_flush(struct db *db)
{
	int rc, ready;

	while ((rc = PQflush(db->conn)) == 1) {
		if ((ready = db_wait(db, POLLOUT | POLLIN)) <= 0)
			return ready;
		/* The server may be sending while we send: take it in, so
		 * neither side blocks on a full buffer. */
		if (PQconsumeInput(db->conn) != 1)
			return -1;
	}
	return rc == 0 ? 1 : -1;
}

/*
 * The next result, waiting for it. 1 with *out (NULL ends a command's
 * results), 0 deadline, -1 lost.
 */
static int
db_next(struct db *db, PGresult **out)
{
	int ready;

	*out = NULL;
	while (PQisBusy(db->conn)) {
		if ((ready = db_wait(db, POLLIN)) <= 0)
			return ready;
		if (PQconsumeInput(db->conn) != 1)
			return -1;
	}
	*out = PQgetResult(db->conn);
	return 1;
}

static int
db_send(struct db *db, const struct db_cmd *c)
{
	if (c->sql != NULL)
		return PQsendQueryParams(db->conn, c->sql, 0, NULL, NULL, NULL,
		    NULL, 0);
	if (c->prepare)
		return PQsendPrepare(db->conn, c->stmt->name, c->stmt->sql,
		    c->stmt->nparams, NULL);
	if (c->stmt->set == DB_SET_CTL)
		return PQsendQueryParams(db->conn, c->stmt->sql, c->nparams,
		    NULL, c->values, c->lengths, c->formats, 0);
	return PQsendQueryPrepared(db->conn, c->stmt->name, c->nparams,
	    c->values, c->lengths, c->formats, 0);
}

static const char *
db_cmd_name(const struct db_cmd *c)
{
	return c->sql != NULL ? c->sql : c->stmt->name;
}

/*
 * Reads command `c`'s result and the NULL that ends it into c->res. DB_OK,
 * a failure status (logged unless the server skipped the command after an
 * earlier failure), or -1 in *gone for a deadline (0) or a lost connection.
 */
static enum db_status
db_collect(struct db *db, struct db_cmd *c, int *gone)
{
	PGresult *end;
	int rc;

	if ((rc = db_next(db, &c->res)) <= 0 || c->res == NULL) {
		*gone = rc > 0 ? -1 : rc;
		return DB_UNAVAILABLE;
	}
	if ((rc = db_next(db, &end)) <= 0 || end != NULL) {
		PQclear(end);
		*gone = rc > 0 ? -1 : rc;
		return DB_UNAVAILABLE;
	}
	if (PQresultStatus(c->res) == PGRES_PIPELINE_ABORTED)
		return DB_ERROR;
	return db_result_ok(c->res) ? DB_OK : db_fail(db, c->res, db_cmd_name(c));
}

/* The sync point, then out of pipeline mode. 1, 0 deadline, -1 lost. */
static int
db_sync(struct db *db)
{
	PGresult *res;
	int rc, ok;

	if ((rc = db_next(db, &res)) <= 0)
		return rc;
	ok = res != NULL && PQresultStatus(res) == PGRES_PIPELINE_SYNC;
	PQclear(res);
	return ok && PQexitPipelineMode(db->conn) == 1 ? 1 : -1;
}

/* db_flight, untimed. */
static enum db_status
db_flight_run(struct db *db, struct db_cmd *cmds, int n)
{
	enum db_status st = DB_OK, one;
	const char *what = n > 0 ? db_cmd_name(&cmds[0]) : "sync";
	int gone = 1, i, rc;

	for (i = 0; i < n; i++)
		cmds[i].res = NULL;
	if (db->conn == NULL || db->broken)
		return DB_UNAVAILABLE;
	db->flights++;
	if (PQenterPipelineMode(db->conn) != 1)
		return db_fail(db, NULL, what);
	for (i = 0; i < n; i++)
		if (db_send(db, &cmds[i]) != 1)
			return db_fail(db, NULL, db_cmd_name(&cmds[i]));
	if (PQpipelineSync(db->conn) != 1)
		return db_fail(db, NULL, what);
	if ((rc = db_flush(db)) <= 0)
		return rc == 0 ? db_expired(db, what) : db_fail(db, NULL, what);
	for (i = 0; i < n && gone > 0; i++) {
		one = db_collect(db, &cmds[i], &gone);
		if (st == DB_OK)
			st = one;
	}
	if (gone > 0 && (rc = db_sync(db)) <= 0)
		gone = rc;
	if (gone == 0)
		return db_expired(db, what);
	if (gone < 0)
		return db_fail(db, NULL, what);
	return st;
}

enum db_status
db_flight(struct db *db, struct db_cmd *cmds, int n)
{
	double started = monotime_now();
	enum db_status st = db_flight_run(db, cmds, n);

	db->busy += monotime_now() - started;
	return st;
}

double
db_seconds(const struct db *db)
{
	return db->busy;
}

void
db_flight_clear(struct db_cmd *cmds, int n)
{
	for (int i = 0; i < n; i++) {
		PQclear(cmds[i].res);
		cmds[i].res = NULL;
	}
}
