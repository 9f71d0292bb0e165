/*
 * calendar — whole days between dates, for date ranges. Days are civil
 * (proleptic Gregorian) days. Which day is today is not judged here: it
 * depends on the office's zone, and the database tells it
 * (app_office_today in app/offices.h).
 */
#ifndef PERMIT_APP_CALENDAR_H
#define PERMIT_APP_CALENDAR_H

#include "core/validate.h"

/* Days since 1970-01-01 of a valid date (negative before it). */
long app_day_number(const struct validate_date *d);

#endif
