#include "core/config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/netaddr.h"

enum config_type { CONFIG_T_STR, CONFIG_T_INT, CONFIG_T_LONG, CONFIG_T_SIZE,
	CONFIG_T_ULL, CONFIG_T_BOOL, CONFIG_T_OCTAL };

struct config_key {
	const char *name;
	enum config_type type;
	size_t offset;
	long long min, max;      /* numeric bounds, inclusive */
};

#define KEY(n, t, lo, hi) { #n, t, offsetof(struct config, n), lo, hi }

static const struct config_key config_keys[] = {
	KEY(listen, CONFIG_T_STR, 0, 0),
	KEY(listen_mode, CONFIG_T_OCTAL, 0, 0777),
	KEY(workers, CONFIG_T_INT, 1, 256),
	KEY(max_requests, CONFIG_T_LONG, 0, LONG_MAX),
	KEY(drain_seconds, CONFIG_T_INT, 1, 3600),
	KEY(log_level, CONFIG_T_STR, 0, 0),
	KEY(log_file, CONFIG_T_STR, 0, 0),
	KEY(pid_file, CONFIG_T_STR, 0, 0),
	KEY(sandbox, CONFIG_T_BOOL, 0, 1),
	KEY(database, CONFIG_T_STR, 0, 0),
	KEY(owner_database, CONFIG_T_STR, 0, 0),
	KEY(keyring, CONFIG_T_STR, 0, 0),
	KEY(db_deadline, CONFIG_T_INT, 100, 60000),
	KEY(health_deadline, CONFIG_T_INT, 100, 60000),
	KEY(db_statement_timeout, CONFIG_T_INT, 0, 600000),
	KEY(db_lock_timeout, CONFIG_T_INT, 0, 600000),
	KEY(db_idle_in_transaction_timeout, CONFIG_T_INT, 0, 3600000),
	KEY(db_standby_reads, CONFIG_T_BOOL, 0, 1),
	KEY(body_limit, CONFIG_T_SIZE, 1024, 16 * 1024 * 1024),
	KEY(retry_after, CONFIG_T_INT, 1, 3600),
	KEY(cookie_secure, CONFIG_T_BOOL, 0, 1),
	KEY(session_idle_timeout, CONFIG_T_INT, 60, 7 * 24 * 3600),
	KEY(session_lifetime, CONFIG_T_INT, 60, 30 * 24 * 3600),
	KEY(session_touch_interval, CONFIG_T_INT, 1, 3600),
	KEY(session_sweep_interval, CONFIG_T_INT, 1, 86400),
	KEY(pwhash_opslimit, CONFIG_T_ULL, 1, 64),
	KEY(pwhash_memlimit, CONFIG_T_SIZE, 8192, 4LL * 1024 * 1024 * 1024),
	KEY(max_active_applications, CONFIG_T_INT, 1, 1000),
	KEY(limit_registrations, CONFIG_T_INT, 1, 1000000),
	KEY(limit_registrations_window, CONFIG_T_INT, 1, 7 * 86400),
	KEY(limit_signin_failures, CONFIG_T_INT, 1, 1000000),
	KEY(limit_signin_failures_window, CONFIG_T_INT, 1, 7 * 86400),
	KEY(limit_submissions, CONFIG_T_INT, 1, 1000000),
	KEY(limit_submissions_window, CONFIG_T_INT, 1, 7 * 86400),
	KEY(limit_bookings, CONFIG_T_INT, 1, 1000000),
	KEY(limit_bookings_window, CONFIG_T_INT, 1, 7 * 86400),
	KEY(client_addr_header, CONFIG_T_STR, 0, 0),
	KEY(trusted_proxies, CONFIG_T_STR, 0, 0),
	KEY(flag_burst_count, CONFIG_T_INT, 2, 100000),
	KEY(flag_burst_seconds, CONFIG_T_INT, 1, 86400),
	KEY(flag_registrations_per_address, CONFIG_T_INT, 1, 100000),
	KEY(flag_lapses, CONFIG_T_INT, 1, 100000),
	KEY(flag_lapses_days, CONFIG_T_INT, 1, 3650),
	KEY(flag_give_up_days_before, CONFIG_T_INT, 1, 366),
	KEY(flag_give_ups, CONFIG_T_INT, 1, 100000),
	KEY(flag_give_ups_days, CONFIG_T_INT, 1, 3650),
	KEY(booking_days_ahead, CONFIG_T_INT, 1, 366),
	KEY(open_hour, CONFIG_T_INT, 0, 23),
	KEY(draw_minutes, CONFIG_T_INT, 0, 24 * 60),
	KEY(draw_entries_per_account, CONFIG_T_INT, 1, 100),
	KEY(hold_minutes, CONFIG_T_INT, 1, 7 * 24 * 60),
	KEY(fee_passport, CONFIG_T_LONG, 0, 1000000000),
	KEY(lapse_sweep_batch, CONFIG_T_INT, 1, 1000000),
	KEY(review_open_limit, CONFIG_T_INT, 1, 100000),
	KEY(review_open_window, CONFIG_T_INT, 60, 86400),
	KEY(no_show_limit, CONFIG_T_INT, 1, 100),
	KEY(no_show_window_days, CONFIG_T_INT, 1, 3650),
	KEY(no_show_cooldown_days, CONFIG_T_INT, 1, 3650),
	KEY(rewrap_batch, CONFIG_T_INT, 1, 100000),
	KEY(slow_request_ms, CONFIG_T_INT, 0, 3600000),
	KEY(metrics_listen, CONFIG_T_STR, 0, 0),
};

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "unix:var/run/permitd.sock");
	c->listen_mode = 0660;
	c->workers = 4;
	c->max_requests = 10000;
	c->drain_seconds = 30;
	snprintf(c->log_level, sizeof(c->log_level), "info");
	snprintf(c->pid_file, sizeof(c->pid_file), "var/run/permitd.pid");
	c->sandbox = 1;
	snprintf(c->database, sizeof(c->database), "dbname=permit user=permit_app");
	snprintf(c->keyring, sizeof(c->keyring), "var/keyring");
	c->db_deadline = 3000;
	c->health_deadline = 800;
	c->db_statement_timeout = 5000;
	c->db_lock_timeout = 2000;
	c->db_idle_in_transaction_timeout = 10000;
	c->db_standby_reads = 1;
	c->body_limit = 64 * 1024;
	c->retry_after = 5;
	c->cookie_secure = 1;
	c->session_idle_timeout = 30 * 60;
	c->session_lifetime = 12 * 3600;
	c->session_touch_interval = 60;
	c->session_sweep_interval = 60;
	c->pwhash_opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	c->pwhash_memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	c->max_active_applications = 5;
	c->limit_registrations = 5;
	c->limit_registrations_window = 3600;
	c->limit_signin_failures = 10;
	c->limit_signin_failures_window = 900;
	c->limit_submissions = 10;
	c->limit_submissions_window = 86400;
	c->limit_bookings = 20;
	c->limit_bookings_window = 3600;
	c->flag_burst_count = 5;
	c->flag_burst_seconds = 60;
	c->flag_registrations_per_address = 3;
	c->flag_lapses = 2;
	c->flag_lapses_days = 30;
	c->flag_give_up_days_before = 2;
	c->flag_give_ups = 2;
	c->flag_give_ups_days = 30;
	c->booking_days_ahead = 30;
	c->open_hour = 8;
	c->draw_minutes = 30;
	c->draw_entries_per_account = 1;
	c->hold_minutes = 120;
	c->fee_passport = 350000;
	c->lapse_sweep_batch = 20000;
	c->review_open_limit = 60;
	c->review_open_window = 3600;
	c->no_show_limit = 2;
	c->no_show_window_days = 180;
	c->no_show_cooldown_days = 30;
	c->rewrap_batch = 500;
	c->slow_request_ms = 0;
	c->metrics_listen[0] = '\0';
}

