#include "db/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

unsigned long
db_flights(const struct db *db)
{
	return db->flights;
}

int
db_rows(const struct db_result *r)
{
	return PQntuples(r->res);
}

long
db_affected(const struct db_result *r)
{
	const char *n = PQcmdTuples(r->res);

	return *n != '\0' ? strtol(n, NULL, 10) : 0;
}

int
db_isnull(const struct db_result *r, int row, int col)
{
	return PQgetisnull(r->res, row, col);
}

const char *
db_text(const struct db_result *r, int row, int col)
{
	if (row < 0 || row >= PQntuples(r->res) || col < 0 ||
	    col >= PQnfields(r->res) || PQgetisnull(r->res, row, col))
		return NULL;
	return PQgetvalue(r->res, row, col);
}

int
db_int64(const struct db_result *r, int row, int col, long long *out)
{
	const char *s = db_text(r, row, col);
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* bytea in text form is "\x" followed by two hex digits per byte. */
int
db_bytes(const struct db_result *r, arena *a, int row, int col,
    const unsigned char **out, size_t *len)
{
	const char *s = db_text(r, row, col);
	size_t hexlen, binlen;
	unsigned char *buf;

	if (s == NULL || s[0] != '\\' || s[1] != 'x')
		return -1;
	s += 2;
	hexlen = strlen(s);
	if (hexlen % 2 != 0)
		return -1;
	buf = arena_alloc(a, hexlen / 2 + 1);
	if (sodium_hex2bin(buf, hexlen / 2, s, hexlen, NULL, &binlen, NULL) != 0 ||
	    binlen != hexlen / 2)
		return -1;
	*out = buf;
	*len = binlen;
	return 0;
}
