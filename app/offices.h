/*
 * offices — the public list of immigration offices.
 */
#ifndef PERMIT_APP_OFFICES_H
#define PERMIT_APP_OFFICES_H

#include "app/app.h"

/* GET /api/v1/offices: 200 {"offices":[{"code","name","city","daily_quota"}]}. */
app_handler app_offices_list;

#endif
