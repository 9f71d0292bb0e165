/*
 * limit — rate-limit classes and their counts (contract in limit.h).
 */
#include "pipe/limit.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "pipe/principal.h"
#include "core/log.h"
#include "core/metrics.h"

/* What a key is made of. */
enum pipe_limit_kind { PIPE_KEY_ADDRESS, PIPE_KEY_SUBJECT, PIPE_KEY_WHO };

/* A class: the blind-index domain of each kind of key it counts (NULL:
 * not counted), and its limit and window in struct config. */
struct pipe_limit_class {
	const char *name;    /* in the metrics (pipe_limit_name) */
	const char *domain[3];
	size_t limit, window;
	int failures_only;
	int flags_refused;   /* FLAG_REVIEW_OPENINGS on a 429 */
};

#define PIPE_CFG(name) offsetof(struct config, name)

static const struct pipe_limit_class pipe_limit_classes[] = {
	[PIPE_LIMIT_REGISTRATION] = {
		"registration",
		{ "limit.registration.address", NULL, NULL },
		PIPE_CFG(limit_registrations),
		PIPE_CFG(limit_registrations_window), 0 },
	[PIPE_LIMIT_SIGNIN] = {
		"signin",
		{ "limit.signin.address", "limit.signin.account", NULL },
		PIPE_CFG(limit_signin_failures),
		PIPE_CFG(limit_signin_failures_window), 1 },
	[PIPE_LIMIT_SUBMISSION] = {
		"submission",
		{ NULL, NULL, "limit.submission.account" },
		PIPE_CFG(limit_submissions),
		PIPE_CFG(limit_submissions_window), 0 },
	[PIPE_LIMIT_BOOKING] = {
		"booking",
		{ NULL, NULL, "limit.booking.account" },
		PIPE_CFG(limit_bookings), PIPE_CFG(limit_bookings_window), 0 },
	[PIPE_LIMIT_REVIEW_OPEN] = {
		"review_open",
		{ NULL, NULL, "limit.review_open.account" },
		PIPE_CFG(review_open_limit), PIPE_CFG(review_open_window), 0, 1 },
};

#define PIPE_LIMIT_CLASSES \
	(sizeof(pipe_limit_classes) / sizeof(pipe_limit_classes[0]))
_Static_assert(PIPE_LIMIT_CLASSES <= METRICS_LIMITS,
    "core/metrics.h: METRICS_LIMITS holds every rate-limit class");

const char *
pipe_limit_name(enum pipe_limit limit)
{
	return (size_t)limit < PIPE_LIMIT_CLASSES ?
	    pipe_limit_classes[limit].name : NULL;
}

static int
pipe_cfg_int(const struct config *cfg, size_t off)
{
	return *(const int *)(const void *)((const char *)cfg + off);
}

/* The value a key of `kind` is made of, or NULL when there is none. A
 * per-account key's value is the domain's secret itself. */
static const char *
pipe_limit_value(const struct pipe_route *route, const struct pipe_request *req,
    enum pipe_limit_kind kind)
{
	switch (kind) {
	case PIPE_KEY_ADDRESS:
		return req->client_source;
	case PIPE_KEY_SUBJECT:
		return route->limit_subject != NULL ? route->limit_subject(req) :
		    NULL;
	case PIPE_KEY_WHO:
		return "secret";
	}
	return NULL;
}

/* Key `kind` of class `c` for `req` into l's next slot; nothing when the
 * request has no value for it or the key cannot be made (logged). */
static void
pipe_limit_add(const struct pipe_ctx *ctx, const struct pipe_limit_class *c,
    const struct pipe_route *route, const struct pipe_request *req,
    enum pipe_limit_kind kind, struct pipe_limits *l)
{
	const char *v = pipe_limit_value(route, req, kind);
	struct pipe_limit_key *k = &l->key[l->n];

	if (v == NULL)
		return;
	if (bidx_compute(ctx->keys, c->domain[kind], (const unsigned char *)v,
	    strlen(v), k->key) != 0) {
		log_error("cannot make a rate-limit key");
		return;
	}
	snprintf(k->limit, sizeof(k->limit), "%d", pipe_cfg_int(ctx->cfg,
	    c->limit));
	snprintf(k->window, sizeof(k->window), "%d", pipe_cfg_int(ctx->cfg,
	    c->window));
	k->params[0] = DB_BYTES(k->key, sizeof(k->key));
	k->params[1] = DB_TEXT(k->limit);
	k->params[2] = DB_TEXT(k->window);
	l->kind[l->n] = (int)kind;
	l->call[l->n] = (struct db_call){ kind == PIPE_KEY_WHO ?
	    DB_STMT_LIMIT_HIT_WHO : DB_STMT_LIMIT_HIT, k->params, 3, NULL,
	    DB_ERROR };
	l->n++;
}

