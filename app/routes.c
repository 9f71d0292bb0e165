#include "app/routes.h"

#include "app/accounts.h"
#include "app/admin.h"
#include "app/applications.h"
#include "app/draws.h"
#include "app/health.h"
#include "app/maintenance.h"
#include "app/offices.h"
#include "app/payments.h"
#include "app/review.h"
#include "app/sessions.h"
#include "app/staff.h"
#include "core/metrics.h"

static const struct pipe_route app_route_table[] = {
	{ .method = "GET", .pattern = "/api/v1/health", .handler = app_health,
	  .access = PIPE_ACCESS_PUBLIC, .effect = PIPE_EFFECT_READ,
	  .scope = PIPE_SCOPE_ALWAYS, .probe = 1,
	  .unavailable_body = app_health_unavailable },
	{ .method = "GET", .pattern = "/api/v1/offices",
	  .handler = app_offices_list, .read = PIPE_READ(DB_STMT_OFFICES_LIST),
	  .access = PIPE_ACCESS_PUBLIC, .effect = PIPE_EFFECT_READ,
	  .scope = PIPE_SCOPE_NORMAL },
	{ .method = "GET", .pattern = "/api/v1/offices/{code}/days",
	  .handler = app_office_days, .prefetch = app_office_days_prefetch,
	  .access = PIPE_ACCESS_PUBLIC, .effect = PIPE_EFFECT_READ,
	  .scope = PIPE_SCOPE_NORMAL },
	{ .method = "GET", .pattern = "/api/v1/offices/{code}/draws/{date}",
	  .handler = app_draw_get, .prefetch = app_draw_get_prefetch,
	  .access = PIPE_ACCESS_PUBLIC, .effect = PIPE_EFFECT_READ,
	  .scope = PIPE_SCOPE_NORMAL },
	{ .method = "POST", .pattern = "/api/v1/accounts",
	  .handler = app_accounts_create, .access = PIPE_ACCESS_PUBLIC,
	  .limit = PIPE_LIMIT_REGISTRATION, .effect = PIPE_EFFECT_WRITE, .scope = PIPE_SCOPE_NORMAL },
	/* Sign-in is answered in every mode so an admin can always sign in to
	 * end maintenance; outside normal mode the handler opens sessions for
	 * admins only. It is public, so CSRF does not apply. */
	{ .method = "POST", .pattern = "/api/v1/sessions",
	  .handler = app_sessions_create,
	  .prefetch = app_sessions_create_prefetch,
	  .access = PIPE_ACCESS_PUBLIC, .limit = PIPE_LIMIT_SIGNIN,
	  .limit_subject = app_sessions_limit_subject, .effect = PIPE_EFFECT_WRITE,
	  .scope = PIPE_SCOPE_ALWAYS },
	{ .method = "DELETE", .pattern = "/api/v1/sessions/current",
	  .handler = app_sessions_delete, .access = PIPE_ACCESS_SESSION,
	  .effect = PIPE_EFFECT_WRITE, .scope = PIPE_SCOPE_ADMIN },
	{ .method = "GET", .pattern = "/api/v1/me", .handler = app_me_get,
	  .read = PIPE_READ(DB_STMT_ACCOUNT_ME),
	  .access = PIPE_ACCESS_SESSION, .effect = PIPE_EFFECT_READ,
	  .scope = PIPE_SCOPE_ADMIN },
	{ .method = "POST", .pattern = "/api/v1/applications",
	  .handler = app_applications_create,
	  .prefetch = app_applications_create_prefetch,
	  .access = PIPE_ACCESS_CITIZEN, .limit = PIPE_LIMIT_SUBMISSION,
	  .effect = PIPE_EFFECT_WRITE, .scope = PIPE_SCOPE_NORMAL },
	{ .method = "GET", .pattern = "/api/v1/applications",
	  .handler = app_applications_list,
	  .read = PIPE_READ(DB_STMT_APP_LIST),
	  .access = PIPE_ACCESS_CITIZEN,
	  .effect = PIPE_EFFECT_READ, .scope = PIPE_SCOPE_NORMAL },
	{ .method = "GET", .pattern = "/api/v1/applications/{id}",
	  .handler = app_applications_get,
	  .prefetch = app_applications_get_prefetch,
	  .access = PIPE_ACCESS_CITIZEN,
	  .effect = PIPE_EFFECT_READ, .scope = PIPE_SCOPE_NORMAL },
	{ .method = "POST", .pattern = "/api/v1/applications/{id}/booking",
	  .handler = app_applications_book,
	  .prefetch = app_applications_book_prefetch,
	  .access = PIPE_ACCESS_CITIZEN, .limit = PIPE_LIMIT_BOOKING,
	  .effect = PIPE_EFFECT_WRITE, .scope = PIPE_SCOPE_NORMAL },
	{ .method = "DELETE", .pattern = "/api/v1/applications/{id}/booking",
	  .handler = app_applications_unbook,
	  .prefetch = app_applications_unbook_prefetch,
	  .access = PIPE_ACCESS_CITIZEN, .limit = PIPE_LIMIT_BOOKING,
	  .effect = PIPE_EFFECT_WRITE, .scope = PIPE_SCOPE_NORMAL },
	{ .method = "POST", .pattern = "/api/v1/applications/{id}/cancel",
	  .handler = app_applications_cancel,
	  .prefetch = app_applications_cancel_prefetch,
	  .access = PIPE_ACCESS_CITIZEN,
	  .effect = PIPE_EFFECT_WRITE, .scope = PIPE_SCOPE_NORMAL },
	/* The review: a reviewer's office only. Opening an application is a
	 * write (its audit row) and so asks for the CSRF token, which also
	 * keeps another site from spending a reviewer's budget of openings. */
	{ .method = "GET", .pattern = "/api/v1/review/queue",
	  .handler = app_review_queue, .prefetch = app_review_queue_prefetch,
	  .access = PIPE_ACCESS_REVIEWER, .effect = PIPE_EFFECT_READ,
	  .scope = PIPE_SCOPE_NORMAL },
	{ .method = "GET", .pattern = "/api/v1/review/applications/{id}",
	  .handler = app_review_open, .prefetch = app_review_open_prefetch,
	  .access = PIPE_ACCESS_REVIEWER, .limit = PIPE_LIMIT_REVIEW_OPEN,
	  .effect = PIPE_EFFECT_WRITE, .scope = PIPE_SCOPE_NORMAL },
	{ .method = "POST",
	  .pattern = "/api/v1/review/applications/{id}/decision",
	  .handler = app_review_decide, .prefetch = app_review_decide_prefetch,
	  .access = PIPE_ACCESS_REVIEWER, .effect = PIPE_EFFECT_WRITE,
	  .scope = PIPE_SCOPE_NORMAL },
	/* An admin's acts and readings: an admin's in every mode. */
	{ .method = "PUT", .pattern = "/api/v1/admin/offices/{code}",
	  .handler = app_admin_office_put,
	  .prefetch = app_admin_office_put_prefetch,
	  .access = PIPE_ACCESS_ADMIN, .effect = PIPE_EFFECT_WRITE,
	  .scope = PIPE_SCOPE_ADMIN },
	{ .method = "PUT", .pattern = "/api/v1/admin/offices/{code}/days/{date}",
	  .handler = app_admin_day_put, .prefetch = app_admin_day_put_prefetch,
	  .access = PIPE_ACCESS_ADMIN, .effect = PIPE_EFFECT_WRITE,
	  .scope = PIPE_SCOPE_ADMIN },
	{ .method = "GET", .pattern = "/api/v1/admin/flags",
	  .handler = app_admin_flags, .read = PIPE_READ(DB_STMT_ADMIN_FLAGS),
	  .access = PIPE_ACCESS_ADMIN, .effect = PIPE_EFFECT_READ,
	  .scope = PIPE_SCOPE_ADMIN },
	{ .method = "POST", .pattern = "/api/v1/admin/accounts/{id}/block",
	  .handler = app_admin_block, .prefetch = app_admin_block_prefetch,
	  .access = PIPE_ACCESS_ADMIN, .effect = PIPE_EFFECT_WRITE,
	  .scope = PIPE_SCOPE_ADMIN },
	{ .method = "POST", .pattern = "/api/v1/admin/accounts/{id}/unblock",
	  .handler = app_admin_unblock, .prefetch = app_admin_block_prefetch,
	  .access = PIPE_ACCESS_ADMIN, .effect = PIPE_EFFECT_WRITE,
	  .scope = PIPE_SCOPE_ADMIN },
	{ .method = "GET", .pattern = "/api/v1/admin/audit",
	  .handler = app_admin_audit, .prefetch = app_admin_audit_prefetch,
	  .access = PIPE_ACCESS_ADMIN, .effect = PIPE_EFFECT_READ,
	  .scope = PIPE_SCOPE_ADMIN },
	/* The payment gateway: public (no session, so no CSRF), authenticated
	 * by its signature over the raw body, checked first in the handler. */
	{ .method = "POST", .pattern = "/api/v1/payments/notifications",
	  .handler = app_payments_notify, .access = PIPE_ACCESS_PUBLIC,
	  .effect = PIPE_EFFECT_WRITE, .scope = PIPE_SCOPE_NORMAL },
	/* The back office's admin routes: an admin's in every mode, so the
	 * mode can always be set back (PIPE_SCOPE_ADMIN); anyone else is
	 * refused by the same checks as everywhere (403, or 503 where the
	 * mode refuses them first). */
	{ .method = "POST", .pattern = "/api/v1/admin/staff",
	  .handler = app_staff_create, .prefetch = app_staff_create_prefetch,
	  .access = PIPE_ACCESS_ADMIN, .effect = PIPE_EFFECT_WRITE,
	  .scope = PIPE_SCOPE_ADMIN },
	{ .method = "GET", .pattern = "/api/v1/admin/maintenance",
	  .handler = app_maintenance_get, .access = PIPE_ACCESS_ADMIN,
	  .effect = PIPE_EFFECT_READ, .scope = PIPE_SCOPE_ADMIN },
	{ .method = "PUT", .pattern = "/api/v1/admin/maintenance",
	  .handler = app_maintenance_put,
	  .prefetch = app_maintenance_put_prefetch, .access = PIPE_ACCESS_ADMIN,
	  .effect = PIPE_EFFECT_WRITE, .scope = PIPE_SCOPE_ADMIN },
};

/* A slot per route and one for requests no route took (fcgi/serve.c). */
_Static_assert(sizeof(app_route_table) / sizeof(app_route_table[0]) + 1 <=
    METRICS_ROUTES, "core/metrics.h: METRICS_ROUTES holds every route");

const struct pipe_route *
app_routes(size_t *n)
{
	*n = sizeof(app_route_table) / sizeof(app_route_table[0]);
	return app_route_table;
}
