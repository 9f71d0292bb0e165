/*
 * permitd — the FastCGI server.
 *
 *   permitd [-c CONFIG]       serve
 *   permitd -t [-c CONFIG]    check the config and the keyring, exit 0 or 1
 *
 * CONFIG defaults to $PERMIT_CONFIG, else conf/permitd.conf. The master
 * loads the keyring before it forks (refusing to start when it is missing,
 * malformed or readable by others), opens the listening socket, takes the
 * pid file (refusing to start when a live permitd holds it) and hands keys
 * and socket to its workers (fcgi/master.h). A clean exit removes the pid
 * file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "core/log.h"
#include "fcgi/listen.h"
#include "fcgi/master.h"
#include "fcgi/pidfile.h"

#define FCGI_DEFAULT_CONFIG "conf/permitd.conf"

static void
fcgi_usage(void)
{
	fprintf(stderr, "usage: permitd [-t] [-c CONFIG]\n");
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
