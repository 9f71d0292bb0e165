/*
 * limit — a route's rate-limit class, counted in PostgreSQL (migrations/
 * 0008: GCRA, one row per key, one statement per count), so a limit holds
 * across workers and hosts.
 *
 * pipe_serve() counts a request in its first flight, before the checks and
 * long before any expensive work (Argon2id, sealing): each key of the
 * route's class is one statement after the binding. Over any of them, the
 * request is answered 429 rate_limited with Retry-After (seconds until one
 * would pass) before its handler runs, and nothing is counted. A request
 * its handler refuses (4xx) still counts: the first flight marks a
 * savepoint after the counts, and pipe_serve() rolls back to it and
 * commits. The counts' row locks are held from the count to that commit,
 * so requests on one key in parallel are counted one after another, each
 * seeing the counts of those before it, refused or not.
 *
 * Keys are keyed hashes (crypto/bidx.h, the blind-index key) in a domain of
 * their own per limit and per kind of key: an address or an email never
 * reaches the database. A per-account key is made in the database from the
 * bound principal under a secret of its domain, since the principal is not
 * known to permitd when the first flight is sent.
 *
 * Lifetimes: a struct pipe_limits lives on pipe_serve()'s stack for the
 * request; the calls point into it.
 */
#ifndef PERMIT_PIPE_LIMIT_H
#define PERMIT_PIPE_LIMIT_H

#include "pipe/pipe.h"
#include "crypto/bidx.h"

#define PIPE_LIMIT_KEYS 2

struct pipe_limit_key {
	unsigned char key[BIDX_BYTES];  /* the key, or the domain's secret */
	char limit[16], window[16];
	struct db_param params[3];
};

struct pipe_limits {
	int n;                                  /* keys counted, 0 when none */
	struct pipe_limit_key key[PIPE_LIMIT_KEYS];
	int kind[PIPE_LIMIT_KEYS];              /* what each key is made of */
	struct db_call call[PIPE_LIMIT_KEYS];   /* results: the first flight's */
	struct db_call mark;                    /* the savepoint after them */
	int failures_only;   /* sign-in: a success gives its counts back */
	int flags_refused;   /* a refused request flags its principal */
	char limit[16];      /* the class's limit, for that flag's detail */
};

/* The counts of `route`'s class for `req` into *l (l->n may be 0: the
 * class counts nothing, or the request has nothing to key it by). */
void pipe_limit_plan(const struct pipe_ctx *ctx, const struct pipe_route *route,
    const struct pipe_request *req, struct pipe_limits *l);

/* After the first flight: 0 when every count passed, else the seconds
 * until the request would pass; -1 when a count failed or answered what
 * it must not (logged). */
int pipe_limit_wait(const struct pipe_limits *l);

/* 429 rate_limited, Retry-After `wait`. */
void pipe_limit_refuse(struct pipe_response *res, int wait);

/*
 * A request refused 429 by pipe_limit_wait(): for a class that flags the
 * principal over its limit, the flag raised and committed (the counts
 * before it stay too), in one flight; nothing otherwise, and the caller
 * rolls back. Best effort: a failure is logged.
 */
void pipe_limit_refused(struct pipe_ctx *ctx, const struct pipe_request *req);

/*
 * A refused request's counts kept: its transaction rolled back to the
 * savepoint after them, and committed, in one flight. When the
 * transaction is gone (the handler ended it, or the connection broke)
 * there is nothing to keep. Best effort: a failure is logged.
 */
void pipe_limit_keep(struct pipe_ctx *ctx, const struct pipe_request *req);

/*
 * For a handler whose route counts failures only (sign-in), on success:
 * the calls that give the request's counts back, for its last flight (the
 * account's failures cleared, the address's attempt returned), into
 * out[PIPE_LIMIT_KEYS]. Their number.
 */
int pipe_limit_forgive(const struct pipe_request *req, struct db_call *out);

#endif
