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
 * or query string. Every line logged while it is served ends with the
 * request's id (fcgi_request_id), which the response carries as
 * X-Request-Id. A request slower than slow_request_ms gets a warn line of
 * its own, naming where its time went. The request is counted in the
 * metrics (core/metrics.h) by route, status and duration.
 */
void fcgi_serve(FCGX_Request *rq, struct pipe_ctx *ctx, arena *a);

#endif
