/*
 * draws — a day's opening draw as anyone may see it (migrations/0018):
 * GET /api/v1/offices/{code}/draws/{date}: 200 {"draw":{"date","opens_at",
 * "draw_at","seed_hash","seed","entries","waiting"}}, the seed (hex) null
 * until the draw has run, its hash (hex, BLAKE2b-256 of the seed) from
 * before the window opened; 404 for a day with no draw, an unknown office
 * or a malformed code or date.
 */
#ifndef PERMIT_APP_DRAWS_H
#define PERMIT_APP_DRAWS_H

#include "pipe/pipe.h"

pipe_handler app_draw_get;
pipe_prefetch app_draw_get_prefetch;

#endif
