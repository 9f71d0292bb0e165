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

#endif
