#include "fcgi/routes.h"

#include "app/accounts.h"
#include "app/applications.h"
#include "app/health.h"
#include "app/offices.h"
#include "app/sessions.h"

static const struct app_route fcgi_route_table[] = {
	{ .method = "GET", .pattern = "/api/v1/health", .handler = app_health,
	  .access = APP_ACCESS_PUBLIC, .effect = APP_EFFECT_READ,
	  .scope = APP_SCOPE_ALWAYS,
	  .unavailable_body = app_health_unavailable },
	{ .method = "GET", .pattern = "/api/v1/offices",
	  .handler = app_offices_list, .access = APP_ACCESS_PUBLIC,
	  .effect = APP_EFFECT_READ, .scope = APP_SCOPE_NORMAL },
	{ .method = "GET", .pattern = "/api/v1/offices/{code}/days",
	  .handler = app_office_days, .access = APP_ACCESS_PUBLIC,
	  .effect = APP_EFFECT_READ, .scope = APP_SCOPE_NORMAL },
	{ .method = "POST", .pattern = "/api/v1/accounts",
	  .handler = app_accounts_create, .access = APP_ACCESS_PUBLIC,
	  .effect = APP_EFFECT_WRITE, .scope = APP_SCOPE_NORMAL },
	/* Sign-in is answered in every mode so an admin can always sign in to
	 * end maintenance; outside normal mode the handler opens sessions for
	 * admins only. It is public, so CSRF does not apply. */
	{ .method = "POST", .pattern = "/api/v1/sessions",
	  .handler = app_sessions_create, .access = APP_ACCESS_PUBLIC,
	  .effect = APP_EFFECT_READ, .scope = APP_SCOPE_ALWAYS },
	{ .method = "DELETE", .pattern = "/api/v1/sessions/current",
	  .handler = app_sessions_delete, .access = APP_ACCESS_SESSION,
	  .effect = APP_EFFECT_WRITE, .scope = APP_SCOPE_ADMIN },
	{ .method = "GET", .pattern = "/api/v1/me", .handler = app_me_get,
	  .access = APP_ACCESS_SESSION, .effect = APP_EFFECT_READ,
	  .scope = APP_SCOPE_ADMIN },
	{ .method = "POST", .pattern = "/api/v1/applications",
	  .handler = app_applications_create, .access = APP_ACCESS_CITIZEN,
	  .effect = APP_EFFECT_WRITE, .scope = APP_SCOPE_NORMAL },
	{ .method = "GET", .pattern = "/api/v1/applications",
	  .handler = app_applications_list, .access = APP_ACCESS_CITIZEN,
	  .effect = APP_EFFECT_READ, .scope = APP_SCOPE_NORMAL },
	{ .method = "GET", .pattern = "/api/v1/applications/{id}",
	  .handler = app_applications_get, .access = APP_ACCESS_CITIZEN,
	  .effect = APP_EFFECT_READ, .scope = APP_SCOPE_NORMAL },
	{ .method = "POST", .pattern = "/api/v1/applications/{id}/cancel",
	  .handler = app_applications_cancel, .access = APP_ACCESS_CITIZEN,
	  .effect = APP_EFFECT_WRITE, .scope = APP_SCOPE_NORMAL },
};

const struct app_route *
fcgi_routes(size_t *n)
{
	*n = sizeof(fcgi_route_table) / sizeof(fcgi_route_table[0]);
	return fcgi_route_table;
}
