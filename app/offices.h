/*
 * offices — the public list of immigration offices, and which calendar day
 * it is at each (its own zone: WIB, WITA or WIT).
 */
#ifndef PERMIT_APP_OFFICES_H
#define PERMIT_APP_OFFICES_H

#include "pipe/pipe.h"
#include "core/validate.h"

/* 1 when `code` (not NULL) has an office code's shape, as the offices
 * table checks it: AAA or AAA-AAA. */
int app_office_code_valid(const char *code);

/* GET /api/v1/offices: 200 {"offices":[{"code","name","city","daily_quota"}]}.
 * Its route's read is OFFICES_LIST. */
pipe_handler app_offices_list;

/*
 * GET /api/v1/offices/{code}/days?from=D&to=D: 200 {"days":[{"date",
 * "capacity","remaining"}]}, one per day from `from` (default the office's
 * today) to `to` (default `from`), at most APP_DAYS_MAX days; 404 for an
 * unknown office; 422 naming each of `from` and `to` that is not a date and
 * each unknown parameter, or `to` for a range backwards or too long; 400
 * for a malformed query string.
 */
#define APP_DAYS_MAX VALIDATE_DAYS_MAX
pipe_handler app_office_days;
pipe_prefetch app_office_days_prefetch;

/* The dates a days query gives: has_from and has_to say which (the range
 * is the handler's to judge, with the office's today). */
struct app_days_query {
	struct validate_date from, to;
	int has_from, has_to;
};

/* Its query read into *q: 0, or -1 with res (400 malformed; 422 every
 * unknown parameter, and `from` or `to` not a date). Reads the query
 * only. */
int app_days_query(const struct pipe_request *req, struct app_days_query *q,
    struct pipe_response *res);

/*
 * Which calendar day it is at office `code` (NULL: no office), as the
 * database tells it at the transaction's instant: app_office_today_add
 * queues the look-up in a route's prefetch, and app_office_today reads the
 * i-th prefetched read so queued. PIPE_NEXT with *today the office's day and
 * *found 1; for a code no office has, *found 0 and *today Asia/Jakarta's
 * day (what no office applies to is judged there). Else the database
 * failure.
 */
void app_office_today_add(struct pipe_plan *plan, const char *code);
enum pipe_status app_office_today(const struct pipe_request *req, int i,
    struct validate_date *today, int *found)
    __attribute__((warn_unused_result));

#endif
