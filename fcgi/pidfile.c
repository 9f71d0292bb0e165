#include "fcgi/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

/* A write lock over the whole file. */
static struct flock
fcgi_pidfile_whole(void)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	return fl;
}

/* The lock, or -1 with err naming who holds it. */
static int
fcgi_pidfile_lock(const char *path, int fd, char *err, size_t errlen)
{
	struct flock fl = fcgi_pidfile_whole();

	if (fcntl(fd, F_SETLK, &fl) == 0)
		return 0;
	if (errno != EACCES && errno != EAGAIN) {
		snprintf(err, errlen, "%s: lock: %s", path, strerror(errno));
		return -1;
	}
	fl = fcgi_pidfile_whole();
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		snprintf(err, errlen, "%s: held by a running permitd (pid %ld); "
		    "refusing to start a second one with the same pid_file",
		    path, (long)fl.l_pid);
	else
		snprintf(err, errlen, "%s: held by a running permitd; refusing "
		    "to start a second one with the same pid_file", path);
	return -1;
}

/* 1 when `fd` is still the file at `path` (a master that exited may have
 * unlinked it between our open and our lock). */
static int
fcgi_pidfile_current(const char *path, int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The file at `path`, open and locked. -1 with err. */
static int
fcgi_pidfile_open_locked(const char *path, int *fdp, char *err, size_t errlen)
{
	for (int tries = 0; tries < 10; tries++) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
		    O_NOCTTY, 0644);

		if (fd < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (fcgi_pidfile_lock(path, fd, err, errlen) != 0) {
			close(fd);
			return -1;
		}
		if (fcgi_pidfile_current(path, fd)) {
			*fdp = fd;
			return 0;
		}
		close(fd);
	}
	snprintf(err, errlen, "%s: keeps being replaced", path);
	return -1;
}

int
fcgi_pidfile_take(const char *path, int *fdp, char *err, size_t errlen)
{
	char line[32];
	int fd, n;

	if (fcgi_pidfile_open_locked(path, &fd, err, errlen) != 0)
		return -1;
	n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, line, (size_t)n, 0) != n) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	*fdp = fd;
	return 0;
}

void
fcgi_pidfile_drop(const char *path, int fd)
{
	if (fd < 0)
		return;
	/* Unlinked while still locked, so no second master can take the
	 * file between the two and lose it to this unlink. */
	if (unlink(path) != 0)
		log_warn("%s: %s", path, strerror(errno));
	close(fd);
}
