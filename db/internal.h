/*
 * db internals shared by the db/ sources (and by the db integration test, which checks
 * the connection with plain libpq). Not for use outside db/.
 */
#ifndef PERMIT_DB_INTERNAL_H
#define PERMIT_DB_INTERNAL_H

#include <libpq-fe.h>

#include "db/db.h"

/*
 * A conninfo's hosts (db/hosts.c), host[i] with hostaddr[i] and port[i]
 * (NULL where the conninfo names none), or n 0 when the conninfo does not
 * list two hosts or more that this can tell apart (libpq then reads it).
 */
#define DB_HOSTS_MAX 8

struct db_hosts {
	int n;
	char *host[DB_HOSTS_MAX], *hostaddr[DB_HOSTS_MAX], *port[DB_HOSTS_MAX];
	char *buf;   /* malloc'd: every string above but default_port */
	char *default_port;   /* malloc'd or NULL: libpq's default port, for
	                       * the port list's empty elements */
};

/* *h from `conninfo`: 0, or -1 on out of memory (logged). */
int db_hosts_parse(const char *conninfo, struct db_hosts *h);
void db_hosts_free(struct db_hosts *h);

struct db {
	char *conninfo;   /* malloc'd copy of the caller's conninfo */
	struct db_hosts hosts;   /* runtime: tried one at a time (db/hosts.c) */
	int more_hosts;   /* connecting to a host that is not the list's last */
	char *dbname;     /* ctl: malloc'd database overriding conninfo's, or NULL */
	enum db_set set;  /* the statements this connection runs (db/stmt.h) */
	PGconn *conn;     /* NULL while not connected */
	int broken;       /* the connection failed: db_ensure() replaces it */
	int down;         /* the last connect failed (logged once per outage) */
	unsigned long flights;   /* round trips made, for db_flights() */
	double busy;      /* seconds spent on the server, for db_seconds() */
	struct db_limits limits;
	double deadline;  /* CLOCK_MONOTONIC seconds every wait ends by; 0: none */
	double retry_at;  /* while down: no new connect attempt before this */
	int connected;    /* ctl: it connected once, so it never reconnects */
	int standby_reads;   /* a read-only server may stand in for reads
	                      * (db_set_standby_reads) */
	int standby;      /* the connection is to such a stand-in */
	double recheck_at;   /* while standby: when to look for a read-write
	                      * server again */
};

struct db_result {
	PGresult *res;    /* PQclear'd by the arena that holds this struct */
};

/*
 * One command of a flight: a literal command (`sql`: BEGIN, COMMIT, ...), a
 * statement to run (`stmt` with its parameters: prepared for the runtime
 * set, by its text for the ctl set), or one to prepare (`stmt` with
 * `prepare` set). `res` receives its result (the caller
 * PQclears it); NULL when it was not run.
 */
struct db_cmd {
	const char *sql;
	const struct db_stmt_def *stmt;
	int prepare;
	int nparams;
	const char *const *values;
	const int *lengths;
	const int *formats;
	PGresult *res;
};

/*
 * Sends cmds[0..n) and one sync point in a single round trip (libpq's
 * pipeline mode) and reads every result, all before db->deadline. DB_OK
 * when every command succeeded; otherwise the status of the first failure
 * (logged once, as db_fail), later commands having been skipped by the
 * server. When the deadline passes, the server is asked to cancel (without
 * waiting for it), the connection is marked broken and the status is
 * DB_UNAVAILABLE. Requires a connection.
 */
enum db_status db_flight(struct db *db, struct db_cmd *cmds, int n);

/* Clears every cmds[i].res. */
void db_flight_clear(struct db_cmd *cmds, int n);

/* Milliseconds left before db->deadline: -1 without one, 0 once passed. */
int db_remaining_ms(const struct db *db);

/*
 * The status of a failed command: `res` is its result (NULL allowed, e.g.
 * when libpq could not send). Logs the failure naming `what` (a statement
 * name): on a runtime connection with SQLSTATE and primary message only
 * (never DETAIL, which can carry row values); on a ctl connection (an
 * operator's tool) PostgreSQL's whole message, as psql would show it. No
 * result, a connection already marked broken, a lost connection or
 * SQLSTATE 08xxx/57P01-3 give DB_UNAVAILABLE and mark `db` broken; a refusal that passes with time (a lock or statement timeout, a
 * cancel, a deadlock, a read-only server) gives DB_UNAVAILABLE and leaves
 * the connection usable; 23505/23P01 give DB_CONFLICT; anything else
 * DB_ERROR.
 */
enum db_status db_fail(struct db *db, const PGresult *res, const char *what);

/* The status a failed result maps to, as db_fail says, without logging or
 * marking the connection. */
enum db_status db_status_of(const PGresult *res);

/* 1 when `res` finished a command successfully (COMMAND_OK or TUPLES_OK). */
int db_result_ok(const PGresult *res);

/*
 * One attempt at connecting (and preparing the runtime set) to the
 * conninfo's servers, its target_session_attrs replaced by `attrs` unless
 * NULL, within the handle's deadline (at most DB_DOWN_CONNECT_MS while down
 * or standby); a runtime handle's hosts one after another, each with an
 * equal share of what is left. 0 with db->conn connected; -1 (logged, at
 * debug level while down or standby) with db->conn NULL.
 */
int db_connect_attempt(struct db *db, const char *attrs);

/*
 * After a failed attempt at the conninfo's servers: when standby reads are
 * on, an attempt at a read-only server instead. 0 with db->conn on it and
 * db->standby set, or -1.
 */
int db_standby_fallback(struct db *db);

/*
 * On a connection to a read-write server between transactions, with
 * standby reads on: when the server now refuses writes without having
 * closed the connection (demoted, or default_transaction_read_only set),
 * the connection becomes a standby's, so db_standby_check looks for a
 * read-write server at once and then every DB_STANDBY_RECHECK_MS.
 */
void db_standby_notice(struct db *db);

/*
 * On a standby connection between transactions: notices that its server
 * was promoted, and every DB_STANDBY_RECHECK_MS (db/standby.c) replaces it
 * with a connection to a read-write server when one can be reached. Keeps
 * the standby's connection otherwise, and when less than
 * DB_STANDBY_RECHECK_LEFT_MS of the handle's deadline is left.
 */
void db_standby_check(struct db *db);

/* DB_OK when `db` is a ctl connection, else DB_ERROR naming `what` (logged). */
enum db_status db_require_ctl(const struct db *db, const char *what);

#endif
