/*
 * spent — time spent in cryptography (contract in spent.h).
 */
#include "crypto/spent.h"

#include "core/monotime.h"

/* Process-wide: a duration, never request data. */
static double spent_total;

double
spent_seconds(void)
{
	return spent_total;
}

double
spent_begin(void)
{
	return monotime_now();
}

void
spent_end(double started)
{
	spent_total += monotime_now() - started;
}
