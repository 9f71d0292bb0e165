/*
 * worker — one pre-forked process serving one request at a time.
 *
 * Owns one database handle (serving 503 while the database is down), one
 * request arena (wiped and reset after every FCGX_Finish_r) and points
 * Jansson's allocator at that arena, so JSON values, including decrypted
 * plaintext copied into them, are wiped at request end (docs/DESIGN.md
 * invariant 5).
 *
 * Once all that is open, and before its first request, it enters its
 * sandbox (fcgi/sandbox.h) unless the configuration says `sandbox = false`;
 * a worker that cannot install the filter does not serve.
 *
 * SIGTERM or SIGINT: an idle worker leaves accept at once; a busy one
 * finishes its request first (the signals are blocked while it serves).
 */
#ifndef PERMIT_FCGI_WORKER_H
#define PERMIT_FCGI_WORKER_H

struct app_service;

/*
 * Serves requests on `listen_fd` until told to stop or after
 * the configuration's max_requests (0: no limit). Called in the child right after fork,
 * with the master's signal mask (its signals blocked). Returns the exit
 * status: 0 after a stop or a recycle, 1 when it could not start (no
 * database handle, no sandbox).
 */
int fcgi_worker_run(const struct app_service *svc, int listen_fd);

#endif
