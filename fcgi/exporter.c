/*
 * exporter — GET /metrics in the master's loop (contract in exporter.h).
 */
#include "fcgi/exporter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app/app.h"
#include "app/routes.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/monotime.h"
#include "fcgi/exposition.h"
#include "fcgi/listen.h"
#include "fcgi/scrape_parse.h"

/* Route labels: "METHOD pattern". */
#define FCGI_ROUTE_LABEL 160

struct fcgi_scrape_conn {
	int fd;                      /* -1: a free slot */
	double deadline;             /* closed at this time, whatever its state */
	size_t got;
	char in[FCGI_SCRAPE_MAX];    /* the request read so far */
	char *out;                   /* the answer (malloc'd), NULL while reading */
	size_t outlen, sent;
};

struct fcgi_exporter {
	struct fcgi_listener listener;
	char spec[CONFIG_STR];
	struct fcgi_scrape_conn conn[FCGI_EXPORTER_CONNS];
	struct fcgi_expo_state state;
	struct app_gauges gauges;
	double next_read;
	char routes[METRICS_ROUTES][FCGI_ROUTE_LABEL];
	const char *route_ptr[METRICS_ROUTES];
	size_t nroutes;
};

static const char fcgi_exporter_404[] =
    "HTTP/1.1 404 Not Found\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 10\r\nConnection: close\r\n\r\nnot found\n";
static const char fcgi_exporter_405[] =
    "HTTP/1.1 405 Method Not Allowed\r\nAllow: GET\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 19\r\nConnection: close\r\n\r\nmethod not allowed\n";
static const char fcgi_exporter_400[] =
    "HTTP/1.1 400 Bad Request\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 12\r\nConnection: close\r\n\r\nbad request\n";
static const char fcgi_exporter_500[] =
    "HTTP/1.1 500 Internal Server Error\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 15\r\nConnection: close\r\n\r\ninternal error\n";

/* The route labels, once: the table is fixed for the binary's life. */
static void
fcgi_exporter_routes(struct fcgi_exporter *x)
{
	size_t n;
	const struct pipe_route *table = app_routes(&n);

	for (size_t i = 0; i < n && i < METRICS_ROUTES - 1; i++) {
		snprintf(x->routes[i], FCGI_ROUTE_LABEL, "%s %s",
		    table[i].method, table[i].pattern);
		x->route_ptr[i] = x->routes[i];
		x->nroutes = i + 1;
	}
}

int
fcgi_exporter_open(const struct config *cfg, struct fcgi_exporter **out,
    char *err, size_t errlen)
{
	struct fcgi_exporter *x;
	const char *spec = cfg->metrics_listen;

	*out = NULL;
	if (*spec == '\0')
		return 0;
	if (strncmp(spec, "unix:", 5) != 0 && strncmp(spec, "tcp:", 4) != 0) {
		snprintf(err, errlen, "metrics_listen %s: expected unix:PATH or "
		    "tcp:HOST:PORT", spec);
		return -1;
	}
	if (strcmp(spec, cfg->listen) == 0) {
		snprintf(err, errlen, "metrics_listen %s: that is `listen`, the "
		    "web server's socket", spec);
		return -1;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL || metrics_map() != 0) {
		snprintf(err, errlen, "metrics: out of memory");
		free(x);
		return -1;
	}
	if (fcgi_listen_open(spec, cfg->listen_mode, &x->listener, err,
	    errlen) != 0 || fcntl(x->listener.fd, F_SETFL, O_NONBLOCK) != 0) {
		if (x->listener.fd >= 0)
			fcgi_listen_close(&x->listener);
		metrics_unmap();
		free(x);
		return -1;
	}
	snprintf(x->spec, sizeof(x->spec), "%s", spec);
	for (size_t i = 0; i < FCGI_EXPORTER_CONNS; i++)
		x->conn[i].fd = -1;
	fcgi_exporter_routes(x);
	log_info("metrics on %s", spec);
	*out = x;
	return 0;
}

static void
fcgi_conn_close(struct fcgi_scrape_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	c->out = NULL;
	c->fd = -1;
}

