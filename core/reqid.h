/*
 * reqid — the id that names one request end to end: nginx makes it
 * ($request_id, passed as the FastCGI parameter REQUEST_ID), logs it in its
 * access log, and permitd logs it on every line of the request and returns
 * it in X-Request-Id. Where no web server sent one of the right shape,
 * permitd makes its own.
 *
 * The shape is nginx's: REQID_LEN lowercase hexadecimal characters (128
 * random bits). Nothing else is ever taken, so a value a client or a
 * misconfigured web server sent cannot reach a log line or a header.
 */
#ifndef PERMIT_CORE_REQID_H
#define PERMIT_CORE_REQID_H

#define REQID_LEN  32
#define REQID_SIZE (REQID_LEN + 1)

/* 1 when `s` is REQID_LEN lowercase hexadecimal characters, else 0 (NULL
 * too). */
int reqid_valid(const char *s);

/* A new id from libsodium's randombytes into out (NUL-terminated). */
void reqid_new(char out[REQID_SIZE]);

/* `given` into out when it is valid, else a new id. 1 when `given` was
 * taken, 0 when a new one was made. */
int reqid_take(const char *given, char out[REQID_SIZE]);

#endif
