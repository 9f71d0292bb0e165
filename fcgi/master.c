#include "fcgi/master.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/monotime.h"
#include "fcgi/exporter.h"
#include "fcgi/listen.h"
#include "fcgi/notify.h"
#include "fcgi/worker.h"

#define FCGI_MAX_CHILDREN   1024
#define FCGI_QUICK_DEATH    1.0    /* seconds: a worker dying sooner crashed on start */
#define FCGI_BACKOFF_FIRST  0.1
#define FCGI_BACKOFF_MAX    5.0
#define FCGI_NUDGE_EVERY    0.5    /* re-send SIGTERM to stopping workers */
#define FCGI_TICK           1.0
#define FCGI_MAX_GENS       16     /* older worker generations still draining */

struct fcgi_child {
	pid_t pid;            /* 0: free slot */
	unsigned gen;         /* config generation it was started with */
	double started;
	double kill_at;       /* > 0: stopping; SIGKILL at this time */
};

/* An older generation of workers and the service they were started with:
 * kept until its last worker is gone, because its active KEK is one they
 * may still wrap new data keys under. */
struct fcgi_gen {
	unsigned gen;
	struct app_service *svc;
};

struct fcgi_master {
	const char *config_path;
	struct app_service **svc;     /* replaced on SIGHUP */
	const struct config *cfg;     /* *svc's */
	struct fcgi_gen old[FCGI_MAX_GENS];
	size_t nold;
	struct app_instance *self;    /* this master in the database */
	double next_announce;
	int announce_now;             /* the KEKs held or sealed under changed */
	/* The socket this master opened; a reload cannot move it. */
	char listen[CONFIG_STR];
	unsigned listen_mode;
	int listen_fd;
	unsigned gen;
	double backoff, next_spawn, last_nudge;
	double next_housekeep;        /* app_housekeep's next run */
	int draining;
	unsigned ready_gen;           /* gen + 1 once READY was sent for it */
	struct fcgi_exporter *exporter;   /* GET /metrics; NULL when off */
	int reloaded;                 /* the exporter rereads the database */
	struct fcgi_child kids[FCGI_MAX_CHILDREN];
};

static volatile sig_atomic_t fcgi_got_stop, fcgi_got_hup, fcgi_got_chld,
    fcgi_got_usr1, fcgi_got_usr2;

static void
fcgi_master_on_signal(int sig)
{
	if (sig == SIGHUP)
		fcgi_got_hup = 1;
	else if (sig == SIGCHLD)
		fcgi_got_chld = 1;
	else if (sig == SIGUSR1)
		fcgi_got_usr1 = 1;
	else if (sig == SIGUSR2)
		fcgi_got_usr2 = 1;
	else
		fcgi_got_stop = 1;
}

/* Handlers without SA_RESTART; the signals stay blocked outside pselect(). */
static void
fcgi_master_signals(sigset_t *waiting)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGUSR1,
	    SIGUSR2 };
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = fcgi_master_on_signal;
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&block, sigs[i]);
	}
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigprocmask(SIG_BLOCK, &block, waiting);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigdelset(waiting, sigs[i]);
}

static int
fcgi_master_live(const struct fcgi_master *m, int current_only)
{
	int n = 0;

	for (size_t i = 0; i < FCGI_MAX_CHILDREN; i++)
		if (m->kids[i].pid != 0 && (!current_only ||
		    (m->kids[i].gen == m->gen && m->kids[i].kill_at == 0)))
			n++;
	return n;
}

static void
fcgi_master_stop_child(struct fcgi_master *m, struct fcgi_child *c, double now)
{
	if (c->kill_at == 0)
		c->kill_at = now + m->cfg->drain_seconds;
	kill(c->pid, SIGTERM);
}

/* Forks one worker into slot `c`. */
static void
fcgi_master_fork(struct fcgi_master *m, struct fcgi_child *c, double now)
{
	pid_t pid = fork();

	if (pid < 0) {
		log_error("fork: %s", strerror(errno));
		m->next_spawn = now + FCGI_BACKOFF_MAX;
		return;
	}
	if (pid == 0) {
		fcgi_exporter_forget(m->exporter);
		exit(fcgi_worker_run(*m->svc, m->listen_fd));
	}
	c->pid = pid;
	c->gen = m->gen;
	c->started = now;
	c->kill_at = 0;
	log_debug("worker %ld started", (long)pid);
}

