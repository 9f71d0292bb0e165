/*
 * permitctl reload — SIGHUP to the permitd master of this configuration,
 * found through its pid file (config pid_file; fcgi/pidfile.h), never to a
 * worker or to another instance. The master holds a POSIX lock on the file
 * for as long as it runs; the signal goes only to the pid that F_GETLK says
 * holds it, when the file names that same pid and it runs a program called
 * permitd. Then it waits until every worker that ran before the signal has
 * gone (the master replaces them with workers holding the new keyring and
 * tells the database), or says that the reload did not happen.
 *
 *   permitctl [-c CONFIG] reload [--timeout SECONDS]
 *
 * SECONDS defaults to the configuration's drain_seconds plus 5.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/monotime.h"

#define CLI_RELOAD_MAX_CHILDREN 1024
#define CLI_RELOAD_POLL_US (100 * 1000)

const char cli_reload_help[] =
    "usage: permitctl [-c CONFIG] reload [--timeout SECONDS]\n"
    "\n"
    "  Sends SIGHUP to the permitd master named by the config's pid_file,\n"
    "  then waits until every worker runs the reloaded keyring and config.\n"
    "  --timeout SECONDS    how long to wait for the workers (default: the\n"
    "                       config's drain_seconds + 5)\n"
    "  -h, --help           this text\n";

/* The pid in the file open on fd ("PID\n"), or -1. */
static long
cli_reload_read_pid(int fd)
{
	char buf[32], *end;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || (*end != '\n' && *end != '\0') || pid <= 1)
		return -1;
	return pid;
}

/* The pid holding the master's lock on the pid file, or 0 when none does. */
static long
cli_reload_lock_holder(int fd)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK)
		return 0;
	return (long)fl.l_pid;
}

/* 1 when /proc says `pid` runs a program whose name is permitd. */
static int
cli_reload_is_permitd(long pid)
{
	char path[64], argv0[4096];
	const char *base;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, argv0, sizeof(argv0) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	argv0[n] = '\0';   /* argv[0] ends at its own NUL */
	base = strrchr(argv0, '/');
	return strcmp(base != NULL ? base + 1 : argv0, "permitd") == 0;
}

/* The parent of `pid` per /proc/PID/stat, or -1 when it is gone. The
 * command name may hold anything, so the fields after it are found from
 * the last ')'. */
static long
cli_reload_ppid(long pid)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ' || p[2] == '\0')
		return -1;
	return strtol(p + 4, NULL, 10);   /* ") S PPID" */
}

/* The children of `parent`, into kids[0..*n). */
static void
cli_reload_children(long parent, long *kids, size_t *n)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	*n = 0;
	while (d != NULL && (de = readdir(d)) != NULL && *n < CLI_RELOAD_MAX_CHILDREN) {
		long pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, NULL, 10);
		if (cli_reload_ppid(pid) == parent)
			kids[(*n)++] = pid;
	}
	if (d != NULL)
		closedir(d);
}

/* The master named by cfg's pid file, checked as the header says; 0 with
 * *pid, or -1 (printed). */
static int
cli_reload_master(const struct config *cfg, long *pid)
{
	const char *path = cfg->pid_file;
	long holder, named;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		fprintf(stderr, "permitctl reload: %s: %s (is permitd running "
		    "with this configuration?)\n", path, strerror(errno));
		return -1;
	}
	holder = cli_reload_lock_holder(fd);
	named = cli_reload_read_pid(fd);
	close(fd);
	if (holder == 0) {
		fprintf(stderr, "permitctl reload: %s: no running permitd holds "
		    "it (left by one that stopped?)\n", path);
		return -1;
	}
	if (named != holder || !cli_reload_is_permitd(holder)) {
		fprintf(stderr, "permitctl reload: %s names pid %ld but pid %ld "
		    "holds it; nothing signalled\n", path, named, holder);
		return -1;
	}
	*pid = holder;
	return 0;
}

/* 1 while a worker of `before` is still the master's child. */
static int
cli_reload_old_left(long master, const long *before, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cli_reload_ppid(before[i]) == master)
			return 1;
	return 0;
}

int
cli_reload(int argc, char **argv, const struct config *cfg)
{
	long before[CLI_RELOAD_MAX_CHILDREN], pid, timeout;
	size_t n;
	double deadline;
	char *end;

	timeout = cfg->drain_seconds + 5;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			timeout = strtol(argv[++i], &end, 10);
			if (*end != '\0' || timeout < 0 || timeout > 86400)
				return cli_usage_error(cli_reload_help);
		} else {
			return cli_usage_error(cli_reload_help);
		}
	}
	if (cli_reload_master(cfg, &pid) != 0)
		return 1;
	cli_reload_children(pid, before, &n);
	if (kill((pid_t)pid, SIGHUP) != 0) {
		fprintf(stderr, "permitctl reload: pid %ld: %s\n", pid,
		    strerror(errno));
		return 1;
	}
	deadline = monotime_now() + (double)timeout;
	while (cli_reload_old_left(pid, before, n)) {
		if (monotime_now() >= deadline) {
			fprintf(stderr, "permitctl reload: permitd (pid %ld) still "
			    "runs workers from before the reload after %lds: it "
			    "may have refused the new configuration or keyring "
			    "(see its log)\n", pid, timeout);
			return 1;
		}
		usleep(CLI_RELOAD_POLL_US);
	}
	printf("reload: permitd (pid %ld) reloaded; its %zu workers were "
	    "replaced\n", pid, n);
	return 0;
}
