/*
 * app — loading the service and opening a worker's context (contract in
 * app.h).
 */
#include "app/app.h"

#include <stdio.h>
#include <stdlib.h>

#include "app/service.h"
#include "app/sessions.h"
#include "core/log.h"
#include "core/metrics.h"
#include "crypto/keyring.h"
#include "db/db.h"

int
app_load(const char *path, struct app_service **out, char *err, size_t errlen)
{
	struct app_service *svc = calloc(1, sizeof(*svc));
	enum log_level level;

	*out = NULL;
	if (svc == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (config_load(path, &svc->cfg, err, errlen) != 0)
		goto fail;
	if (log_level_parse(svc->cfg.log_level, &level) != 0) {
		snprintf(err, errlen, "%s: log_level: bad value", path);
		goto fail;
	}
	if (keyring_load(svc->cfg.keyring, &svc->keys, err, errlen) != 0)
		goto fail;
	log_init("permitd", level);
	/* Not fatal: everything but the gateway's notifications works without
	 * it, and an upgrade must not stop the service. They get 401 until it
	 * is added and permitd reloaded. */
	if (keyring_payment_id(svc->keys) == NULL)
		log_warn("%s has no payment key: payment notifications are "
		    "refused until `permitctl keys add-payment-key` and a "
		    "reload", svc->cfg.keyring);
	app_sessions_prime(&svc->cfg);
	*out = svc;
	return 0;
fail:
	app_service_free(svc);
	return -1;
}

void
app_service_free(struct app_service *svc)
{
	if (svc == NULL)
		return;
	keyring_free(svc->keys);
	free(svc);
}

const struct config *
app_service_config(const struct app_service *svc)
{
	return &svc->cfg;
}

int
app_ctx_open(const struct app_service *svc, struct pipe_ctx *ctx)
{
	const struct db_limits limits = {
		.statement_timeout_ms = svc->cfg.db_statement_timeout,
		.lock_timeout_ms = svc->cfg.db_lock_timeout,
		.idle_in_transaction_ms = svc->cfg.db_idle_in_transaction_timeout,
	};

	ctx->cfg = &svc->cfg;
	ctx->keys = svc->keys;
	ctx->db = NULL;
	if (db_open(svc->cfg.database, &ctx->db) != 0) {
		log_error("cannot create the database handle");
		return -1;
	}
	db_set_limits(ctx->db, &limits);
	db_set_standby_reads(ctx->db, svc->cfg.db_standby_reads);
	if (db_ensure(ctx->db) != DB_OK)
		log_warn("database unavailable at start; serving 503 until it "
		    "is back");
	return 0;
}

/* The key of the sweep's advisory lock: "permit-sweep" as a number. */
#define APP_SWEEP_LOCK "7377656570"
/* The lapse sweep's own lock, so it never waits for the sessions' sweep of
 * another host. */
#define APP_LAPSE_LOCK "7072706173"
/* Dead sessions deleted per sweep, at most (and as many spent rate-limit
 * rows and old events). */
#define APP_SWEEP_LIMIT "1000"

/*
 * One duty's statement in a transaction of its own, its waits bounded by
 * health_deadline from now: DB_OK or why not. Its first parameter is the
 * advisory lock that makes it one host's at a time. *count, when not NULL,
 * gets the number its one row's first column holds (0 when NULL: another
 * host's turn).
 */
static enum db_status
app_duty(struct db *db, const struct config *cfg, enum db_stmt stmt,
    const struct db_param *p, int n, long long *count)
{
	arena *a = count != NULL ? arena_new(1024) : NULL;
	struct db_result *r = NULL;
	enum db_status st;

	db_deadline(db, cfg->health_deadline);
	if ((st = db_begin(db, NULL)) == DB_OK &&
	    (st = db_exec(db, a, stmt, p, n, count != NULL ? &r : NULL)) ==
	    DB_OK)
		st = db_commit(db);
	db_rollback(db);
	if (count != NULL && (st != DB_OK || db_int64(r, 0, 0, count) != 0))
		*count = 0;
	arena_free(a);
	return st;
}

/* The text of `v`, in `buf`. */
static const char *
app_int(char buf[16], int v)
{
	snprintf(buf, 16, "%d", v);
	return buf;
}

/*
 * Dead sessions and spent rate-limit rows; then holds past pay_by (each
 * lapse: slot freed, application submitted again, lapse recorded), then
 * the flag rules about lapses and give-ups; each by one host at a time;
 * then the opening draws' seeds and runs (app_draws). A
 * lapsed hold is already free for /days and new bookings; this settles its
 * rows within session_sweep_interval, with no request needed.
 */
void
app_housekeep(const struct app_service *svc)
{
	const struct config *c = &svc->cfg;
	char b[6][16];
	const struct db_param sweep[] = {
		DB_TEXT(APP_SWEEP_LOCK), DB_TEXT(APP_SWEEP_LIMIT) };
	const struct db_param lapses[] = {
		DB_TEXT(APP_LAPSE_LOCK), DB_TEXT(app_int(b[0], c->lapse_sweep_batch)) };
	const struct db_param rules[] = {
		DB_TEXT(APP_LAPSE_LOCK),
		DB_TEXT(app_int(b[1], c->flag_lapses)),
		DB_TEXT(app_int(b[2], c->flag_lapses_days)),
		DB_TEXT(app_int(b[3], c->flag_give_up_days_before)),
		DB_TEXT(app_int(b[4], c->flag_give_ups)),
		DB_TEXT(app_int(b[5], c->flag_give_ups_days)) };
	struct db *db = NULL;
	long long lapsed;

	if (db_open(c->database, &db) != 0)
		return;
	if (app_duty(db, c, DB_STMT_SESSIONS_SWEEP, sweep, 2, NULL) != DB_OK ||
	    app_duty(db, c, DB_STMT_LIMITS_SWEEP, sweep, 2, NULL) != DB_OK)
		log_warn("the sweep of dead sessions and spent limits did not "
		    "run; next in %ds", c->session_sweep_interval);
	if (app_duty(db, c, DB_STMT_BOOKINGS_SWEEP, lapses, 2, &lapsed) !=
	    DB_OK ||
	    app_duty(db, c, DB_STMT_FLAG_BOOKING_RULES, rules, 6, NULL) != DB_OK)
		log_warn("the sweep of lapsed holds or its flag rules did not "
		    "run; next in %ds", c->session_sweep_interval);
	if (lapsed > 0)
		metrics_add(METRICS_BOOKINGS_LAPSED, (uint64_t)lapsed);
	app_draws(db, c);
	db_close(db);
}

void
app_ctx_close(struct pipe_ctx *ctx)
{
	db_close(ctx->db);
	ctx->db = NULL;
}
