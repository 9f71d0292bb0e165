#include "fcgi/worker.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <malloc.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <fcgiapp.h>
#include <jansson.h>
#include <sodium.h>

#include "app/app.h"
#include "core/arena.h"
#include "core/log.h"
#include "fcgi/request.h"
#include "fcgi/sandbox.h"
#include "fcgi/serve.h"

#define FCGI_ARENA_FIRST_CHUNK (128 * 1024)

/* Set by the signal handler; read by the accept loop. */
static volatile sig_atomic_t fcgi_worker_stop;

/*
 * The arena Jansson allocates from: this worker's request arena. It holds no
 * request data itself; what it points to is wiped at every reset.
 */
static arena *fcgi_json_arena;

static void
fcgi_worker_on_stop(int sig)
{
	(void)sig;
	fcgi_worker_stop = 1;
}

static void *
fcgi_json_malloc(size_t n)
{
	if (fcgi_json_arena == NULL) {
		log_error("Jansson used outside a request");
		abort();
	}
	return arena_alloc(fcgi_json_arena, n);
}

/* Arena memory is released, wiped, at the request's reset. */
static void
fcgi_json_free(void *p)
{
	(void)p;
}

/*
 * SIGTERM/SIGINT set the stop flag and interrupt accept (no SA_RESTART);
 * the mask `serving` blocks them while a request is served, `idle` lets
 * them in while waiting in accept.
 */
static void
fcgi_worker_signals(sigset_t *serving, sigset_t *idle)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = fcgi_worker_on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);
	/* The master's signals (permitd(8)); a worker sent one by mistake
	 * (kill -USR1 to the process group, say) must not die of it. */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	/* The only children are db/'s short-lived cancel requests: nobody
	 * waits for them, and they leave no zombie. */
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_flags = 0;
	sigprocmask(SIG_BLOCK, NULL, serving);
	sigaddset(serving, SIGTERM);
	sigaddset(serving, SIGINT);
	sigprocmask(SIG_SETMASK, serving, NULL);
	*idle = *serving;
	sigdelset(idle, SIGTERM);
	sigdelset(idle, SIGINT);
}

/* Waits for the next request. 0 with one accepted, -1 to stop. */
static int
fcgi_worker_accept(FCGX_Request *rq, const sigset_t *serving,
    const sigset_t *idle)
{
	int rc;

	sigprocmask(SIG_SETMASK, idle, NULL);
	rc = fcgi_worker_stop ? -EINTR : FCGX_Accept_r(rq);
	sigprocmask(SIG_SETMASK, serving, NULL);
	if (rc >= 0)
		return 0;
	if (rc != -EINTR)
		log_error("accept failed: %s", strerror(-rc));
	return -1;
}

/*
 * libfcgi frees the request's params (the session cookie, the CSRF header
 * among them) with plain free(); wipe them before FCGX_Finish_r does.
 */
static void
fcgi_worker_wipe_params(FCGX_Request *rq)
{
	for (char **e = rq->envp; e != NULL && *e != NULL; e++)
		sodium_memzero(*e, strlen(*e));
}

/*
 * Request data must not outlive its request in memory this code does not
 * own, nor reach a core file (docs/DESIGN.md invariant 5):
 * - M_PERTURB makes glibc overwrite memory as it is freed: libfcgi's stream
 *   buffers (the raw body, the response with opened fields) and libpq's
 *   result blocks. glibc's per-thread cache keeps small blocks (up to 1032
 *   bytes) unperturbed; the params, the small ones that matter, are wiped
 *   by fcgi_worker_wipe_params, and everything of ours lives in the arena.
 * - A worker is not dumpable and has no core size: an abort() on a broken
 *   invariant writes no plaintext to disk.
 */
static void
fcgi_worker_harden(void)
{
	const struct rlimit none = { 0, 0 };

#ifndef __SANITIZE_ADDRESS__   /* ASan owns malloc there, and poisons it */
	if (mallopt(M_PERTURB, 0x5a) != 1)
		log_warn("cannot make freed memory perturbed");
#endif
	if (prctl(PR_SET_DUMPABLE, 0) != 0 || setrlimit(RLIMIT_CORE, &none) != 0)
		log_warn("cannot disable core dumps: %s", strerror(errno));
}

/*
 * Everything the worker opens is open: from here on it lives in its
 * seccomp filter (fcgi/sandbox.h), unless the configuration turned it off.
 * 0, or -1 (logged) when the filter cannot be installed: the worker must
 * not serve without it.
 */
static int
fcgi_worker_sandbox(const struct config *cfg)
{
	char err[256];

	if (!cfg->sandbox || fcgi_sandbox_enter(err, sizeof(err)) == 0)
		return 0;
	log_error("no sandbox, not serving: %s", err);
	return -1;
}

/* The accept loop; returns the number of requests served. */
static long
fcgi_worker_loop(FCGX_Request *rq, struct pipe_ctx *ctx, arena *a)
{
	sigset_t serving, idle;
	long served = 0;

	fcgi_worker_signals(&serving, &idle);
	while (!fcgi_worker_stop &&
	    (ctx->cfg->max_requests == 0 || served < ctx->cfg->max_requests)) {
		if (fcgi_worker_accept(rq, &serving, &idle) != 0)
			break;
		fcgi_json_arena = a;
		fcgi_serve(rq, ctx, a);
		fcgi_worker_wipe_params(rq);
		/* The whole request was read: close the connection at once
		 * (the web server reads the response, then the end). */
		if (fcgi_request_drained(rq->in))
			FCGX_Detach(rq);
		FCGX_Finish_r(rq);
		arena_reset(a);
		fcgi_json_arena = NULL;   /* JSON outside a request is a bug */
		served++;
	}
	return served;
}

int
fcgi_worker_run(const struct app_service *svc, int listen_fd)
{
	struct pipe_ctx ctx = { 0 };
	FCGX_Request rq;
	arena *a = NULL;
	long served;
	int rc = 1;

	/* A worker never outlives its master. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	fcgi_worker_harden();
	if (FCGX_Init() != 0 || FCGX_InitRequest(&rq, listen_fd,
	    FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_error("libfcgi failed to initialise");
		return 1;
	}
	a = arena_new(FCGI_ARENA_FIRST_CHUNK);
	json_set_alloc_funcs(fcgi_json_malloc, fcgi_json_free);
	if (app_ctx_open(svc, &ctx) != 0 || fcgi_worker_sandbox(ctx.cfg) != 0)
		goto out;
	served = fcgi_worker_loop(&rq, &ctx, a);
	log_debug("worker leaves after %ld requests", served);
	rc = 0;
out:
	app_ctx_close(&ctx);
	FCGX_Free(&rq, 1);
	arena_free(a);
	fcgi_json_arena = NULL;
	return rc;
}
