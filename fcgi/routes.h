/*
 * routes — the table of every route permitd answers. A resource's routes
 * are added here as its handlers land; nothing else is reachable.
 */
#ifndef PERMIT_FCGI_ROUTES_H
#define PERMIT_FCGI_ROUTES_H

#include <stddef.h>

#include "app/app.h"

/* The table (static storage) and its length in *n. */
const struct app_route *fcgi_routes(size_t *n);

#endif