void
pipe_limit_plan(const struct pipe_ctx *ctx, const struct pipe_route *route,
    const struct pipe_request *req, struct pipe_limits *l)
{
	const struct pipe_limit_class *c;

	memset(l, 0, sizeof(*l));
	if (route->limit == PIPE_LIMIT_NONE ||
	    (size_t)route->limit >= PIPE_LIMIT_CLASSES)
		return;
	c = &pipe_limit_classes[route->limit];
	l->failures_only = c->failures_only;
	l->flags_refused = c->flags_refused;
	snprintf(l->limit, sizeof(l->limit), "%d", pipe_cfg_int(ctx->cfg,
	    c->limit));
	for (int kind = PIPE_KEY_ADDRESS; kind <= PIPE_KEY_WHO; kind++)
		if (c->domain[kind] != NULL && l->n < PIPE_LIMIT_KEYS)
			pipe_limit_add(ctx, c, route, req,
			    (enum pipe_limit_kind)kind, l);
	l->mark = (struct db_call){ DB_STMT_LIMIT_COUNTED, NULL, 0, NULL,
	    DB_ERROR };
}

int
pipe_limit_wait(const struct pipe_limits *l)
{
	long long w, most = 0;

	for (int i = 0; i < l->n; i++) {
		if (l->call[i].status != DB_OK ||
		    db_int64(l->call[i].result, 0, DB_COL(LIMIT_HIT, WAIT),
		    &w) != 0 || w < 0) {
			log_error("a rate-limit count failed");
			return -1;
		}
		if (w > most)
			most = w;
	}
	return most > 86400 * 7 ? 86400 * 7 : (int)most;
}

void
pipe_limit_refuse(struct pipe_response *res, int wait)
{
	pipe_error(res, 429, "rate_limited",
	    "Too many requests; try again later.", NULL);
	res->retry_after = wait;
}

void
pipe_limit_refused(struct pipe_ctx *ctx, const struct pipe_request *req)
{
	const struct pipe_limits *l = req->limits;
	const struct db_param p[1] = { DB_TEXT(l != NULL ? l->limit : NULL) };
	struct db_call calls[2] = {
		{ DB_STMT_LIMIT_KEEP, NULL, 0, NULL, DB_ERROR },
		{ DB_STMT_FLAG_REVIEW_OPENINGS, p, 1, NULL, DB_ERROR },
	};

	if (l == NULL || !l->flags_refused || l->n == 0 ||
	    !db_in_transaction(ctx->db))
		return;
	if (db_batch(ctx->db, req->arena, DB_BATCH_COMMIT, calls, 2) != DB_OK)
		log_warn("%s: a refused request's flag was not raised", __func__);
}

void
pipe_limit_keep(struct pipe_ctx *ctx, const struct pipe_request *req)
{
	struct db_call keep = { DB_STMT_LIMIT_KEEP, NULL, 0, NULL, DB_ERROR };

	if (!db_in_transaction(ctx->db))
		return;
	if (db_batch(ctx->db, req->arena, DB_BATCH_COMMIT, &keep, 1) != DB_OK)
		log_warn("a refused request's rate-limit counts were not kept");
}

int
pipe_limit_forgive(const struct pipe_request *req, struct db_call *out)
{
	const struct pipe_limits *l = req->limits;
	int n = 0;

	if (l == NULL || !l->failures_only)
		return 0;
	for (int i = 0; i < l->n; i++) {
		if (l->kind[i] == PIPE_KEY_SUBJECT)
			out[n++] = (struct db_call){ DB_STMT_LIMIT_CLEAR,
			    l->key[i].params, 1, NULL, DB_ERROR };
		else if (l->kind[i] == PIPE_KEY_ADDRESS)
			out[n++] = (struct db_call){ DB_STMT_LIMIT_UNDO,
			    l->key[i].params, 3, NULL, DB_ERROR };
	}
	return n;
}
