/*
 * seal — wrapping DEKs and sealing fields (formats in seal.h).
 */
#include "crypto/seal.h"
#include "crypto/keyring_internal.h"

#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "crypto/spent.h"

#define SEAL_WRAPPED_CT (SEAL_DEK_BYTES + SEAL_TAG_BYTES)
#define SEAL_AD_ITEMS   5
#define SEAL_AD_MAX     (1 + SEAL_AD_ITEMS * (4 + SEAL_NAME_MAX))

/* The additional data, built on the stack: no allocation per field. */
struct seal_ad {
	unsigned char buf[SEAL_AD_MAX];
	size_t len;
};

static int
seal_ad_add(struct seal_ad *ad, const char *s, size_t max)
{
	size_t n;

	if (s == NULL)
		return -1;
	n = strnlen(s, max + 1);
	if (n == 0 || n > max || ad->len + 4 + n > sizeof(ad->buf))
		return -1;
	ad->buf[ad->len++] = (unsigned char)(n >> 24);
	ad->buf[ad->len++] = (unsigned char)(n >> 16);
	ad->buf[ad->len++] = (unsigned char)(n >> 8);
	ad->buf[ad->len++] = (unsigned char)n;
	memcpy(ad->buf + ad->len, s, n);
	ad->len += n;
	return 0;
}

/* version, purpose, table, record id, owner id, last (KEK id or field). */
static int
seal_ad_build(struct seal_ad *ad, const char *purpose,
    const struct seal_binding *b, const char *last, size_t last_max)
{
	ad->len = 0;
	ad->buf[ad->len++] = SEAL_VERSION;
	if (b == NULL ||
	    seal_ad_add(ad, purpose, SEAL_NAME_MAX) != 0 ||
	    seal_ad_add(ad, b->table, SEAL_NAME_MAX) != 0 ||
	    seal_ad_add(ad, b->record_id, SEAL_NAME_MAX) != 0 ||
	    seal_ad_add(ad, b->owner_id, SEAL_NAME_MAX) != 0 ||
	    seal_ad_add(ad, last, last_max) != 0)
		return -1;
	return 0;
}

/* libsodium's XChaCha20-Poly1305 under `key`, its time counted
 * (crypto/spent.h). */
static void
seal_encrypt(unsigned char *c, unsigned long long *clen,
    const unsigned char *m, size_t mlen, const struct seal_ad *ad,
    const unsigned char *nonce, const unsigned char *key)
{
	double t = spent_begin();

	crypto_aead_xchacha20poly1305_ietf_encrypt(c, clen, m, mlen, ad->buf,
	    ad->len, NULL, nonce, key);
	spent_end(t);
}

static int
seal_decrypt(unsigned char *m, unsigned long long *mlen,
    const unsigned char *c, size_t clen, const struct seal_ad *ad,
    const unsigned char *nonce, const unsigned char *key)
{
	double t = spent_begin();
	int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(m, mlen, NULL, c,
	    clen, ad->buf, ad->len, nonce, key);

	spent_end(t);
	return rc;
}

void
seal_dek_new(struct seal_dek *dek)
{
	crypto_aead_xchacha20poly1305_ietf_keygen(dek->key);
}

void
seal_dek_wipe(struct seal_dek *dek)
{
	if (dek != NULL)
		sodium_memzero(dek, sizeof(*dek));
}

static int
seal_wrap_with(const struct keyring_key *kek, const struct seal_binding *b,
    const struct seal_dek *dek, unsigned char out[SEAL_WRAPPED_MAX],
    size_t *outlen, char kek_id[KEYRING_ID_SIZE])
{
	struct seal_ad ad;
	size_t idlen = strlen(kek->id);
	unsigned char *nonce = out + 2 + idlen;
	unsigned long long clen;

	if (seal_ad_build(&ad, "dek", b, kek->id, KEYRING_ID_MAX) != 0) {
		log_error("bad binding");
		return -1;
	}
	out[0] = SEAL_VERSION;
	out[1] = (unsigned char)idlen;
	memcpy(out + 2, kek->id, idlen);
	randombytes_buf(nonce, SEAL_NONCE_BYTES);
	seal_encrypt(nonce + SEAL_NONCE_BYTES, &clen, dek->key, SEAL_DEK_BYTES,
	    &ad, nonce, kek->key);
	*outlen = 2 + idlen + SEAL_NONCE_BYTES + (size_t)clen;
	if (kek_id != NULL)
		memcpy(kek_id, kek->id, idlen + 1);
	return 0;
}

int
seal_dek_wrap(const struct keyring *kr, const struct seal_binding *b,
    const struct seal_dek *dek, unsigned char out[SEAL_WRAPPED_MAX],
    size_t *outlen, char kek_id[KEYRING_ID_SIZE])
{
	return seal_wrap_with(&kr->kek[kr->active], b, dek, out, outlen,
	    kek_id);
}

