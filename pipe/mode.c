#include "pipe/mode.h"

#include "core/log.h"
#include "core/nametab.h"

static const char *const pipe_mode_names[] = {
	[PIPE_MODE_NORMAL] = "normal",
	[PIPE_MODE_READ_ONLY] = "read_only",
	[PIPE_MODE_CLOSED] = "closed",
};

const char *
pipe_mode_name(enum pipe_mode mode)
{
	const char *name = nametab_name(NAMETAB(pipe_mode_names), mode);

	return name != NULL ? name : "closed";
}

const char *
pipe_mode_notice(enum pipe_mode mode)
{
	if (mode == PIPE_MODE_READ_ONLY)
		return "The service is read-only for maintenance: nothing can "
		    "be changed now; try again later.";
	return "The service is closed for maintenance; try again later.";
}

int
pipe_mode_find(const char *s, enum pipe_mode *out)
{
	size_t mode;

	if (nametab_find(NAMETAB(pipe_mode_names), s, &mode) != 0)
		return -1;
	*out = (enum pipe_mode)mode;
	return 0;
}

enum pipe_mode
pipe_mode_parse(const char *s)
{
	enum pipe_mode mode;

	if (pipe_mode_find(s, &mode) == 0)
		return mode;
	log_error("service_state holds an unknown mode; answering as closed");
	return PIPE_MODE_CLOSED;
}

enum pipe_mode
pipe_mode_served(enum pipe_mode mode, int db_read_only)
{
	return db_read_only && mode == PIPE_MODE_NORMAL ? PIPE_MODE_READ_ONLY :
	    mode;
}

int
pipe_mode_admits(enum pipe_mode mode, int db_read_only,
    const struct pipe_route *route, const struct pipe_principal *who)
{
	if (db_read_only && route->effect == PIPE_EFFECT_WRITE)
		return 0;
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
