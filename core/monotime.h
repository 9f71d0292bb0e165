/*
 * monotime — the monotonic clock, for deadlines and durations: it never
 * jumps when the wall clock is set.
 */
#ifndef PERMIT_CORE_MONOTIME_H
#define PERMIT_CORE_MONOTIME_H

/* CLOCK_MONOTONIC in seconds, from an arbitrary origin. */
double monotime_now(void);

#endif