void
fcgi_exporter_close(struct fcgi_exporter *x)
{
	if (x == NULL)
		return;
	for (size_t i = 0; i < FCGI_EXPORTER_CONNS; i++)
		fcgi_conn_close(&x->conn[i]);
	fcgi_listen_close(&x->listener);
	app_gauges_close(&x->gauges);
	metrics_unmap();
	free(x);
}

void
fcgi_exporter_forget(struct fcgi_exporter *x)
{
	if (x == NULL)
		return;
	for (size_t i = 0; i < FCGI_EXPORTER_CONNS; i++)
		if (x->conn[i].fd >= 0)
			close(x->conn[i].fd);
	close(x->listener.fd);
}

void
fcgi_exporter_tick(struct fcgi_exporter *x, const struct app_service *svc,
    int workers, int reread, double now)
{
	if (x == NULL)
		return;
	x->state.workers = workers;
	if (!reread && now < x->next_read)
		return;
	x->state.db_read = app_gauges_read(&x->gauges, svc) == 0;
	x->state.mode = x->gauges.mode;
	x->state.flags_open = x->gauges.flags_open;
	x->state.holds = x->gauges.holds;
	x->next_read = monotime_now() + FCGI_EXPORTER_READ_EVERY;
}

void
fcgi_exporter_reloaded(const struct fcgi_exporter *x,
    const struct config *cfg)
{
	const char *was = x != NULL ? x->spec : "";

	if (strcmp(was, cfg->metrics_listen) != 0)
		log_warn("metrics_listen cannot change without a restart; "
		    "still %s", *was != '\0' ? was : "off");
}

/* The exposition, after a 200 head, into c->out. 0, or -1. */
static int
fcgi_exporter_render(struct fcgi_exporter *x, struct fcgi_scrape_conn *c)
{
	struct metrics_snapshot *s = malloc(sizeof(*s));
	char *body = NULL, head[256];
	size_t len = 0;
	FILE *f = NULL;
	int rc = -1, n;

	if (s == NULL || metrics_snapshot(s) != 0 ||
	    (f = open_memstream(&body, &len)) == NULL)
		goto out;
	n = fcgi_exposition(f, s, x->route_ptr, x->nroutes, &x->state);
	if (fclose(f) != 0 || n != 0) {
		f = NULL;
		goto out;
	}
	f = NULL;
	n = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n"
	    "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
	    "Cache-Control: no-store\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n", len);
	if (n < 0 || (size_t)n >= sizeof(head) ||
	    (c->out = malloc((size_t)n + len)) == NULL)
		goto out;
	memcpy(c->out, head, (size_t)n);
	memcpy(c->out + n, body, len);
	c->outlen = (size_t)n + len;
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	free(body);
	free(s);
	return rc;
}

/* A static answer into c->out. */
static int
fcgi_exporter_static(struct fcgi_scrape_conn *c, const char *text)
{
	c->outlen = strlen(text);
	if ((c->out = malloc(c->outlen)) == NULL)
		return -1;
	memcpy(c->out, text, c->outlen);
	return 0;
}

/* The answer to what c->in holds, once it is whole: c->out set. */
static void
fcgi_exporter_answer(struct fcgi_exporter *x, struct fcgi_scrape_conn *c,
    enum fcgi_scrape_verdict v)
{
	int rc;

	switch (v) {
	case FCGI_SCRAPE_METRICS:
		rc = fcgi_exporter_render(x, c);
		break;
	case FCGI_SCRAPE_NOT_FOUND:
		rc = fcgi_exporter_static(c, fcgi_exporter_404);
		break;
	case FCGI_SCRAPE_BAD_METHOD:
		rc = fcgi_exporter_static(c, fcgi_exporter_405);
		break;
	default:
		rc = fcgi_exporter_static(c, fcgi_exporter_400);
		break;
	}
	if (rc != 0) {
		free(c->out);
		c->out = NULL;
		log_error("cannot make the metrics' answer");
		if (fcgi_exporter_static(c, fcgi_exporter_500) != 0)
			fcgi_conn_close(c);
	}
	c->sent = 0;
}

/* Sends what the socket takes; closes the connection once all is sent or
 * the client is gone. */
static void
fcgi_conn_write(struct fcgi_scrape_conn *c)
{
	ssize_t n;

	while (c->sent < c->outlen) {
		n = send(c->fd, c->out + c->sent, c->outlen - c->sent,
		    MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0)
			break;
		c->sent += (size_t)n;
	}
	shutdown(c->fd, SHUT_WR);
	fcgi_conn_close(c);
}

