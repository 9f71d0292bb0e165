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

/*
 * bytea in text form is "\x" followed by two hex digits per byte, decoded
 * by libpq's own decoder: several times quicker than sodium_hex2bin, whose
 * constant time nothing here needs (a column holds what the server already
 * has: ciphertexts, wrapped keys, hashes). A character that is not a hex
 * digit shortens what it decodes, and fails the count.
 */
int
db_bytes(const struct db_result *r, arena *a, int row, int col,
    const unsigned char **out, size_t *len)
{
	const char *s = db_text(r, row, col);
	size_t hexlen, n;
	unsigned char *dec, *buf;

	if (s == NULL || s[0] != '\\' || s[1] != 'x')
		return -1;
	hexlen = (size_t)PQgetlength(r->res, row, col) - 2;
	if (hexlen % 2 != 0 ||
	    (dec = PQunescapeBytea((const unsigned char *)s, &n)) == NULL)
		return -1;
	if (n != hexlen / 2) {
		sodium_memzero(dec, n);
		PQfreemem(dec);
		return -1;
	}
	buf = arena_alloc(a, n + 1);
	memcpy(buf, dec, n);
	sodium_memzero(dec, n);   /* the arena's copy is wiped with the request */
	PQfreemem(dec);
	*out = buf;
	*len = n;
	return 0;
}
