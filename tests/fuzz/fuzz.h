/*
 * fuzz.h — what the libFuzzer targets share. Included by one target each;
 * everything here is static.
 *
 *   LLVMFuzzerInitialize  fuzz_setup, then the target's own fz_init
 *   fuzz_setup      once, before any input: libsodium, quiet logs,
 *                   the request arena, Jansson allocating from it (as
 *                   fcgi/worker.c points it at a worker's request arena, so
 *                   a parsed body lives and dies with its request, as on the
 *                   request path)
 *   fuzz_done       after each input: the arena reset, as after a request
 *   fuzz_split      an input cut into NUL-terminated fields, in the arena
 *   fuzz_keyring    a keyring of fixed keys (every type), so a crashing
 *                   input reproduces; fuzz_key(i) is key i's bytes
 *   FUZZ_CHECK      an invariant: when it does not hold, says which and
 *                   aborts, which libFuzzer reports as a crash with its input
 */
#ifndef PERMIT_TESTS_FUZZ_H
#define PERMIT_TESTS_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/arena.h"
#include "core/log.h"
#include "crypto/keyring.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", \
			    __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

static arena *fuzz_arena;

static void *
fuzz_json_malloc(size_t n)
{
	return arena_alloc(fuzz_arena, n);
}

/* Arena memory is released, wiped, by fuzz_done. */
static void
fuzz_json_free(void *p)
{
	(void)p;
}

static inline void
fuzz_setup(void)
{
	if (sodium_init() < 0)
		abort();
	log_init("fuzz", LOG_LEVEL_ERROR);
	fuzz_arena = arena_new(64 * 1024);
	json_set_alloc_funcs(fuzz_json_malloc, fuzz_json_free);
}

/* What a target sets up beyond fuzz_setup, once; each target defines it. */
static void fz_init(void);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	fz_init();
	return 0;
}

static inline void
fuzz_done(void)
{
	arena_reset(fuzz_arena);
}

/*
 * data[0..size) cut at each `sep` into at most n fields (the last takes the
 * rest), each copied NUL-terminated into the arena (an embedded NUL ends a
 * field early, as it ends any C string). Fields the input does not reach
 * are "". Returns how many the input gave.
 */
static inline size_t
fuzz_split(const uint8_t *data, size_t size, char sep, char **out, size_t n)
{
	size_t k = 0, start = 0;

	for (size_t i = 0; i <= size && k < n; i++) {
		if (i < size && (data[i] != (uint8_t)sep || k == n - 1))
			continue;
		out[k++] = arena_strndup(fuzz_arena, (const char *)data + start,
		    i - start);
		start = i + 1;
	}
	for (size_t i = k; i < n; i++)
		out[i] = arena_strdup(fuzz_arena, "");
	return k;
}

/* Key i of the fixed keyring: KEYRING_KEY_BYTES of 0x11 * (i + 1). */
enum { FUZZ_KEK1, FUZZ_KEK2, FUZZ_BIDX, FUZZ_TOKEN, FUZZ_PAY, FUZZ_KEYS };

static inline void
fuzz_key(int i, unsigned char key[KEYRING_KEY_BYTES])
{
	memset(key, 0x11 * (i + 1), KEYRING_KEY_BYTES);
}

/* The fixed keyring, with (pay 1) or without a payment key; aborts if it
 * does not parse. Owned by the caller (keyring_free). */
static inline struct keyring *
fuzz_keyring(int pay)
{
	unsigned char key[KEYRING_KEY_BYTES];
	char b64[FUZZ_KEYS][64], text[1024], err[256];
	struct keyring *kr;
	size_t len;

	for (int i = 0; i < FUZZ_KEYS; i++) {
		fuzz_key(i, key);
		sodium_bin2base64(b64[i], sizeof(b64[i]), key, sizeof(key),
		    sodium_base64_VARIANT_ORIGINAL);
	}
	len = (size_t)snprintf(text, sizeof(text), "permitd-keyring v1\n"
	    "kek k1 %s\nkek k2 %s active\nbidx b1 %s\ntoken t1 %s\n",
	    b64[FUZZ_KEK1], b64[FUZZ_KEK2], b64[FUZZ_BIDX], b64[FUZZ_TOKEN]);
	if (pay)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "pay p1 %s\n", b64[FUZZ_PAY]);
	if (keyring_parse("fuzz", text, len, &kr, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_keyring: %s\n", err);
		abort();
	}
	return kr;
}

#endif
