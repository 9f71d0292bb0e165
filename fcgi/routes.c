#include "fcgi/routes.h"

#include "app/health.h"

static const struct app_route fcgi_route_table[] = {
	{ .method = "GET", .pattern = "/api/v1/health", .handler = app_health,
	  .access = APP_ACCESS_PUBLIC, .effect = APP_EFFECT_READ,
	  .scope = APP_SCOPE_ALWAYS,
	  .unavailable_body = app_health_unavailable },
};

const struct app_route *
fcgi_routes(size_t *n)
{
	*n = sizeof(fcgi_route_table) / sizeof(fcgi_route_table[0]);
	return fcgi_route_table;
}
