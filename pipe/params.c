/*
 * params — a route's captured path parameters (contract in pipe.h).
 */
#include "pipe/pipe.h"

#include "core/validate.h"

const char *
pipe_param_uuid(const struct pipe_request *req, int i)
{
	const char *v = i >= 0 && i < PIPE_MAX_PARAMS ? req->params[i] : NULL;

	return v != NULL && validate_uuid(v) == VALIDATE_OK ? v : NULL;
}