static void
fcgi_master_spawn(struct fcgi_master *m, double now)
{
	int missing = m->cfg->workers - fcgi_master_live(m, 1);

	for (size_t i = 0; i < FCGI_MAX_CHILDREN && missing > 0; i++) {
		if (now < m->next_spawn)
			return;
		if (m->kids[i].pid != 0)
			continue;
		fcgi_master_fork(m, &m->kids[i], now);
		missing--;
	}
	if (missing > 0)
		log_error("no slot for %d more workers", missing);
}

static struct fcgi_child *
fcgi_master_find(struct fcgi_master *m, pid_t pid)
{
	for (size_t i = 0; i < FCGI_MAX_CHILDREN; i++)
		if (m->kids[i].pid == pid)
			return &m->kids[i];
	return NULL;
}

/*
 * Logs how worker `pid` ended. `told`: it was told to stop (a drain, a
 * reload), and its end is news only if its sandbox killed it.
 */
static void
fcgi_master_log_end(pid_t pid, int status, int told)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		log_error("worker %ld killed by SIGSYS: it made a system call "
		    "its sandbox forbids (the kernel log names the call)",
		    (long)pid);
	else if (told)
		log_debug("worker %ld stopped", (long)pid);
	else if (WIFSIGNALED(status))
		log_warn("worker %ld killed by signal %d", (long)pid,
		    WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		log_warn("worker %ld exited with status %d", (long)pid,
		    WEXITSTATUS(status));
	else
		log_info("worker %ld recycled", (long)pid);
}

/* A worker ended with `status`: log it, and back off if it crashed on start. */
static void
fcgi_master_ended(struct fcgi_master *m, struct fcgi_child *c, int status,
    double now)
{
	int clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	int told = c->kill_at > 0 || m->draining;

	fcgi_master_log_end(c->pid, status, told);
	c->pid = 0;
	if (told)
		return;
	if (clean || now - c->started >= FCGI_QUICK_DEATH) {
		m->backoff = 0;
		return;
	}
	m->backoff = m->backoff == 0 ? FCGI_BACKOFF_FIRST :
	    (m->backoff * 2 > FCGI_BACKOFF_MAX ? FCGI_BACKOFF_MAX :
	    m->backoff * 2);
	m->next_spawn = now + m->backoff;
	log_warn("workers die on start; next in %.1fs", m->backoff);
}

/* A worker that ended unasked, into the metrics: it will be replaced. */
static void
fcgi_master_count_end(const struct fcgi_master *m, const struct fcgi_child *c,
    int status)
{
	if (c->kill_at > 0 || m->draining)
		return;
	metrics_add(WIFEXITED(status) && WEXITSTATUS(status) == 0 ?
	    METRICS_WORKERS_RECYCLED : METRICS_WORKERS_DIED, 1);
}

static void
fcgi_master_reap(struct fcgi_master *m, double now)
{
	struct fcgi_child *c;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if ((c = fcgi_master_find(m, pid)) != NULL) {
			fcgi_master_count_end(m, c, status);
			fcgi_master_ended(m, c, status, now);
		}
}

/* Stopping workers: SIGTERM again now and then, SIGKILL past their time. */
static void
fcgi_master_stragglers(struct fcgi_master *m, double now)
{
	int nudge = now - m->last_nudge >= FCGI_NUDGE_EVERY;

	for (size_t i = 0; i < FCGI_MAX_CHILDREN; i++) {
		struct fcgi_child *c = &m->kids[i];

		if (c->pid == 0 || c->kill_at == 0)
			continue;
		if (now >= c->kill_at) {
			log_warn("worker %ld did not finish in time; killed",
			    (long)c->pid);
			kill(c->pid, SIGKILL);
		} else if (nudge) {
			kill(c->pid, SIGTERM);
		}
	}
	if (nudge)
		m->last_nudge = now;
}

/* A configuration that turns the workers' sandbox off is said aloud. */
static void
fcgi_master_say_sandbox(const struct config *cfg)
{
	if (!cfg->sandbox)
		log_warn("sandbox = false: workers serve without their seccomp "
		    "filter");
}