static char *
config_trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
	    end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int
config_number(const char *v, int base, long long min, long long max,
    long long *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, base);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

static int
config_set(struct config *c, const struct config_key *k, const char *v)
{
	char *field = (char *)c + k->offset;
	long long n;

	switch (k->type) {
	case CONFIG_T_STR:
		if (*v == '\0' || strlen(v) >= CONFIG_STR)
			return -1;
		memcpy(field, v, strlen(v) + 1);
		return 0;
	case CONFIG_T_BOOL:
		if (strcmp(v, "true") == 0 || strcmp(v, "on") == 0)
			n = 1;
		else if (strcmp(v, "false") == 0 || strcmp(v, "off") == 0)
			n = 0;
		else
			return -1;
		*(int *)(void *)field = (int)n;
		return 0;
	case CONFIG_T_OCTAL:
		if (config_number(v, 8, k->min, k->max, &n) != 0)
			return -1;
		*(unsigned *)(void *)field = (unsigned)n;
		return 0;
	default:
		break;
	}
	if (config_number(v, 10, k->min, k->max, &n) != 0)
		return -1;
	switch (k->type) {
	case CONFIG_T_INT:  *(int *)(void *)field = (int)n; break;
	case CONFIG_T_LONG: *(long *)(void *)field = (long)n; break;
	case CONFIG_T_SIZE: *(size_t *)(void *)field = (size_t)n; break;
	case CONFIG_T_ULL:  *(unsigned long long *)(void *)field = (unsigned long long)n; break;
	default: return -1;
	}
	return 0;
}

