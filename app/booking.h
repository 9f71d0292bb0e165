/*
 * booking — the one place a slot of an office day is taken and given back
 * (the booking routes and cancel call it; the opening draw and its waiting
 * list will too).
 *
 * A slot is taken by one conditional UPDATE inside permit_booking_take
 * (migrations/0009), so exactly a day's capacity can succeed whatever the
 * concurrency; holds of the day already past pay_by are settled in the same
 * transaction first, so a lapsed hold never blocks a booking. A new booking
 * is a hold: a random billing code, the kind's fee (config, whole rupiah)
 * and pay_by = now + hold_minutes. Giving a slot back (unbook, cancel) is
 * permit_booking_release, which records it for the rule on bookings given
 * up shortly before the day; a hold past pay_by given back is settled as
 * the lapse it is. Both run in the caller's transaction, as the bound
 * account, on its own application only.
 *
 * The calls built here borrow nothing: their parameters live in the arena.
 */
#ifndef PERMIT_APP_BOOKING_H
#define PERMIT_APP_BOOKING_H

#include "core/validate.h"
#include "core/arena.h"
#include "core/config.h"
#include "db/db.h"

/* How a day stands against the office's today. */
enum app_booking_day {
	APP_BOOKING_DAY_OK,
	APP_BOOKING_DAY_TOO_SOON    /* before the office's tomorrow */
};

/* Whether `day` is after `today` at its office. How far ahead a day may be
 * booked is its opening (permit_day_opens_at, migrations/0018), which the
 * database judges: open_hour office time booking_days_ahead days before
 * it, or the opens_at an admin set. */
enum app_booking_day app_booking_day_judge(const struct validate_date *today,
    const struct validate_date *day);

/* A fresh billing code (128 random bits as upper-case hex), in the arena:
 * a hold's, or a draw entry's for the hold it may win. */
const char *app_billing_code(arena *a);

/*
 * The take of a slot of `day` (YYYY-MM-DD) for application `app_id` of the
 * bound account, a passport: *call is BOOKING_TAKE with a fresh billing
 * code, cfg's fee and hold. Its DB_CONFLICT means the day is full.
 */
void app_booking_take_call(arena *a, const struct config *cfg,
    const char *app_id, const char *day, struct db_call *call);

/* Why a slot is given back, as booking_releases records it. */
enum app_booking_release {
	APP_BOOKING_UNBOOK,
	APP_BOOKING_CANCEL
};

/* The give-back of application `app_id`'s live booking: *call is
 * BOOKING_RELEASE (one row, RELEASED false when there was none). */
void app_booking_release_call(arena *a, const char *app_id,
    enum app_booking_release why, struct db_call *call);

#endif
