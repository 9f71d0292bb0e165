/*
 * booking — taking and giving back slots of office days (contract in
 * booking.h).
 */
#include "app/booking.h"

#include <ctype.h>
#include <string.h>

#include <sodium.h>

#include "app/calendar.h"

/* A billing code's random bytes: 128 bits, unguessable and, in practice,
 * unique (the table's UNIQUE constraint says so for certain). */
#define APP_BILLING_BYTES 16

enum app_booking_day
app_booking_day_judge(const struct validate_date *today,
    const struct validate_date *day)
{
	if (app_day_number(day) - app_day_number(today) < 1)
		return APP_BOOKING_DAY_TOO_SOON;
	return APP_BOOKING_DAY_OK;
}

const char *
app_billing_code(arena *a)
{
	unsigned char raw[APP_BILLING_BYTES];
	char *code = arena_alloc(a, APP_BILLING_BYTES * 2 + 1);

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(code, APP_BILLING_BYTES * 2 + 1, raw, sizeof(raw));
	for (char *p = code; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	return code;
}

void
app_booking_take_call(arena *a, const struct config *cfg, const char *app_id,
    const char *day, struct db_call *call)
{
	struct db_param *p = arena_alloc(a, sizeof(*p) * 5);

	p[0] = DB_TEXT(app_id);
	p[1] = DB_TEXT(day);
	p[2] = DB_TEXT(app_billing_code(a));
	p[3] = DB_TEXT(arena_printf(a, "%ld", cfg->fee_passport));
	p[4] = DB_TEXT(arena_printf(a, "%d", cfg->hold_minutes));
	*call = (struct db_call){ DB_STMT_BOOKING_TAKE, p, 5, NULL, DB_ERROR };
}

void
app_booking_release_call(arena *a, const char *app_id,
    enum app_booking_release why, struct db_call *call)
{
	struct db_param *p = arena_alloc(a, sizeof(*p) * 2);

	p[0] = DB_TEXT(app_id);
	p[1] = DB_TEXT(why == APP_BOOKING_CANCEL ? "cancel" : "unbook");
	*call = (struct db_call){ DB_STMT_BOOKING_RELEASE, p, 2, NULL,
	    DB_ERROR };
}
