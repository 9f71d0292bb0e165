/*
 * payments — the payment gateway's notifications (contract in payments.h).
 */
#include "app/payments.h"

#include <string.h>
#include <time.h>

#include "core/validate.h"
#include "core/log.h"
#include "crypto/paysig.h"
#include "db/db.h"
#include "pipe/json.h"

/* notification_id's length at most, as the table checks it. */
#define APP_NOTIFICATION_ID_MAX VALIDATE_NOTIFICATION_ID_MAX

/* The two digits at s as a number no greater than `max`, or -1. */
static int
app_two(const char *s, int max)
{
	int v;

	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	v = (s[0] - '0') * 10 + (s[1] - '0');
	return v <= max ? v : -1;
}

/*
 * 1 when `s` is an RFC 3339 time: YYYY-MM-DDTHH:MM:SS (a leap second
 * allowed), an optional fraction, then Z or an offset ±HH:MM of at most
 * 14 hours, as every zone on earth has. PostgreSQL reads it as
 * timestamptz; anything else is refused here rather than left to fail
 * there.
 */
static int
app_rfc3339(const char *s)
{
	struct validate_date d;
	char day[11];
	size_t n = strlen(s), i = 19;

	if (n < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    app_two(s + 11, 23) < 0 || app_two(s + 14, 59) < 0 ||
	    app_two(s + 17, 60) < 0)
		return 0;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (validate_date_parse(day, &d) != VALIDATE_OK)
		return 0;
	if (s[i] == '.') {
		while (++i < n && s[i] >= '0' && s[i] <= '9')
			;
		if (i == 20)
			return 0;
	}
	if (strcmp(s + i, "Z") == 0)
		return 1;
	return n - i == 6 && (s[i] == '+' || s[i] == '-') &&
	    app_two(s + i + 1, 14) >= 0 && s[i + 3] == ':' &&
	    app_two(s + i + 4, 59) >= 0;
}

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
	    &n->paid_at, NULL) == 0 && !app_rfc3339(n->paid_at))
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
