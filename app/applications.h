/*
 * applications — the citizen's applications resource (docs/API.md, Citizen):
 *
 *   POST /api/v1/applications               app_applications_create
 *   GET  /api/v1/applications               app_applications_list
 *   GET  /api/v1/applications/{id}          app_applications_get
 *   POST /api/v1/applications/{id}/cancel   app_applications_cancel
 *
 * Routes are PIPE_ACCESS_CITIZEN; `who` is the session's account. Every read
 * is bound to it three times (docs/DESIGN.md invariant 4): each statement
 * names who->account_id, the transaction's RLS admits only its rows, and fields
 * are opened with it as the owner. Anyone else's id, a nonexistent id and a
 * malformed id all get the same 404 body. Handlers follow pipe_handler
 * (pipe/pipe.h).
 */
#ifndef PERMIT_APP_APPLICATIONS_H
#define PERMIT_APP_APPLICATIONS_H

#include "pipe/pipe.h"
#include "core/validate.h"

/* 201 {"application":…}; 409 the NIK already active for the kind in this
 * account (another account's says nothing: migrations/0023), or the
 * account's active applications at max_active_applications; 422; honours
 * Idempotency-Key. */
pipe_handler app_applications_create;
pipe_prefetch app_applications_create_prefetch;

/* 200 {"applications":[summary…]}, the account's own, newest first. Its
 * route's read is APP_LIST. */
pipe_handler app_applications_list;

/* 200 {"application":…} opened; 404 for anyone but the owner. */
pipe_handler app_applications_get;
pipe_prefetch app_applications_get_prefetch;

/* 200 {"application":…} status cancelled, from submitted or booked (409
 * otherwise); 404 as get; honours Idempotency-Key. */
pipe_handler app_applications_cancel;
pipe_prefetch app_applications_cancel_prefetch;

/* POST /applications/{id}/booking {"date"}: a hold on that day (booking.h).
 * DELETE /applications/{id}/booking: the booking given back. */
pipe_handler app_applications_book;
pipe_prefetch app_applications_book_prefetch;

/*
 * A booking's body {"date"} (a booking or, during the day's opening draw,
 * an entry): PIPE_NEXT with *date (in the body) a calendar day YYYY-MM-DD,
 * *day the same; else PIPE_ANSWERED with 400/422 in res. Reads the body
 * only: whether the day is bookable is the handler's to judge after.
 */
enum pipe_status app_book_input(const struct pipe_request *req,
    const char **date, struct validate_date *day, struct pipe_response *res);

pipe_handler app_applications_unbook;
pipe_prefetch app_applications_unbook_prefetch;

#endif
