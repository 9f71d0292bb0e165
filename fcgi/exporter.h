/*
 * exporter — the master's Prometheus endpoint: GET /metrics on the
 * config's metrics_listen (unix:PATH or tcp:HOST:PORT), a listener of its
 * own for the monitoring network, never the web server's (off by default:
 * then nothing listens and no counters are mapped).
 *
 * The master serves it in its own loop, never blocking on it: the
 * listener and up to FCGI_EXPORTER_CONNS connections are non-blocking and
 * waited for in the same pselect() as the master's signals and timers
 * (fcgi_exporter_wait), so supervising the workers never waits on a
 * client. A connection has FCGI_EXPORTER_SECONDS for its whole exchange
 * and FCGI_SCRAPE_MAX bytes for its request (fcgi/scrape_parse.h), then is
 * closed; one answer per connection (Connection: close). GET /metrics is
 * 200 with the exposition (fcgi/exposition.h), any other target 404, any
 * other method 405, anything malformed 400.
 *
 * The counters are the shared region (core/metrics.h) the workers count
 * into; the database's own state (mode, flags, holds) is read by the
 * master every FCGI_EXPORTER_READ_EVERY seconds, and at once after a
 * reload (app_gauges_read: bounded by health_deadline), never on a
 * scrape's path: a scrape answers from what was last read.
 */
#ifndef PERMIT_FCGI_EXPORTER_H
#define PERMIT_FCGI_EXPORTER_H

#include <signal.h>
#include <stddef.h>
#include <time.h>

#include "core/config.h"

#define FCGI_EXPORTER_CONNS      4
#define FCGI_EXPORTER_SECONDS    5.0
#define FCGI_EXPORTER_READ_EVERY 10.0

struct app_service;
struct fcgi_exporter;

/*
 * Opens cfg's metrics_listen and maps the shared counters, before the
 * first worker is forked. *out is NULL when metrics_listen is unset. 0, or
 * -1 with the reason in err[errlen] (a bad or busy address, the FastCGI
 * socket's own address, no memory).
 */
int fcgi_exporter_open(const struct config *cfg, struct fcgi_exporter **out,
    char *err, size_t errlen);

/* Closes the listener and connections (a unix socket file is removed).
 * NULL allowed. */
void fcgi_exporter_close(struct fcgi_exporter *x);

/* In a newly forked worker: closes the inherited descriptors, touching
 * nothing the master still uses (no socket file removed). NULL allowed. */
void fcgi_exporter_forget(struct fcgi_exporter *x);

/*
 * The master's duties of the moment: the number of live workers to
 * report, and the database's state read when it is due (or `reread`: a
 * reload). NULL allowed (does nothing).
 */
void fcgi_exporter_tick(struct fcgi_exporter *x,
    const struct app_service *svc, int workers, int reread, double now);

/* After a reload: warns when metrics_listen changed (it needs a restart). */
void fcgi_exporter_reloaded(const struct fcgi_exporter *x,
    const struct config *cfg);

/*
 * pselect() with `mask` for at most `timeout` (shortened to the nearest
 * connection's deadline), on the listener and connections as well (none
 * when x is NULL); then accepts, reads, answers and closes what is ready
 * or late. Returns when a signal arrives, the time is up, or after one
 * round of work.
 */
void fcgi_exporter_wait(struct fcgi_exporter *x,
    const struct timespec *timeout, const sigset_t *mask);

#endif
