/*
 * app — the application layer's face to the edge (fcgi/): what permitd
 * loads, what each worker opens, and which routes exist (app/routes.h).
 * fcgi/ includes this, app/routes.h and pipe/pipe.h, and nothing below them.
 *
 * The one load sequence, for start-up, `permitd -t` and SIGHUP alike:
 * configuration, log level, keyring (docs/DESIGN.md invariant 9), and the
 * dummy password hash that sign-ins for unknown emails verify against, made
 * before any worker forks so none pays for it.
 */
#ifndef PERMIT_APP_APP_H
#define PERMIT_APP_APP_H

#include <stddef.h>

#include "core/config.h"
#include "pipe/pipe.h"

/* What the master holds and every worker inherits: opaque to the edge. */
struct app_service;

/*
 * Loads the configuration at `path` and the keyring it names, and applies
 * the configured log level. 0 with *out (owned by the caller, released with
 * app_service_free); -1 with the reason in err[errlen] (nothing applied).
 */
int app_load(const char *path, struct app_service **out, char *err,
    size_t errlen) __attribute__((warn_unused_result));

/* Wipes and releases what app_load made. NULL is allowed. */
void app_service_free(struct app_service *svc);

/* The loaded configuration; lives as long as `svc`. */
const struct config *app_service_config(const struct app_service *svc);

/*
 * A worker's context, opened after fork: the service's config and keyring
 * and the worker's own database handle (connected now if the database is
 * up; otherwise every request answers 503 until it is). 0, or -1 when the
 * handle cannot be made (logged). Close with app_ctx_close.
 */
int app_ctx_open(const struct app_service *svc, struct pipe_ctx *ctx)
    __attribute__((warn_unused_result));
void app_ctx_close(struct pipe_ctx *ctx);

/*
 * The master's periodic duties on the database, off the request path, every
 * session_sweep_interval: dead sessions, spent rate-limit rows and events
 * older than the flag rules look back are deleted, then holds past pay_by
 * settled (at most lapse_sweep_batch), each by one host at a time (an
 * advisory lock each). Connects for the occasion and disconnects, so no
 * connection is inherited by the workers forked later; every wait is
 * bounded by health_deadline, so a hung database delays the master that
 * long at most. Failures are logged.
 */
void app_housekeep(const struct app_service *svc);

/*
 * The opening draw's duties, part of app_housekeep (app/draw_master.c), on
 * its connection `db`: each coming day whose window opens within a day
 * gets its seed (fresh from libsodium, its hash public from then on), and
 * each draw whose draw_at has passed is run, by one master across all
 * hosts. Nothing when draw_minutes is 0. Failures are logged.
 */
struct db;
void app_draws(struct db *db, const struct config *c);

/*
 * The database's own state for the metrics (migrations/0024): the service
 * mode, the open flags and the holds awaiting payment. The master reads it
 * now and then while metrics_listen is on, in one anonymous transaction
 * on a connection of its own, released after each reading (no worker
 * forked later inherits the session); every wait is bounded by svc's
 * health_deadline, so a database that is down or hung delays the master
 * that long at most, and is logged once per outage.
 */
struct app_gauges {
	char mode[16];          /* normal, read_only or closed */
	long long flags_open;
	long long holds;
	struct db *db;          /* the reader's handle, or NULL */
	char conninfo[CONFIG_STR];   /* what it was opened with */
};

/* Reads into *g (zeroed by the caller before the first reading): 0, or
 * -1 (logged by db/) with the values left as they were. */
int app_gauges_read(struct app_gauges *g, const struct app_service *svc);

/* Closes the reader's handle; NULL allowed. */
void app_gauges_close(struct app_gauges *g);

/*
 * This master in the database (migrations/0006, table instances), so that
 * `permitctl keys retire` never retires a KEK a running permitd still wraps
 * new data keys under, and `keys rewrap` never moves data keys to a KEK a
 * running permitd cannot open with. The edge (fcgi/master.c) announces at
 * start, after every successful reload, whenever an older generation of
 * workers has gone, and every APP_INSTANCE_HEARTBEAT seconds (the database
 * stops counting a master it has not heard from for 30 s); and leaves at a
 * clean exit. Announcing never stops the master from serving: a database
 * that is down is logged (once per outage) and tried again at the next
 * heartbeat.
 */
#define APP_INSTANCE_HEARTBEAT 10.0   /* seconds */

struct app_instance;

/* This master: a random id, the host name, its pid and start time. 0 with
 * *out (the caller's; app_instance_close), or -1 out of memory (logged). */
int app_instance_open(struct app_instance **out)
    __attribute__((warn_unused_result));

/*
 * Records that this master holds the KEKs of `current` (the service its new
 * workers start with) and that its workers wrap new data keys under the
 * active KEK of `current` and of each of draining[0..n) (the services of
 * older worker generations still running). Connects with current's
 * `database`, writes and disconnects, so no worker forked later inherits
 * the session; every wait is bounded by current's health_deadline, so a
 * database that is down or hung delays the master that long at most. 0, or
 * -1 (logged).
 */
int app_instance_announce(struct app_instance *in,
    const struct app_service *current,
    const struct app_service *const *draining, size_t n);

/* Removes this master's row (a clean exit), with current's `database`. */
void app_instance_leave(struct app_instance *in,
    const struct app_service *current);

/* Releases `in`; NULL allowed. Does not touch the database. */
void app_instance_close(struct app_instance *in);

#endif
