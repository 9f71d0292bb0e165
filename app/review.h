/*
 * review — a reviewer's work on its office's applications (docs/API.md, Back
 * office; migrations/0017):
 *
 *   GET  /api/v1/review/queue                       app_review_queue
 *   GET  /api/v1/review/applications/{id}           app_review_open
 *   POST /api/v1/review/applications/{id}/decision  app_review_decide
 *
 * Routes are PIPE_ACCESS_REVIEWER; `who` is the reviewer's session. A
 * reviewer reaches its own office's applications only: each statement
 * names the bound reviewer's office, and RLS admits no other office's row.
 * Another office's application, a nonexistent and a malformed id all get
 * the same 404. Unlike a citizen's read, a reviewer opens the identity
 * fields as the row's owner's (the owner is not the session): that is why
 * every opening writes an audit row in its transaction (no row, no
 * answer) and counts against review_open_limit (over it: 429, and the
 * reviewer is flagged). Handlers follow pipe_handler (pipe/pipe.h).
 */
#ifndef PERMIT_APP_REVIEW_H
#define PERMIT_APP_REVIEW_H

#include "pipe/pipe.h"

/* 200 {"applications":[summary…],"next":id|null}: the office's
 * applications oldest first, filtered by ?status= and ?date= (the
 * appointment), ?limit= (1 to 200, default 50) after ?after=id; summaries
 * carry nik_last4 only. 400 malformed query, 422 a bad value. */
pipe_handler app_review_queue;
pipe_prefetch app_review_queue_prefetch;

#define APP_REVIEW_LIMIT_DEFAULT 50

/* The queue's query: each filter NULL when absent (strings in the request
 * arena), the limit APP_REVIEW_LIMIT_DEFAULT when absent. */
struct app_review_query {
	const char *status, *date, *after;
	int limit;
	char limit_text[16];   /* limit + 1: one more row says there is a next */
};

/*
 * The request's query read and judged into *q: status one the API names,
 * date a calendar day, limit 1 to VALIDATE_PAGE_MAX, after an id. 0, or -1
 * with res (400 malformed, 422 every unknown parameter and bad value);
 * `res` may be NULL (a prefetch). Reads the query only.
 */
int app_review_query_read(const struct pipe_request *req,
    struct app_review_query *q, struct pipe_response *res);

/* 200 {"application":…} opened, with its audit row committed first; 404. */
pipe_handler app_review_open;
pipe_prefetch app_review_open_prefetch;

/* {"outcome","reason"}: 200 {"application":…} decided, with its audit
 * row; 409 an outcome the application's state does not allow; 404; 422. */
pipe_handler app_review_decide;
pipe_prefetch app_review_decide_prefetch;

/* Its body {"outcome","reason"}: PIPE_NEXT with *outcome approved,
 * rejected or no_show and *reason NULL (absent) or good text of at most
 * VALIDATE_REASON_MAX characters (both in the body); else PIPE_ANSWERED
 * with 400/422 in res. Reads the body only. */
enum pipe_status app_review_decision_read(const struct pipe_request *req,
    const char **outcome, const char **reason, struct pipe_response *res);

#endif
