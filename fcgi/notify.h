/*
 * fcgi/notify — what the master tells its service manager (systemd's
 * sd_notify protocol, through libsystemd): ready once its workers serve,
 * reloading on SIGHUP until the new generation serves, stopping on
 * SIGTERM, and a one-line status. Without $NOTIFY_SOCKET (not started by
 * systemd with Type=notify) each call does nothing.
 */
#ifndef PERMIT_FCGI_NOTIFY_H
#define PERMIT_FCGI_NOTIFY_H

/* READY=1, with a status naming the listener and the workers serving. */
void fcgi_notify_ready(const char *listen, int workers);
/* RELOADING=1: a new configuration, its workers starting. */
void fcgi_notify_reloading(void);
/* STOPPING=1: draining the workers. */
void fcgi_notify_stopping(int workers);

#endif
