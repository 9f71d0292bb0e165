#include "fcgi/listen.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/*
 * Connections the kernel queues for the workers to accept. A burst of
 * citizens (an office's day opening) is far more than the workers: the
 * rest must wait in this queue for the deadline, not be refused, and a
 * full queue on a Unix socket refuses at once (the web server then answers
 * 502, which nginx turns into 503). The kernel caps it at
 * net.core.somaxconn.
 */
#define FCGI_LISTEN_BACKLOG SOMAXCONN

/* 0 when `path` is free to bind: absent, or a socket nobody answers on. */
static int
fcgi_listen_unstale(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, rc = -1;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s: exists and is not a socket", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		snprintf(err, errlen, "%s: a running server is listening on it",
		    path);
	else if (errno != ECONNREFUSED)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	else if (unlink(path) != 0)
		snprintf(err, errlen, "%s: cannot remove stale socket: %s", path,
		    strerror(errno));
	else
		rc = 0;
	close(fd);
	return rc;
}

static int
fcgi_listen_unix(const char *path, unsigned mode, struct fcgi_listener *out,
    char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd, rc;

	if (*path == '\0' || strlen(path) >= sizeof(sa.sun_path) ||
	    strlen(path) >= sizeof(out->path)) {
		snprintf(err, errlen, "unix:%s: path empty or too long", path);
		return -1;
	}
	if (fcgi_listen_unstale(path, err, errlen) != 0)
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* The socket is born with `mode`, never wider, even for an instant. */
	old = umask(~(mode_t)mode & 0777);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc != 0 || chmod(path, (mode_t)mode) != 0 ||
	    listen(fd, FCGI_LISTEN_BACKLOG) != 0 || stat(path, &st) != 0) {
		snprintf(err, errlen, "unix:%s: %s", path, strerror(errno));
		if (rc == 0)
			unlink(path);
		close(fd);
		return -1;
	}
	out->fd = fd;
	memcpy(out->path, path, strlen(path) + 1);
	out->dev = st.st_dev;
	out->ino = st.st_ino;
	return 0;
}

/* Splits "HOST:PORT" or "[V6]:PORT" into host[] and port[]. */
static int
fcgi_listen_split(const char *hp, char *host, size_t hostlen, const char **port)
{
	const char *colon = strrchr(hp, ':');
	size_t len;

	if (colon == NULL || colon[1] == '\0')
		return -1;
	len = (size_t)(colon - hp);
	if (len >= 2 && hp[0] == '[' && hp[len - 1] == ']') {
		hp++;
		len -= 2;
	}
	if (len == 0 || len >= hostlen)
		return -1;
	memcpy(host, hp, len);
	host[len] = '\0';
	*port = colon + 1;
	return 0;
}

static int
fcgi_listen_tcp(const char *hp, struct fcgi_listener *out, char *err,
    size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
	    .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	struct addrinfo *res = NULL, *ai;
	const char *port;
	char host[256];
	int fd = -1, one = 1, gai;

	if (fcgi_listen_split(hp, host, sizeof(host), &port) != 0) {
		snprintf(err, errlen, "tcp:%s: expected tcp:HOST:PORT", hp);
		return -1;
	}
	if ((gai = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "tcp:%s: %s", hp, gai_strerror(gai));
		return -1;
	}
	snprintf(err, errlen, "tcp:%s: no usable address", hp);
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype, 0)) < 0)
			continue;
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
		    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
		    listen(fd, FCGI_LISTEN_BACKLOG) != 0) {
			snprintf(err, errlen, "tcp:%s: %s", hp, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		return -1;
	out->fd = fd;
	return 0;
}

/* fd 0 must be a listening socket handed over by whoever started us. */
static int
fcgi_listen_stdin(struct fcgi_listener *out, char *err, size_t errlen)
{
	int listening = 0;
	socklen_t len = sizeof(listening);

	if (getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 ||
	    !listening) {
		snprintf(err, errlen,
		    "stdin: fd 0 is not a listening socket (start permitd from "
		    "the web server or spawn-fcgi, or set listen)");
		return -1;
	}
	out->fd = 0;
	return 0;
}

int
fcgi_listen_open(const char *spec, unsigned mode, struct fcgi_listener *out,
    char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (strncmp(spec, "unix:", 5) == 0)
		return fcgi_listen_unix(spec + 5, mode, out, err, errlen);
	if (strncmp(spec, "tcp:", 4) == 0)
		return fcgi_listen_tcp(spec + 4, out, err, errlen);
	if (strcmp(spec, "stdin") == 0)
		return fcgi_listen_stdin(out, err, errlen);
	snprintf(err, errlen, "listen %s: expected unix:PATH, tcp:HOST:PORT or "
	    "stdin", spec);
	return -1;
}

int
fcgi_listen_same(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

void
fcgi_listen_close(struct fcgi_listener *l)
{
	struct stat st;

	if (l->fd > 0)
		close(l->fd);
	l->fd = -1;
	if (l->path[0] != '\0' && stat(l->path, &st) == 0 &&
	    st.st_dev == l->dev && st.st_ino == l->ino)
		unlink(l->path);
	l->path[0] = '\0';
}
