/*
 * plan — a route's prefetched reads and a handler's last writes, each
 * riding a flight pipe_serve() or the handler sends anyway (contract in
 * pipe.h).
 */
#include <stdlib.h>
#include <string.h>

#include "pipe/pipe.h"
#include "core/log.h"

void
pipe_plan_add(struct pipe_plan *plan, enum db_stmt stmt,
    const struct db_param *params, int nparams)
{
	struct db_param *copy = NULL;

	if (plan->n >= PIPE_PREFETCH_MAX || nparams < 0) {
		log_error("a prefetch plan over %d reads", PIPE_PREFETCH_MAX);
		abort();
	}
	if (nparams > 0) {
		copy = arena_alloc(plan->arena, sizeof(*copy) * (size_t)nparams);
		memcpy(copy, params, sizeof(*copy) * (size_t)nparams);
	}
	plan->call[plan->n++] = (struct db_call){ stmt, copy, nparams, NULL,
	    DB_ERROR };
}

enum pipe_status
pipe_prefetched(const struct pipe_request *req, int i, struct db_result **out)
{
	*out = NULL;
	if (i < 0 || i >= req->nprefetched) {
		log_error("read %d was not prefetched", i);
		return PIPE_FAILED;
	}
	*out = req->prefetched[i].result;
	return pipe_db(req->prefetched[i].status);
}

enum pipe_status
pipe_commit(struct pipe_ctx *ctx, const struct pipe_request *req,
    struct db_call *calls, int n)
{
	return pipe_db(db_batch(ctx->db, req->arena, DB_BATCH_COMMIT, calls, n));
}
