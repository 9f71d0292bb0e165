/*
 * fcgi/notify — the master's notifications to systemd (contract in
 * notify.h). sd_notify's failures are logged at debug only: a service
 * manager that does not listen must never stop permitd.
 */
#include "fcgi/notify.h"

#include <systemd/sd-daemon.h>

#include "core/log.h"

void
fcgi_notify_ready(const char *listen, int workers)
{
	if (sd_notifyf(0, "READY=1\nSTATUS=serving on %s with %d workers",
	    listen, workers) < 0)
		log_debug("sd_notify READY failed");
}

void
fcgi_notify_reloading(void)
{
	if (sd_notify(0, "RELOADING=1\nSTATUS=reloading the configuration") < 0)
		log_debug("sd_notify RELOADING failed");
}

void
fcgi_notify_stopping(int workers)
{
	if (sd_notifyf(0, "STOPPING=1\nSTATUS=stopping: draining %d workers",
	    workers) < 0)
		log_debug("sd_notify STOPPING failed");
}
