/*
 * pw — Argon2id password hashes through libsodium's crypto_pwhash_str_*.
 */
#include "crypto/pw.h"

#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "crypto/spent.h"

_Static_assert(PW_HASH_SIZE == crypto_pwhash_STRBYTES, "PW_HASH_SIZE");

/* The dummy hash: of random bytes nobody knows; never request data. */
static char pw_dummy_hash[PW_HASH_SIZE];
static unsigned long long pw_dummy_ops;
static size_t pw_dummy_mem;
/* Argon2id verifications this process has run (pw_verify_count). */
static unsigned long pw_verifications;

/* crypto_pwhash_str_verify, counted. */
static int
pw_str_verify(const char *hash, const char *pw, size_t len)
{
	double t = spent_begin();
	int rc;

	pw_verifications++;
	rc = crypto_pwhash_str_verify(hash, pw, len);
	spent_end(t);
	return rc;
}

unsigned long
pw_verify_count(void)
{
	return pw_verifications;
}

int
pw_hash(const char *pw, size_t len, unsigned long long opslimit,
    size_t memlimit, char out[PW_HASH_SIZE])
{
	double t;
	int rc;

	if (pw == NULL || len > PW_MAX_LEN)
		return -1;
	if (sodium_init() < 0) {
		log_error("sodium_init failed");
		return -1;
	}
	t = spent_begin();
	rc = crypto_pwhash_str_alg(out, pw, len, opslimit, memlimit,
	    crypto_pwhash_ALG_ARGON2ID13);
	spent_end(t);
	if (rc != 0) {
		/* Out of memory, or limits outside libsodium's range. */
		log_error("crypto_pwhash_str_alg failed (opslimit %llu, "
		    "memlimit %zu)", opslimit, memlimit);
		sodium_memzero(out, PW_HASH_SIZE);
		return -1;
	}
	return 0;
}

int
pw_verify(const char *hash, const char *pw, size_t len)
{
	if (hash == NULL || pw == NULL || len > PW_MAX_LEN)
		return -1;
	if (strncmp(hash, "$argon2id$", 10) != 0)
		return -1;
	return pw_str_verify(hash, pw, len) == 0 ? 0 : -1;
}

int
pw_dummy_verify(const char *pw, size_t len, unsigned long long opslimit,
    size_t memlimit)
{
	unsigned char secret[32];

	if (pw_dummy_hash[0] == '\0' || pw_dummy_ops != opslimit ||
	    pw_dummy_mem != memlimit) {
		randombytes_buf(secret, sizeof(secret));
		if (pw_hash((const char *)secret, sizeof(secret), opslimit,
		    memlimit, pw_dummy_hash) != 0)
			pw_dummy_hash[0] = '\0';
		sodium_memzero(secret, sizeof(secret));
		pw_dummy_ops = opslimit;
		pw_dummy_mem = memlimit;
	}
	/* The work is the point; a match would mean a broken random source. */
	if (pw_dummy_hash[0] != '\0' && pw != NULL && len <= PW_MAX_LEN &&
	    pw_str_verify(pw_dummy_hash, pw, len) == 0)
		log_error("the dummy hash matched");
	return -1;
}

int
pw_needs_rehash(const char *hash, unsigned long long opslimit, size_t memlimit)
{
	if (hash == NULL || strncmp(hash, "$argon2id$", 10) != 0)
		return 1;
	return crypto_pwhash_str_needs_rehash(hash, opslimit, memlimit) != 0;
}
