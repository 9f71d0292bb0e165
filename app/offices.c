#include "app/offices.h"

#include <stdlib.h>

#include "core/log.h"
#include "db/db.h"

/* One office row as API.md's object; NULL on a malformed row. */
static json_t *
app_office_json(const struct db_result *r, int row)
{
	long long quota;

	if (db_int64(r, row, 3, &quota) != 0)
		return NULL;
	return json_pack("{s:s, s:s, s:s, s:I}",
	    "code", db_text(r, row, 0), "name", db_text(r, row, 1),
	    "city", db_text(r, row, 2), "daily_quota", (json_int_t)quota);
}

int
app_offices_list(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, struct app_response *res)
{
	struct db_result *r;
	json_t *list, *office;

	(void)who;
	if (db_exec(ctx->db, req->arena, DB_STMT_OFFICES_LIST, NULL, 0, &r) != DB_OK)
		return -1;
	list = json_array();
	for (int i = 0; i < db_rows(r); i++) {
		if ((office = app_office_json(r, i)) == NULL) {
			log_error("malformed office row %d", i);
			return -1;
		}
		json_array_append_new(list, office);
	}
	res->status = 200;
	res->body = json_pack("{s:o}", "offices", list);
	return 0;
}
