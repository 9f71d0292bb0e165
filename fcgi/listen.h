/*
 * listen — the socket the workers accept FastCGI connections on.
 *
 * The config's `listen` is one of:
 *   unix:PATH       a unix socket, mode `listen_mode`; a stale socket left by
 *                   a dead server is replaced, a live one is refused
 *   tcp:HOST:PORT   a TCP socket (HOST may be [v6])
 *   stdin           fd 0, already listening: spawned by the web server or
 *                   spawn-fcgi
 * Opened by the master before it forks; the workers inherit the descriptor.
 */
#ifndef PERMIT_FCGI_LISTEN_H
#define PERMIT_FCGI_LISTEN_H

#include <stddef.h>
#include <sys/types.h>

struct fcgi_listener {
	int fd;
	char path[108];     /* unix socket path, "" otherwise */
	dev_t dev;          /* the socket file we bound, to unlink only ours */
	ino_t ino;
};

/*
 * Opens the socket `spec` names (see above). 0 with *out filled, or -1 with
 * a message naming the address and the reason in err[errlen].
 */
int fcgi_listen_open(const char *spec, unsigned mode, struct fcgi_listener *out,
    char *err, size_t errlen);

/* 1 when `a` and `b` name the same socket (for SIGHUP: listen can't change). */
int fcgi_listen_same(const char *a, const char *b);

/* Closes the socket and removes the unix socket file if it is still ours. */
void fcgi_listen_close(struct fcgi_listener *l);

#endif
