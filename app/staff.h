/*
 * staff — an admin makes staff accounts (docs/API.md, Back office): reviewers,
 * each tied to one office, and more admins. The first admin comes from
 * permitctl staff add (cli/staff.c); both seal a new account as
 * registration does (crypto/enroll.h), and staff sign in through
 * POST /api/v1/sessions like anyone else.
 */
#ifndef PERMIT_APP_STAFF_H
#define PERMIT_APP_STAFF_H

#include <stddef.h>

#include "pipe/invalid.h"
#include "pipe/pipe.h"

/*
 * POST /api/v1/admin/staff {"email","password","role","office"}: 201
 * {"account":{"id","email","role","office"}}. `role` is "reviewer" or
 * "admin"; a reviewer needs the code of an existing office, an admin takes
 * none (absent or null). 422 naming every field at fault, 409 conflict on
 * `email` when it is taken; nothing is stored then. The route is an
 * admin's (PIPE_ACCESS_ADMIN), and the database refuses the insert to
 * anyone but an admin with a live session too (migrations/0015).
 */
pipe_handler app_staff_create;

/* Its first flight: whether the body's office exists, when it names one. */
pipe_prefetch app_staff_create_prefetch;

/* The request's body, read and judged. Strings point into the body or the
 * request arena. */
struct app_staff {
	const char *email, *password, *office;
	size_t password_len;
	int office_refused;                /* office was not a string */
	enum pipe_role role;
	char *norm;                        /* the email normalised, in the
	                                    * arena (VALIDATE_EMAIL_BUFSZ) */
};

/*
 * The body's fields into *s and *role, typed (strings, office optional),
 * what is not so reported into `inv`; the handler then judges them
 * (app_account_check, the role and its office). 0, or -1 with 400 in res
 * when the body is not an object. Reads the body only.
 */
int app_staff_read(const struct pipe_request *req, struct pipe_response *res,
    struct pipe_invalid *inv, struct app_staff *s, const char **role);

#endif
