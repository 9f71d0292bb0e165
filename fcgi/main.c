/*
 * permitd — the FastCGI server.
 *
 *   permitd [-c CONFIG]       serve
 *   permitd -t [-c CONFIG]    check the config and the keyring, exit 0 or 1
 *   permitd --help | --version
 *
 * CONFIG defaults to $PERMIT_CONFIG, else conf/permitd.conf. The master
 * loads the keyring before it forks (refusing to start when it is missing,
 * malformed or readable by others), opens the listening socket, takes the
 * pid file (refusing to start when a live permitd holds it) and hands keys
 * and socket to its workers (fcgi/master.h). A clean exit removes the pid
 * file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "core/log.h"
#include "core/version.h"
#include "fcgi/listen.h"
#include "fcgi/master.h"
#include "fcgi/pidfile.h"

#define FCGI_DEFAULT_CONFIG "conf/permitd.conf"

static const char fcgi_help[] =
    "usage: permitd [-t] [-c CONFIG]\n"
    "       permitd --help | --version\n"
    "\n"
    "  The permitd FastCGI server: a master and its workers on the config's\n"
    "  `listen` socket, behind a web server.\n"
    "  -c CONFIG   the configuration file (default: $PERMIT_CONFIG, else\n"
    "              " FCGI_DEFAULT_CONFIG ")\n"
    "  -t          check the configuration and the keyring, then exit:\n"
    "              0 when both are good, 1 (saying why) when not\n"
    "  --help      this text\n"
    "  --version   the version\n"
    "\n"
    "  Signals to the master (its pid is in the config's pid_file):\n"
    "  SIGHUP reloads the configuration and keyring into a new generation\n"
    "  of workers while the old ones finish their requests; SIGTERM or\n"
    "  SIGINT stops, letting requests in progress finish within\n"
    "  drain_seconds; SIGUSR1 reopens the log_file (after logrotate moved\n"
    "  it) and replaces the workers the same gentle way; SIGUSR2 does\n"
    "  nothing. Workers ignore SIGHUP, SIGUSR1 and SIGUSR2.\n"
    "  Under systemd (Type=notify) the master reports READY, RELOADING\n"
    "  and STOPPING.\n";

static void
fcgi_usage(void)
{
	fprintf(stderr, "%.*s(permitd --help explains every option)\n",
	    (int)(strstr(fcgi_help, "\n\n") - fcgi_help + 1), fcgi_help);
}

/* --help or --version as the one argument: 1 when it was answered. */
static int
fcgi_long_option(int argc, char **argv)
{
	if (argc != 2)
		return 0;
	if (strcmp(argv[1], "--help") == 0)
		fputs(fcgi_help, stdout);
	else if (strcmp(argv[1], "--version") == 0)
		printf("permitd %s\n", PERMIT_VERSION);
	else
		return 0;
	return 1;
}

int
main(int argc, char **argv)
{
	const char *path = getenv("PERMIT_CONFIG");
	struct fcgi_listener listener = { .fd = -1 };
	struct app_service *svc = NULL;
	const struct config *cfg;
	char err[512], pid_file[CONFIG_STR];
	int ch, check = 0, rc = 1, pid_fd = -1;

	if (fcgi_long_option(argc, argv))
		return 0;
	log_init("permitd", LOG_LEVEL_INFO);
	while ((ch = getopt(argc, argv, "c:t")) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 't': check = 1; break;
		default: fcgi_usage(); return 2;
		}
	}
	if (optind != argc) {
		fcgi_usage();
		return 2;
	}
	if (path == NULL || *path == '\0')
		path = FCGI_DEFAULT_CONFIG;
	if (app_load(path, &svc, err, sizeof(err)) != 0) {
		log_error("%s", err);
		goto out;
	}
	if (check) {
		fprintf(stderr, "permitd: %s: configuration and keyring OK\n", path);
		rc = 0;
		goto out;
	}
	cfg = app_service_config(svc);
	if (cfg->log_file[0] != '\0' && log_reopen(cfg->log_file) != 0) {
		log_error("log_file %s: %s", cfg->log_file, strerror(errno));
		goto out;
	}
	if (fcgi_listen_open(cfg->listen, cfg->listen_mode, &listener, err,
	    sizeof(err)) != 0) {
		log_error("%s", err);
		goto out;
	}
	/* After the socket: a second permitd on a live socket is told so
	 * first. Kept: a reload cannot move the pid file either. */
	memcpy(pid_file, cfg->pid_file, sizeof(pid_file));
	if (fcgi_pidfile_take(pid_file, &pid_fd, err, sizeof(err)) != 0) {
		log_error("%s", err);
		goto out;
	}
	rc = fcgi_master_run(path, &svc, listener.fd);
	fcgi_pidfile_drop(pid_file, pid_fd);
out:
	if (listener.fd >= 0)
		fcgi_listen_close(&listener);
	app_service_free(svc);
	return rc;
}
