/*
 * crypto/draw: the seed's commitment is BLAKE2b-256 of the seed, each
 * entry's place is BLAKE2b-256 keyed with the seed over its id, the order
 * is the places sorted and does not depend on the order the entries came
 * in, and over many seeds every entry is equally likely at every position
 * (a chi-square test, so a biased order fails).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "crypto/draw.h"

#define N 10

static const char *const IDS[N] = {
	"00000000-0000-4000-8000-000000000001",
	"00000000-0000-4000-8000-000000000002",
	"00000000-0000-4000-8000-000000000003",
	"00000000-0000-4000-8000-000000000004",
	"00000000-0000-4000-8000-000000000005",
	"00000000-0000-4000-8000-000000000006",
	"00000000-0000-4000-8000-000000000007",
	"00000000-0000-4000-8000-000000000008",
	"00000000-0000-4000-8000-000000000009",
	"00000000-0000-4000-8000-00000000000a",
};

static void
test_seed_hash_is_blake2b_of_the_seed(void **state)
{
	unsigned char seed[DRAW_SEED_BYTES], a[DRAW_HASH_BYTES], b[32];

	(void)state;
	draw_seed_new(seed);
	draw_seed_hash(seed, a);
	crypto_generichash(b, sizeof(b), seed, sizeof(seed), NULL, 0);
	assert_memory_equal(a, b, sizeof(b));
	seed[0] ^= 1;
	draw_seed_hash(seed, b);
	assert_memory_not_equal(a, b, sizeof(b));
}

static void
test_seeds_differ(void **state)
{
	unsigned char a[DRAW_SEED_BYTES], b[DRAW_SEED_BYTES];

	(void)state;
	draw_seed_new(a);
	draw_seed_new(b);
	assert_memory_not_equal(a, b, sizeof(a));
}

/* Each place is the keyed hash of its id, and the places ascend. */
static void
test_order_is_keyed_hashes_sorted(void **state)
{
	unsigned char seed[DRAW_SEED_BYTES], want[DRAW_HASH_BYTES];
	struct draw_rank r[N];

	(void)state;
	draw_seed_new(seed);
	assert_int_equal(draw_order(seed, IDS, N, r), 0);
	for (size_t i = 0; i < N; i++) {
		crypto_generichash(want, sizeof(want),
		    (const unsigned char *)IDS[r[i].index],
		    strlen(IDS[r[i].index]), seed, sizeof(seed));
		assert_memory_equal(r[i].place, want, sizeof(want));
		assert_ptr_equal(r[i].id, IDS[r[i].index]);
		if (i > 0)
			assert_true(memcmp(r[i - 1].place, r[i].place,
			    DRAW_HASH_BYTES) < 0);
	}
}

/* The same seed and entries give the same order whatever order they came
 * in: arrival cannot matter. */
static void
test_order_ignores_arrival(void **state)
{
	unsigned char seed[DRAW_SEED_BYTES];
	const char *rev[N];
	struct draw_rank a[N], b[N];

	(void)state;
	draw_seed_new(seed);
	for (size_t i = 0; i < N; i++)
		rev[i] = IDS[N - 1 - i];
	assert_int_equal(draw_order(seed, IDS, N, a), 0);
	assert_int_equal(draw_order(seed, rev, N, b), 0);
	for (size_t i = 0; i < N; i++)
		assert_string_equal(a[i].id, b[i].id);
}

static void
test_order_refuses_a_missing_or_long_id(void **state)
{
	unsigned char seed[DRAW_SEED_BYTES] = { 0 };
	char longid[80];
	const char *ids[2] = { IDS[0], NULL };
	struct draw_rank r[2];

	(void)state;
	assert_int_equal(draw_order(seed, ids, 2, r), -1);
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	ids[1] = longid;
	assert_int_equal(draw_order(seed, ids, 2, r), -1);
}

/*
 * 20,000 draws of N entries under fresh seeds: for every entry, how often
 * it lands at each position. Uniform, each count is 2,000; the chi-square
 * statistic over the N x N table (81 degrees of freedom) stays under 150
 * (its 99.999th percentile is about 140), while an order that favours
 * anyone by even a few percent exceeds it by far.
 */
static void
test_every_position_equally_likely(void **state)
{
	enum { DRAWS = 20000 };
	static unsigned counts[N][N];
	unsigned char seed[DRAW_SEED_BYTES];
	struct draw_rank r[N];
	double expect = (double)DRAWS / N, chi = 0;

	(void)state;
	memset(counts, 0, sizeof(counts));
	for (int d = 0; d < DRAWS; d++) {
		draw_seed_new(seed);
		assert_int_equal(draw_order(seed, IDS, N, r), 0);
		for (size_t pos = 0; pos < N; pos++)
			counts[r[pos].index][pos]++;
	}
	for (size_t e = 0; e < N; e++)
		for (size_t pos = 0; pos < N; pos++) {
			double dev = counts[e][pos] - expect;

			chi += dev * dev / expect;
		}
	print_message("chi-square %.1f over %d draws\n", chi, DRAWS);
	assert_true(chi < 150.0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_hash_is_blake2b_of_the_seed),
		cmocka_unit_test(test_seeds_differ),
		cmocka_unit_test(test_order_is_keyed_hashes_sorted),
		cmocka_unit_test(test_order_ignores_arrival),
		cmocka_unit_test(test_order_refuses_a_missing_or_long_id),
		cmocka_unit_test(test_every_position_equally_likely),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
