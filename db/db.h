/*
 * db — permitd's and permitctl's use of PostgreSQL through libpq: the one
 * connection layer. Knows no HTTP and no crypto.
 *
 * A handle is one connection that runs one statement set (db/stmt.h):
 *
 *   db_open()      permitd's runtime set: one struct db per worker, every
 *                  statement of db/sql/<module>.def prepared on it at
 *                  connect, re-connected on its own after a failure. Every
 *                  transaction is bound to a principal (docs/DESIGN.md
 *                  invariant 4): db_begin() sets the transaction-local
 *                  settings permit.account_id, permit.role and permit.office
 *                  with set_config(..., true) before anything else runs, the
 *                  forced row-level-security policies read them, and
 *                  db_exec() runs nothing outside such a transaction.
 *   db_open_ctl()  permitctl's set (db/sql/ctl/<command>.def), as the owner
 *                  role or a superuser. Statements run by text, so they may
 *                  name tables a migration has not made yet. db_begin(db,
 *                  NULL) opens a plain transaction (there is no principal
 *                  to bind: the owner's policies admit every row); a
 *                  statement outside one commits on its own. Only here:
 *                  db_script() for a migration file and db_ddl() for DDL
 *                  templates. A lost connection is not replaced, since its
 *                  advisory lock and settings would silently go with it.
 *
 * db_exec() refuses a statement of the other set. Every exchange is a flight
 * (db/flight.c): commands sent together, results read back, every wait under
 * the handle's deadline (db_deadline), so a database that is gone or hung is
 * DB_UNAVAILABLE within it, never a hang.
 *
 * Errors: functions return an enum db_status. DB_UNAVAILABLE means the server
 * cannot be reached (permitd answers 503 with Retry-After); the next call
 * tries to reconnect. Database error text is logged here (core/log, stderr),
 * never returned: permitd logs SQLSTATE and the primary message only;
 * permitctl, an operator's tool, logs PostgreSQL's whole message for the
 * DBA to read.
 */
#ifndef PERMIT_DB_DB_H
#define PERMIT_DB_DB_H

#include <stddef.h>

#include "core/arena.h"
#include "db/stmt.h"

struct db;

enum db_status {
	DB_OK = 0,
	DB_UNAVAILABLE,   /* no connection, or it broke: retry later */
	DB_CONFLICT,      /* unique_violation (23505) or exclusion_violation */
	DB_ERROR          /* anything else (logged) */
};

/* The principal a transaction runs as; NULL fields are bound as "". */
struct db_principal {
	const char *account_id;
	const char *role;
	const char *office;
};

/* One parameter. `len` is used only when `binary` is set (bytea). */
struct db_param {
	const char *value;   /* NULL sends SQL NULL */
	int len;
	int binary;
};

#define DB_TEXT(s)        ((struct db_param){ (s), 0, 0 })
#define DB_BYTES(p, n)    ((struct db_param){ (const char *)(p), (int)(n), 1 })
#define DB_NULL           ((struct db_param){ NULL, 0, 0 })

struct db_result;

/*
 * Time limits of a connection (every wait has a deadline). The
 * server ends a statement, a lock wait or an idle transaction that exceeds
 * its limit (set on each new connection; 0 leaves the server's default).
 */
struct db_limits {
	int statement_timeout_ms;
	int lock_timeout_ms;
	int idle_in_transaction_ms;
};

#define DB_LIMITS_DEFAULT 5000, 2000, 10000

/*
 * A runtime handle for `conninfo`, not yet connected: the first use (or
 * db_ensure) connects, and every use after a failure reconnects first. A
 * conninfo listing several hosts (host=db1,db2) is tried one host at a
 * time, each with a share of the attempt's time, so one that never answers
 * does not hold up the next. -1 only on out of memory. Owned by the
 * caller; release with db_close().
 */
int db_open(const char *conninfo, struct db **out);
void db_close(struct db *db);

/*
 * A ctl handle for `conninfo` (as permitctl takes it; "" means libpq's
 * defaults), on database `dbname` instead of the conninfo's when not NULL;
 * application_name permitctl unless the conninfo says otherwise, 10 s to
 * connect. Connects now: DB_OK with *out (db_close it), or DB_UNAVAILABLE
 * (logged with libpq's reason) or DB_ERROR (out of memory) with *out NULL.
 */
