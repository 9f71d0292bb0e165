/*
 * serve — one FastCGI request from accepted to answered: parameters, route,
 * body, pipe_serve(), response, one access-log line.
 */
#ifndef PERMIT_FCGI_SERVE_H
#define PERMIT_FCGI_SERVE_H

#include <fcgiapp.h>

#include "pipe/pipe.h"

/*
 * Answers the request `rq` holds (accepted, not yet finished). Everything
 * it allocates lives in `a`, which the caller resets after FCGX_Finish_r().
 * The access log line names the method, the path without the query, the
 * status, the duration and the worker; never a body, cookie, header value
 * or query string.
 */
void fcgi_serve(FCGX_Request *rq, struct pipe_ctx *ctx, arena *a);

#endif
