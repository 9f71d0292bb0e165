/*
 * applications — the citizen's applications resource (contract in
 * applications.h).
 */
#include "app/applications.h"

#include <stdlib.h>
#include <string.h>

#include "app/application_fields.h"
#include "app/application_record.h"
#include "app/calendar.h"
#include "app/idempotency.h"
#include "app/json.h"
#include "app/uuid.h"
#include "app/validate.h"
#include "core/log.h"
#include "db/db.h"

/* APP_INSERT: id, who, kind, office, passport_type, nik_bidx, dek_wrapped,
 * kek_id, then the sealed fields in enum app_field order. */
#define APP_INSERT_HEAD   8
#define APP_INSERT_PARAMS (APP_INSERT_HEAD + APP_FIELD_COUNT)

/* The one 404 body: nonexistent, malformed and someone else's ids alike. */
static void
app_not_found(struct app_response *res)
{
	app_error(res, 404, "not_found", "No such application.", NULL);
}

static void
app_internal(struct app_response *res)
{
	app_error(res, 500, "internal", "Something went wrong.", NULL);
}

/* `status` with {"application": app}. */
static void
app_answer(struct app_response *res, int status, json_t *app)
{
	res->status = status;
	res->body = json_pack("{s:o}", "application", app);
	if (res->body == NULL) {
		log_error("out of memory");
		abort();
	}
}

/*
 * Opens row 0 of `r` as who's: 0 with *app; 1 when answered (404 for a key
 * that does not open for this owner, 500 for a field that does not).
 */
static int
app_open_row(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, const struct db_result *r, json_t **app,
    struct app_response *res)
{
	switch (app_record_open(req->arena, ctx->keys, who->account_id, r, 0,
	    app)) {
	case APP_OPEN_OK:
		return 0;
	case APP_OPEN_NOT_OWNER:
		app_not_found(res);
		return 1;
	case APP_OPEN_CORRUPT:
		break;
	}
	app_internal(res);
	return 1;
}

/*
 * Application `id` of `who`, opened, with `stmt` (APP_GET, or
 * APP_GET_FOR_UPDATE to lock it): 0 with *app; 1 when answered (404/500);
 * -1 when the database failed.
 */
static int
app_load(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, const char *id, enum db_stmt stmt,
    json_t **app, struct app_response *res)
{
	struct db_param p[2] = { DB_TEXT(id), DB_TEXT(who->account_id) };
	struct db_result *r;

	if (id == NULL || validate_uuid(id) != VALIDATE_OK) {
		app_not_found(res);
		return 1;
	}
	if (db_exec(ctx->db, req->arena, stmt, p, 2, &r) != DB_OK)
		return -1;
	if (db_rows(r) != 1) {
		app_not_found(res);
		return 1;
	}
	return app_open_row(ctx, req, who, r, app, res);
}

/* A replayed POST: the first answer's status, the resource as it is now. */
static int
app_replay(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, const struct app_idem_state *idem,
    struct app_response *res)
{
	json_t *app;
	int rc = app_load(ctx, req, who, idem->resource_id, DB_STMT_APP_GET,
	    &app, res);

	if (rc == 0)
		app_answer(res, idem->status, app);
	return rc < 0 ? -1 : 0;
}

/* Claims the Idempotency-Key: 0 to go on (replays and refusals answered,
 * *done set), -1 when the database failed. */
static int
app_claim(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, struct app_idem_state *idem,
    int *done, struct app_response *res)
{
	*done = 1;
	switch (app_idem_begin(ctx, req, who, idem, res)) {
	case APP_IDEM_NONE:
	case APP_IDEM_NEW:
		*done = 0;
		return 0;
	case APP_IDEM_REPLAY:
		return app_replay(ctx, req, who, idem, res);
	case APP_IDEM_REFUSED:
		return 0;
	case APP_IDEM_FAILED:
		break;
	}
	return -1;
}

/* Body and office: 0 with *in; 1 when answered (400/422); -1 db failure. */
static int
app_create_input(struct app_ctx *ctx, const struct app_request *req,
    struct app_application_input *in, struct app_response *res)
{
	struct validate_date today;
	struct db_param p[1];
	struct db_result *r;
	json_t *body;

