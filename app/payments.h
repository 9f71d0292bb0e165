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

#endif
