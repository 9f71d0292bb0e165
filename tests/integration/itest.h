/*
 * Helpers shared by the integration tests: the live server comes from the
 * test runner's environment (PERMIT_TEST_SUPER_DSN, _OWNER_DSN, _APP_DSN,
 * PERMIT_TEST_PG_DIR, PERMIT_TEST_ROOT); a missing variable fails the test.
 * Header-only so each test program stays one file plus this.
 */
#ifndef PERMIT_TESTS_ITEST_H
#define PERMIT_TESTS_ITEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "db/db.h"

static inline const char *
itest_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0')
		fail_msg("%s is not set (the test runner provides it)", name);
	return v;
}

/* A connection with the conninfo in environment variable `name`. */
static inline PGconn *
itest_connect(const char *name)
{
	PGconn *c = PQconnectdb(itest_env(name));

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("%s: %s", name, PQerrorMessage(c));
	return c;
}

/* Runs `sql`, which must succeed. */
static inline void
itest_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
}

/* The SQL that vprintf makes of `fmt` and `ap`, into sql[len]; a text
 * that does not fit fails the test. */
static inline const char * __attribute__((format(printf, 3, 0)))
itest_vsql(char *sql, size_t len, const char *fmt, va_list ap)
{
	int n = vsnprintf(sql, len, fmt, ap);

	if (n < 0 || (size_t)n >= len)
		fail_msg("SQL too long: %s", fmt);
	return sql;
}

/* itest_ok of the SQL that printf makes of `fmt` and the arguments. */
static inline void __attribute__((format(printf, 2, 3)))
itest_okf(PGconn *c, const char *fmt, ...)
{
	char sql[1024];
	va_list ap;

	va_start(ap, fmt);
	itest_vsql(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	itest_ok(c, sql);
}

/* The first value of `sql`'s one row, copied into buf ("" for NULL). */
static inline const char *
itest_value(PGconn *c, const char *sql, char *buf, size_t len)
{
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	snprintf(buf, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return buf;
}

/* The SQLSTATE `sql` fails with, into buf; "" when it succeeds. */
static inline const char *
itest_sqlstate(PGconn *c, const char *sql, char *buf, size_t len)
{
	PGresult *r = PQexec(c, sql);
	const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	snprintf(buf, len, "%s", s != NULL ? s : "");
	PQclear(r);
	return buf;
}

/* itest_value of the SQL that printf makes of `fmt` and the arguments. */
static inline const char * __attribute__((format(printf, 4, 5)))
itest_valuef(PGconn *c, char *buf, size_t len, const char *fmt, ...)
{
	char sql[1024];
	va_list ap;

	va_start(ap, fmt);
	itest_vsql(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	return itest_value(c, sql, buf, len);
}

/*
 * An account made as the superuser, with one session: its role and office
 * (NULL: none), blocked or its session revoked when asked, and its
 * password hash (NULL: a placeholder nothing verifies against).
 */
struct itest_account {
	const char *role, *office;
	int blocked, revoked;
	const char *password_hash;
};

/*
 * Makes `a` through `super`: its id into id[40], and as bytea literals its
 * email's blind index into bidx[80] and its session's token hash into
 * hash[80], both made of `n` (n and n + 5: give each account of a process
 * its own n, e.g. from getpid()).
 */
static inline void
itest_account_new(PGconn *super, const struct itest_account *a, long n,
    char id[40], char bidx[80], char hash[80])
{
	itest_value(super, "SELECT gen_random_uuid()", id, 40);
	snprintf(bidx, 80, "'\\x%064ld'::bytea", n);
	snprintf(hash, 80, "'\\x%064ld'::bytea", n + 5);
	itest_okf(super,
	    "INSERT INTO accounts (id, role, office, email_bidx, email_sealed,"
	    " dek_wrapped, kek_id, password_hash, blocked_at) VALUES ('%s', '%s',"
	    " %s%s%s, %s, '\\x01', '\\x01026b31', 'k1', '%s', %s);"
	    "INSERT INTO sessions (token_hash, account_id, expires_at,"
	    " idle_expires_at, revoked_at) VALUES (%s, '%s',"
	    " now() + interval '1 hour', now() + interval '30 minutes', %s)",
	    id, a->role, a->office != NULL ? "'" : "",
	    a->office != NULL ? a->office : "NULL", a->office != NULL ? "'" : "",
	    bidx, a->password_hash != NULL ? a->password_hash :
	    "$argon2id$v=19$m=1,t=1,p=1$x$y", a->blocked ? "now()" : "NULL",
	    hash, id, a->revoked ? "now()" : "NULL");
}

/* cmocka fixtures whose state is one connection, as the superuser or as
 * permit_app; itest_conn_teardown closes it. */
static inline int
itest_super_setup(void **state)
{
	*state = itest_connect("PERMIT_TEST_SUPER_DSN");
	return 0;
}

static inline int
itest_app_setup(void **state)
{
	*state = itest_connect("PERMIT_TEST_APP_DSN");
	return 0;
}

static inline int
itest_conn_teardown(void **state)
{
	PQfinish(*state);
	return 0;
}

/* A runtime db/ handle on the conninfo in environment variable `name`,
 * connected (db_ensure). The caller db_close()s it. */
static inline struct db *
itest_db(const char *name)
{
	struct db *db = NULL;

	assert_int_equal(db_open(itest_env(name), &db), 0);
	assert_int_equal(db_ensure(db), DB_OK);
	return db;
}

/* A db_tx_fn: the service mode, as an anonymous request's binding reads
 * it, into `arg` (char[64]). */
static inline enum db_status
itest_read_mode(struct db *db, void *arg)
{
	arena *a = arena_new(4096);
	struct db_result *r = NULL;
	const struct db_param p[2] = { DB_NULL, DB_TEXT("60") };
	enum db_status st = db_exec(db, a, DB_STMT_BIND, p, 2, &r);

	if (st == DB_OK) {
		assert_int_equal(db_rows(r), 1);
		snprintf(arg, 64, "%s", db_text(r, 0, DB_COL(BIND, MODE)));
	}
	arena_free(a);
	return st;
}

#endif