static void
fcgi_master_drain(struct fcgi_master *m, double now)
{
	log_info("stopping: draining %d workers", fcgi_master_live(m, 0));
	fcgi_notify_stopping(fcgi_master_live(m, 0));
	m->draining = 1;
	m->last_nudge = now;
	for (size_t i = 0; i < FCGI_MAX_CHILDREN; i++)
		if (m->kids[i].pid != 0)
			fcgi_master_stop_child(m, &m->kids[i], now);
}

/* SIGHUP: new config and keys, a new generation of workers, old ones drain. */
static void
fcgi_master_reload(struct fcgi_master *m, double now)
{
	struct app_service *svc = NULL;
	const struct config *cfg;
	char err[512];

	if (m->nold == FCGI_MAX_GENS) {
		log_error("reload refused: %d older generations of workers are "
		    "still finishing their requests", FCGI_MAX_GENS);
		return;
	}
	if (app_load(m->config_path, &svc, err, sizeof(err)) != 0) {
		log_error("reload refused, keeping the running config: %s", err);
		return;
	}
	cfg = app_service_config(svc);
	if (!fcgi_listen_same(cfg->listen, m->listen) ||
	    cfg->listen_mode != m->listen_mode)
		log_warn("listen cannot change without a restart; still on %s",
		    m->listen);
	fcgi_notify_reloading();
	if (cfg->log_file[0] != '\0' && log_reopen(cfg->log_file) != 0)
		log_error("log_file %s: %s; logging on where it was",
		    cfg->log_file, strerror(errno));
	m->old[m->nold].gen = m->gen;
	m->old[m->nold++].svc = *m->svc;
	*m->svc = svc;
	m->announce_now = 1;
	m->cfg = cfg;
	m->gen++;
	m->backoff = 0;
	m->next_spawn = now;
	for (size_t i = 0; i < FCGI_MAX_CHILDREN; i++)
		if (m->kids[i].pid != 0 && m->kids[i].gen != m->gen)
			fcgi_master_stop_child(m, &m->kids[i], now);
	log_info("configuration reloaded; replacing workers");
	fcgi_master_say_sandbox(cfg);
	fcgi_exporter_reloaded(m->exporter, cfg);
	m->reloaded = 1;
}

/*
 * SIGUSR1: the log file starts anew (logrotate moved the old one away).
 * The master reopens it; its workers, which cannot open files once they
 * serve, are replaced by new ones that inherit it, each old one finishing
 * its request first. Without a log_file, logs go to stderr, and there is
 * nothing to reopen.
 */
static void
fcgi_master_reopen(struct fcgi_master *m, double now)
{
	if (m->cfg->log_file[0] == '\0') {
		log_info("SIGUSR1: logs go to stderr (no log_file); nothing to "
		    "reopen");
		return;
	}
	if (log_reopen(m->cfg->log_file) != 0) {
		log_error("log_file %s: %s; logging on where it was",
		    m->cfg->log_file, strerror(errno));
		return;
	}
	for (size_t i = 0; i < FCGI_MAX_CHILDREN; i++)
		if (m->kids[i].pid != 0 && m->kids[i].kill_at == 0)
			fcgi_master_stop_child(m, &m->kids[i], now);
	log_info("log file reopened; replacing workers");
}

/* Tells systemd the workers of this generation serve, once per generation. */
static void
fcgi_master_ready(struct fcgi_master *m)
{
	if (m->draining || m->ready_gen == m->gen + 1 ||
	    fcgi_master_live(m, 1) < m->cfg->workers)
		return;
	fcgi_notify_ready(m->listen, m->cfg->workers);
	m->ready_gen = m->gen + 1;
}

/* 1 while a worker of generation `gen` runs. */
static int
fcgi_master_gen_live(const struct fcgi_master *m, unsigned gen)
{
	for (size_t i = 0; i < FCGI_MAX_CHILDREN; i++)
		if (m->kids[i].pid != 0 && m->kids[i].gen == gen)
			return 1;
	return 0;
}

/* Frees the service of every older generation whose last worker is gone. */
static void
fcgi_master_forget_gens(struct fcgi_master *m)
{
	size_t i = 0;

	while (i < m->nold) {
		if (fcgi_master_gen_live(m, m->old[i].gen)) {
			i++;
			continue;
		}
		app_service_free(m->old[i].svc);
		m->old[i] = m->old[--m->nold];
		m->announce_now = 1;
	}
}

