#include "core/log.h"
#include "core/nametab.h"
#include "core/reqid.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Process-wide settings, written once at start-up; never request data. */
static char log_program[32] = "permit";
static enum log_level log_threshold = LOG_LEVEL_INFO;
/* The id of the request being served, "" between requests: a random
 * token (log_request_begin), never request data. */
static char log_rid[REQID_SIZE];

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

void
log_request_begin(const char *id)
{
	if (reqid_valid(id))
		memcpy(log_rid, id, REQID_SIZE);
	else
		log_rid[0] = '\0';
}

void
log_request_end(void)
{
	log_rid[0] = '\0';
}

int
log_enabled(enum log_level level)
{
	return level <= log_threshold;
}

void
log_emit(enum log_level level, const char *func, const char *fmt, ...)
{
	char stamp[32], msg[1024 + sizeof(" rid=") + REQID_LEN];
	size_t n;
	struct tm tm;
	time_t now;
	va_list ap;

	if (level > log_threshold)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	va_start(ap, fmt);
	vsnprintf(msg, 1024, fmt, ap);
	va_end(ap);
	if (log_rid[0] != '\0') {
		n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, " rid=%s", log_rid);
	}
	/* One write per line so lines from several workers do not interleave. */
	dprintf(STDERR_FILENO, "%s %s[%ld] %s %s: %s\n", stamp, log_program,
	    (long)getpid(), log_names[level], func, msg);
}
