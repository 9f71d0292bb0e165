/*
 * routes — the table of every route permitd answers. A resource's routes
 * are added here as its handlers land; nothing else is reachable.
 */
#ifndef PERMIT_APP_ROUTES_H
#define PERMIT_APP_ROUTES_H

#include <stddef.h>

#include "pipe/pipe.h"

/* The table (static storage) and its length in *n. */
const struct pipe_route *app_routes(size_t *n);

#endif
