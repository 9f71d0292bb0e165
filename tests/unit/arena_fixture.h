/*
 * A cmocka group fixture for unit tests that need a request arena: `a`,
 * fresh at group setup, freed (wiped) at teardown. Included by one test
 * program each; everything here is static.
 */
#ifndef PERMIT_TESTS_ARENA_FIXTURE_H
#define PERMIT_TESTS_ARENA_FIXTURE_H

#include "core/arena.h"

static arena *a;

static int
setup(void **state)
{
	(void)state;
	a = arena_new(4096);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(a);
	return 0;
}

#endif
