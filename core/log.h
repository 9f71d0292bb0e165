/*
 * log — one line per event on stderr.
 *
 *   2026-11-21T10:00:00Z permitd[1234] error db_connect: connection refused
 *   2026-11-21T10:00:00Z permitd[1234] info listening on unix:... with 4 workers
 *
 * Warnings, errors and debug lines name the calling function (the macros
 * pass it); info lines are for operators and say what happened in words.
 * When stderr is the systemd journal's stream (JOURNAL_STREAM names it),
 * a line is the journal's: a priority prefix ("<3>" error, "<4>" warn,
 * "<6>" info, "<7>" debug) and the message, with neither time nor program
 * nor pid, which the journal records itself.
 *
 * Never pass a request body, a cookie, a token or any identity field: log
 * lines are not sealed (docs/DESIGN.md invariant 1).
 *
 * While a request is served, every line ends with its id (core/reqid.h):
 *
 *   2026-11-21T10:00:00Z permitd[1234] warn pipe_x: ... rid=0f1e...
 */
#ifndef PERMIT_CORE_LOG_H
#define PERMIT_CORE_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG
};

/* Names the program in every line (copied); lines below `level` are dropped. */
void log_init(const char *program, enum log_level level);

/*
 * Points stderr at the file `path` (appended to, created mode 0640), so
 * lines go there from now on, in the plain format; for a log file that
 * logrotate moved away, this starts the new one. Processes forked later
 * inherit it. 0, or -1 with errno (stderr unchanged).
 */
int log_reopen(const char *path);

/* Parses "error", "warn", "info" or "debug"; 0, or -1 if unknown. */
int log_level_parse(const char *s, enum log_level *out);

/* 1 when a message of `level` would be written: for callers whose
 * arguments cost something to make. */
int log_enabled(enum log_level level);

/*
 * The request this process is serving, named at the end of every line it
 * logs (" rid=ID") until log_request_end(). A worker serves one request at
 * a time, so the id is the process's; deep layers (db/, crypto/) log
 * without knowing the request, and their lines carry it all the same. The
 * id is copied into a fixed buffer, and only when reqid_valid(): nothing a
 * client sent reaches a line through it, and it names no one (128 random
 * bits). An id that is not valid is not set.
 */
void log_request_begin(const char *id);
void log_request_end(void);

void log_emit(enum log_level level, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_error(...) log_emit(LOG_LEVEL_ERROR, __func__, __VA_ARGS__)
#define log_warn(...)  log_emit(LOG_LEVEL_WARN, __func__, __VA_ARGS__)
#define log_info(...)  log_emit(LOG_LEVEL_INFO, __func__, __VA_ARGS__)
#define log_debug(...) log_emit(LOG_LEVEL_DEBUG, __func__, __VA_ARGS__)

#endif
