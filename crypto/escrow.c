/*
 * escrow — the keyring sealed under a passphrase (contract in escrow.h).
 */
#include "crypto/escrow.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define ESCROW_KEY_BYTES   crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define ESCROW_NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define ESCROW_TAG_BYTES   crypto_aead_xchacha20poly1305_ietf_ABYTES
#define ESCROW_SALT_BYTES  crypto_pwhash_SALTBYTES
#define ESCROW_B64         sodium_base64_VARIANT_ORIGINAL
#define ESCROW_LINE        76
#define ESCROW_HEAD_MAX    256

/* The header lines: the associated data too. */
#define ESCROW_KDF_FMT   "argon2id ops=%llu mem=%zu salt=%s\n"
#define ESCROW_AEAD_FMT  "xchacha20poly1305 nonce=%s\n"

static int
escrow_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The key of `pass` under `salt` at the limits, into key (sodium_malloc'd). */
static int
escrow_key(const char *pass, size_t passlen, const unsigned char *salt,
    unsigned long long ops, size_t mem, unsigned char *key)
{
	return crypto_pwhash(key, ESCROW_KEY_BYTES, pass, passlen, salt, ops, mem,
	    crypto_pwhash_ALG_ARGON2ID13);
}

/* The three header lines for these parameters, into head[ESCROW_HEAD_MAX]. */
static int
escrow_head(char *head, unsigned long long ops, size_t mem,
    const unsigned char *salt, const unsigned char *nonce)
{
	char s64[sodium_base64_ENCODED_LEN(ESCROW_SALT_BYTES, ESCROW_B64)];
	char n64[sodium_base64_ENCODED_LEN(ESCROW_NONCE_BYTES, ESCROW_B64)];
	int n;

	sodium_bin2base64(s64, sizeof(s64), salt, ESCROW_SALT_BYTES, ESCROW_B64);
	sodium_bin2base64(n64, sizeof(n64), nonce, ESCROW_NONCE_BYTES, ESCROW_B64);
	n = snprintf(head, ESCROW_HEAD_MAX, "%s\n" ESCROW_KDF_FMT ESCROW_AEAD_FMT,
	    ESCROW_HEADER, ops, mem, s64, n64);
	return n > 0 && n < ESCROW_HEAD_MAX ? n : -1;
}

/* head, then b64 in lines of ESCROW_LINE, into a malloc'd text. */
static char *
escrow_wrap(const char *head, const char *b64, size_t *outlen)
{
	size_t hn = strlen(head), bn = strlen(b64);
	size_t cap = hn + bn + bn / ESCROW_LINE + 2;
	char *out = malloc(cap), *p;

	if (out == NULL)
		return NULL;
	memcpy(out, head, hn);
	p = out + hn;
	for (size_t i = 0; i < bn; i += ESCROW_LINE) {
		size_t n = bn - i < ESCROW_LINE ? bn - i : ESCROW_LINE;

		memcpy(p, b64 + i, n);
		p += n;
		*p++ = '\n';
	}
	*p = '\0';
	*outlen = (size_t)(p - out);
	return out;
}

int
escrow_seal(const char *pass, size_t passlen, const unsigned char *plain,
    size_t plen, unsigned long long opslimit, size_t memlimit, char **out,
    size_t *outlen, char *err, size_t errlen)
{
	unsigned char salt[ESCROW_SALT_BYTES], nonce[ESCROW_NONCE_BYTES];
	unsigned char *key = NULL, *ct = NULL;
	char head[ESCROW_HEAD_MAX], *b64 = NULL;
	size_t b64len;
	int hn, rc = -1;

	*out = NULL;
	if (passlen < ESCROW_PASS_MIN || passlen > ESCROW_PASS_MAX)
		return escrow_fail(err, errlen, "a passphrase has %d to %d "
		    "characters", ESCROW_PASS_MIN, ESCROW_PASS_MAX);
	if (plen > ESCROW_PLAIN_MAX)
		return escrow_fail(err, errlen, "too much to seal");
	if (sodium_init() < 0 || (key = sodium_malloc(ESCROW_KEY_BYTES)) == NULL)
		return escrow_fail(err, errlen, "out of memory");
	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(nonce, sizeof(nonce));
	if ((hn = escrow_head(head, opslimit, memlimit, salt, nonce)) < 0 ||
	    escrow_key(pass, passlen, salt, opslimit, memlimit, key) != 0) {
		escrow_fail(err, errlen, "Argon2id failed (out of memory?)");
		goto out;
	}
	b64len = sodium_base64_ENCODED_LEN(plen + ESCROW_TAG_BYTES, ESCROW_B64);
	if ((ct = malloc(plen + ESCROW_TAG_BYTES)) == NULL ||
	    (b64 = malloc(b64len)) == NULL) {
		escrow_fail(err, errlen, "out of memory");
		goto out;
	}
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, NULL, plain, plen,
	    (const unsigned char *)head, (unsigned long long)hn, NULL, nonce, key);
	sodium_bin2base64(b64, b64len, ct, plen + ESCROW_TAG_BYTES, ESCROW_B64);
	if ((*out = escrow_wrap(head, b64, outlen)) == NULL) {
		escrow_fail(err, errlen, "out of memory");
		goto out;
	}
	rc = 0;
out:
	sodium_free(key);
	free(ct);
	free(b64);
	return rc;
}

/* The parameters of the header lines at text[0..); *hn their length. */
struct escrow_params {
	unsigned long long ops;
	size_t mem;
	unsigned char salt[ESCROW_SALT_BYTES];
	unsigned char nonce[ESCROW_NONCE_BYTES];
	size_t hn;
};

