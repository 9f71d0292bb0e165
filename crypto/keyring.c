/*
 * keyring — loading and parsing the keyring file (format in keyring.h).
 */
#include "crypto/keyring.h"
#include "crypto/keyring_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/log.h"


struct keyring_span {
	const char *p;
	size_t n;
};

/* What the parser saw, for the checks that span lines. */
struct keyring_seen {
	unsigned active_line;
	unsigned bidx_line;
	unsigned token_line;
	unsigned pay_line;
};

int
keyring_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
keyring_span_is(struct keyring_span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && memcmp(s.p, lit, n) == 0;
}

static int
keyring_id_valid(struct keyring_span s)
{
	if (s.n == 0 || s.n > KEYRING_ID_MAX)
		return 0;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

/* 1 if any key in kr (keks, bidx, token) already has this id. */
static int
keyring_id_taken(const struct keyring *kr, struct keyring_span id)
{
	if (keyring_find_kek(kr, id.p, id.n) != NULL)
		return 1;
	if (strlen(kr->bidx.id) == id.n && memcmp(kr->bidx.id, id.p, id.n) == 0)
		return 1;
	if (strlen(kr->token.id) == id.n && memcmp(kr->token.id, id.p, id.n) == 0)
		return 1;
	if (strlen(kr->pay.id) == id.n && memcmp(kr->pay.id, id.p, id.n) == 0)
		return 1;
	return 0;
}

/* Splits on blanks into at most `max` spans; -1 if there are more. */
static int
keyring_split(const char *p, size_t n, struct keyring_span *f, size_t max,
    size_t *nf)
{
	size_t i = 0;

	*nf = 0;
	while (i < n) {
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i == n)
			break;
		if (*nf == max)
			return -1;
		f[*nf].p = p + i;
		while (i < n && p[i] != ' ' && p[i] != '\t')
			i++;
		f[*nf].n = (size_t)(p + i - f[*nf].p);
		(*nf)++;
	}
	return 0;
}

/* Decodes a base64 key straight into `key` (guarded memory). */
static int
keyring_decode_key(const char *name, unsigned line, struct keyring_span b64,
    unsigned char key[KEYRING_KEY_BYTES], char *err, size_t errlen)
{
	const char *end = NULL;
	size_t len = 0;

	errno = 0;
	if (sodium_base642bin(key, KEYRING_KEY_BYTES, b64.p, b64.n, NULL, &len,
	    &end, KEYRING_B64) != 0) {
		if (errno == ERANGE)
			return keyring_fail(err, errlen, "%s: line %u: wrong key "
			    "length, must be %d bytes", name, line,
			    KEYRING_KEY_BYTES);
		return keyring_fail(err, errlen, "%s: line %u: bad base64",
		    name, line);
	}
	if (end != b64.p + b64.n)
		return keyring_fail(err, errlen, "%s: line %u: bad base64",
		    name, line);
	if (len != KEYRING_KEY_BYTES)
		return keyring_fail(err, errlen, "%s: line %u: wrong key length "
		    "%zu, must be %d bytes", name, line, len, KEYRING_KEY_BYTES);
	return 0;
}

