/*
 * metrics — the shared counters (contract in metrics.h).
 */
#include "core/metrics.h"

#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

const double metrics_bucket_le[METRICS_BUCKETS - 1] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
};

/* The region: what struct metrics_snapshot copies, atomically per field. */
struct metrics_region {
	_Atomic uint64_t counter[METRICS_COUNTERS];
	_Atomic uint64_t requests[METRICS_ROUTES][METRICS_STATUSES];
	_Atomic uint64_t bucket[METRICS_ROUTES][METRICS_BUCKETS];
	_Atomic uint64_t sum_us[METRICS_ROUTES];
	_Atomic uint64_t rate_limited[METRICS_LIMITS];
};

/* Process-wide: where the region is mapped, or NULL. Counts, never
 * request data. */
static struct metrics_region *metrics_shared;

int
metrics_map(void)
{
	void *p;

	if (metrics_shared != NULL)
		return 0;
	p = mmap(NULL, sizeof(*metrics_shared), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	metrics_shared = p;   /* anonymous memory comes zeroed */
	return 0;
}

void
metrics_unmap(void)
{
	if (metrics_shared == NULL)
		return;
	munmap(metrics_shared, sizeof(*metrics_shared));
	metrics_shared = NULL;
}

int
metrics_mapped(void)
{
	return metrics_shared != NULL;
}

static void
metrics_inc(_Atomic uint64_t *v, uint64_t n)
{
	atomic_fetch_add_explicit(v, n, memory_order_relaxed);
}

static uint64_t
metrics_load(const _Atomic uint64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

void
metrics_add(enum metrics_counter c, uint64_t n)
{
	if (metrics_shared != NULL && (size_t)c < METRICS_COUNTERS)
		metrics_inc(&metrics_shared->counter[c], n);
}

size_t
metrics_bucket(double seconds)
{
	size_t b = 0;

	while (b < METRICS_BUCKETS - 1 && seconds > metrics_bucket_le[b])
		b++;
	return b;
}

void
metrics_request(size_t route, size_t status, double seconds)
{
	struct metrics_region *r = metrics_shared;

	if (r == NULL || route >= METRICS_ROUTES || status >= METRICS_STATUSES)
		return;
	if (seconds < 0)
		seconds = 0;
	metrics_inc(&r->requests[route][status], 1);
	metrics_inc(&r->bucket[route][metrics_bucket(seconds)], 1);
	metrics_inc(&r->sum_us[route], (uint64_t)(seconds * 1e6 + 0.5));
}

void
metrics_rate_limited(size_t limit)
{
	if (metrics_shared != NULL && limit < METRICS_LIMITS)
		metrics_inc(&metrics_shared->rate_limited[limit], 1);
}

int
metrics_snapshot(struct metrics_snapshot *out)
{
	const struct metrics_region *r = metrics_shared;

	memset(out, 0, sizeof(*out));
	if (r == NULL)
		return -1;
	for (size_t i = 0; i < METRICS_COUNTERS; i++)
		out->counter[i] = metrics_load(&r->counter[i]);
	for (size_t i = 0; i < METRICS_ROUTES; i++) {
		for (size_t s = 0; s < METRICS_STATUSES; s++)
			out->requests[i][s] = metrics_load(&r->requests[i][s]);
		for (size_t b = 0; b < METRICS_BUCKETS; b++)
			out->bucket[i][b] = metrics_load(&r->bucket[i][b]);
		out->sum_us[i] = metrics_load(&r->sum_us[i]);
	}
	for (size_t i = 0; i < METRICS_LIMITS; i++)
		out->rate_limited[i] = metrics_load(&r->rate_limited[i]);
	return 0;
}
