/*
 * draw — the opening draw's seed and order (contract in draw.h).
 */
#include "crypto/draw.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/* An entry id is a UUID's text; anything much longer is a caller's bug. */
#define DRAW_ID_MAX 64

void
draw_seed_new(unsigned char seed[DRAW_SEED_BYTES])
{
	randombytes_buf(seed, DRAW_SEED_BYTES);
}

void
draw_seed_hash(const unsigned char seed[DRAW_SEED_BYTES],
    unsigned char hash[DRAW_HASH_BYTES])
{
	crypto_generichash(hash, DRAW_HASH_BYTES, seed, DRAW_SEED_BYTES,
	    NULL, 0);
}

/* Lowest place first; equal places by id, so the order is total. */
static int
draw_rank_cmp(const void *x, const void *y)
{
	const struct draw_rank *a = x, *b = y;
	int c = memcmp(a->place, b->place, DRAW_HASH_BYTES);

	return c != 0 ? c : strcmp(a->id, b->id);
}

int
draw_order(const unsigned char seed[DRAW_SEED_BYTES],
    const char *const *ids, size_t n, struct draw_rank *out)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = ids[i] == NULL ? DRAW_ID_MAX + 1 :
		    strnlen(ids[i], DRAW_ID_MAX + 1);

		if (len > DRAW_ID_MAX)
			return -1;
		crypto_generichash(out[i].place, DRAW_HASH_BYTES,
		    (const unsigned char *)ids[i], len, seed, DRAW_SEED_BYTES);
		out[i].id = ids[i];
		out[i].index = i;
	}
	if (n > 1)
		qsort(out, n, sizeof(*out), draw_rank_cmp);
	return 0;
}
