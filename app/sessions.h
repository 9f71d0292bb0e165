/*
 * sessions — signing in and out (docs/API.md, Sessions; docs/DESIGN.md
 * invariant 9).
 *
 * A session is a random token (crypto/token.h) held by the client in the
 * session cookie (__Host-permit_session, or permit_session with
 * cookie_secure off: config_session_cookie); the database keeps only its
 * keyed hash, with an
 * absolute lifetime (cfg.session_lifetime) and an idle deadline
 * (cfg.session_idle_timeout) that each use moves on. Its CSRF token is
 * derived from it (crypto/csrf.h).
 */
#ifndef PERMIT_APP_SESSIONS_H
#define PERMIT_APP_SESSIONS_H

#include "pipe/pipe.h"

/*
 * POST /api/v1/sessions {"email","password"}: 201 {"account":{"id","email",
 * "role","office"},"csrf_token"} and the cookie; 401 with one body for an
 * unknown email, a wrong password and a blocked account, after the same
 * Argon2id work. Re-hashes the password when the configured limits rose.
 */
pipe_handler app_sessions_create;
pipe_prefetch app_sessions_create_prefetch;

/* Sign-in's rate-limit subject (PIPE_LIMIT_SIGNIN): the body's email,
 * normalised, when it has the shape of one; failures count per account
 * without knowing whether the account exists. */
pipe_limit_subject app_sessions_limit_subject;

/*
 * Makes the dummy hash that sign-ins for unknown emails verify against
 * (crypto/pw.h), at cfg's limits, so no sign-in pays for making it and the
 * first unknown email answers as fast as a wrong password. Call once at
 * start-up and after a reload, before forking workers.
 */
void app_sessions_prime(const struct config *cfg);

/*
 * DELETE /api/v1/sessions/current: revokes the request's session at once and
 * clears the cookie; 204.
 */
pipe_handler app_sessions_delete;

#endif
