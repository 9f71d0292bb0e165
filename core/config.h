/*
 * config — permitd.conf, read by permitd and permitctl.
 *
 * The file is lines of `key = value`; `#` starts a comment line; the value is
 * the rest of the line with surrounding blanks removed (so a libpq conninfo
 * with spaces needs no quoting). Unknown keys and bad values are refused with
 * a message naming the file, line and key. conf/permitd.conf documents every
 * key with its default. The struct is plain data, owned by the caller.
 */
#ifndef PERMIT_CORE_CONFIG_H
#define PERMIT_CORE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define CONFIG_STR 1024

struct config {
	/* process model */
	char listen[CONFIG_STR];      /* unix:PATH | tcp:HOST:PORT | stdin */
	unsigned listen_mode;         /* unix socket permissions (octal in file) */
	int workers;
	long max_requests;            /* recycle a worker after this many; 0 = never */
	int drain_seconds;            /* SIGTERM: wait this long for in-flight requests */
	char log_level[16];
	char log_file[CONFIG_STR];    /* "": stderr */
	char pid_file[CONFIG_STR];    /* the master's pid, for permitctl reload */
	int sandbox;                  /* 1: workers serve in their seccomp filter */

	/* database and keys */
	char database[CONFIG_STR];    /* libpq conninfo of the runtime role */
	char owner_database[CONFIG_STR]; /* permitctl's (the owner's); "": unset */
	char keyring[CONFIG_STR];     /* path of the keyring file */
	int db_deadline;              /* ms a request may wait on the database */
	int health_deadline;          /* ms, the same for GET /health */
	int db_statement_timeout;     /* ms, server side, per statement */
	int db_lock_timeout;          /* ms, server side, per lock wait */
	int db_idle_in_transaction_timeout;   /* ms, server side */
	int db_standby_reads;         /* 1: reads from a standby while `database`
	                                 finds no read-write server */

	/* HTTP */
	size_t body_limit;            /* bytes; larger bodies get 413 */
	int retry_after;              /* seconds, sent with 503 and 429 */
	int cookie_secure;            /* 1: the session cookie carries Secure */

	/* sessions and passwords */
	int session_idle_timeout;     /* seconds */
	int session_lifetime;         /* seconds */
	int session_touch_interval;   /* seconds between records of activity */
	int session_sweep_interval;   /* seconds between sweeps of dead sessions
	                                 and lapsed holds */
	unsigned long long pwhash_opslimit;
	size_t pwhash_memlimit;

	/* anti-abuse: each rate limit is `N` requests per `_window` seconds
	 * (GCRA: one every window/N seconds, a burst of N) */
	int max_active_applications;
	int limit_registrations, limit_registrations_window;      /* per address */
	int limit_signin_failures, limit_signin_failures_window;  /* per address
	                                                           * and account */
	int limit_submissions, limit_submissions_window;          /* per account */
	int limit_bookings, limit_bookings_window;                /* per account */
	char client_addr_header[CONFIG_STR];  /* "" : REMOTE_ADDR alone */
	char trusted_proxies[CONFIG_STR];     /* netaddr list; "" : none */
	int flag_burst_count, flag_burst_seconds;   /* N events within T s */
	int flag_registrations_per_address;
	int flag_lapses, flag_lapses_days;
	int flag_give_up_days_before, flag_give_ups, flag_give_ups_days;         /* more in a day: flagged */

	/* bookings */
	int booking_days_ahead;       /* bookable from the office's tomorrow to
	                                 this many days after its today */
	int open_hour;                /* a day opens at this hour, office time,
	                                 booking_days_ahead days before it */
	int draw_minutes;             /* its first minutes are a draw; 0: none */
	int draw_entries_per_account; /* entries an account makes in a day's draws */
	int hold_minutes;             /* a hold lapses this long after booking */
	long fee_passport;            /* whole rupiah, a passport's booking */
	int lapse_sweep_batch;        /* lapsed holds settled per sweep, at most */
	int review_open_limit;        /* openings of applications per reviewer */
	int review_open_window;       /* within this many seconds */
	int no_show_limit;            /* no-shows within no_show_window_days */
	int no_show_window_days;      /* (per account and per NIK) that close */
	int no_show_cooldown_days;    /* booking this long after the last one */

	/* operations */
	int rewrap_batch;             /* DEKs re-wrapped per transaction */

	/* observability */
	int slow_request_ms;          /* log requests slower; 0: off */
	char metrics_listen[CONFIG_STR];  /* GET /metrics: unix:PATH |
	                                   * tcp:HOST:PORT; "": off */
};

/* Fills `c` with every default (those documented in conf/permitd.conf). */
void config_defaults(struct config *c);

/*
 * The session cookie's name: "__Host-permit_session" when cookie_secure is
 * on (the browser then keeps it only as set with Secure, Path=/ and no
 * Domain, so neither a sibling subdomain nor a narrower path can plant
 * one), "permit_session" for plain-HTTP development.
 */
const char *config_session_cookie(const struct config *c);

/*
 * Defaults, then the file at `path`. 0 on success; -1 with a message in
 * err[errlen] naming the file, line and key at fault.
 */
int config_load(const char *path, struct config *c, char *err, size_t errlen);

#endif
