/*
 * calendar — today, and whole days between dates, for date rules and ranges.
 * Days are civil (proleptic Gregorian) days; "today" is judged in UTC.
 */
#ifndef PERMIT_APP_CALENDAR_H
#define PERMIT_APP_CALENDAR_H

#include "app/validate.h"

/* Today's calendar day in UTC into *d. */
void app_today(struct validate_date *d);

/* Days since 1970-01-01 of a valid date (negative before it). */
long app_day_number(const struct validate_date *d);

/* The date `days` after `d` (before it when negative) into *out. */
void app_day_add(const struct validate_date *d, long days,
    struct validate_date *out);

#endif
