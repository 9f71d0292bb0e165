/*
 * audit — a row of the audit trail, written in the transaction of the
 * action it records (docs/DESIGN.md invariant 10; the table and its chain
 * in migrations/0014, the hash in crypto/chain.h). Opening an applicant's
 * identity data, every decision and every admin action call it; if the row
 * cannot be written, the action must not happen either.
 *
 * A row is two statements riding flights a write sends anyway, so it adds
 * no round trip (a route that would only read becomes a write of two
 * flights: the row needs the head's hash before it can be sent):
 *
 *   1. DB_STMT_AUDIT_HEAD in a flight before the last, in the same
 *      transaction: app_audit_prefetch() in the route's prefetch (the
 *      first flight), or among the handler's own calls. It locks the
 *      chain's head until the transaction ends, and every audited request
 *      of every host waits for that lock, so queue it in the latest flight
 *      before the last one (the first flight, when there is no other; a
 *      request the checks then refuse holds it until its ROLLBACK). The
 *      transaction must not be READ ONLY: an audited route's effect is
 *      PIPE_EFFECT_WRITE, GET or not.
 *   2. app_audit_add() with that statement's result: the row's INSERT, for
 *      the handler's last flight (pipe_commit, beside its other writes).
 *
 * One row per head read: a second row in the same transaction needs the
 * head read again after the first row's INSERT.
 */
#ifndef PERMIT_APP_AUDIT_H
#define PERMIT_APP_AUDIT_H

#include "core/arena.h"
#include "crypto/chain.h"
#include "db/db.h"
#include "pipe/pipe.h"

/* The limits the database holds a row to (migrations/0014). */
#define APP_AUDIT_ACTION_MAX CHAIN_ACTION_MAX
#define APP_AUDIT_DETAIL_MAX CHAIN_DETAIL_MAX

/*
 * What a row says beyond who (the principal) and when (the database's
 * clock, read with the head). The strings are the caller's, copied during
 * the call.
 */
struct app_audit_entry {
	/* What was done: [a-z][a-z0-9_.]*, at most APP_AUDIT_ACTION_MAX, a
	 * static name such as "review.open" or "admin.block". */
	const char *action;
	/* What it was done to, as canonical lower-case UUIDs (what the
	 * database returns and core/validate.h accepts), or NULL: an
	 * application, an account, or both. */
	const char *application;
	const char *account;
	/* Workflow data only, never identity data (docs/DESIGN.md invariant
	 * 1): an outcome, counts, a mode. Printable ASCII, at most
	 * APP_AUDIT_DETAIL_MAX bytes, or NULL. */
	const char *detail;
};

enum app_audit_status {
	APP_AUDIT_OK,
	APP_AUDIT_INVALID,   /* the entry or the principal breaks a rule
	                      * above: a programming error (logged) */
	APP_AUDIT_BAD_HEAD   /* `head` is not DB_STMT_AUDIT_HEAD's one row
	                      * (logged) */
};

/* Queues DB_STMT_AUDIT_HEAD in a route's prefetch plan; its result is the
 * plan's next prefetched read (pipe_prefetched, in the order queued). */
void app_audit_prefetch(struct pipe_plan *plan);

/*
 * The row recording that `who` (a signed-in principal: the row's actor)
 * did `entry`, as the call *out: DB_STMT_AUDIT_INSERT, following the head
 * that `head` (the result of DB_STMT_AUDIT_HEAD, run earlier in this
 * transaction) read. Its parameters and the row's hash live in arena `a`
 * (the request's), so *out is valid until `a` is reset; `head`, `who` and
 * `entry` may go once this returns. Put *out in the transaction's last
 * flight; if that flight fails, the action is rolled back with the row.
 * APP_AUDIT_OK, or a failure with *out untouched: answer 500 and let the
 * transaction roll back.
 */
enum app_audit_status app_audit_add(arena *a, const struct db_result *head,
    const struct pipe_principal *who, const struct app_audit_entry *entry,
    struct db_call *out) __attribute__((warn_unused_result));

/* The actor of permitd's own work (the master's opening draws). */
#define APP_AUDIT_SYSTEM_ACTOR "permitd"

/*
 * As app_audit_add, for an act of permitd itself, with no principal: the
 * row's actor is APP_AUDIT_SYSTEM_ACTOR of kind "system". The database
 * admits such a row only from an unbound transaction and only for the
 * actions it lists (migrations/0018: "draw.run").
 */
enum app_audit_status app_audit_add_system(arena *a,
    const struct db_result *head, const struct app_audit_entry *entry,
    struct db_call *out) __attribute__((warn_unused_result));

/*
 * The usual last flight of an audited act: calls[0..n) (room for n + 1),
 * then the row of `entry` following the head that the route's prefetch
 * queued at `head_index` (pipe_prefetched), then COMMIT. PIPE_NEXT once
 * committed (each call's status and result in calls); else 500 answered
 * (an entry that breaks the rules) or the flight's failure, after which
 * nothing of the act stays.
 */
enum pipe_status app_audit_commit(struct pipe_ctx *ctx,
    const struct pipe_request *req, const struct pipe_principal *who,
    int head_index, const struct app_audit_entry *entry,
    struct db_call *calls, int n, struct pipe_response *res);

#endif
