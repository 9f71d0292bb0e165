/*
 * pidfile — the master's pid file (config pid_file): how `permitctl reload`
 * finds the master, and how a second master with the same file is refused.
 *
 * The file holds the master's pid and a newline. The master holds a POSIX
 * write lock (fcntl F_SETLK) on the whole file for as long as it runs. Such
 * a lock is not inherited across fork, so no worker ever holds it, and
 * F_GETLK tells anyone the pid of the process that does: permitctl sends its
 * SIGHUP only when that pid is the one written in the file. A file left by
 * a master that died holds no lock and is taken over.
 */
#ifndef PERMIT_FCGI_PIDFILE_H
#define PERMIT_FCGI_PIDFILE_H

#include <stddef.h>

/*
 * Opens (creating, mode 0644) the pid file at `path`, locks it and writes
 * this process's pid. 0 with *fd (keep it open: closing any descriptor of
 * the file releases the lock); -1 with the reason in err, naming the pid of
 * a live permitd that holds it.
 */
int fcgi_pidfile_take(const char *path, int *fd, char *err, size_t errlen);

/* At a clean exit: removes the file, then releases the lock. */
void fcgi_pidfile_drop(const char *path, int fd);

#endif
