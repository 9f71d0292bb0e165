/*
 * gauges — the database's state for the metrics (contract in app.h).
 */
#include "app/app.h"

#include <stdio.h>
#include <string.h>

#include "app/service.h"
#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"

/* The one row of METRICS_STATE into *g: 0, or -1 when malformed. */
static int
app_gauges_row(const struct db_result *r, struct app_gauges *g)
{
	const char *mode = db_text(r, 0, DB_COL(METRICS_STATE, MODE));
	long long flags, holds;

	if (db_rows(r) != 1 || mode == NULL || strlen(mode) >= sizeof(g->mode) ||
	    db_int64(r, 0, DB_COL(METRICS_STATE, FLAGS), &flags) != 0 ||
	    db_int64(r, 0, DB_COL(METRICS_STATE, HELD), &holds) != 0) {
		log_error("%s: malformed row", __func__);
		return -1;
	}
	snprintf(g->mode, sizeof(g->mode), "%s", mode);
	g->flags_open = flags;
	g->holds = holds;
	return 0;
}

/* The handle for `conninfo`, made again when a reload changed it. */
static int
app_gauges_db(struct app_gauges *g, const char *conninfo)
{
	if (g->db != NULL && strcmp(g->conninfo, conninfo) == 0)
		return 0;
	app_gauges_close(g);
	snprintf(g->conninfo, sizeof(g->conninfo), "%s", conninfo);
	if (db_open(conninfo, &g->db) != 0) {
		log_error("cannot create the database handle");
		return -1;
	}
	return 0;
}

int
app_gauges_read(struct app_gauges *g, const struct app_service *svc)
{
	struct db_result *r = NULL;
	enum db_status st;
	arena *a;
	int rc = -1;

	if (app_gauges_db(g, svc->cfg.database) != 0)
		return -1;
	a = arena_new(1024);
	db_deadline(g->db, svc->cfg.health_deadline);
	if ((st = db_begin(g->db, NULL)) == DB_OK &&
	    (st = db_exec(g->db, a, DB_STMT_METRICS_STATE, NULL, 0, &r)) ==
	    DB_OK)
		st = db_commit(g->db);
	db_rollback(g->db);
	db_deadline(g->db, 0);
	if (st == DB_OK)
		rc = app_gauges_row(r, g);
	arena_free(a);
	db_release(g->db);   /* workers forked later inherit no session */
	return rc;
}

void
app_gauges_close(struct app_gauges *g)
{
	if (g == NULL)
		return;
	db_close(g->db);
	g->db = NULL;
}
