#include "core/log.h"
#include "core/nametab.h"
#include "core/reqid.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Process-wide settings, written once at start-up; never request data. */
static char log_program[32] = "permit";
static enum log_level log_threshold = LOG_LEVEL_INFO;
static int log_journal;   /* 1: stderr is the journal's stream */

/* sd-daemon(3) priorities, by level. */
static const char log_priority[] = {
	[LOG_LEVEL_ERROR] = '3',
	[LOG_LEVEL_WARN] = '4',
	[LOG_LEVEL_INFO] = '6',
	[LOG_LEVEL_DEBUG] = '7',
};
/* The id of the request being served, "" between requests: a random
 * token (log_request_begin), never request data. */
static char log_rid[REQID_SIZE];

static const char *const log_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

/* 1 when $JOURNAL_STREAM ("DEVICE:INODE", set by systemd) is stderr. */
static int
log_stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;

	if (js == NULL || sscanf(js, "%llu:%llu%c", &dev, &ino, &end) != 2 ||
	    fstat(STDERR_FILENO, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *program, enum log_level level)
{
	snprintf(log_program, sizeof(log_program), "%s", program);
	log_threshold = level;
	log_journal = log_stderr_is_journal();
}

int
log_reopen(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0)
		return -1;
	if (fd != STDERR_FILENO) {
		if (dup2(fd, STDERR_FILENO) < 0) {
			close(fd);
			return -1;
		}
		close(fd);
	}
	log_journal = 0;
	return 0;
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
	va_start(ap, fmt);
	vsnprintf(msg, 1024, fmt, ap);
	va_end(ap);
	if (log_rid[0] != '\0') {
		n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, " rid=%s", log_rid);
	}
	/* One write per line so lines from several workers do not interleave. */
	if (log_journal) {
		dprintf(STDERR_FILENO, "<%c>%s%s%s\n", log_priority[level],
		    level == LOG_LEVEL_INFO ? "" : func,
		    level == LOG_LEVEL_INFO ? "" : ": ", msg);
		return;
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	dprintf(STDERR_FILENO, "%s %s[%ld] %s %s%s%s\n", stamp, log_program,
	    (long)getpid(), log_names[level],
	    level == LOG_LEVEL_INFO ? "" : func,
	    level == LOG_LEVEL_INFO ? "" : ": ", msg);
}
