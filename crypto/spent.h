/*
 * spent — the time this process has spent in the expensive cryptography:
 * sealing and opening fields and data keys (crypto/seal.h) and Argon2id
 * (crypto/pw.h). Counted as pw_verify_count is: a request's share is the
 * difference across it (the slow-request log's "crypto" time). A worker
 * serves one request at a time, so the total is the process's.
 */
#ifndef PERMIT_CRYPTO_SPENT_H
#define PERMIT_CRYPTO_SPENT_H

/* Seconds spent so far. */
double spent_seconds(void);

/* Around one expensive call: t = spent_begin(); ...; spent_end(t). */
double spent_begin(void);
void spent_end(double started);

#endif