/* Checks a wrapped DEK's framing; the id is at wrapped + 2, *idlen long. */
static int
seal_wrapped_parse(const unsigned char *wrapped, size_t len, size_t *idlen)
{
	size_t n;

	if (wrapped == NULL || len < 2 || wrapped[0] != SEAL_VERSION)
		return -1;
	n = wrapped[1];
	if (n == 0 || n > KEYRING_ID_MAX ||
	    len != 2 + n + SEAL_NONCE_BYTES + SEAL_WRAPPED_CT)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (wrapped[2 + i] == '\0')
			return -1;
	*idlen = n;
	return 0;
}

int
seal_dek_unwrap(const struct keyring *kr, const struct seal_binding *b,
    const unsigned char *wrapped, size_t len, struct seal_dek *dek)
{
	const struct keyring_key *kek;
	const unsigned char *nonce;
	struct seal_ad ad;
	unsigned long long mlen;
	size_t idlen;

	sodium_memzero(dek, sizeof(*dek));
	if (seal_wrapped_parse(wrapped, len, &idlen) != 0)
		return -1;
	kek = keyring_find_kek(kr, (const char *)wrapped + 2, idlen);
	if (kek == NULL)
		return -1;
	if (seal_ad_build(&ad, "dek", b, kek->id, KEYRING_ID_MAX) != 0)
		return -1;
	nonce = wrapped + 2 + idlen;
	if (seal_decrypt(dek->key, &mlen, nonce + SEAL_NONCE_BYTES,
	    SEAL_WRAPPED_CT, &ad, nonce, kek->key) != 0 ||
	    mlen != SEAL_DEK_BYTES) {
		sodium_memzero(dek, sizeof(*dek));
		return -1;
	}
	return 0;
}

int
seal_dek_rewrap(const struct keyring *kr, const struct seal_binding *b,
    const unsigned char *wrapped, size_t len,
    unsigned char out[SEAL_WRAPPED_MAX], size_t *outlen,
    char kek_id[KEYRING_ID_SIZE])
{
	struct seal_dek dek;
	int rc = -1;

	if (seal_dek_unwrap(kr, b, wrapped, len, &dek) != 0)
		goto out;
	rc = seal_dek_wrap(kr, b, &dek, out, outlen, kek_id);
out:
	seal_dek_wipe(&dek);
	return rc;
}

size_t
seal_field_size(size_t plain_len)
{
	return SEAL_FIELD_OVERHEAD + plain_len;
}

size_t
seal_plain_size(size_t sealed_len)
{
	return sealed_len < SEAL_FIELD_OVERHEAD ? 0 :
	    sealed_len - SEAL_FIELD_OVERHEAD;
}

int
seal_field(const struct seal_dek *dek, const struct seal_binding *b,
    const char *field, const unsigned char *plain, size_t plain_len,
    unsigned char *out, size_t outcap, size_t *outlen)
{
	static const unsigned char empty[1];
	unsigned char *nonce = out + 1;
	unsigned long long clen;
	struct seal_ad ad;

	if (plain_len > SEAL_PLAIN_MAX || outcap < seal_field_size(plain_len)) {
		log_error("%zu bytes into %zu: too large or buffer too short",
		    plain_len, outcap);
		return -1;
	}
	if (seal_ad_build(&ad, "field", b, field, SEAL_NAME_MAX) != 0) {
		log_error("bad binding or field name");
		return -1;
	}
	if (plain == NULL)
		plain = empty;   /* plain_len is 0 here, or the caller is wrong */
	out[0] = SEAL_VERSION;
	randombytes_buf(nonce, SEAL_NONCE_BYTES);
	seal_encrypt(nonce + SEAL_NONCE_BYTES, &clen, plain, plain_len, &ad,
	    nonce, dek->key);
	*outlen = 1 + SEAL_NONCE_BYTES + (size_t)clen;
	return 0;
}

int
seal_open_field(const struct seal_dek *dek, const struct seal_binding *b,
    const char *field, const unsigned char *sealed, size_t len,
    unsigned char *out, size_t outcap, size_t *outlen)
{
	const unsigned char *nonce;
	unsigned long long mlen;
	struct seal_ad ad;
	size_t n;

	*outlen = 0;
	if (sealed == NULL || len < SEAL_FIELD_OVERHEAD ||
	    len > seal_field_size(SEAL_PLAIN_MAX) || sealed[0] != SEAL_VERSION)
		goto fail;
	n = seal_plain_size(len);
	if (outcap < n || (out == NULL && n > 0))
		goto fail;
	if (seal_ad_build(&ad, "field", b, field, SEAL_NAME_MAX) != 0)
		goto fail;
	nonce = sealed + 1;
	if (seal_decrypt(out, &mlen, nonce + SEAL_NONCE_BYTES,
	    len - 1 - SEAL_NONCE_BYTES, &ad, nonce, dek->key) != 0 || mlen != n)
		goto fail;
	*outlen = n;
	return 0;
fail:
	/* Whatever the failure, the caller is left no bytes to mistake for
	 * plaintext. */
	if (out != NULL)
		sodium_memzero(out, outcap);
	return -1;
}
