/*
 * payments — the payment gateway's notifications (contract in payments.h).
 */
#include "app/payments.h"

#include <string.h>
#include <time.h>

#include "core/validate.h"
#include "core/log.h"
#include "core/metrics.h"
#include "crypto/paysig.h"
#include "db/db.h"
#include "pipe/json.h"

/* notification_id's length at most, as the table checks it. */
#define APP_NOTIFICATION_ID_MAX VALIDATE_NOTIFICATION_ID_MAX

int
app_notification_read(const struct pipe_request *req,
    struct app_notification *n, struct pipe_response *res)
{
	static const char *const known[] = { "notification_id", "billing_code",
	    "amount", "paid_at", NULL };
	struct pipe_invalid inv;
	size_t idlen;
	json_t *body;
	int amount;

	if (pipe_json_body(req, res, &body) != 0)
		return -1;
	pipe_invalid_init(&inv, req->arena);
	(void)pipe_json_known(&inv, body, NULL, known);
	if (pipe_json_string(&inv, body, NULL, "notification_id",
	    PIPE_JSON_REQUIRED, &n->id, &idlen) == 0 &&
	    (idlen == 0 || idlen > APP_NOTIFICATION_ID_MAX))
		(void)pipe_invalid_add(&inv, NULL, "notification_id",
		    idlen == 0 ? RULE_EMPTY : RULE_NOTIFICATION_ID_LONG);
	(void)pipe_json_string(&inv, body, NULL, "billing_code",
	    PIPE_JSON_REQUIRED, &n->billing_code, NULL);
	(void)pipe_json_integer(&inv, body, NULL, "amount", PIPE_JSON_REQUIRED,
	    &n->amount, &amount);
	if (amount && n->amount < 0)
		(void)pipe_invalid_add(&inv, NULL, "amount", RULE_AMOUNT);
	if (pipe_json_string(&inv, body, NULL, "paid_at", PIPE_JSON_REQUIRED,
	    &n->paid_at, NULL) == 0 && validate_instant(n->paid_at,
	    VALIDATE_INSTANT_FRACTION | VALIDATE_INSTANT_LEAP) != VALIDATE_OK)
		(void)pipe_invalid_add(&inv, NULL, "paid_at", RULE_PAID_AT);
	return pipe_invalid_answer(&inv, res);
}

/* The signature over the raw body: 0, or -1 with 401 in res. */
static int
app_notification_signed(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_response *res)
{
	enum paysig_result r = paysig_verify(ctx->keys,
	    req->signature_timestamp, req->signature,
	    req->raw_body != NULL ? req->raw_body : "", req->raw_body_len,
	    (long long)time(NULL));

	if (r == PAYSIG_OK)
		return 0;
	if (r == PAYSIG_NO_KEY)
		log_warn("a payment notification was refused: the keyring has "
		    "no payment key (permitctl keys add-payment-key)");
	pipe_error(res, 401, "unauthorized", "Bad or missing signature.", NULL);
	return -1;
}

/* The database's outcome as the answer. */
static enum pipe_status
app_notification_answer(arena *a, const char *outcome,
    struct pipe_response *res)
{
	if (strcmp(outcome, "confirmed") == 0) {
		metrics_add(METRICS_BOOKINGS_CONFIRMED, 1);   /* committed */
		res->status = 200;
		res->body = pipe_oom_check(json_pack("{s:s}", "status",
		    "confirmed"));
	} else if (strcmp(outcome, "refund") == 0) {
		pipe_error(res, 409, "conflict", "The hold had lapsed; the "
		    "payment is recorded for a refund.", NULL);
	} else if (strcmp(outcome, "unknown") == 0) {
		pipe_error(res, 404, "not_found", "No such billing code.", NULL);
	} else if (strcmp(outcome, "mismatch") == 0) {
		(void)pipe_invalid_refuse(a, res, NULL, "amount",
		    RULE_AMOUNT_MISMATCH);
	} else {
		log_error("%s: unknown outcome", __func__);
		return pipe_internal(res);
	}
	return PIPE_ANSWERED;
}

enum pipe_status
app_payments_notify(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	struct app_notification n;
	struct db_param p[4];
	struct db_call call;
	const char *outcome;
	enum pipe_status st;

	(void)who;
	if (app_notification_signed(ctx, req, res) != 0 ||
	    app_notification_read(req, &n, res) != 0)
		return PIPE_ANSWERED;
	p[0] = DB_TEXT(n.id);
	p[1] = DB_TEXT(n.billing_code);
	p[2] = DB_TEXT(arena_printf(req->arena, "%lld", n.amount));
	p[3] = DB_TEXT(n.paid_at);
	call = (struct db_call){ DB_STMT_PAYMENT_NOTIFY, p, 4, NULL, DB_ERROR };
	/* Committed whatever the outcome: a refund's record must stay though
	 * the answer is 409; unknown and mismatch changed nothing. */
	if ((st = pipe_commit(ctx, req, &call, 1)) != PIPE_NEXT)
		return st;
	outcome = db_text(call.result, 0, DB_COL(PAYMENT_NOTIFY, OUTCOME));
	if (db_rows(call.result) != 1 || outcome == NULL)
		return PIPE_FAILED;
	return app_notification_answer(req->arena, outcome, res);
}
