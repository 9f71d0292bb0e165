/*
 * draw_entry — a booking request during a day's opening draw is an entry
 * (migrations/0018): one per application, one per NIK (its blind index)
 * and day, at most draw_entries_per_account (config) per account and day
 * (migrations/0020), withdrawn by unbooking or cancelling. The entry gets a random id
 * (its place in the draw is BLAKE2b keyed with the day's seed over it,
 * crypto/draw.h) and, like a booking, a billing code, the fee and the hold's
 * length, which become its hold's when it wins a slot: at the draw, or from
 * the waiting list when a slot of its day is freed.
 *
 * The calls built here borrow nothing: their parameters live in the arena.
 */
#ifndef PERMIT_APP_DRAW_ENTRY_H
#define PERMIT_APP_DRAW_ENTRY_H

#include "core/arena.h"
#include "core/config.h"
#include "db/db.h"

/* The entry of application `app_id` of the bound account into the draw of
 * `day` (YYYY-MM-DD): *call is DRAW_ENTER with a fresh id, billing code and
 * cfg's fee, hold and bound per account. Its DB_CONFLICT means the
 * application, or its NIK that day, has entered already. */
void app_draw_enter_call(arena *a, const struct config *cfg,
    const char *app_id, const char *day, struct db_call *call);

/* The withdrawal of application `app_id`'s live entry: *call is
 * DRAW_WITHDRAW (one row, WITHDRAWN false when it had none). */
void app_draw_withdraw_call(arena *a, const char *app_id,
    struct db_call *call);

#endif