static int
keyring_parse_entry(const char *name, unsigned line, const char *p, size_t n,
    enum keyring_kind kind, struct keyring *kr, struct keyring_seen *seen,
    char *err, size_t errlen)
{
	struct keyring_span f[4];
	struct keyring_key *k;
	size_t nf;

	if (keyring_split(p, n, f, 4, &nf) != 0 || nf < 3)
		return keyring_fail(err, errlen, "%s: line %u: expected "
		    "`TYPE ID BASE64-KEY [active]'", name, line);
	if (kind == KEYRING_ARCHIVE && (nf != 3 || !keyring_span_is(f[0], "kek")))
		return keyring_fail(err, errlen, "%s: line %u: an archive holds "
		    "only `kek ID BASE64-KEY' entries", name, line);
	if (!keyring_id_valid(f[1]))
		return keyring_fail(err, errlen, "%s: line %u: bad id (1-%d of "
		    "A-Z a-z 0-9 _ . -)", name, line, KEYRING_ID_MAX);
	if (keyring_id_taken(kr, f[1]))
		return keyring_fail(err, errlen, "%s: line %u: duplicate id "
		    "'%.*s'", name, line, (int)f[1].n, f[1].p);

	if (keyring_span_is(f[0], "kek")) {
		if (kr->nkek == KEYRING_MAX_KEKS)
			return keyring_fail(err, errlen, "%s: line %u: more than "
			    "%d keks", name, line, KEYRING_MAX_KEKS);
		if (nf == 4) {
			if (!keyring_span_is(f[3], "active"))
				return keyring_fail(err, errlen, "%s: line %u: "
				    "unexpected '%.*s' (only `active' may follow "
				    "a kek's key)", name, line, (int)f[3].n,
				    f[3].p);
			if (seen->active_line != 0)
				return keyring_fail(err, errlen, "%s: more than "
				    "one active kek (lines %u and %u)", name,
				    seen->active_line, line);
			seen->active_line = line;
			kr->active = kr->nkek;
		}
		k = &kr->kek[kr->nkek];
	} else if (keyring_span_is(f[0], "bidx") ||
	    keyring_span_is(f[0], "token") || keyring_span_is(f[0], "pay")) {
		const char *type = keyring_span_is(f[0], "bidx") ? "bidx" :
		    keyring_span_is(f[0], "token") ? "token" : "pay";
		unsigned *seen_line = type[0] == 'b' ? &seen->bidx_line :
		    type[0] == 't' ? &seen->token_line : &seen->pay_line;

		if (nf != 3)
			return keyring_fail(err, errlen, "%s: line %u: unexpected "
			    "'%.*s' after a %s key", name, line, (int)f[3].n,
			    f[3].p, type);
		if (*seen_line != 0)
			return keyring_fail(err, errlen, "%s: more than one %s "
			    "key (lines %u and %u)", name, type, *seen_line,
			    line);
		*seen_line = line;
		k = type[0] == 'b' ? &kr->bidx : type[0] == 't' ? &kr->token :
		    &kr->pay;
	} else {
		return keyring_fail(err, errlen, "%s: line %u: unknown entry "
		    "type (kek, bidx, token or pay)", name, line);
	}

	if (keyring_decode_key(name, line, f[2], k->key, err, errlen) != 0)
		return -1;
	memcpy(k->id, f[1].p, f[1].n);
	k->id[f[1].n] = '\0';
	if (k == &kr->kek[kr->nkek])
		kr->nkek++;
	return 0;
}

/* The checks that span the whole file, once it is parsed. 0 or -1. */
static int
keyring_parse_complete(const char *name, unsigned lines, enum keyring_kind kind,
    const struct keyring *kr, const struct keyring_seen *seen, char *err,
    size_t errlen)
{
	if (lines == 0)
		return keyring_fail(err, errlen, "%s: empty", name);
	if (kind == KEYRING_ARCHIVE)
		return 0;
	if (kr->nkek == 0)
		return keyring_fail(err, errlen, "%s: no kek", name);
	if (seen->active_line == 0)
		return keyring_fail(err, errlen, "%s: no active kek (mark one "
		    "`active')", name);
	if (seen->bidx_line == 0)
		return keyring_fail(err, errlen, "%s: no bidx key", name);
	if (seen->token_line == 0)
		return keyring_fail(err, errlen, "%s: no token key", name);
	return 0;
}

int
keyring_parse_rw(const char *name, const char *buf, size_t len,
    enum keyring_kind kind, struct keyring **out, char *err, size_t errlen)
{
	const char *header = kind == KEYRING_ARCHIVE ? KEYRING_ARCHIVE_HEADER :
	    KEYRING_HEADER;
	struct keyring_seen seen = { 0 };
	struct keyring *kr;
	size_t pos = 0;
	unsigned line = 0;
	int rc = -1;

	*out = NULL;
	if (len > KEYRING_FILE_MAX)
		return keyring_fail(err, errlen, "%s: larger than %d bytes", name,
		    KEYRING_FILE_MAX);
	kr = sodium_malloc(sizeof(*kr));
	if (kr == NULL) {
		log_error("sodium_malloc failed");
		return keyring_fail(err, errlen, "%s: out of memory", name);
	}
	sodium_memzero(kr, sizeof(*kr));

	while (pos < len) {
		const char *p = buf + pos;
		const char *nl = memchr(p, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - p) : len - pos;

		pos += n + (nl != NULL);
		line++;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];
			if ((c < 0x20 || c > 0x7e) && c != '\t') {
				keyring_fail(err, errlen, "%s: line %u: "
				    "unexpected byte 0x%02x", name, line, c);
				goto out;
			}
		}
		if (line == 1) {
			if (n != strlen(header) || memcmp(p, header, n) != 0) {
				keyring_fail(err, errlen, "%s: bad header, "
				    "expected `%s' on line 1", name, header);
				goto out;
			}
			continue;
		}
		while (n > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		if (n == 0 || *p == '#')
			continue;
		if (keyring_parse_entry(name, line, p, n, kind, kr, &seen, err,
		    errlen) != 0)
			goto out;
	}
	if (keyring_parse_complete(name, line, kind, kr, &seen, err,
	    errlen) == 0) {
		*out = kr;
		rc = 0;
	}
out:
	if (rc != 0)
		sodium_free(kr);
	return rc;
}

