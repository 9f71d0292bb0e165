#include "core/log.h"
#include "core/nametab.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Process-wide settings, written once at start-up; never request data. */
static char log_program[32] = "permit";
static enum log_level log_threshold = LOG_LEVEL_INFO;

static const char *const log_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

void
log_init(const char *program, enum log_level level)
{
	snprintf(log_program, sizeof(log_program), "%s", program);
	log_threshold = level;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	size_t level;

	if (nametab_find(NAMETAB(log_names), s, &level) != 0)
		return -1;
	*out = (enum log_level)level;
	return 0;
}

int
log_enabled(enum log_level level)
{
	return level <= log_threshold;
}

void
log_emit(enum log_level level, const char *func, const char *fmt, ...)
{
	char stamp[32], msg[1024];
	struct tm tm;
	time_t now;
	va_list ap;

	if (level > log_threshold)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One write per line so lines from several workers do not interleave. */
	dprintf(STDERR_FILENO, "%s %s[%ld] %s %s: %s\n", stamp, log_program,
	    (long)getpid(), log_names[level], func, msg);
}
