/*
 * draw_entry — entries into a day's opening draw (contract in
 * draw_entry.h).
 */
#include "app/draw_entry.h"

#include "app/booking.h"
#include "core/uuid.h"

void
app_draw_enter_call(arena *a, const struct config *cfg, const char *app_id,
    const char *day, struct db_call *call)
{
	struct db_param *p = arena_alloc(a, sizeof(*p) * 7);
	char *id = arena_alloc(a, UUID_SIZE);

	uuid_v4(id);
	p[0] = DB_TEXT(id);
	p[1] = DB_TEXT(app_id);
	p[2] = DB_TEXT(day);
	p[3] = DB_TEXT(app_billing_code(a));
	p[4] = DB_TEXT(arena_printf(a, "%ld", cfg->fee_passport));
	p[5] = DB_TEXT(arena_printf(a, "%d", cfg->hold_minutes));
	p[6] = DB_TEXT(arena_printf(a, "%d", cfg->draw_entries_per_account));
	*call = (struct db_call){ DB_STMT_DRAW_ENTER, p, 7, NULL, DB_ERROR };
}

void
app_draw_withdraw_call(arena *a, const char *app_id, struct db_call *call)
{
	struct db_param *p = arena_alloc(a, sizeof(*p));

	p[0] = DB_TEXT(app_id);
	*call = (struct db_call){ DB_STMT_DRAW_WITHDRAW, p, 1, NULL,
	    DB_ERROR };
}
