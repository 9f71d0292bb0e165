/*
 * exposition — Prometheus' text format (contract in exposition.h).
 */
#include "fcgi/exposition.h"

#include <inttypes.h>
#include <string.h>

#include "fcgi/respond.h"
#include "pipe/pipe.h"

#define FCGI_EXPO_UNMATCHED "unmatched"

/* A label value as the format wants it: \, " and newline escaped. */
static void
fcgi_expo_label(FILE *out, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(out, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
}

static void
fcgi_expo_family(FILE *out, const char *name, const char *type,
    const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* `name`{`label`="`value`"} n, or without braces when label is NULL. */
static void
fcgi_expo_sample(FILE *out, const char *name, const char *label,
    const char *value, uint64_t n)
{
	fputs(name, out);
	if (label != NULL) {
		fprintf(out, "{%s=\"", label);
		fcgi_expo_label(out, value);
		fputs("\"}", out);
	}
	fprintf(out, " %" PRIu64 "\n", n);
}

static const char *
fcgi_expo_route(const char *const *routes, size_t nroutes, size_t slot)
{
	return slot < nroutes ? routes[slot] : FCGI_EXPO_UNMATCHED;
}

static void
fcgi_expo_requests(FILE *out, const struct metrics_snapshot *s,
    const char *const *routes, size_t nroutes)
{
	fcgi_expo_family(out, "permitd_http_requests_total", "counter",
	    "Requests answered, by route (method and pattern; unmatched: no "
	    "route took it) and status.");
	for (size_t r = 0; r <= nroutes && r < METRICS_ROUTES; r++)
		for (size_t st = 0; st < METRICS_STATUSES; st++) {
			if (s->requests[r][st] == 0)
				continue;
			fputs("permitd_http_requests_total{route=\"", out);
			fcgi_expo_label(out, fcgi_expo_route(routes, nroutes, r));
			if (fcgi_status_of_slot(st) != 0)
				fprintf(out, "\",status=\"%d\"}",
				    fcgi_status_of_slot(st));
			else
				fputs("\",status=\"other\"}", out);
			fprintf(out, " %" PRIu64 "\n", s->requests[r][st]);
		}
}

/* One route's histogram: cumulative buckets, sum, count. */
static void
fcgi_expo_histogram(FILE *out, const struct metrics_snapshot *s, size_t r,
    const char *route)
{
	static const char name[] = "permitd_http_request_duration_seconds";
	uint64_t total = 0;

	for (size_t b = 0; b < METRICS_BUCKETS; b++) {
		total += s->bucket[r][b];
		fprintf(out, "%s_bucket{route=\"", name);
		fcgi_expo_label(out, route);
		if (b < METRICS_BUCKETS - 1)
			fprintf(out, "\",le=\"%g\"} %" PRIu64 "\n",
			    metrics_bucket_le[b], total);
		else
			fprintf(out, "\",le=\"+Inf\"} %" PRIu64 "\n", total);
	}
	fprintf(out, "%s_sum{route=\"", name);
	fcgi_expo_label(out, route);
	fprintf(out, "\"} %.6f\n", (double)s->sum_us[r] / 1e6);
	fprintf(out, "%s_count{route=\"", name);
	fcgi_expo_label(out, route);
	fprintf(out, "\"} %" PRIu64 "\n", total);
}

static void
fcgi_expo_durations(FILE *out, const struct metrics_snapshot *s,
    const char *const *routes, size_t nroutes)
{
	fcgi_expo_family(out, "permitd_http_request_duration_seconds",
	    "histogram", "Time from a worker's taking a request to its "
	    "answer, by route.");
	for (size_t r = 0; r <= nroutes && r < METRICS_ROUTES; r++) {
		uint64_t any = 0;

		for (size_t b = 0; b < METRICS_BUCKETS; b++)
			any |= s->bucket[r][b];
		if (any != 0)
			fcgi_expo_histogram(out, s, r,
			    fcgi_expo_route(routes, nroutes, r));
	}
}

/* A counter family with one label, values[i] counted in s->counter[c[i]]. */
static void
fcgi_expo_labelled(FILE *out, const struct metrics_snapshot *s,
    const char *name, const char *help, const char *label,
    const char *const *values, const enum metrics_counter *c, size_t n)
{
	fcgi_expo_family(out, name, "counter", help);
	for (size_t i = 0; i < n; i++)
		fcgi_expo_sample(out, name, label, values[i], s->counter[c[i]]);
}

static void
fcgi_expo_counters(FILE *out, const struct metrics_snapshot *s)
{
	static const char *const db_kinds[] = { "failed", "refused", "lost",
	    "deadline", "connect" };
	static const enum metrics_counter db_c[] = { METRICS_DB_FAILED,
	    METRICS_DB_REFUSED, METRICS_DB_LOST, METRICS_DB_DEADLINE,
	    METRICS_DB_CONNECT_FAILED };
	static const char *const reasons[] = { "died", "recycled" };
	static const enum metrics_counter restart_c[] = {
	    METRICS_WORKERS_DIED, METRICS_WORKERS_RECYCLED };
	static const struct {
		const char *name, *help;
		enum metrics_counter c;
	} plain[] = {
		{ "permitd_db_reconnects_total", "Database connections made "
		  "again after the last one, or the last attempt, failed.",
		  METRICS_DB_RECONNECTS },
		{ "permitd_db_standby_reads_total", "Times a worker found no "
		  "database server that takes writes and went on reading from "
		  "a read-only one (a standby).", METRICS_DB_STANDBY },
		{ "permitd_bookings_taken_total", "Holds made: first-come "
		  "bookings and the holds of opening draws.",
		  METRICS_BOOKINGS_TAKEN },
		{ "permitd_bookings_lapsed_total", "Holds past their payment "
		  "time, settled as lapsed by this master's sweep.",
		  METRICS_BOOKINGS_LAPSED },
		{ "permitd_bookings_confirmed_total", "Payment notifications "
		  "that confirmed a hold (a notification sent again counts "
		  "again).", METRICS_BOOKINGS_CONFIRMED },
	};

	fcgi_expo_labelled(out, s, "permitd_db_errors_total", "Database "
	    "failures, by kind: failed (a statement's error), refused (a "
	    "timeout, lock, deadlock or read-only server), lost (the "
	    "connection), deadline (no answer in time), connect (an attempt "
	    "that found no server, whatever the number of hosts it tried).",
	    "kind", db_kinds, db_c, 5);
	fcgi_expo_labelled(out, s, "permitd_worker_restarts_total", "Workers "
	    "replaced after they ended unasked: died (a crash or a kill) or "
	    "recycled (max_requests).", "reason", reasons, restart_c, 2);
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		fcgi_expo_family(out, plain[i].name, "counter", plain[i].help);
		fcgi_expo_sample(out, plain[i].name, NULL, NULL,
		    s->counter[plain[i].c]);
	}
}

static void
fcgi_expo_rate_limited(FILE *out, const struct metrics_snapshot *s)
{
	const char *name;

	fcgi_expo_family(out, "permitd_rate_limited_total", "counter",
	    "Requests refused 429 by a rate limit, by its class.");
	for (size_t l = 1; l < METRICS_LIMITS; l++)
		if ((name = pipe_limit_name((enum pipe_limit)l)) != NULL)
			fcgi_expo_sample(out, "permitd_rate_limited_total",
			    "limit", name, s->rate_limited[l]);
}

/* The gauges: the workers always, the database's state when it was read. */
static void
fcgi_expo_gauges(FILE *out, const struct fcgi_expo_state *st)
{
	static const char *const modes[] = { "normal", "read_only", "closed" };

	fcgi_expo_family(out, "permitd_workers", "gauge",
	    "Workers running with the current configuration.");
	fprintf(out, "permitd_workers %d\n", st->workers);
	fcgi_expo_family(out, "permitd_db_state_up", "gauge", "1 when the "
	    "last reading of the mode, flags and holds from the database "
	    "succeeded (they are left out otherwise).");
	fprintf(out, "permitd_db_state_up %d\n", st->db_read ? 1 : 0);
	if (!st->db_read)
		return;
	fcgi_expo_family(out, "permitd_mode", "gauge",
	    "The service mode: 1 for the mode in force, 0 for the others.");
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		fcgi_expo_sample(out, "permitd_mode", "mode", modes[i],
		    st->mode != NULL && strcmp(st->mode, modes[i]) == 0);
	fcgi_expo_family(out, "permitd_flags_open", "gauge",
	    "Open flags: accounts under review, awaiting an admin.");
	fprintf(out, "permitd_flags_open %lld\n", st->flags_open);
	fcgi_expo_family(out, "permitd_bookings_held", "gauge",
	    "Holds awaiting payment, within their time.");
	fprintf(out, "permitd_bookings_held %lld\n", st->holds);
}

int
fcgi_exposition(FILE *out, const struct metrics_snapshot *s,
    const char *const *routes, size_t nroutes,
    const struct fcgi_expo_state *st)
{
	fcgi_expo_requests(out, s, routes, nroutes);
	fcgi_expo_durations(out, s, routes, nroutes);
	fcgi_expo_rate_limited(out, s);
	fcgi_expo_counters(out, s);
	fcgi_expo_gauges(out, st);
	return ferror(out) ? -1 : 0;
}
