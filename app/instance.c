/*
 * instance — this permitd master's row in the instances table (contract in
 * app.h; the table and its definer functions in migrations/0006).
 */
#include "app/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/service.h"
#include "core/uuid.h"
#include "core/arena.h"
#include "core/log.h"
#include "crypto/keyring.h"
#include "db/db.h"

/* Comma-joined KEK ids: at most every KEK of a keyring, or one per draining
 * generation and the current one. */
#define APP_KEK_LIST (KEYRING_MAX_KEKS * KEYRING_ID_SIZE + 1)

struct app_instance {
	char id[UUID_SIZE];
	char host[256];
	char pid[24];
	char started[24];             /* unix seconds */
	char conninfo[CONFIG_STR];    /* what db was opened with */
	struct db *db;                /* NULL, or released between calls */
	arena *a;
};

int
app_instance_open(struct app_instance **out)
{
	struct app_instance *in = calloc(1, sizeof(*in));

	*out = NULL;
	if (in == NULL) {
		log_error("out of memory");
		return -1;
	}
	uuid_v4(in->id);
	if (gethostname(in->host, sizeof(in->host) - 1) != 0 || in->host[0] == '\0')
		snprintf(in->host, sizeof(in->host), "unknown");
	snprintf(in->pid, sizeof(in->pid), "%ld", (long)getpid());
	snprintf(in->started, sizeof(in->started), "%lld", (long long)time(NULL));
	in->a = arena_new(4096);
	*out = in;
	return 0;
}

void
app_instance_close(struct app_instance *in)
{
	if (in == NULL)
		return;
	db_close(in->db);
	arena_free(in->a);
	free(in);
}

/* A handle for `conninfo`, re-made when a reload changed it. 0 or -1. */
static int
app_instance_db(struct app_instance *in, const char *conninfo)
{
	if (in->db != NULL && strcmp(in->conninfo, conninfo) == 0)
		return 0;
	db_close(in->db);
	in->db = NULL;
	snprintf(in->conninfo, sizeof(in->conninfo), "%s", conninfo);
	if (db_open(conninfo, &in->db) != 0) {
		log_error("cannot create the database handle");
		return -1;
	}
	return 0;
}

/* 1 when the comma-joined `list` holds `id`. */
static int
app_kek_list_has(const char *list, const char *id)
{
	size_t idlen = strlen(id);

	while (*list != '\0') {
		size_t n = strcspn(list, ",");

		if (n == idlen && strncmp(list, id, n) == 0)
			return 1;
		list += n + (list[n] == ',');
	}
	return 0;
}

/* Appends `id` to the comma-joined list unless it is there already. */
static void
app_kek_list_add(char list[APP_KEK_LIST], const char *id)
{
	size_t n = strlen(list);

	if (app_kek_list_has(list, id) || n + 1 + strlen(id) + 1 > APP_KEK_LIST)
		return;   /* the second cannot happen: bounded by the keyring */
	snprintf(list + n, APP_KEK_LIST - n, "%s%s", n > 0 ? "," : "", id);
}

/* Names every sealing KEK the database says it has retired. */
static void
app_instance_warn(const struct db_result *r)
{
	for (int i = 0; i < db_rows(r); i++)
		log_error("kek %s is retired in the database, but workers wrap new "
		    "data keys under it: their writes will be refused until "
		    "the keyring is rotated and permitd reloaded",
		    db_text(r, i, DB_COL(INSTANCE_ANNOUNCE, KEK)) != NULL ?
		    db_text(r, i, DB_COL(INSTANCE_ANNOUNCE, KEK)) : "?");
}

/* One anonymous transaction running `stmt`, every wait within `ms`; rows
 * to `out` (may be NULL). */
static enum db_status
app_instance_exec(struct app_instance *in, int ms, enum db_stmt stmt,
    const struct db_param *p, int np, struct db_result **out)
{
	enum db_status st;

	db_deadline(in->db, ms);
	if ((st = db_begin(in->db, NULL)) == DB_OK &&
	    (st = db_exec(in->db, in->a, stmt, p, np, out)) == DB_OK)
		st = db_commit(in->db);
	db_rollback(in->db);
	db_deadline(in->db, 0);
	return st;
}

int
app_instance_announce(struct app_instance *in,
    const struct app_service *current,
    const struct app_service *const *draining, size_t n)
{
	char sealing[APP_KEK_LIST] = "", held[APP_KEK_LIST] = "";
	struct db_param p[6];
	struct db_result *r = NULL;
	enum db_status st;

	if (app_instance_db(in, current->cfg.database) != 0)
		return -1;
	app_kek_list_add(sealing, keyring_active_kek_id(current->keys));
	for (size_t i = 0; i < n; i++)
		app_kek_list_add(sealing, keyring_active_kek_id(draining[i]->keys));
	for (size_t i = 0; i < keyring_kek_count(current->keys); i++)
		app_kek_list_add(held, keyring_kek_id(current->keys, i));
	p[0] = DB_TEXT(in->id);
	p[1] = DB_TEXT(in->host);
	p[2] = DB_TEXT(in->pid);
	p[3] = DB_TEXT(in->started);
	p[4] = DB_TEXT(sealing);
	p[5] = DB_TEXT(held);
	st = app_instance_exec(in, current->cfg.health_deadline,
	    DB_STMT_INSTANCE_ANNOUNCE, p, 6, &r);
	if (st == DB_OK) {
		app_instance_warn(r);
		log_debug("announced: sealing under %s, holding %s", sealing, held);
	}
	arena_reset(in->a);
	db_release(in->db);   /* workers forked later inherit no session */
	return st == DB_OK ? 0 : -1;
}

void
app_instance_leave(struct app_instance *in, const struct app_service *current)
{
	struct db_param p = DB_TEXT(in->id);

	if (app_instance_db(in, current->cfg.database) != 0)
		return;
	if (app_instance_exec(in, current->cfg.health_deadline,
	    DB_STMT_INSTANCE_LEAVE, &p, 1, NULL) != DB_OK)
		log_warn("could not remove this instance's row; the database "
		    "stops counting it 30 s after its last heartbeat");
	arena_reset(in->a);
	db_release(in->db);
}
