/*
 * exposition — the metrics in Prometheus' text exposition format (0.0.4),
 * as GET /metrics on metrics_listen answers them (fcgi/exporter.h).
 *
 * Every family has its HELP and TYPE lines; names follow Prometheus'
 * conventions (permitd_ prefix, base units: _seconds, counters _total).
 * Requests are counted by route (method and pattern, "GET
 * /api/v1/applications/{id}", never a path) and status; a route or status
 * pair appears once it has been counted. The latency histogram is per
 * route, its buckets cumulative, _count equal to the +Inf bucket.
 * Counters never go down while the master runs; a restart of permitd
 * starts them at 0, as Prometheus expects of counters.
 */
#ifndef PERMIT_FCGI_EXPOSITION_H
#define PERMIT_FCGI_EXPOSITION_H

#include <stddef.h>
#include <stdio.h>

#include "core/metrics.h"

/* What the master knows beside the counters. */
struct fcgi_expo_state {
	int workers;            /* live workers of the current configuration */
	int db_read;            /* 1: the database's state below was read at
	                         * the last try; 0: the gauges are left out */
	const char *mode;       /* the service mode: normal, read_only, closed */
	long long flags_open;   /* open flags (accounts under review) */
	long long holds;        /* holds awaiting payment */
};

/*
 * Writes the exposition of `s` and `st` to `out`. Route slot i < nroutes
 * is labelled routes[i]; slot nroutes is "unmatched" (no route took the
 * request). 0, or -1 when writing failed.
 */
int fcgi_exposition(FILE *out, const struct metrics_snapshot *s,
    const char *const *routes, size_t nroutes,
    const struct fcgi_expo_state *st);

#endif
