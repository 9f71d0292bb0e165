/*
 * offices — the public list of immigration offices.
 */
#ifndef PERMIT_APP_OFFICES_H
#define PERMIT_APP_OFFICES_H

#include "pipe/pipe.h"

/* GET /api/v1/offices: 200 {"offices":[{"code","name","city","daily_quota"}]}. */
pipe_handler app_offices_list;

/*
 * GET /api/v1/offices/{code}/days?from=D&to=D: 200 {"days":[{"date",
 * "capacity","remaining"}]}, one per day from `from` (default today, UTC) to
 * `to` (default `from`), at most APP_DAYS_MAX days; 404 for an unknown
 * office; 422 naming `from` or `to` for a bad date or range, or an unknown
 * parameter; 400 for a malformed query string.
 */
#define APP_DAYS_MAX 62
pipe_handler app_office_days;

#endif