enum db_status db_open_ctl(const char *conninfo, const char *dbname,
    struct db **out);

/*
 * Closes the connection and keeps the handle; the next call on a runtime
 * handle reconnects. For a process that talks to the database now and then
 * and forks in between (permitd's master), so no child inherits a session.
 */
void db_release(struct db *db);

/* The server-side limits of the handle's next connections (the current
 * one is replaced). Without a call: DB_LIMITS_DEFAULT. */
void db_set_limits(struct db *db, const struct db_limits *limits);

/*
 * Standby reads (a runtime handle whose conninfo asks for a read-write
 * server with target_session_attrs=read-write or primary; ignored
 * otherwise): while none of its hosts takes writes (a failover under way),
 * the handle connects to a read-only one instead (target_session_attrs
 * read-only: a hot standby), where reads run and writes fail, and goes back
 * to a read-write server once there is one again: its standby promoted
 * (noticed with the server's next answer), or another host found by a new
 * attempt at most once a second, between transactions. Off without a call.
 */
void db_set_standby_reads(struct db *db, int on);

/*
 * 1 when the handle's connection is to a server that refuses writes: a hot
 * standby (in_hot_standby), or default_transaction_read_only set for the
 * role or database, as the server reported them with its last answer; 0
 * otherwise and when not connected. Call after db_ready() to know before
 * sending whether a transaction can write.
 */
int db_read_only(const struct db *db);

/*
 * The client-side deadline: every later wait on this handle (connecting,
 * sending, waiting for results) ends `ms` milliseconds from now, and a
 * wait that reaches it is DB_UNAVAILABLE, with the server asked to cancel
 * and the connection replaced. 0 clears it (waits are then bounded only by
 * the server's limits, and connecting by 2 s). Set once per request.
 */
void db_deadline(struct db *db, int ms);

/* Connects (and prepares) if not connected. DB_OK or DB_UNAVAILABLE. */
enum db_status db_ensure(struct db *db);

/*
 * As db_ensure, and first replaces an idle connection the server has
 * closed meanwhile (a restart): a transaction's first statement then goes
 * to a live connection instead of failing. db_begin does this itself.
 */
enum db_status db_ready(struct db *db);

/* BEGIN and bind `who` (NULL: anonymous), in one round trip. On a ctl
 * handle `who` must be NULL and only BEGIN is sent. */
enum db_status db_begin(struct db *db, const struct db_principal *who);
enum db_status db_commit(struct db *db);
/* 1 while a transaction is open on the handle. */
int db_in_transaction(const struct db *db);

/* Rolls back if a transaction is open; never fails the caller. */
void db_rollback(struct db *db);

/*
 * Begins, binds `who`, runs fn(db, arg), and commits when fn returned DB_OK,
 * else rolls back. Returns fn's status, or the begin/commit failure.
 */
typedef enum db_status db_tx_fn(struct db *db, void *arg);
enum db_status db_tx_run(struct db *db, const struct db_principal *who,
    db_tx_fn *fn, void *arg);

/*
 * Several statements in one round trip (a request's statements
 * travel in as few flights as the logic allows). With DB_BATCH_BEGIN the
 * flight opens the transaction, and calls[0] must be a statement that binds
 * its principal (docs/DESIGN.md invariant 4: BIND or BIND_PRINCIPAL); without
 * it, a runtime handle must have a transaction open, or run only a binding
 * statement, in a transaction of its own (a ctl handle's statements outside
 * one commit on their own). DB_BATCH_COMMIT ends it in the same flight. Every
 * call gets its own status and, on DB_OK, its result in `a` (living until `a`
 * is reset; none kept when `a` is NULL). Returns DB_OK when every call (and
 * the COMMIT) succeeded; otherwise the first failure, the server having
 * skipped what followed it, and the transaction is rolled back.
 */
#define DB_BATCH_MAX 8

