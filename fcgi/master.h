/*
 * master — the process that owns the config, the keyring and the listening
 * socket, and keeps cfg->workers workers running.
 *
 *   a worker dies        it is restarted (a death by SIGSYS, its sandbox's
 *                        verdict, is logged as an error even while it was
 *                        stopping); when workers die right after
 *                        starting, restarts back off (up to 5 s) so a crash
 *                        loop does not spin
 *   a worker recycles    (exit 0 after max_requests) a new one starts at once
 *   SIGTERM, SIGINT      drain: workers finish their request and exit; after
 *                        drain_seconds the rest are killed; returns 0
 *   SIGHUP               re-reads the config and the keyring (a bad one is
 *                        logged and the running one kept), starts new workers
 *                        with them and drains the old ones; `listen` cannot
 *                        change without a restart
 *
 * The master keeps its row in the database's instances table current
 * (app_instance_announce): which KEKs it holds, and which its workers wrap
 * new data keys under, that is the active KEK of the current generation and
 * of every older one still draining after a reload. It announces before the
 * first workers start, whenever that changes, and every
 * APP_INSTANCE_HEARTBEAT seconds; it leaves at a clean exit.
 * With metrics_listen set, the master also answers GET /metrics
 * (fcgi/exporter.h) in the same loop, never waiting on a client, and
 * counts the workers it replaces.
 * Signal handlers only set flags; the loop waits in pselect() with the
 * signals unblocked only there.
 */
#ifndef PERMIT_FCGI_MASTER_H
#define PERMIT_FCGI_MASTER_H

struct app_service;

/*
 * Runs until stopped. `*svc` (app/app.h) is the master's and is replaced on
 * SIGHUP (the old one is freed once its last worker is gone); the caller
 * frees the final *svc.
 * `config_path` is re-read on SIGHUP. Returns the exit status (0).
 */
int fcgi_master_run(const char *config_path, struct app_service **svc,
    int listen_fd);

#endif
