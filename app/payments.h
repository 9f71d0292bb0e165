/*
 * payments — the payment gateway's notifications (POST
 * /api/v1/payments/notifications).
 *
 * Public: no session, no CSRF. The gateway signs "<timestamp>.<body>"
 * with the keyring's payment key (crypto/paysig.h); the signature over the
 * raw body bytes is checked before the body is parsed and before any
 * statement of the handler runs (the request's first flight only binds the
 * anonymous principal and reads the service mode). A valid notification
 * confirms the hold of its billing code (it never lapses then); one for a
 * hold that lapsed is recorded for a refund and answered 409; the same
 * notification_id again answers what it answered first. Nothing of the
 * body is logged.
 */
#ifndef PERMIT_APP_PAYMENTS_H
#define PERMIT_APP_PAYMENTS_H

#include "pipe/pipe.h"

pipe_handler app_payments_notify;

/* A notification's fields; strings point into the request's body. */
struct app_notification {
	const char *id, *billing_code, *paid_at;
	long long amount;
};

/*
 * The body {"notification_id","billing_code","amount","paid_at"} read and
 * judged into *n: an id of 1 to VALIDATE_NOTIFICATION_ID_MAX bytes, an
 * amount of whole rupiah (>= 0), paid_at an RFC 3339 time
 * (validate_instant, a fraction and a leap second allowed). 0, or -1 with 400 (no object) or 422 (naming each field
 * at fault) in res. Reads the body only: no database, no signature (the
 * handler checks that first).
 */
int app_notification_read(const struct pipe_request *req,
    struct app_notification *n, struct pipe_response *res);

#endif
