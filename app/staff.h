/*
 * staff — an admin makes staff accounts (docs/API.md, Back office): reviewers,
 * each tied to one office, and more admins. The first admin comes from
 * permitctl staff add (cli/staff.c); both seal a new account as
 * registration does (crypto/enroll.h), and staff sign in through
 * POST /api/v1/sessions like anyone else.
 */
#ifndef PERMIT_APP_STAFF_H
#define PERMIT_APP_STAFF_H

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

#endif