/* Reads what is there; answers once the request is whole or refused. */
static void
fcgi_conn_read(struct fcgi_exporter *x, struct fcgi_scrape_conn *c)
{
	enum fcgi_scrape_verdict v;
	ssize_t n;

	do
		n = recv(c->fd, c->in + c->got, sizeof(c->in) - c->got, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		fcgi_conn_close(c);   /* gone before it asked */
		return;
	}
	c->got += (size_t)n;
	if ((v = fcgi_scrape_parse(c->in, c->got)) == FCGI_SCRAPE_MORE)
		return;
	fcgi_exporter_answer(x, c, v);
	if (c->fd >= 0)
		fcgi_conn_write(c);
}

/* New connections into free slots; a surplus waits in the backlog. */
static void
fcgi_exporter_accept(struct fcgi_exporter *x, double now)
{
	for (size_t i = 0; i < FCGI_EXPORTER_CONNS; i++) {
		struct fcgi_scrape_conn *c = &x->conn[i];
		int fd;

		if (c->fd >= 0)
			continue;
		if ((fd = accept(x->listener.fd, NULL, NULL)) < 0)
			return;   /* EAGAIN: no one else waiting */
		if (fd >= FD_SETSIZE || fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
			close(fd);
			return;
		}
		c->fd = fd;
		c->got = 0;
		c->deadline = now + FCGI_EXPORTER_SECONDS;
	}
}

/* The descriptors to wait for; the nearest deadline into *soonest. */
static int
fcgi_exporter_fds(const struct fcgi_exporter *x, fd_set *r, fd_set *w,
    double *soonest)
{
	int max = -1, room = 0;

	for (size_t i = 0; i < FCGI_EXPORTER_CONNS; i++) {
		const struct fcgi_scrape_conn *c = &x->conn[i];

		if (c->fd < 0) {
			room = 1;
			continue;
		}
		FD_SET(c->fd, c->out != NULL ? w : r);
		max = c->fd > max ? c->fd : max;
		if (*soonest <= 0 || c->deadline < *soonest)
			*soonest = c->deadline;
	}
	if (room) {
		FD_SET(x->listener.fd, r);
		max = x->listener.fd > max ? x->listener.fd : max;
	}
	return max;
}

/* `timeout`, cut to end at `deadline` (when > 0) at the latest. */
static struct timespec
fcgi_exporter_until(const struct timespec *timeout, double deadline,
    double now)
{
	struct timespec ts = *timeout;
	double left;

	if (deadline <= 0)
		return ts;
	left = deadline - now;
	if (left < 0)
		left = 0;
	if (left < (double)ts.tv_sec + (double)ts.tv_nsec / 1e9) {
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
	}
	return ts;
}

void
fcgi_exporter_wait(struct fcgi_exporter *x, const struct timespec *timeout,
    const sigset_t *mask)
{
	fd_set r, w;
	struct timespec ts;
	double soonest = 0, now;
	int max, n;

	if (x == NULL) {
		pselect(0, NULL, NULL, NULL, timeout, mask);
		return;
	}
	FD_ZERO(&r);
	FD_ZERO(&w);
	max = fcgi_exporter_fds(x, &r, &w, &soonest);
	ts = fcgi_exporter_until(timeout, soonest, monotime_now());
	n = pselect(max + 1, &r, &w, NULL, &ts, mask);
	now = monotime_now();
	for (size_t i = 0; n > 0 && i < FCGI_EXPORTER_CONNS; i++) {
		struct fcgi_scrape_conn *c = &x->conn[i];

		if (c->fd >= 0 && c->out == NULL && FD_ISSET(c->fd, &r))
			fcgi_conn_read(x, c);
		else if (c->fd >= 0 && c->out != NULL && FD_ISSET(c->fd, &w))
			fcgi_conn_write(c);
	}
	if (n > 0 && FD_ISSET(x->listener.fd, &r))
		fcgi_exporter_accept(x, now);
	for (size_t i = 0; i < FCGI_EXPORTER_CONNS; i++)
		if (x->conn[i].fd >= 0 && now >= x->conn[i].deadline)
			fcgi_conn_close(&x->conn[i]);
}
