/*
 * db_ddl — the DDL templates of the ctl set with their slots filled
 * (contract in db.h; templates in db/sql/ctl/bootstrap.def).
 */
#include "db/internal.h"

#include <string.h>

#include "core/log.h"

/* Longer than any template filled with quoted names and a SCRAM hash. */
#define DB_DDL_MAX 4096

/* Appends `n` bytes of `s` to out[*len], NUL-terminated. 0, or -1 full. */
static int
db_ddl_append(char *out, size_t *len, const char *s, size_t n)
{
	if (n >= DB_DDL_MAX - *len)
		return -1;
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
	return 0;
}

/* The value of slot `kind` ('I' or 'L') quoted by libpq; PQfreemem it. */
static char *
db_ddl_quote(struct db *db, char kind, const char *v)
{
	if (kind == 'I')
		return PQescapeIdentifier(db->conn, v, strlen(v));
	return PQescapeLiteral(db->conn, v, strlen(v));
}

/* Fills the template of `d` into out[DB_DDL_MAX]. 0, or -1 (logged). */
static int
db_ddl_fill(struct db *db, const struct db_ddl_def *d,
    const char *const *args, int nargs, char *out)
{
	const char *p = d->template, *slot;
	size_t len = 0;
	int used = 0;

	out[0] = '\0';
	while ((slot = strchr(p, '%')) != NULL) {
		char *q;
		int rc;

		if ((slot[1] != 'I' && slot[1] != 'L') || used == nargs ||
		    args[used] == NULL) {
			log_error("%s: slot %d has no argument or is not %%I/%%L",
			    d->name, used + 1);
			return -1;
		}
		if ((q = db_ddl_quote(db, slot[1], args[used++])) == NULL) {
			log_error("%s: %s", d->name, PQerrorMessage(db->conn));
			return -1;
		}
		rc = db_ddl_append(out, &len, p, (size_t)(slot - p)) != 0 ||
		    db_ddl_append(out, &len, q, strlen(q)) != 0;
		PQfreemem(q);
		if (rc != 0)
			goto too_long;
		p = slot + 2;
	}
	if (db_ddl_append(out, &len, p, strlen(p)) != 0)
		goto too_long;
	if (used != nargs) {
		log_error("%s: %d arguments given, %d slots", d->name, nargs, used);
		return -1;
	}
	return 0;
too_long:
	log_error("%s: longer than %d bytes", d->name, DB_DDL_MAX);
	return -1;
}

enum db_status
db_ddl(struct db *db, enum db_ddl ddl, const char *const *args, int nargs)
{
	const struct db_ddl_def *d;
	char sql[DB_DDL_MAX];
	enum db_status st;
	PGresult *res;

	if ((unsigned)ddl >= DB_DDL_COUNT) {
		log_error("no DDL template %d", (int)ddl);
		return DB_ERROR;
	}
	d = db_ddl_def(ddl);
	if ((st = db_require_ctl(db, d->name)) != DB_OK)
		return st;
	if ((st = db_ensure(db)) != DB_OK)
		return st;
	if (db_ddl_fill(db, d, args, nargs, sql) != 0)
		return DB_ERROR;
	/* The simple protocol: a template may hold several statements. */
	res = PQexec(db->conn, sql);
	st = db_result_ok(res) ? DB_OK : db_fail(db, res, d->name);
	PQclear(res);
	return st;
}

enum db_status
db_role_password(struct db *db, const char *role, const char *password)
{
	enum db_status st;
	char *hash;

	if ((st = db_require_ctl(db, "ROLE_PASSWORD")) != DB_OK)
		return st;
	if ((st = db_ensure(db)) != DB_OK)
		return st;
	/* SCRAM (or what the server's password_encryption names), hashed
	 * here: the clear password never leaves this process. */
	if ((hash = PQencryptPasswordConn(db->conn, password, role, NULL)) == NULL) {
		log_error("ROLE_PASSWORD: %s", PQerrorMessage(db->conn));
		return DB_ERROR;
	}
	st = db_ddl(db, DB_DDL_ROLE_PASSWORD, (const char *const[]){ role, hash }, 2);
	PQfreemem(hash);
	return st;
}
