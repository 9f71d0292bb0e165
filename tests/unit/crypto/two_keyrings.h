/*
 * A cmocka group fixture for crypto tests: two independent keyrings, each
 * fresh from keyring_init_file (so both have a KEK called k1), in a
 * temporary directory removed at teardown. Included by one test program
 * each; everything here is static.
 */
#ifndef PERMIT_TESTS_TWO_KEYRINGS_H
#define PERMIT_TESTS_TWO_KEYRINGS_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "crypto/keyring.h"

struct fx {
	char dir[64];
	char path_a[128], path_b[128];
	struct keyring *a, *b;
};

static int
two_keyrings_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	char err[256];

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/permitd-crypto-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path_a, sizeof(fx->path_a), "%s/a", fx->dir);
	snprintf(fx->path_b, sizeof(fx->path_b), "%s/b", fx->dir);
	assert_int_equal(keyring_init_file(fx->path_a, err, sizeof(err)), 0);
	assert_int_equal(keyring_init_file(fx->path_b, err, sizeof(err)), 0);
	assert_int_equal(keyring_load(fx->path_a, &fx->a, err, sizeof(err)), 0);
	assert_int_equal(keyring_load(fx->path_b, &fx->b, err, sizeof(err)), 0);
	*state = fx;
	return 0;
}

static int
two_keyrings_teardown(void **state)
{
	struct fx *fx = *state;

	keyring_free(fx->a);
	keyring_free(fx->b);
	unlink(fx->path_a);
	unlink(fx->path_b);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

#endif
