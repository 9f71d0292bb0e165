#include "db/internal.h"

#include <string.h>

#include "core/log.h"
#include "core/metrics.h"

/* SQLSTATEs that mean the server or the connection went away. */
static int
db_sqlstate_unavailable(const char *state)
{
	if (state == NULL)
		return 0;
	return strncmp(state, "08", 2) == 0 ||      /* connection exception */
	    strcmp(state, "57P01") == 0 ||          /* admin_shutdown */
	    strcmp(state, "57P02") == 0 ||          /* crash_shutdown */
	    strcmp(state, "57P03") == 0;            /* cannot_connect_now */
}

/*
 * SQLSTATEs of a refusal that passes with time, on a connection that stays
 * usable: the client should retry later (503), not be told it failed.
 */
static int
db_sqlstate_transient(const char *state)
{
	static const char *const states[] = {
		"55P03",   /* lock_not_available: lock_timeout */
		"57014",   /* query_canceled: statement_timeout, a cancel */
		"40P01",   /* deadlock_detected */
		"40001",   /* serialization_failure */
		"25006",   /* read_only_sql_transaction: a standby */
	};

	for (size_t i = 0; state != NULL && i < sizeof(states) / sizeof(states[0]);
	    i++)
		if (strcmp(state, states[i]) == 0)
			return 1;
	return 0;
}

static int
db_sqlstate_conflict(const char *state)
{
	return state != NULL &&
	    (strcmp(state, "23505") == 0 || strcmp(state, "23P01") == 0);
}

/* The length of the first line of libpq's message: one log line per event. */
static int
db_line(const char *msg)
{
	return (int)strcspn(msg, "\n");
}

int
db_result_ok(const PGresult *res)
{
	ExecStatusType st;

	if (res == NULL)
		return 0;
	st = PQresultStatus(res);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

enum db_status
db_require_ctl(const struct db *db, const char *what)
{
	if (db->set == DB_SET_CTL)
		return DB_OK;
	log_error("%s: only on a permitctl (db_open_ctl) connection", what);
	return DB_ERROR;
}

/* An operator's tool shows PostgreSQL's whole message (position, detail,
 * hint, context) as psql would; permitd never does (db_fail's contract). */
static void
db_fail_ctl(struct db *db, const PGresult *res, const char *what,
    const char *state)
{
	const char *msg = res != NULL ? PQresultErrorMessage(res) : "";
	int n;

	if (*msg == '\0')
		msg = db->conn != NULL ? PQerrorMessage(db->conn) : "not connected";
	n = (int)strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		n--;
	log_error("%s: failed (%s): %.*s", what,
	    state != NULL ? state : "no sqlstate", n, msg);
}

enum db_status
db_status_of(const PGresult *res)
{
	const char *state = res != NULL ?
	    PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	if (res == NULL || db_sqlstate_unavailable(state) ||
	    db_sqlstate_transient(state))
		return DB_UNAVAILABLE;
	return db_sqlstate_conflict(state) ? DB_CONFLICT : DB_ERROR;
}

enum db_status
db_fail(struct db *db, const PGresult *res, const char *what)
{
	const char *state = NULL, *msg = NULL;

	if (res != NULL) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	}
	if (msg == NULL)
		msg = db->conn != NULL ? PQerrorMessage(db->conn) : "not connected";
	if (db->set == DB_SET_CTL)
		db_fail_ctl(db, res, what, state);
	/* No result at all means libpq could not send or read: the connection
	 * is in doubt, so it is replaced rather than trusted. */
	if (res == NULL || db->broken || db->conn == NULL ||
	    PQstatus(db->conn) == CONNECTION_BAD || db_sqlstate_unavailable(state)) {
		db->broken = 1;
		if (db->set == DB_SET_CTL)
			return DB_UNAVAILABLE;
		metrics_add(METRICS_DB_LOST, 1);
		log_error("%s: database unavailable (%s): %.*s", what,
		    state != NULL ? state : "no sqlstate", db_line(msg), msg);
		return DB_UNAVAILABLE;
	}
	if (db->set == DB_SET_CTL)
		return db_sqlstate_conflict(state) ? DB_CONFLICT : DB_ERROR;
	if (db_sqlstate_transient(state)) {
		metrics_add(METRICS_DB_REFUSED, 1);
		log_warn("%s: refused for now (%s): %.*s", what, state,
		    db_line(msg), msg);
		return DB_UNAVAILABLE;
	}
	if (db_sqlstate_conflict(state)) {
		log_info("%s: conflict (%s)", what, state);
		return DB_CONFLICT;
	}
	metrics_add(METRICS_DB_FAILED, 1);
	log_error("%s: failed (%s): %.*s", what,
	    state != NULL ? state : "no sqlstate", db_line(msg), msg);
	return DB_ERROR;
}