	app_today(&today);
	if (app_json_body(req, res, &body) != 0 ||
	    app_application_parse(req->arena, body, &today, in, res) != 0)
		return 1;
	p[0] = DB_TEXT(in->office);
	if (db_exec(ctx->db, req->arena, DB_STMT_APP_OFFICE_EXISTS, p, 1,
	    &r) != DB_OK)
		return -1;
	if (db_rows(r) != 1) {
		app_error(res, 422, "invalid", "is not an office", "office");
		return 1;
	}
	return 0;
}

/*
 * The account's bound on active applications, held under a lock of its
 * row so concurrent creates queue here: 0 to go on; 1 when answered (409);
 * -1 when the database failed.
 */
static int
app_create_admit(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, struct app_response *res)
{
	struct db_param p[1] = { DB_TEXT(who->account_id) };
	struct db_result *r;
	long long n;

	if (db_exec(ctx->db, req->arena, DB_STMT_APP_LOCK_ACCOUNT, p, 1,
	    &r) != DB_OK)
		return -1;
	if (db_rows(r) != 1) {
		log_error("the session's account row is not visible");
		app_internal(res);
		return 1;
	}
	if (db_exec(ctx->db, req->arena, DB_STMT_APP_COUNT_ACTIVE, p, 1,
	    &r) != DB_OK || db_int64(r, 0, 0, &n) != 0)
		return -1;
	if (n >= ctx->cfg->max_active_applications) {
		app_error(res, 409, "conflict",
		    "This account has too many active applications.", NULL);
		return 1;
	}
	return 0;
}

/* The INSERT's parameters from the input and its sealed form. */
static void
app_insert_params(const char *id, const struct app_principal *who,
    const struct app_application_input *in,
    const struct app_record_sealed *s, struct db_param p[APP_INSERT_PARAMS])
{
	p[0] = DB_TEXT(id);
	p[1] = DB_TEXT(who->account_id);
	p[2] = DB_TEXT(in->kind_name);
	p[3] = DB_TEXT(in->office);
	p[4] = DB_TEXT(in->passport_type);
	p[5] = DB_BYTES(s->nik_bidx, sizeof(s->nik_bidx));
	p[6] = DB_BYTES(s->dek_wrapped, s->dek_wrapped_len);
	p[7] = DB_TEXT(s->kek_id);
	for (int f = 0; f < APP_FIELD_COUNT; f++)
		p[APP_INSERT_HEAD + f] = s->field[f] != NULL ?
		    DB_BYTES(s->field[f], s->field_len[f]) : DB_NULL;
}

/* Seals and inserts: 0 with the new row opened in *app; 1 when answered
 * (409 NIK active, 500); -1 when the database failed. */
static int
app_create_insert(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, const struct app_application_input *in,
    const char *id, json_t **app, struct app_response *res)
{
	struct app_record_sealed sealed;
	struct db_param p[APP_INSERT_PARAMS];
	struct db_result *r;
	enum db_status st;

	if (app_record_seal(req->arena, ctx->keys, id, who->account_id, in,
	    &sealed) != 0) {
		app_internal(res);
		return 1;
	}
	app_insert_params(id, who, in, &sealed, p);
	st = db_exec(ctx->db, req->arena, DB_STMT_APP_INSERT, p,
	    APP_INSERT_PARAMS, &r);
	if (st == DB_CONFLICT) {
		app_error(res, 409, "conflict", "This NIK already has an active "
		    "application of this kind.", NULL);
		return 1;
	}
	if (st != DB_OK)
		return -1;
	if (db_rows(r) != 1)
		return -1;
	return app_open_row(ctx, req, who, r, app, res);
}