/* A parsed keyring made read-only (keyring_parse and keyring_load share
 * this, so what the tests and the fuzz target drive is what permitd runs).
 * 0, or -1 with *out freed. */
static int
keyring_protect(const char *name, struct keyring **out, char *err,
    size_t errlen)
{
	if (sodium_mprotect_readonly(*out) == 0)
		return 0;
	log_error("sodium_mprotect_readonly: %s", strerror(errno));
	sodium_free(*out);
	*out = NULL;
	return keyring_fail(err, errlen, "%s: cannot protect keys", name);
}

int
keyring_parse(const char *name, const char *buf, size_t len,
    struct keyring **out, char *err, size_t errlen)
{
	if (sodium_init() < 0) {
		log_error("sodium_init failed");
		return keyring_fail(err, errlen, "%s: libsodium failed to "
		    "initialise", name);
	}
	if (keyring_parse_rw(name, buf, len, KEYRING_RING, out, err, errlen) != 0)
		return -1;
	return keyring_protect(name, out, err, errlen);
}

int
keyring_read_fd(const char *name, int fd, enum keyring_kind kind,
    struct keyring **out, mode_t *mode, char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	size_t len = 0;
	ssize_t r;
	int rc = -1;

	*out = NULL;
	if (fstat(fd, &st) != 0)
		return keyring_fail(err, errlen, "%s: %s", name, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return keyring_fail(err, errlen, "%s: not a regular file", name);
	*mode = st.st_mode & 07777;
	if (*mode != 0600 && *mode != 0400)
		return keyring_fail(err, errlen, "%s: mode %04o, must be 0600 or "
		    "0400", name, (unsigned)*mode);
	/* Whoever owns the file can rewrite its keys (chmod, then edit). */
	if (st.st_uid != geteuid())
		return keyring_fail(err, errlen, "%s: owned by uid %u, must be "
		    "owned by the user reading it (uid %u)", name,
		    (unsigned)st.st_uid, (unsigned)geteuid());

	/* Guarded and locked; sodium_free wipes it. One byte more than the
	 * limit tells an oversized file from one exactly at it. */
	buf = sodium_malloc(KEYRING_FILE_MAX + 1);
	if (buf == NULL) {
		log_error("sodium_malloc failed");
		return keyring_fail(err, errlen, "%s: out of memory", name);
	}
	while (len < KEYRING_FILE_MAX + 1) {
		r = read(fd, buf + len, KEYRING_FILE_MAX + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			keyring_fail(err, errlen, "%s: %s", name,
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	rc = keyring_parse_rw(name, buf, len, kind, out, err, errlen);
out:
	sodium_memzero(buf, KEYRING_FILE_MAX + 1);
	sodium_free(buf);
	return rc;
}

int
keyring_load(const char *path, struct keyring **out, char *err, size_t errlen)
{
	mode_t mode;
	int fd, rc;

	*out = NULL;
	if (sodium_init() < 0) {
		log_error("sodium_init failed");
		return keyring_fail(err, errlen, "%s: libsodium failed to "
		    "initialise", path);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return keyring_fail(err, errlen, "%s: missing (create it "
			    "with `permitctl keys init')", path);
		return keyring_fail(err, errlen, "%s: %s", path,
		    strerror(errno));
	}
	rc = keyring_read_fd(path, fd, KEYRING_RING, out, &mode, err, errlen);
	close(fd);
	return rc != 0 ? -1 : keyring_protect(path, out, err, errlen);
}

void
keyring_free(struct keyring *kr)
{
	if (kr != NULL)
		sodium_free(kr);   /* makes it writable, wipes, unmaps */
}

const struct keyring_key *
keyring_find_kek(const struct keyring *kr, const char *id, size_t idlen)
{
	for (size_t i = 0; i < kr->nkek; i++)
		if (strlen(kr->kek[i].id) == idlen &&
		    memcmp(kr->kek[i].id, id, idlen) == 0)
			return &kr->kek[i];
	return NULL;
}

const char *
keyring_active_kek_id(const struct keyring *kr)
{
	return kr->kek[kr->active].id;
}

size_t
keyring_kek_count(const struct keyring *kr)
{
	return kr->nkek;
}

const char *
keyring_kek_id(const struct keyring *kr, size_t i)
{
	return i < kr->nkek ? kr->kek[i].id : NULL;
}

int
keyring_has_kek(const struct keyring *kr, const char *id)
{
	return id != NULL && keyring_find_kek(kr, id, strlen(id)) != NULL;
}

const char *
keyring_bidx_id(const struct keyring *kr)
{
	return kr->bidx.id;
}

const char *
keyring_token_id(const struct keyring *kr)
{
	return kr->token.id;
}

const char *
keyring_payment_id(const struct keyring *kr)
{
	return kr->pay.id[0] != '\0' ? kr->pay.id : NULL;
}
