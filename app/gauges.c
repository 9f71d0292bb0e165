/*
 * gauges — the database's state for the metrics (contract in app.h).
 */
#include "app/app.h"

#include <stdio.h>
#include <string.h>

#include "app/service.h"
#include "core/arena.h"
#include "db/db.h"

/* The one row of METRICS_STATE into *out: 0, or -1 when malformed. */
static int
app_gauges_row(const struct db_result *r, struct app_gauges *out)
{
	const char *mode = db_text(r, 0, DB_COL(METRICS_STATE, MODE));

	if (db_rows(r) != 1 || mode == NULL || strlen(mode) >= sizeof(out->mode) ||
	    db_int64(r, 0, DB_COL(METRICS_STATE, FLAGS), &out->flags_open) != 0 ||
	    db_int64(r, 0, DB_COL(METRICS_STATE, HELD), &out->holds) != 0)
		return -1;
	snprintf(out->mode, sizeof(out->mode), "%s", mode);
	return 0;
}

int
app_gauges_read(const struct app_service *svc, struct app_gauges *out)
{
	struct db *db = NULL;
	struct db_result *r = NULL;
	arena *a = NULL;
	enum db_status st;
	int rc = -1;

	if (db_open(svc->cfg.database, &db) != 0)
		return -1;
	a = arena_new(1024);
	db_deadline(db, svc->cfg.health_deadline);
	if ((st = db_begin(db, NULL)) == DB_OK &&
	    (st = db_exec(db, a, DB_STMT_METRICS_STATE, NULL, 0, &r)) == DB_OK)
		st = db_commit(db);
	db_rollback(db);
	if (st == DB_OK)
		rc = app_gauges_row(r, out);
	arena_free(a);
	db_close(db);
	return rc;
}