int
app_applications_create(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, struct app_response *res)
{
	struct app_application_input in;
	struct app_idem_state idem;
	char id[APP_UUID_SIZE];
	json_t *app;
	int rc, done;

	if (app_idem_check(req, res) != 0)
		return 0;
	/* The claim first: a replay answers what the first request did even
	 * when the body would no longer pass (a depart_on now past). A claim
	 * followed by a 4xx is rolled back with the rest. */
	if (app_claim(ctx, req, who, &idem, &done, res) != 0)
		return -1;
	if (done)
		return 0;
	if ((rc = app_create_input(ctx, req, &in, res)) != 0)
		return rc < 0 ? -1 : 0;
	if ((rc = app_create_admit(ctx, req, who, res)) != 0)
		return rc < 0 ? -1 : 0;
	app_uuid_v4(id);
	if ((rc = app_create_insert(ctx, req, who, &in, id, &app, res)) != 0)
		return rc < 0 ? -1 : 0;
	if (app_idem_finish(ctx, req, who, &idem, 201, id) != 0)
		return -1;
	app_answer(res, 201, app);
	return 0;
}

int
app_applications_list(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, struct app_response *res)
{
	struct db_param p[1] = { DB_TEXT(who->account_id) };
	struct db_result *r;
	json_t *list, *summary;

	if (db_exec(ctx->db, req->arena, DB_STMT_APP_LIST, p, 1, &r) != DB_OK)
		return -1;
	if ((list = json_array()) == NULL)
		abort();
	for (int i = 0; i < db_rows(r); i++) {
		/* A row the filter and RLS call ours that does not open is
		 * tampering: fail closed, show nothing. */
		if (app_record_summary(req->arena, ctx->keys, who->account_id,
		    r, i, &summary) != APP_OPEN_OK) {
			app_internal(res);
			return 0;
		}
		if (json_array_append_new(list, summary) != 0)
			abort();
	}
	res->status = 200;
	if ((res->body = json_pack("{s:o}", "applications", list)) == NULL)
		abort();
	return 0;
}

int
app_applications_get(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, struct app_response *res)
{
	json_t *app;
	int rc = app_load(ctx, req, who, req->params[0], DB_STMT_APP_GET, &app,
	    res);

	if (rc == 0)
		app_answer(res, 200, app);
	return rc < 0 ? -1 : 0;
}

/* 1 when an application in `status` may be cancelled. */
static int
app_cancellable(const json_t *app, int *booked)
{
	const char *status = json_string_value(json_object_get(app, "status"));

	*booked = status != NULL && strcmp(status, "booked") == 0;
	return status != NULL &&
	    (strcmp(status, "submitted") == 0 || *booked);
}

/* The locked, opened, cancellable row is cancelled: 0 with *app the new
 * representation; 1 when answered; -1 when the database failed. */
static int
app_cancel_row(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, const char *id, json_t **app,
    struct app_response *res)
{
	struct db_param p[2] = { DB_TEXT(id), DB_TEXT(who->account_id) };
	struct db_result *r;
	int booked;

	if (!app_cancellable(*app, &booked)) {
		app_error(res, 409, "conflict",
		    "This application can no longer be cancelled.", NULL);
		return 1;
	}
	if (booked) {
		/* Bookings (a later issue): give the office day's slot back
		 * here, in this transaction, before the status changes. */
	}
	if (db_exec(ctx->db, req->arena, DB_STMT_APP_CANCEL, p, 2, &r) != DB_OK ||
	    db_rows(r) != 1)
		return -1;   /* the row is locked and was cancellable */
	return app_open_row(ctx, req, who, r, app, res);
}

int
app_applications_cancel(struct app_ctx *ctx, const struct app_request *req,
    const struct app_principal *who, struct app_response *res)
{
	const char *id = req->params[0];
	struct app_idem_state idem;
	json_t *app;
	int rc, done;

	if (app_idem_check(req, res) != 0)
		return 0;
	if (id == NULL || validate_uuid(id) != VALIDATE_OK) {
		app_not_found(res);
		return 0;
	}
	if (app_claim(ctx, req, who, &idem, &done, res) != 0)
		return -1;
	if (done)
		return 0;
	if ((rc = app_load(ctx, req, who, id, DB_STMT_APP_GET_FOR_UPDATE, &app,
	    res)) != 0 ||
	    (rc = app_cancel_row(ctx, req, who, id, &app, res)) != 0)
		return rc < 0 ? -1 : 0;
	if (app_idem_finish(ctx, req, who, &idem, 200, id) != 0)
		return -1;
	app_answer(res, 200, app);
	return 0;
}
