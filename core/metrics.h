/*
 * metrics — the counters permitd exports to Prometheus (GET /metrics on
 * the master's metrics_listen, fcgi/exporter.h), shared by the master and
 * every worker.
 *
 * The master maps one region (MAP_SHARED | MAP_ANONYMOUS) before it forks
 * its first worker (metrics_map); every process forked after that counts
 * into the same memory with C11 atomics (relaxed: each counter is
 * independent, and a scrape needs no ordering between them), and the
 * master copies it out to answer a scrape (metrics_snapshot). Without a
 * region (permitctl, the tests, permitd before the map, metrics_listen
 * off) counting does nothing: no region is mapped when nobody can read it.
 *
 * The region holds counts only: no request data, nothing of any account.
 * Its dimensions are fixed, each the bound of a closed set that lives
 * elsewhere and asserts at compile time that it fits: the routes
 * (app/routes.c, plus one slot for requests no route matched), the
 * statuses permitd answers (fcgi/respond.c) and the rate-limit classes
 * (enum pipe_limit). What each slot is called is the exporter's business
 * (fcgi/exposition.h).
 */
#ifndef PERMIT_CORE_METRICS_H
#define PERMIT_CORE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#define METRICS_ROUTES    64   /* route slots, the unmatched one included */
#define METRICS_STATUSES  24   /* status slots */
#define METRICS_LIMITS    8    /* rate-limit classes */
#define METRICS_BUCKETS   12   /* latency buckets, the last one +Inf */

/* Upper bounds (seconds) of the latency buckets but the last (+Inf):
 * Prometheus' defaults, from 5 ms to 10 s. */
extern const double metrics_bucket_le[METRICS_BUCKETS - 1];

enum metrics_counter {
	METRICS_DB_FAILED,          /* a statement the database failed */
	METRICS_DB_REFUSED,         /* refused for now: a timeout, a lock,
	                             * a deadlock, a read-only server */
	METRICS_DB_LOST,            /* the connection was lost mid-exchange */
	METRICS_DB_DEADLINE,        /* no answer within the deadline */
	METRICS_DB_CONNECT_FAILED,  /* a connection attempt that failed (a
	                             * standby's look for a read-write server
	                             * finding none is not one) */
	METRICS_DB_STANDBY,         /* reads went to a read-only server, no
	                             * read-write one found */
	METRICS_DB_RECONNECTS,      /* a connection made again after a failure */
	METRICS_WORKERS_DIED,       /* a worker that crashed or was killed */
	METRICS_WORKERS_RECYCLED,   /* a worker that left after max_requests */
	METRICS_BOOKINGS_TAKEN,     /* holds made */
	METRICS_BOOKINGS_LAPSED,    /* holds settled as lapsed by the sweep */
	METRICS_BOOKINGS_CONFIRMED, /* holds confirmed by a payment */
	METRICS_COUNTERS
};

/*
 * Maps the region (zeroed) for this process and the children it forks
 * from now on. 0, or -1 when mmap failed (errno set). A second call keeps
 * the region mapped.
 */
int metrics_map(void);

/* Unmaps it; counting does nothing again. */
void metrics_unmap(void);

/* 1 while a region is mapped. */
int metrics_mapped(void);

/* Adds `n` to counter `c`. */
void metrics_add(enum metrics_counter c, uint64_t n);

/* One request answered: route slot `route`, status slot `status`, after
 * `seconds`. Slots out of range are a programming error: ignored. */
void metrics_request(size_t route, size_t status, double seconds);

/* One request refused by the rate limits of class `limit`. */
void metrics_rate_limited(size_t limit);

/* The bucket a duration of `seconds` falls in (0 .. METRICS_BUCKETS-1). */
size_t metrics_bucket(double seconds);

/* A copy of the region at one moment (each counter read atomically; the
 * copy as a whole is not one instant). Buckets are per bucket, not
 * cumulative; the sum is in microseconds. */
struct metrics_snapshot {
	uint64_t counter[METRICS_COUNTERS];
	uint64_t requests[METRICS_ROUTES][METRICS_STATUSES];
	uint64_t bucket[METRICS_ROUTES][METRICS_BUCKETS];
	uint64_t sum_us[METRICS_ROUTES];
	uint64_t rate_limited[METRICS_LIMITS];
};

/* Fills *out: 0, or -1 (and *out zeroed) when no region is mapped. */
int metrics_snapshot(struct metrics_snapshot *out);

#endif
