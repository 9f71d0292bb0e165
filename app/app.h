/*
 * app — the application layer's face to the edge (fcgi/): what permitd
 * loads, what each worker opens, and which routes exist (app/routes.h).
 * fcgi/ includes this, app/routes.h and pipe/pipe.h, and nothing below them.
 *
 * The one load sequence, for start-up, `permitd -t` and SIGHUP alike:
 * configuration, log level, keyring (DESIGN.md invariant 9), and the dummy
 * password hash that sign-ins for unknown emails verify against, made
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
 * session_sweep_interval: dead sessions are deleted, by one host at a time
 * (an advisory lock). Connects
 * for the occasion and disconnects, so no connection is inherited by the
 * workers forked later; every wait is bounded by health_deadline, so a hung
 * database delays the master that long at most. Failures are logged.
 */
void app_housekeep(const struct app_service *svc);

#endif