/* base64 in s[0..n) into exactly `want` bytes at out. 0, or -1. */
static int
escrow_b64_exact(const char *s, size_t n, unsigned char *out, size_t want)
{
	size_t got;
	const char *end;

	return sodium_base642bin(out, want, s, n, NULL, &got, &end,
	    ESCROW_B64) == 0 && got == want && end == s + n ? 0 : -1;
}

/* The line at *p (without its '\n'), moving *p past it. NULL at the end. */
static const char *
escrow_line(const char **p, const char *end, size_t *n)
{
	const char *line = *p, *nl = memchr(line, '\n', (size_t)(end - line));

	if (nl == NULL)
		return NULL;
	*n = (size_t)(nl - line);
	*p = nl + 1;
	return line;
}

/* "key=VALUE" at the start of s[0..n): VALUE's offset, or 0 if absent. */
static size_t
escrow_field(const char *s, size_t n, const char *key)
{
	size_t k = strlen(key);

	return n > k && memcmp(s, key, k) == 0 ? k : 0;
}

static int
escrow_parse_kdf(const char *l, size_t n, struct escrow_params *pp)
{
	char buf[ESCROW_HEAD_MAX], *end;
	const char *salt;

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, l, n);
	buf[n] = '\0';
	if (strncmp(buf, "argon2id ops=", 13) != 0)
		return -1;
	errno = 0;
	pp->ops = strtoull(buf + 13, &end, 10);
	if (errno != 0 || strncmp(end, " mem=", 5) != 0)
		return -1;
	pp->mem = (size_t)strtoull(end + 5, &end, 10);
	if (errno != 0 || strncmp(end, " salt=", 6) != 0)
		return -1;
	salt = end + 6;
	return escrow_b64_exact(salt, strlen(salt), pp->salt, ESCROW_SALT_BYTES);
}

static int
escrow_parse_head(const char *text, size_t tlen, struct escrow_params *pp,
    const char **body)
{
	const char *p = text, *end = text + tlen, *l;
	size_t n, v;

	if ((l = escrow_line(&p, end, &n)) == NULL ||
	    n != strlen(ESCROW_HEADER) || memcmp(l, ESCROW_HEADER, n) != 0)
		return -1;
	if ((l = escrow_line(&p, end, &n)) == NULL ||
	    escrow_parse_kdf(l, n, pp) != 0)
		return -1;
	if ((l = escrow_line(&p, end, &n)) == NULL ||
	    (v = escrow_field(l, n, "xchacha20poly1305 nonce=")) == 0 ||
	    escrow_b64_exact(l + v, n - v, pp->nonce, ESCROW_NONCE_BYTES) != 0)
		return -1;
	pp->hn = (size_t)(p - text);
	*body = p;
	return 0;
}

int
escrow_open(const char *pass, size_t passlen, const char *text, size_t tlen,
    unsigned char **plain, size_t *plen, char *err, size_t errlen)
{
	struct escrow_params pp;
	unsigned char *key = NULL, *ct = NULL, *pt = NULL;
	const char *body, *end;
	size_t clen, cap;
	unsigned long long ptlen;
	int rc = -1;

	*plain = NULL;
	if (sodium_init() < 0)
		return escrow_fail(err, errlen, "libsodium failed to initialise");
	if (escrow_parse_head(text, tlen, &pp, &body) != 0)
		return escrow_fail(err, errlen, "not a permitd keyring backup "
		    "(version 1)");
	if (pp.ops < crypto_pwhash_OPSLIMIT_MIN || pp.ops > ESCROW_OPSLIMIT_MAX ||
	    pp.mem < crypto_pwhash_MEMLIMIT_MIN || pp.mem > ESCROW_MEMLIMIT_MAX)
		return escrow_fail(err, errlen, "the backup asks for Argon2id "
		    "limits out of range");
	cap = (size_t)(text + tlen - body);
	if ((ct = malloc(cap + 1)) == NULL ||
	    (key = sodium_malloc(ESCROW_KEY_BYTES)) == NULL) {
		escrow_fail(err, errlen, "out of memory");
		goto out;
	}
	if (sodium_base642bin(ct, cap, body, cap, "\n", &clen, &end,
	    ESCROW_B64) != 0 || end != text + tlen || clen < ESCROW_TAG_BYTES ||
	    clen - ESCROW_TAG_BYTES > ESCROW_PLAIN_MAX) {
		escrow_fail(err, errlen, "the backup's body is not base64 of a "
		    "sealed keyring");
		goto out;
	}
	if (escrow_key(pass, passlen, pp.salt, pp.ops, pp.mem, key) != 0) {
		escrow_fail(err, errlen, "Argon2id failed (out of memory?)");
		goto out;
	}
	if ((pt = sodium_malloc(clen - ESCROW_TAG_BYTES + 1)) == NULL) {
		escrow_fail(err, errlen, "out of memory");
		goto out;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &ptlen, NULL, ct,
	    clen, (const unsigned char *)text, pp.hn, pp.nonce, key) != 0) {
		escrow_fail(err, errlen, "the backup does not open: wrong "
		    "passphrase, or the file was changed");
		goto out;
	}
	pt[ptlen] = '\0';
	*plain = pt;
	*plen = (size_t)ptlen;
	pt = NULL;
	rc = 0;
out:
	sodium_free(key);
	escrow_free(pt);
	free(ct);
	return rc;
}

void
escrow_free(unsigned char *plain)
{
	sodium_free(plain);   /* sodium_free wipes before it frees */
}
