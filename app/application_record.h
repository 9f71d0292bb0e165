/*
 * application_record — an application's sealed row and its JSON
 * representation (docs/DESIGN.md invariants 1-3).
 *
 * Sealing: a fresh DEK per application, wrapped by the active KEK and bound
 * to {"applications", the application's id, the owner's account id}; each
 * identity field sealed under it with its JSON name as the field name.
 *
 * Opening: a citizen's read opens with the *session's* account id as the
 * owner, never the row's, so a row of anyone else (or a ciphertext copied
 * from another row) cannot be opened. The one exception is a reviewer's
 * opening (app/review.c), with the row's owner: RLS and the statement
 * admit only the reviewer's office's rows, and each opening is audited in
 * its transaction and budgeted. Plaintext goes only into request-arena buffers and the
 * arena-allocated JSON, both wiped at the request's end; DEKs are wiped here
 * before returning.
 */
#ifndef PERMIT_APP_APPLICATION_RECORD_H
#define PERMIT_APP_APPLICATION_RECORD_H

#include <stddef.h>

#include <jansson.h>

#include "app/application_fields.h"
#include "core/arena.h"
#include "crypto/bidx.h"
#include "crypto/keyring.h"
#include "crypto/seal.h"
#include "db/db.h"

/* The sealed form of an application: the INSERT's binary parameters. */
struct app_record_sealed {
	unsigned char nik_bidx[BIDX_BYTES];
	unsigned char dek_wrapped[SEAL_WRAPPED_MAX];
	size_t dek_wrapped_len;
	char kek_id[KEYRING_ID_SIZE];
	const unsigned char *field[APP_FIELD_COUNT];  /* arena; NULL if absent */
	size_t field_len[APP_FIELD_COUNT];
};

/* How opening a row went. */
enum app_open {
	APP_OPEN_OK,
	APP_OPEN_NOT_OWNER,   /* the DEK does not open for this owner and row:
	                       * answer as if there were no such row */
	APP_OPEN_CORRUPT      /* the DEK opened but a field did not: 500 */
};

/*
 * Seals `in` as application `id` of account `owner` into *out (fields in
 * arena `a`). 0, or -1 (logged) if sealing or the blind index failed.
 */
int app_record_seal(arena *a, const struct keyring *kr, const char *id,
    const char *owner, const struct app_application_input *in,
    struct app_record_sealed *out) __attribute__((warn_unused_result));

/*
 * Opens row `row` of `r`, a result with the columns DB_COLS_APPLICATION
 * (db/sql/applications.def), as a row of `owner` (the session's account),
 * into the application object of the HTTP API in *out (arena JSON). Logs a
 * failure without any identity data.
 */
enum app_open app_record_open(arena *a, const struct keyring *kr,
    const char *owner, const struct db_result *r, int row, json_t **out);

/*
 * The application object `app` (app_record_open's, read before its booking
 * was made in the same transaction) as row 0 of `taken`, a BOOKING_TAKE
 * result (db/sql/bookings.def), makes it: "booked", with the new hold's
 * day as its "appointment" and the hold as its "booking", as a read after
 * the take would show it. 0, or -1 (logged) for a result without its row.
 */
int app_record_booked(json_t *app, const struct db_result *taken)
    __attribute__((warn_unused_result));

/*
 * A list summary: row `row` of an APP_LIST result, opened as `owner`'s, into
 * {"id","kind","status","office","appointment","nik_last4","created_at"}
 * in *out, whatever the result. A row whose data key or NIK does not open
 * for `owner` (a lost KEK, a damaged row) is summarised from its plaintext
 * workflow columns alone, with "nik_last4": null and "unreadable": true,
 * and one line naming the application's id is logged.
 */
enum app_open app_record_summary(arena *a, const struct keyring *kr,
    const char *owner, const struct db_result *r, int row, json_t **out);

#endif
