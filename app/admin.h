/*
 * admin — an admin's acts on offices, days and accounts, and its reading
 * of the flags and of an application's audit trail (docs/API.md, Back
 * office; migrations/0017):
 *
 *   PUT  /api/v1/admin/offices/{code}              app_admin_office_put
 *   PUT  /api/v1/admin/offices/{code}/days/{date}  app_admin_day_put
 *   GET  /api/v1/admin/flags                       app_admin_flags
 *   POST /api/v1/admin/accounts/{id}/block         app_admin_block
 *   POST /api/v1/admin/accounts/{id}/unblock       app_admin_unblock
 *   GET  /api/v1/admin/audit?application=ID        app_admin_audit
 *
 * Routes are PIPE_ACCESS_ADMIN and PIPE_SCOPE_ADMIN (every mode). Each act
 * is one definer function that checks the bound admin again, committed in
 * one flight with its audit row (app/audit.h), so the act and its record
 * exist together or not at all; the first flight looks up what it acts on
 * (404) and reads the audit head. Handlers follow pipe_handler.
 */
#ifndef PERMIT_APP_ADMIN_H
#define PERMIT_APP_ADMIN_H

#include "pipe/pipe.h"

/* {"daily_quota"}: 200 {"office":…}; 404; 409 a coming day has more
 * bookings than the quota (and no capacity of its own); 422. */
pipe_handler app_admin_office_put;
pipe_prefetch app_admin_office_put_prefetch;

/*
 * Its body read and judged: *quota a whole number from 0 to
 * VALIDATE_QUOTA_MAX. 0, or -1 with 400/422 in res. Reads the body only,
 * as do the readers below: nothing here touches the database.
 */
int app_admin_quota_read(const struct pipe_request *req,
    struct pipe_response *res, long long *quota);

/* Any of {"capacity","closed","opens_at"} (null: the default again): 200
 * {"day":{"date","capacity","closed","remaining","opens_at"}}; 404 no such
 * office; 409 a capacity below the bookings taken, or an opens_at once the
 * day's opening draw has begun (a new opens_at before then drops the seed
 * committed for the old one: the master commits another); 422. */
pipe_handler app_admin_day_put;
pipe_prefetch app_admin_day_put_prefetch;

/* What a day's body sets, as ADMIN_DAY's parameters 3 to 8 (text): for
 * capacity, closed and opens_at in turn, set[i] "t" when the body names it
 * ("f" when not) and value[i] its value (NULL: null, the default again). */
struct app_admin_day_set {
	const char *set[3], *value[3];
};

/*
 * Its body read and judged into *out: capacity 0 to VALIDATE_QUOTA_MAX,
 * closed a boolean, opens_at an instant (validate_instant, no fraction or
 * leap second), each may be null. 0, or -1 with 400/422 in res; an empty object names each
 * setting it might have given. Strings in the body or the request arena.
 */
int app_admin_day_read(const struct pipe_request *req,
    struct app_admin_day_set *out, struct pipe_response *res);

/* 200 {"flags":[{"account_id","rule","detail","at","blocked"}]}, the open
 * ones; "blocked" is null, or the account's open block {"at","by",
 * "reason"} (by and reason null for a block from before migrations/0025). */
pipe_handler app_admin_flags;

/* {"reason"}: 200 {"released_bookings","revoked_sessions",
 * "cancelled_applications"}, the reason and the admin kept as the
 * account's open block (an account blocked already keeps its first);
 * 404; 409 the admin's own account; 422. */
pipe_handler app_admin_block;
pipe_prefetch app_admin_block_prefetch;

/* {"reason"}: 200 {"account":{"id","role","office"}}, sign-in allowed
 * again (old sessions stay revoked), the open block closed with the reason
 * and the admin; 404; 422. */
pipe_handler app_admin_unblock;

/* The body {"reason"} of a block or an unblock: 0 with *reason (in the
 * body) good text of at most VALIDATE_REASON_MAX characters; -1 with
 * 400/422 in res. */
int app_admin_reason_read(const struct pipe_request *req,
    struct pipe_response *res, const char **reason);

/* 200 {"entries":[{"at","actor","action","application"}]}; 422 without a
 * well-formed ?application=. */
pipe_handler app_admin_audit;
pipe_prefetch app_admin_audit_prefetch;

#endif
