/*
 * draw — the opening draw's commit-reveal seed and its order
 * (migrations/0018).
 *
 * Before a day's booking window opens, permitd fixes its seed (DRAW_SEED_BYTES
 * random bytes) and publishes only the seed's hash, BLAKE2b-256 of the
 * seed (crypto_generichash, unkeyed). After the draw the seed is shown, and
 * anyone can check it against the hash and re-run the order: an entry's
 * place is BLAKE2b-256 keyed with the seed over the entry's id (its
 * canonical lower-case UUID text, as the database returns it), and the
 * entries are ordered by place, bytewise, lowest first (two equal places,
 * which 256 bits make a practical impossibility, by id). No one who could
 * choose the seed after seeing the entries can, since its hash was public
 * before the first entry; no one can choose an entry id to win, since the
 * seed is secret until the entries are closed.
 */
#ifndef PERMIT_CRYPTO_DRAW_H
#define PERMIT_CRYPTO_DRAW_H

#include <stddef.h>

#define DRAW_SEED_BYTES 32
#define DRAW_HASH_BYTES 32

/* A new seed from libsodium's random source. The caller wipes it when done
 * with it (it is secret until its draw has run). */
void draw_seed_new(unsigned char seed[DRAW_SEED_BYTES]);

/* The seed's public commitment: BLAKE2b-256 of the seed. */
void draw_seed_hash(const unsigned char seed[DRAW_SEED_BYTES],
    unsigned char hash[DRAW_HASH_BYTES]);

/* One entry as the draw ranks it. `id` is the caller's, read during the
 * call and kept (pointed to) in the result. */
struct draw_rank {
	unsigned char place[DRAW_HASH_BYTES];
	const char *id;
	size_t index;   /* its position in the ids the caller passed */
};

/*
 * The order of the n entries ids[0..n) under seed: out[0..n) (the caller's
 * array of n) holds each entry's place, sorted, first place first. 0, or
 * -1 when an id is NULL or longer than 64 bytes (out's contents are then
 * unspecified).
 */
int draw_order(const unsigned char seed[DRAW_SEED_BYTES],
    const char *const *ids, size_t n, struct draw_rank *out)
    __attribute__((warn_unused_result));

#endif
