/*
 * bench_crypto — what crypto/ costs a request, one line per operation.
 *
 *   bench_crypto: seal 16 B             412 ns/op  (20000 ops)
 *
 * Per-field sealing and opening, DEK wrap/unwrap, blind index and token hash
 * in ns/op; Argon2id verify at the config's default limits in ms/op. Keys
 * come from a throw-away keyring in a temporary directory. Bounded: a few
 * seconds in all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "crypto/bidx.h"
#include "crypto/keyring.h"
#include "crypto/pw.h"
#include "crypto/seal.h"
#include "crypto/token.h"

#define FAST_OPS 20000
#define PW_OPS   10

static const struct seal_binding bench_bind = {
	"applications", "c0ffee00-1234-4abc-8def-0123456789ab",
	"6f1c2a4e-8b1d-4c3e-9f00-0a1b2c3d4e5f",
};

/* Folds results in, so the compiler cannot drop the work. */
static volatile unsigned bench_sink;

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void
bench_report(const char *what, double ns, int ops)
{
	if (ns / ops >= 1e6)
		printf("bench_crypto: %-22s %10.1f ms/op  (%d ops)\n", what,
		    ns / ops / 1e6, ops);
	else
		printf("bench_crypto: %-22s %10.0f ns/op  (%d ops)\n", what,
		    ns / ops, ops);
}

static void
bench_field(const struct seal_dek *dek, size_t len)
{
	unsigned char plain[256], sealed[256 + SEAL_FIELD_OVERHEAD], out[256];
	char label[32];
	size_t slen, n;
	double t;

	memset(plain, 'x', sizeof(plain));
	t = bench_now();
	for (int i = 0; i < FAST_OPS; i++) {
		if (seal_field(dek, &bench_bind, "nik", plain, len, sealed,
		    sizeof(sealed), &slen) != 0)
			exit(1);
		bench_sink += sealed[slen - 1];
	}
	snprintf(label, sizeof(label), "seal %zu B", len);
	bench_report(label, bench_now() - t, FAST_OPS);

	t = bench_now();
	for (int i = 0; i < FAST_OPS; i++) {
		if (seal_open_field(dek, &bench_bind, "nik", sealed, slen, out,
		    sizeof(out), &n) != 0)
			exit(1);
		bench_sink += out[0];
	}
	snprintf(label, sizeof(label), "open %zu B", len);
	bench_report(label, bench_now() - t, FAST_OPS);
}

static void
bench_dek(const struct keyring *kr)
{
	unsigned char w[SEAL_WRAPPED_MAX];
	struct seal_dek dek, back;
	size_t wlen;
	double t;

	seal_dek_new(&dek);
	t = bench_now();
	for (int i = 0; i < FAST_OPS; i++) {
		if (seal_dek_wrap(kr, &bench_bind, &dek, w, &wlen, NULL) != 0)
			exit(1);
		bench_sink += w[wlen - 1];
	}
	bench_report("DEK wrap", bench_now() - t, FAST_OPS);

	t = bench_now();
	for (int i = 0; i < FAST_OPS; i++) {
		if (seal_dek_unwrap(kr, &bench_bind, w, wlen, &back) != 0)
			exit(1);
		bench_sink += back.key[0];
	}
	bench_report("DEK unwrap", bench_now() - t, FAST_OPS);
	seal_dek_wipe(&dek);
	seal_dek_wipe(&back);
}

static void
bench_index(const struct keyring *kr)
{
	unsigned char h[BIDX_BYTES];
	char tok[TOKEN_STR_SIZE];
	double t;

	t = bench_now();
	for (int i = 0; i < FAST_OPS; i++) {
		if (bidx_nik(kr, "3201014501900001", h) != 0)
			exit(1);
		bench_sink += h[0];
	}
	bench_report("blind index (NIK)", bench_now() - t, FAST_OPS);

	token_new(tok);
	t = bench_now();
	for (int i = 0; i < FAST_OPS; i++) {
		if (token_hash(kr, tok, h) != 0)
			exit(1);
		bench_sink += h[0];
	}
	bench_report("token hash", bench_now() - t, FAST_OPS);

	t = bench_now();
	for (int i = 0; i < FAST_OPS; i++) {
		token_new(tok);
		bench_sink += (unsigned char)tok[0];
	}
	bench_report("token new", bench_now() - t, FAST_OPS);
}

static void
bench_pw(void)
{
	struct config cfg;
	char hash[PW_HASH_SIZE];
	double t;

	config_defaults(&cfg);
	if (pw_hash("correct horse battery staple", 28, cfg.pwhash_opslimit,
	    cfg.pwhash_memlimit, hash) != 0)
		exit(1);
	t = bench_now();
	for (int i = 0; i < PW_OPS; i++)
		if (pw_verify(hash, "correct horse battery staple", 28) != 0)
			exit(1);
	bench_report("Argon2id verify", bench_now() - t, PW_OPS);
	printf("bench_crypto: (Argon2id at opslimit %llu, memlimit %zu MiB)\n",
	    cfg.pwhash_opslimit, cfg.pwhash_memlimit >> 20);
}

int
main(void)
{
	char dir[] = "/tmp/permitd-bench-XXXXXX", path[64], err[256];
	struct keyring *kr;
	struct seal_dek dek;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/keyring", dir);
	if (keyring_init_file(path, err, sizeof(err)) != 0 ||
	    keyring_load(path, &kr, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_crypto: %s\n", err);
		unlink(path);
		rmdir(dir);
		return 1;
	}
	unlink(path);
	rmdir(dir);

	seal_dek_new(&dek);
	bench_field(&dek, 16);
	bench_field(&dek, 256);
	seal_dek_wipe(&dek);
	bench_dek(kr);
	bench_index(kr);
	bench_pw();
	keyring_free(kr);
	return 0;
}