/* Tells the database what this master holds and seals under: at once when
 * that changed, else as a heartbeat. A database that is down costs at most
 * its connect timeout, once per heartbeat; serving goes on regardless. */
static void
fcgi_master_announce(struct fcgi_master *m, double now)
{
	const struct app_service *old[FCGI_MAX_GENS];

	if (!m->announce_now && now < m->next_announce)
		return;
	for (size_t i = 0; i < m->nold; i++)
		old[i] = m->old[i].svc;
	(void)app_instance_announce(m->self, *m->svc, old, m->nold);
	m->announce_now = 0;
	m->next_announce = monotime_now() + APP_INSTANCE_HEARTBEAT;
}

/* A clean exit: every worker is gone. */
static void
fcgi_master_end(struct fcgi_master *m)
{
	for (size_t i = 0; i < m->nold; i++)
		app_service_free(m->old[i].svc);
	m->nold = 0;
	app_instance_leave(m->self, *m->svc);
	app_instance_close(m->self);
	m->self = NULL;
}

/* Sleeps until a signal or the next timed duty, whichever comes first. */
static void
fcgi_master_wait(const struct fcgi_master *m, const sigset_t *waiting,
    double now)
{
	double wait = FCGI_TICK;
	struct timespec ts;

	if (fcgi_master_live(m, 0) > fcgi_master_live(m, 1) || m->draining)
		wait = FCGI_NUDGE_EVERY;
	if (!m->draining && m->next_spawn > now && m->next_spawn - now < wait)
		wait = m->next_spawn - now;
	ts.tv_sec = (time_t)wait;
	ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);
	fcgi_exporter_wait(m->exporter, &ts, waiting);
}

int
fcgi_master_run(const char *config_path, struct app_service **svc,
    int listen_fd)
{
	static struct fcgi_master m;
	sigset_t waiting;
	double now;
	char err[512];

	memset(&m, 0, sizeof(m));
	m.config_path = config_path;
	m.svc = svc;
	m.cfg = app_service_config(*svc);
	memcpy(m.listen, m.cfg->listen, sizeof(m.listen));
	m.listen_mode = m.cfg->listen_mode;
	m.listen_fd = listen_fd;
	if (fcgi_exporter_open(m.cfg, &m.exporter, err, sizeof(err)) != 0) {
		log_error("%s", err);
		return 1;
	}
	if (app_instance_open(&m.self) != 0) {
		fcgi_exporter_close(m.exporter);
		return 1;
	}
	m.announce_now = 1;
	fcgi_master_signals(&waiting);
	log_info("listening on %s with %d workers", m.listen, m.cfg->workers);
	fcgi_master_say_sandbox(m.cfg);
	for (;;) {
		now = monotime_now();
		fcgi_got_chld = 0;
		fcgi_master_reap(&m, now);
		fcgi_master_forget_gens(&m);
		if (fcgi_got_stop && !m.draining)
			fcgi_master_drain(&m, now);
		if (fcgi_got_hup && !m.draining)
			fcgi_master_reload(&m, now);
		if (fcgi_got_usr1 && !m.draining)
			fcgi_master_reopen(&m, now);
		if (fcgi_got_usr2)
			log_info("SIGUSR2 does nothing; ignored");
		fcgi_got_hup = fcgi_got_usr1 = fcgi_got_usr2 = 0;
		if (m.draining && fcgi_master_live(&m, 0) == 0)
			break;
		/* Before the first workers start: the database knows what they
		 * will seal under before any of them can. */
		fcgi_master_announce(&m, now);
		if (!m.draining)
			fcgi_master_spawn(&m, now);
		fcgi_master_ready(&m);
		fcgi_master_stragglers(&m, now);
		if (!m.draining)
			fcgi_exporter_tick(m.exporter, *m.svc,
			    fcgi_master_live(&m, 1), m.reloaded, now);
		m.reloaded = 0;
		if (!m.draining && now >= m.next_housekeep) {
			app_housekeep(*m.svc);
			m.next_housekeep = monotime_now() +
			    m.cfg->session_sweep_interval;
		}
		fcgi_master_wait(&m, &waiting, now);
	}
	fcgi_master_end(&m);
	fcgi_exporter_close(m.exporter);
	log_info("stopped");
	return 0;
}
