/*
 * accounts — registration, the signed-in account (GET /me), and the pieces
 * of an account that sign-in shares: its sealed email and its JSON.
 *
 * An account's email is sealed under the account's own DEK
 * (docs/DESIGN.md invariants 1-3): table "accounts" (db/sql/sealed.def),
 * record id and owner id both the account id, field "email"
 * (db/sql/sealed_fields.h); it is
 * found by its blind index (field "email") over the normalised address.
 * Opened plaintext lives only in the request arena.
 */
#ifndef PERMIT_APP_ACCOUNTS_H
#define PERMIT_APP_ACCOUNTS_H

#include <stddef.h>

#include <jansson.h>

#include "pipe/pipe.h"
#include "pipe/invalid.h"
#include "core/validate.h"
#include "crypto/bidx.h"
#include "crypto/enroll.h"
#include "crypto/keyring.h"

/*
 * POST /api/v1/accounts {"email","password"}: 201 {"account":{"id","email",
 * "role":"citizen"}}; 409 conflict when the email is taken; 422 naming
 * each of `email` and `password` at fault, and any unknown field; 400 for a
 * body that is not an object.
 */
pipe_handler app_accounts_create;

/*
 * GET /api/v1/me: 200 {"account":{"id","email","role","office"},
 * "csrf_token"}; the email is opened with the session's account id. Its
 * route's read is ACCOUNT_ME.
 */
pipe_handler app_me_get;

/*
 * Reads {"email","password"} (both strings, nothing else) from the body,
 * reporting what is not so into `inv`. *email and *password point into the
 * body (request arena), NULL when refused. 0; or -1 with 400 in res when
 * the body is not an object.
 */
int app_account_credentials(const struct pipe_request *req,
    struct pipe_response *res, struct pipe_invalid *inv, const char **email,
    const char **password, size_t *password_len)
    __attribute__((warn_unused_result));

/*
 * The rules of a new account's credentials, for those read (not NULL): the
 * email normalised into `norm`, or its refusal, and the password's,
 * reported into `inv`. 0, or -1 when one was refused.
 */
int app_account_check(struct pipe_invalid *inv, const char *email,
    const char *password, char norm[VALIDATE_EMAIL_BUFSZ]);

/*
 * A new account's id, keys, sealed email, blind index and password hash
 * (crypto/enroll.h) for the normalised `email`, at the configured Argon2id
 * limits, into *n (enroll_wipe it). 0, or -1 (logged).
 */
int app_account_enroll(const struct pipe_ctx *ctx, arena *a, const char *email,
    const char *password, size_t password_len, struct enroll *n)
    __attribute__((warn_unused_result));

/*
 * A new account's row as its inserts take it first, $1..$6: id,
 * email_bidx, email_sealed, dek_wrapped, kek_id, password_hash
 * (ACCOUNT_REGISTER, STAFF_CREATE). The values point into *n.
 */
#define APP_ACCOUNT_NPARAMS 6
void app_account_params(const struct enroll *n,
    struct db_param p[APP_ACCOUNT_NPARAMS]);

/*
 * The blind index of a normalised email (validate_email's output) into out.
 * 0, or -1 (logged) if it cannot be computed.
 */
int app_account_email_bidx(const struct keyring *kr, const char *email,
    unsigned char out[BIDX_BYTES]) __attribute__((warn_unused_result));

/*
 * Opens the sealed email of the account `account_id`, which must be the
 * principal's or the just-verified sign-in's id, never read from the row
 * being opened (docs/DESIGN.md invariant 3). `wrapped`/`sealed` are the
 * row's dek_wrapped and email_sealed. On 0, *out is a NUL-terminated
 * string in `a`; -1 when either fails to open (fail closed: the caller
 * answers 500, never data).
 */
int app_account_email_open(const struct keyring *kr, arena *a,
    const char *account_id, const unsigned char *wrapped, size_t wrapped_len,
    const unsigned char *sealed, size_t sealed_len, const char **out)
    __attribute__((warn_unused_result));

/*
 * {"id","email","role"} plus "office" (null when NULL) if with_office.
 * Allocated with Jansson's allocator (the request arena); never NULL.
 */
json_t *app_account_json(const char *id, const char *email, enum pipe_role role,
    const char *office, int with_office);

#endif