enum {
	DB_BATCH_BEGIN = 1,        /* BEGIN first */
	DB_BATCH_READ_ONLY = 2,    /* ... BEGIN READ ONLY: the flight writes nothing */
	DB_BATCH_COMMIT = 4,       /* COMMIT last */
	DB_BATCH_ROLLBACK = 8      /* ROLLBACK first, ending the transaction
	                            * that is open (if any): what a refused
	                            * request keeps (its rate-limit counts)
	                            * then travels in the flight its ROLLBACK
	                            * takes anyway */
};

struct db_call {
	enum db_stmt stmt;
	const struct db_param *params;   /* the caller's; read during the call */
	int nparams;
	struct db_result *result;        /* out: on DB_OK, in the arena */
	enum db_status status;           /* out */
};

enum db_status db_batch(struct db *db, arena *a, unsigned flags,
    struct db_call *calls, int n);

/*
 * Runs statement `stmt` of the handle's set with `params` (count checked
 * against the statement's declared count); a statement of the other set is
 * refused (DB_ERROR, nothing sent). A runtime statement runs only inside
 * db_begin()..db_commit(): outside a transaction nothing is sent and the
 * result is DB_ERROR. On DB_OK, *out is a result that lives until `a` is
 * reset (freed by arena_defer). `out` may be NULL to discard rows.
 */
enum db_status db_exec(struct db *db, arena *a, enum db_stmt stmt,
    const struct db_param *params, int nparams, struct db_result **out);

/*
 * Ctl only: runs `sql`, trusted text of several statements (a migration
 * file, which cannot be a closed statement), with the simple query
 * protocol, inside db_begin()..db_commit(). `name` names it in the log
 * (e.g. the file). A failure is logged with PostgreSQL's message and leaves
 * the transaction failed (roll it back); a script that ends the transaction
 * itself (COMMIT, ROLLBACK) is refused with DB_ERROR.
 */
enum db_status db_script(struct db *db, const char *name, const char *sql);

/*
 * Ctl only: runs `sql`, ONE trusted statement (of a migration file marked
 * no-transaction, such as CREATE INDEX CONCURRENTLY), outside any
 * transaction, so it commits by itself. As db_script otherwise; a
 * statement that leaves a transaction open is refused with DB_ERROR (and
 * that transaction rolled back).
 */
enum db_status db_script_alone(struct db *db, const char *name,
    const char *sql);

/*
 * Ctl only: runs DDL template `ddl` (db/stmt.h) with its %I and %L slots
 * filled from args[0..nargs), in order, quoted by PQescapeIdentifier and
 * PQescapeLiteral; nargs must equal the template's slots. Inside or
 * outside a transaction (a template that PostgreSQL refuses in one, such as
 * CREATE DATABASE, must be run outside).
 */
enum db_status db_ddl(struct db *db, enum db_ddl ddl, const char *const *args,
    int nargs);

/*
 * Ctl only: sets `role`'s password. It is hashed here by libpq (SCRAM, or
 * what the server's password_encryption names), so it never travels or
 * reaches a server log in clear; the hash goes through DDL template
 * ROLE_PASSWORD.
 */
enum db_status db_role_password(struct db *db, const char *role,
    const char *password);

/*
 * Round trips to the server made on this handle so far (each statement
 * sent and waited for, or each pipelined batch, counts one; connecting does
 * not). A request's count is the difference across it: what the access log
 * reports, and what tests and `make bench` read.
 */
unsigned long db_flights(const struct db *db);

/*
 * Seconds spent on the database on this handle so far: every flight from
 * its first send to its last result (waiting for the server included), and
 * every wait for a connection to be made. Counted as db_flights is: a
 * request's share is the difference across it (the slow-request log's
 * "database" time).
 */
double db_seconds(const struct db *db);

/* Rows in a result; and affected rows of INSERT/UPDATE/DELETE. */
int db_rows(const struct db_result *r);
long db_affected(const struct db_result *r);

/* Column values by row and column number. Strings live as long as the result. */
const char *db_text(const struct db_result *r, int row, int col);  /* NULL if SQL NULL */
int db_isnull(const struct db_result *r, int row, int col);
/* An integer column; -1 when it is NULL or not an integer. */
int db_int64(const struct db_result *r, int row, int col, long long *out);
/* A bytea column decoded into `a`; -1 when NULL or malformed. */
int db_bytes(const struct db_result *r, arena *a, int row, int col,
    const unsigned char **out, size_t *len);

#endif
