#include "pipe/mode.h"

#include <string.h>

#include "core/log.h"

static const char *const pipe_mode_names[] = {
	[PIPE_MODE_NORMAL] = "normal",
	[PIPE_MODE_READ_ONLY] = "read_only",
	[PIPE_MODE_CLOSED] = "closed",
};

const char *
pipe_mode_name(enum pipe_mode mode)
{
	if ((size_t)mode >= sizeof(pipe_mode_names) / sizeof(pipe_mode_names[0]))
		return "closed";
	return pipe_mode_names[mode];
}

/* The mode named `s`; unknown or NULL text is CLOSED (fail closed). */
static enum pipe_mode
pipe_mode_parse(const char *s)
{
	for (size_t i = 0; s != NULL &&
	    i < sizeof(pipe_mode_names) / sizeof(pipe_mode_names[0]); i++)
		if (strcmp(s, pipe_mode_names[i]) == 0)
			return (enum pipe_mode)i;
	log_error("service_state holds an unknown mode; answering as closed");
	return PIPE_MODE_CLOSED;
}

enum db_status
pipe_mode_read(struct db *db, arena *a, enum pipe_mode *out)
{
	struct db_result *r = NULL;
	enum db_status st;

	st = db_exec(db, a, DB_STMT_SERVICE_MODE, NULL, 0, &r);
	if (st != DB_OK)
		return st;
	if (db_rows(r) != 1) {
		log_error("service_state has %d rows, expected 1", db_rows(r));
		*out = PIPE_MODE_CLOSED;
		return DB_OK;
	}
	*out = pipe_mode_parse(db_text(r, 0, DB_COL(SERVICE_MODE, MODE)));
	return DB_OK;
}

int
pipe_mode_admits(enum pipe_mode mode, const struct pipe_route *route,
    const struct pipe_principal *who)
{
	if (route->scope == PIPE_SCOPE_ALWAYS ||
	    (route->scope == PIPE_SCOPE_ADMIN && who->role == PIPE_ROLE_ADMIN))
		return 1;
	switch (mode) {
	case PIPE_MODE_NORMAL:
		return 1;
	case PIPE_MODE_READ_ONLY:
		return route->effect == PIPE_EFFECT_READ;
	case PIPE_MODE_CLOSED:
	default:
		return 0;
	}
}