#define CONFIG_NKEYS (sizeof(config_keys) / sizeof(config_keys[0]))

static const struct config_key *
config_find(const char *name)
{
	for (size_t i = 0; i < CONFIG_NKEYS; i++)
		if (strcmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	return NULL;
}

/* What key `k` takes, in words, for the message about a bad value. */
static void
config_describe(const struct config_key *k, char *buf, size_t len)
{
	switch (k->type) {
	case CONFIG_T_STR:
		snprintf(buf, len, "1 to %d characters", CONFIG_STR - 1);
		break;
	case CONFIG_T_BOOL:
		snprintf(buf, len, "true or false (or on, off)");
		break;
	case CONFIG_T_OCTAL:
		snprintf(buf, len, "an octal mode from %04llo to %04llo",
		    (unsigned long long)k->min, (unsigned long long)k->max);
		break;
	default:
		snprintf(buf, len, "a whole number from %lld to %lld", k->min,
		    k->max);
		break;
	}
}

/*
 * One line of the file. 0 (a comment or blank line counts), or -1 with
 * the reason in why[0..whylen). seen[k] holds the line that set key k (0:
 * none yet), so a key set twice is refused naming the first.
 */
static int
config_line(struct config *c, char *line, unsigned lineno, unsigned *seen,
    char *why, size_t whylen)
{
	const struct config_key *k;
	char *eq, *name, *value, takes[64];
	size_t idx;

	line = config_trim(line);
	if (*line == '\0' || *line == '#')
		return 0;
	if ((eq = strchr(line, '=')) == NULL) {
		snprintf(why, whylen, "expected `key = value`");
		return -1;
	}
	*eq = '\0';
	name = config_trim(line);
	value = config_trim(eq + 1);
	if ((k = config_find(name)) == NULL) {
		snprintf(why, whylen, "%.64s: unknown key", name);
		return -1;
	}
	idx = (size_t)(k - config_keys);
	if (seen[idx] != 0) {
		snprintf(why, whylen, "%s: set twice (first on line %u); "
		    "keep one", k->name, seen[idx]);
		return -1;
	}
	seen[idx] = lineno;
	if (config_set(c, k, value) != 0) {
		config_describe(k, takes, sizeof(takes));
		/* Not the value itself: a conninfo may hold a password. */
		snprintf(why, whylen, "%s: bad value: %s", k->name, takes);
		return -1;
	}
	return 0;
}

/* The line that set key `name` (0: its default), from config_load's seen[]. */
#define CONFIG_LINE(seen, name) ((seen)[config_find(#name) - config_keys])

/* 0 when `h` is "" or an HTTP header name (letters, digits, '-'). */
static int
config_header_check(const char *h)
{
	for (; *h != '\0'; h++)
		if (!((*h >= 'A' && *h <= 'Z') || (*h >= 'a' && *h <= 'z') ||
		    (*h >= '0' && *h <= '9') || *h == '-'))
			return -1;
	return 0;
}

int
config_load(const char *path, struct config *c, char *err, size_t errlen)
{
	char line[2 * CONFIG_STR], why[CONFIG_STR];
	unsigned lineno = 0, seen[CONFIG_NKEYS] = { 0 };
	FILE *f;
	int rc = -1;

	config_defaults(c);
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line too long", path, lineno);
			goto out;
		}
		if (config_line(c, line, lineno, seen, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	if (netaddr_list_check(c->trusted_proxies) != 0) {
		snprintf(err, errlen, "%s:%u: trusted_proxies: not a list of "
		    "addresses and CIDR blocks (e.g. 10.0.0.0/8, ::1)", path,
		    CONFIG_LINE(seen, trusted_proxies));
		goto out;
	}
	if (config_header_check(c->client_addr_header) != 0) {
		snprintf(err, errlen, "%s:%u: client_addr_header: not a header "
		    "name (letters, digits and -)", path,
		    CONFIG_LINE(seen, client_addr_header));
		goto out;
	}
	if (c->session_idle_timeout > c->session_lifetime) {
		snprintf(err, errlen, "%s:%u: session_idle_timeout (%d) exceeds "
		    "session_lifetime (%d)", path,
		    CONFIG_LINE(seen, session_idle_timeout),
		    c->session_idle_timeout, c->session_lifetime);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

const char *
config_session_cookie(const struct config *c)
{
	return c->cookie_secure ? "__Host-permit_session" : "permit_session";
}
