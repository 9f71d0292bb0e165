#include "app/mode.h"

#include <string.h>

#include "core/log.h"

static const char *const app_mode_names[] = {
	[APP_MODE_NORMAL] = "normal",
	[APP_MODE_READ_ONLY] = "read_only",
	[APP_MODE_CLOSED] = "closed",
};

const char *
app_mode_name(enum app_mode mode)
{
	if ((size_t)mode >= sizeof(app_mode_names) / sizeof(app_mode_names[0]))
		return "closed";
	return app_mode_names[mode];
}

/* The mode named `s`; unknown or NULL text is CLOSED (fail closed). */
static enum app_mode
app_mode_parse(const char *s)
{
	for (size_t i = 0; s != NULL &&
	    i < sizeof(app_mode_names) / sizeof(app_mode_names[0]); i++)
		if (strcmp(s, app_mode_names[i]) == 0)
			return (enum app_mode)i;
	log_error("service_state holds an unknown mode; answering as closed");
	return APP_MODE_CLOSED;
}

enum db_status
app_mode_read(struct db *db, arena *a, enum app_mode *out)
{
	struct db_result *r = NULL;
	enum db_status st;

	st = db_exec(db, a, DB_STMT_SERVICE_MODE, NULL, 0, &r);
	if (st != DB_OK)
		return st;
	if (db_rows(r) != 1) {
		log_error("service_state has %d rows, expected 1", db_rows(r));
		*out = APP_MODE_CLOSED;
		return DB_OK;
	}
	*out = app_mode_parse(db_text(r, 0, 0));
	return DB_OK;
}

int
app_mode_admits(enum app_mode mode, const struct app_route *route,
    const struct app_principal *who)
{
	if (route->scope == APP_SCOPE_ALWAYS ||
	    (route->scope == APP_SCOPE_ADMIN && who->role == APP_ROLE_ADMIN))
		return 1;
	switch (mode) {
	case APP_MODE_NORMAL:
		return 1;
	case APP_MODE_READ_ONLY:
		return route->effect == APP_EFFECT_READ;
	case APP_MODE_CLOSED:
	default:
		return 0;
	}
}
