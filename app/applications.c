/*
 * applications — the citizen's applications resource (contract in
 * applications.h).
 */
#include "app/applications.h"

#include <string.h>

#include "app/application_fields.h"
#include "app/application_record.h"
#include "app/booking.h"
#include "app/draw_entry.h"
#include "app/offices.h"
#include "pipe/idempotency.h"
#include "pipe/json.h"
#include "pipe/rows.h"
#include "core/uuid.h"
#include "core/validate.h"
#include "core/log.h"
#include "core/metrics.h"
#include "db/db.h"

/* APP_INSERT's parameters are its columns (DB_COLS_APP_INSERT, db/sql/
 * applications.def), in order. */
#define APP_INSERT_PARAMS  DB_NCOLS(APP_INSERT)
#define APP_INSERT_P(name) DB_COL(APP_INSERT, name)

/* Each sealed field's parameter of APP_INSERT. */
static const int app_insert_field[APP_FIELD_COUNT] = {
#define APP_INSERT_FIELD(name, ...) [APP_F_##name] = APP_INSERT_P(name),
	DB_SEALED_FIELDS_APPLICATIONS(APP_INSERT_FIELD, )
#undef APP_INSERT_FIELD
};

/* The one 404 body: nonexistent, malformed and someone else's ids alike. */
static enum pipe_status
app_not_found(struct pipe_response *res)
{
	pipe_error(res, 404, "not_found", "No such application.", NULL);
	return PIPE_ANSWERED;
}

/* `status` with {"application": app}. */
static enum pipe_status
app_answer(struct pipe_response *res, int status, json_t *app)
{
	res->status = status;
	res->body = pipe_oom_check(json_pack("{s:o}", "application", app));
	return PIPE_ANSWERED;
}

/*
 * Opens row 0 of `r` as who's: PIPE_NEXT with *app; PIPE_ANSWERED with 404
 * for a key that does not open for this owner, 500 for a field that does
 * not.
 */
static enum pipe_status
app_open_row(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, const struct db_result *r, json_t **app,
    struct pipe_response *res)
{
	switch (app_record_open(req->arena, ctx->keys, who->account_id, r, 0,
	    app)) {
	case APP_OPEN_OK:
		return PIPE_NEXT;
	case APP_OPEN_NOT_OWNER:
		return app_not_found(res);
	case APP_OPEN_CORRUPT:
		break;
	}
	return pipe_internal(res);
}

/* The {id} of the route, or NULL unless it is a well-formed id: anything
 * else is no application of anyone's (404). */
static const char *
app_id(const struct pipe_request *req)
{
	return pipe_param_uuid(req, 0);
}

/* Row 0 of `r`, a look-up of one of who's applications, opened: PIPE_NEXT
 * with *app; 404 when there is no such row or it does not open as who's. */
static enum pipe_status
app_one(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, const struct db_result *r, json_t **app,
    struct pipe_response *res)
{
	if (db_rows(r) != 1)
		return app_not_found(res);
	return app_open_row(ctx, req, who, r, app, res);
}

/* A replayed POST: the first answer's status, the resource as it is now. */
static enum pipe_status
app_replay(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, const struct pipe_idem_state *idem,
    struct pipe_response *res)
{
	struct db_param p[1] = { DB_TEXT(idem->resource_id) };
	struct db_result *r;
	json_t *app;
	enum pipe_status st;

	if ((st = pipe_db(db_exec(ctx->db, req->arena, DB_STMT_APP_GET, p, 1,
	    &r))) != PIPE_NEXT ||
	    (st = app_one(ctx, req, who, r, &app, res)) != PIPE_NEXT)
		return st;
	return app_answer(res, idem->status, app);
}

/* Claims the Idempotency-Key: PIPE_NEXT to serve the request; replays and
 * refusals answered; or the database failure. */
static enum pipe_status
app_claim(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_idem_state *idem,
    struct pipe_response *res)
{
	enum pipe_status st = pipe_idem_begin(ctx, req, who, idem, res);

	if (st == PIPE_NEXT && idem->replay)
		return app_replay(ctx, req, who, idem, res);
	return st;
}

/* Where a create's prefetched reads are. */
enum { APP_CREATE_TODAY, APP_CREATE_LOCK, APP_CREATE_COUNT };

/*
 * A create's first flight: the office's today (the office the body names,
 * if a string: the body is judged in full only by the handler), then the
 * account's row locked, so concurrent creates of one account queue there,
 * and its active applications counted once the lock is held.
 */
void
app_applications_create_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	(void)ctx;
	app_office_today_add(plan, req->body == NULL ? NULL :
	    json_string_value(json_object_get(req->body, "office")));
	pipe_plan_add(plan, DB_STMT_APP_LOCK_ACCOUNT, NULL, 0);
	pipe_plan_add(plan, DB_STMT_APP_COUNT_ACTIVE, NULL, 0);
}

/*
 * Body and office: PIPE_NEXT with *in; answered (400/422) or the database
 * failure.
 *
 * The body's dates are judged on the office's today, which only the
 * database knows: the office the body names was looked up in the first
 * flight, before the parse; the body's own faults are reported first, and
 * an unknown office after them (its dates judged on Asia/Jakarta's today).
 * birth_date
 * is judged on the office's today too: the HTTP API's "in the past" names no
 * zone, and the office's day is Jakarta's or the next.
 */
static enum pipe_status
app_create_input(const struct pipe_request *req,
    struct app_application_input *in, struct pipe_response *res)
{
	struct validate_date today;
	struct pipe_invalid inv;
	enum pipe_status st;
	json_t *body;
	int office;

	if (pipe_json_body(req, res, &body) != 0)
		return PIPE_ANSWERED;
	if ((st = app_office_today(req, APP_CREATE_TODAY, &today,
	    &office)) != PIPE_NEXT)
		return st;
	pipe_invalid_init(&inv, req->arena);
	(void)app_application_parse(&inv, body, &today, in);
	if (in->office != NULL && !office)
		(void)pipe_invalid_add(&inv, NULL, "office", RULE_OFFICE);
	return pipe_invalid_answer(&inv, res) != 0 ? PIPE_ANSWERED : PIPE_NEXT;
}

/*
 * The account's bound on active applications, counted under the lock of
 * its row (both in the first flight): PIPE_NEXT to go on; answered (409)
 * or the database failure.
 */
static enum pipe_status
app_create_admit(struct pipe_ctx *ctx, const struct pipe_request *req,
    struct pipe_response *res)
{
	struct db_result *r;
	enum pipe_status st;
	long long n;

	if ((st = pipe_prefetched(req, APP_CREATE_LOCK, &r)) != PIPE_NEXT)
		return st;
	if (db_rows(r) != 1) {
		log_error("the session's account row is not visible");
		return pipe_internal(res);
	}
	if ((st = pipe_prefetched(req, APP_CREATE_COUNT, &r)) != PIPE_NEXT)
		return st;
	if (db_int64(r, 0, DB_COL(APP_COUNT_ACTIVE, ACTIVE), &n) != 0)
		return PIPE_FAILED;
	if (n >= ctx->cfg->max_active_applications) {
		pipe_error(res, 409, "conflict",
		    "This account has too many active applications.", NULL);
		return PIPE_ANSWERED;
	}
	return PIPE_NEXT;
}

/* The INSERT's parameters from the input and its sealed form. */
static void
app_insert_params(const char *id, const struct pipe_principal *who,
    const struct app_application_input *in,
    const struct app_record_sealed *s, struct db_param p[APP_INSERT_PARAMS])
{
	for (int i = 0; i < APP_INSERT_PARAMS; i++)
		p[i] = DB_NULL;   /* a column left unfilled is NULL, not garbage */
	p[APP_INSERT_P(ID)] = DB_TEXT(id);
	p[APP_INSERT_P(ACCOUNT_ID)] = DB_TEXT(who->account_id);
	p[APP_INSERT_P(KIND)] = DB_TEXT(in->kind_name);
	p[APP_INSERT_P(OFFICE)] = DB_TEXT(in->office);
	p[APP_INSERT_P(PASSPORT_TYPE)] = DB_TEXT(in->passport_type);
	p[APP_INSERT_P(NIK_BIDX)] = DB_BYTES(s->nik_bidx, sizeof(s->nik_bidx));
	p[APP_INSERT_P(DEK_WRAPPED)] = DB_BYTES(s->dek_wrapped,
	    s->dek_wrapped_len);
	p[APP_INSERT_P(KEK_ID)] = DB_TEXT(s->kek_id);
	for (int f = 0; f < APP_FIELD_COUNT; f++)
		p[app_insert_field[f]] = s->field[f] != NULL ?
		    DB_BYTES(s->field[f], s->field_len[f]) : DB_NULL;
}

/*
 * The burst rule's statement (migrations/0008), which counts this
 * submission or booking and flags the account at flag_burst_count within
 * flag_burst_seconds: it rides the request's last flight. Parameters in
 * the request arena.
 */
static void
app_burst_call(const struct pipe_ctx *ctx, const struct pipe_request *req,
    const char *kind, struct db_call *call)
{
	struct db_param *p = arena_alloc(req->arena, 3 * sizeof(*p));

	p[0] = DB_TEXT(kind);
	p[1] = DB_TEXT(arena_printf(req->arena, "%d", ctx->cfg->flag_burst_count));
	p[2] = DB_TEXT(arena_printf(req->arena, "%d",
	    ctx->cfg->flag_burst_seconds));
	*call = (struct db_call){ DB_STMT_FLAG_BURST, p, 3, NULL, DB_ERROR };
}

/*
 * Seals and inserts, with the Idempotency-Key's record and COMMIT in the
 * same flight: PIPE_NEXT with the new row opened in *app; answered (409
 * NIK active in this account, 500) or the database failure.
 */
static enum pipe_status
app_create_insert(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, const struct app_application_input *in,
    const char *id, const struct pipe_idem_state *idem, json_t **app,
    struct pipe_response *res)
{
	struct app_record_sealed sealed;
	struct db_param p[APP_INSERT_PARAMS];
	struct db_call calls[3] = {
		{ DB_STMT_APP_INSERT, p, APP_INSERT_PARAMS, NULL, DB_ERROR },
	};
	int n = 2;
	enum pipe_status st;

	app_burst_call(ctx, req, "submission", &calls[1]);
	if (app_record_seal(req->arena, ctx->keys, id, who->account_id, in,
	    &sealed) != 0)
		return pipe_internal(res);
	app_insert_params(id, who, in, &sealed, p);
	n += pipe_idem_finish(req, who, idem, 201, id, &calls[2]);
	st = pipe_commit(ctx, req, calls, n);
	if (calls[0].status == DB_CONFLICT) {
		pipe_error(res, 409, "conflict", "This account already has an "
		    "active application of this kind for this NIK.", NULL);
		return PIPE_ANSWERED;
	}
	if (st != PIPE_NEXT)
		return st;
	if (db_rows(calls[0].result) != 1)
		return PIPE_FAILED;
	return app_open_row(ctx, req, who, calls[0].result, app, res);
}

enum pipe_status
app_applications_create(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	struct app_application_input in;
	struct pipe_idem_state idem;
	char id[UUID_SIZE];
	enum pipe_status st;
	json_t *app;

	if (pipe_idem_check(req, res) != 0)
		return PIPE_ANSWERED;
	/* The claim first: a replay answers what the first request did even
	 * when the body would no longer pass (a depart_on now past). A claim
	 * followed by a 4xx is rolled back with the rest. */
	if ((st = app_claim(ctx, req, who, &idem, res)) != PIPE_NEXT ||
	    (st = app_create_input(req, &in, res)) != PIPE_NEXT ||
	    (st = app_create_admit(ctx, req, res)) != PIPE_NEXT)
		return st;
	uuid_v4(id);
	if ((st = app_create_insert(ctx, req, who, &in, id, &idem, &app,
	    res)) != PIPE_NEXT)
		return st;
	return app_answer(res, 201, app);
}

/* Whose list it is: rows open as `owner`'s. */
struct app_list_reader {
	arena *arena;
	const struct keyring *keys;
	const char *owner;
};

/* A row the filter and RLS call ours that does not open is listed by its
 * workflow data alone, marked unreadable: one record (a lost KEK, a damaged
 * row) must not hide the others. Its identity data is shown nowhere; GET of
 * it still fails. */
static json_t *
app_list_summary(const struct db_result *r, int row, const void *arg)
{
	const struct app_list_reader *lr = arg;
	json_t *summary;

	(void)app_record_summary(lr->arena, lr->keys, lr->owner, r, row,
	    &summary);
	return summary;
}

enum pipe_status
app_applications_list(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	const struct app_list_reader lr = { req->arena, ctx->keys,
	    who->account_id };
	struct db_result *r;
	enum pipe_status st;

	if ((st = pipe_prefetched(req, 0, &r)) != PIPE_NEXT)
		return st;
	return pipe_rows_answer(res, "applications", r, app_list_summary, &lr);
}

/* One application by its {id}, for get (APP_GET) and cancel
 * (APP_GET_FOR_UPDATE, which locks it for the state change). */
static void
app_one_prefetch(const struct pipe_request *req, enum db_stmt stmt,
    struct pipe_plan *plan)
{
	const char *id = app_id(req);
	const struct db_param p[1] = { DB_TEXT(id) };

	if (id != NULL)
		pipe_plan_add(plan, stmt, p, 1);
}

void
app_applications_get_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	(void)ctx;
	app_one_prefetch(req, DB_STMT_APP_GET, plan);
}

enum pipe_status
app_applications_get(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	struct db_result *r;
	enum pipe_status st;
	json_t *app;

	if (app_id(req) == NULL)
		return app_not_found(res);
	if ((st = pipe_prefetched(req, 0, &r)) != PIPE_NEXT ||
	    (st = app_one(ctx, req, who, r, &app, res)) != PIPE_NEXT)
		return st;
	return app_answer(res, 200, app);
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

/*
 * The locked, opened row is cancelled if it may be, with the
 * Idempotency-Key's record and COMMIT in the same flight: PIPE_NEXT with
 * *app the new representation; answered (409) or the database failure.
 */
static enum pipe_status
app_cancel_row(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, const char *id,
    const struct pipe_idem_state *idem, json_t **app,
    struct pipe_response *res)
{
	struct db_param p[2] = { DB_TEXT(id), DB_TEXT(who->account_id) };
	struct db_call calls[3];
	int booked, n = 0, cancel;
	enum pipe_status st;

	if (!app_cancellable(*app, &booked)) {
		pipe_error(res, 409, "conflict",
		    "This application can no longer be cancelled.", NULL);
		return PIPE_ANSWERED;
	}
	/* The slot goes back in this transaction, before the status changes. */
	if (booked)
		app_booking_release_call(req->arena, id, APP_BOOKING_CANCEL,
		    &calls[n++]);
	cancel = n;
	calls[n++] = (struct db_call){ DB_STMT_APP_CANCEL, p, 2, NULL,
	    DB_ERROR };
	n += pipe_idem_finish(req, who, idem, 200, id, &calls[n]);
	if ((st = pipe_commit(ctx, req, calls, n)) != PIPE_NEXT)
		return st;
	if (db_rows(calls[cancel].result) != 1)
		return PIPE_FAILED;   /* the row is locked and was cancellable */
	return app_open_row(ctx, req, who, calls[cancel].result, app, res);
}

void
app_applications_cancel_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	(void)ctx;
	app_one_prefetch(req, DB_STMT_APP_GET_FOR_UPDATE, plan);
}

enum pipe_status
app_applications_cancel(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	const char *id = app_id(req);
	struct pipe_idem_state idem;
	struct db_result *r;
	enum pipe_status st;
	json_t *app;

	if (pipe_idem_check(req, res) != 0)
		return PIPE_ANSWERED;
	if (id == NULL)
		return app_not_found(res);
	if ((st = app_claim(ctx, req, who, &idem, res)) != PIPE_NEXT ||
	    (st = pipe_prefetched(req, 0, &r)) != PIPE_NEXT ||
	    (st = app_one(ctx, req, who, r, &app, res)) != PIPE_NEXT ||
	    (st = app_cancel_row(ctx, req, who, id, &idem, &app,
	    res)) != PIPE_NEXT)
		return st;
	return app_answer(res, 200, app);
}

/* Where a booking's prefetched read is. */
enum { APP_BOOK_APP };

/* The body's "date" when it is well-formed, else NULL: a prefetch only
 * queues what the handler would accept. */
static const char *
app_book_date(const struct pipe_request *req)
{
	const char *v = req->body == NULL ? NULL :
	    json_string_value(json_object_get(req->body, "date"));
	struct validate_date d;

	return v != NULL && validate_date_parse(v, &d) == VALIDATE_OK ? v : NULL;
}

/*
 * A booking's first flight: the application locked, with its office's
 * today, the account's flag and, for a well-formed date, whether that day
 * is closed there.
 */
void
app_applications_book_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	const struct config *c = ctx->cfg;
	const char *id = app_id(req), *date = app_book_date(req);
	const struct db_param p[7] = {
		DB_TEXT(id), date != NULL ? DB_TEXT(date) : DB_NULL,
		DB_TEXT(arena_printf(req->arena, "%d", c->no_show_limit)),
		DB_TEXT(arena_printf(req->arena, "%d", c->no_show_window_days)),
		DB_TEXT(arena_printf(req->arena, "%d", c->no_show_cooldown_days)),
		DB_TEXT(arena_printf(req->arena, "%d", c->booking_days_ahead)),
		DB_TEXT(arena_printf(req->arena, "%d", c->open_hour)),
	};

	if (id == NULL)
		return;
	pipe_plan_add(plan, DB_STMT_BOOKING_APP, p, 7);
}

enum pipe_status
app_book_input(const struct pipe_request *req, const char **date,
    struct validate_date *day, struct pipe_response *res)
{
	static const char *const known[] = { "date", NULL };
	struct pipe_invalid inv;
	json_t *body;

	if (pipe_json_body(req, res, &body) != 0)
		return PIPE_ANSWERED;
	pipe_invalid_init(&inv, req->arena);
	(void)pipe_json_known(&inv, body, NULL, known);
	if (pipe_json_string(&inv, body, NULL, "date", PIPE_JSON_REQUIRED,
	    date, NULL) == 0)
		(void)pipe_invalid_add(&inv, NULL, "date",
		    rule_date(validate_date_parse(*date, day)));
	return pipe_invalid_answer(&inv, res) != 0 ? PIPE_ANSWERED : PIPE_NEXT;
}

/*
 * The locked application may take a slot: PIPE_NEXT with the office's
 * *today; answered 404 (no such application of who's) or 409 (a travel
 * permit, already booked, no longer active), or the database failure. A
 * hold of its own past pay_by is no booking: the take settles it first.
 */
static enum pipe_status
app_book_admit(const struct pipe_request *req, struct validate_date *today,
    struct pipe_response *res)
{
	struct db_result *r;
	const char *kind, *status, *booked, *flagged, *no_show_until;
	enum pipe_status st;

	if ((st = pipe_prefetched(req, APP_BOOK_APP, &r)) != PIPE_NEXT)
		return st;
	if (db_rows(r) != 1)
		return app_not_found(res);
	no_show_until = db_text(r, 0, DB_COL(BOOKING_APP, NO_SHOW_UNTIL));
	kind = db_text(r, 0, DB_COL(BOOKING_APP, KIND));
	status = db_text(r, 0, DB_COL(BOOKING_APP, STATUS));
	booked = db_text(r, 0, DB_COL(BOOKING_APP, BOOKED));
	flagged = db_text(r, 0, DB_COL(BOOKING_APP, FLAGGED));
	if (kind == NULL || status == NULL || booked == NULL || flagged == NULL ||
	    validate_date_parse(db_text(r, 0, DB_COL(BOOKING_APP, TODAY)),
	    today) != VALIDATE_OK) {
		log_error("%s: malformed row", __func__);
		return PIPE_FAILED;
	}
	if (strcmp(kind, "passport") != 0) {
		pipe_error(res, 409, "conflict",
		    "Travel permits need no appointment.", NULL);
		return PIPE_ANSWERED;
	}
	if (strcmp(status, "submitted") != 0) {
		pipe_error(res, 409, "conflict",
		    "This application can no longer be booked.", NULL);
		return PIPE_ANSWERED;
	}
	if (strcmp(booked, "t") == 0) {
		pipe_error(res, 409, "conflict",
		    "This application is already booked.", NULL);
		return PIPE_ANSWERED;
	}
	/* A flagged account's new bookings are refused until an admin has
	 * looked at it; nothing else about it changes. */
	if (strcmp(flagged, "t") == 0) {
		pipe_error(res, 409, "conflict", "This account is under review: "
		    "it cannot book until the review is done.", NULL);
		return PIPE_ANSWERED;
	}
	/* Missed appointments close booking to the applicant for a while,
	 * whichever account asks (migrations/0016). */
	if (no_show_until != NULL) {
		pipe_error(res, 409, "conflict", arena_printf(req->arena,
		    "Appointments were missed: this applicant can book again "
		    "from %s.", no_show_until), NULL);
		return PIPE_ANSWERED;
	}
	return PIPE_NEXT;
}

/*
 * 422 naming "date" (not_open): the day does not open for booking until
 * `opens_at` (RFC 3339, UTC), which the error carries as "opens_at" beside
 * the rule's message, for a page to show in its own words.
 */
static enum pipe_status
app_book_not_open(const struct pipe_request *req, const char *opens_at,
    struct pipe_response *res)
{
	(void)pipe_invalid_refuse(req->arena, res, NULL, "date",
	    RULE_BOOK_NOT_OPEN);
	if (json_object_set_new(json_object_get(res->body, "error"),
	    "opens_at", pipe_oom_check(json_string(opens_at))) != 0)
		pipe_oom();
	return PIPE_ANSWERED;
}

/* The day is bookable at the application's office: PIPE_NEXT; answered
 * 422 naming "date" (too soon, closed, not open yet) or the database
 * failure. */
static enum pipe_status
app_book_day(const struct pipe_request *req,
    const struct validate_date *today, const struct validate_date *day,
    struct pipe_response *res)
{
	struct db_result *r;
	const char *closed, *opens_at, *open;
	enum pipe_status st;

	if (app_booking_day_judge(today, day) != APP_BOOKING_DAY_OK)
		return pipe_invalid_refuse(req->arena, res, NULL, "date",
		    RULE_BOOK_TOO_SOON);
	if ((st = pipe_prefetched(req, APP_BOOK_APP, &r)) != PIPE_NEXT)
		return st;
	closed = db_text(r, 0, DB_COL(BOOKING_APP, CLOSED));
	opens_at = db_text(r, 0, DB_COL(BOOKING_APP, OPENS_AT));
	open = db_text(r, 0, DB_COL(BOOKING_APP, OPEN));
	if (closed == NULL || opens_at == NULL || open == NULL) {
		log_error("%s: malformed row", __func__);
		return PIPE_FAILED;
	}
	if (strcmp(closed, "t") == 0)
		return pipe_invalid_refuse(req->arena, res, NULL, "date",
		    RULE_BOOK_CLOSED);
	if (strcmp(open, "t") != 0)
		return app_book_not_open(req, opens_at, res);
	return PIPE_NEXT;
}

/*
 * The application read, the Idempotency-Key's record, and the slot taken,
 * with COMMIT, in one flight: PIPE_NEXT with *app, booked; answered 409
 * quota_exhausted (nothing changed) or the database failure.
 */
static enum pipe_status
app_book_take(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, const char *id, const char *date,
    const struct pipe_idem_state *idem, json_t **app,
    struct pipe_response *res)
{
	const struct db_param p[1] = { DB_TEXT(id) };
	struct db_call calls[4];
	int n = 2, take;
	enum pipe_status st;

	/* The take last, right before COMMIT: from its slot until then,
	 * every other booking of the day waits for this one. So the
	 * application is read before it, and the booking the take returns
	 * is set on it (app_record_booked). */
	app_burst_call(ctx, req, "booking", &calls[0]);
	calls[1] = (struct db_call){ DB_STMT_APP_GET, p, 1, NULL, DB_ERROR };
	n += pipe_idem_finish(req, who, idem, 201, id, &calls[n]);
	take = n++;
	app_booking_take_call(req->arena, ctx->cfg, id, date, &calls[take]);
	st = pipe_commit(ctx, req, calls, n);
	if (calls[take].status == DB_CONFLICT) {
		pipe_error(res, 409, "quota_exhausted",
		    "That day is fully booked.", NULL);
		return PIPE_ANSWERED;
	}
	if (st == PIPE_NEXT)
		metrics_add(METRICS_BOOKINGS_TAKEN, 1);   /* committed */
	if (st != PIPE_NEXT ||
	    (st = app_one(ctx, req, who, calls[1].result, app, res)) != PIPE_NEXT)
		return st;
	if (app_record_booked(*app, calls[take].result) != 0)
		return PIPE_FAILED;
	return PIPE_NEXT;
}

/* The refusal while the day's draw is being run (draw_at has passed, the
 * master has not finished): neither an entry nor a booking yet. */
static enum pipe_status
app_book_drawing(struct pipe_response *res)
{
	pipe_error(res, 409, "conflict", "The draw of that day is being run: "
	    "ask again in a minute.", NULL);
	return PIPE_ANSWERED;
}

/*
 * How the day's opening draw takes the request: PIPE_NEXT with *entry set
 * when it is an entry (the day is in its draw's window), clear when it is
 * first-come; answered 409 when the application has a live entry already
 * or the draw is being run; or the database failure.
 */
static enum pipe_status
app_book_stage(const struct pipe_request *req, int *entry,
    struct pipe_response *res)
{
	struct db_result *r;
	const char *draw, *entered;
	enum pipe_status st;

	if ((st = pipe_prefetched(req, APP_BOOK_APP, &r)) != PIPE_NEXT)
		return st;
	draw = db_text(r, 0, DB_COL(BOOKING_APP, DRAW));
	entered = db_text(r, 0, DB_COL(BOOKING_APP, ENTERED));
	if (draw == NULL || entered == NULL) {
		log_error("%s: malformed row", __func__);
		return PIPE_FAILED;
	}
	if (strcmp(entered, "t") == 0) {
		pipe_error(res, 409, "conflict",
		    "This application has entered a draw already.", NULL);
		return PIPE_ANSWERED;
	}
	if (strcmp(draw, "pending") == 0)
		return app_book_drawing(res);
	*entry = strcmp(draw, "entries") == 0;
	return PIPE_NEXT;
}

/*
 * The entry made, the application read back and the Idempotency-Key's
 * record, with COMMIT, in one flight: PIPE_NEXT with *app; answered 409
 * (entered already, by the application or its NIK that day, or the
 * account has as many entries that day as it may: the transaction rolled
 * back; the draw has just closed) or the database failure.
 */
static enum pipe_status
app_book_enter(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, const char *id, const char *date,
    const struct pipe_idem_state *idem, json_t **app,
    struct pipe_response *res)
{
	const struct db_param p[1] = { DB_TEXT(id) };
	struct db_call calls[4];
	const char *outcome;
	int n = 3;
	enum pipe_status st;

	app_burst_call(ctx, req, "booking", &calls[0]);
	app_draw_enter_call(req->arena, ctx->cfg, id, date, &calls[1]);
	calls[2] = (struct db_call){ DB_STMT_APP_GET, p, 1, NULL, DB_ERROR };
	n += pipe_idem_finish(req, who, idem, 202, id, &calls[3]);
	st = pipe_commit(ctx, req, calls, n);
	if (calls[1].status == DB_CONFLICT) {
		pipe_error(res, 409, "conflict", arena_printf(req->arena,
		    "Entered already: a day's draws take one entry per "
		    "application and per applicant, and %d per account.",
		    ctx->cfg->draw_entries_per_account), NULL);
		return PIPE_ANSWERED;
	}
	if (st != PIPE_NEXT)
		return st;
	outcome = db_text(calls[1].result, 0, DB_COL(DRAW_ENTER, OUTCOME));
	if (outcome == NULL)
		return PIPE_FAILED;
	if (strcmp(outcome, "entered") != 0)
		return app_book_drawing(res);
	return app_one(ctx, req, who, calls[2].result, app, res);
}

enum pipe_status
app_applications_book(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	const char *id = app_id(req), *date;
	struct validate_date day, today;
	struct pipe_idem_state idem;
	enum pipe_status st;
	json_t *app;
	int entry = 0;

	if (pipe_idem_check(req, res) != 0)
		return PIPE_ANSWERED;
	if (id == NULL)
		return app_not_found(res);
	if ((st = app_claim(ctx, req, who, &idem, res)) != PIPE_NEXT ||
	    (st = app_book_input(req, &date, &day, res)) != PIPE_NEXT ||
	    (st = app_book_admit(req, &today, res)) != PIPE_NEXT ||
	    (st = app_book_day(req, &today, &day, res)) != PIPE_NEXT ||
	    (st = app_book_stage(req, &entry, res)) != PIPE_NEXT)
		return st;
	if (entry) {
		if ((st = app_book_enter(ctx, req, who, id, date, &idem, &app,
		    res)) != PIPE_NEXT)
			return st;
		return app_answer(res, 202, app);
	}
	if ((st = app_book_take(ctx, req, who, id, date, &idem, &app,
	    res)) != PIPE_NEXT)
		return st;
	return app_answer(res, 201, app);
}

void
app_applications_unbook_prefetch(const struct pipe_ctx *ctx,
    const struct pipe_request *req, struct pipe_plan *plan)
{
	(void)ctx;
	app_one_prefetch(req, DB_STMT_APP_GET_FOR_UPDATE, plan);
}

/*
 * The locked, opened application's booking given back, or its draw entry
 * withdrawn, the application read back, with COMMIT: 200 with it; 409 when
 * it has neither; or the database failure.
 */
enum pipe_status
app_applications_unbook(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, struct pipe_response *res)
{
	const char *id = app_id(req), *released, *withdrawn;
	const struct db_param p[1] = { DB_TEXT(id) };
	struct db_call calls[3];
	struct db_result *r;
	enum pipe_status st;
	json_t *app;

	if (id == NULL)
		return app_not_found(res);
	if ((st = pipe_prefetched(req, 0, &r)) != PIPE_NEXT ||
	    (st = app_one(ctx, req, who, r, &app, res)) != PIPE_NEXT)
		return st;
	if (json_is_null(json_object_get(app, "booking")) &&
	    json_is_null(json_object_get(app, "entry"))) {
		pipe_error(res, 409, "conflict",
		    "This application has no booking.", NULL);
		return PIPE_ANSWERED;
	}
	app_booking_release_call(req->arena, id, APP_BOOKING_UNBOOK, &calls[0]);
	app_draw_withdraw_call(req->arena, id, &calls[1]);
	calls[2] = (struct db_call){ DB_STMT_APP_GET, p, 1, NULL, DB_ERROR };
	if ((st = pipe_commit(ctx, req, calls, 3)) != PIPE_NEXT)
		return st;
	released = db_text(calls[0].result, 0,
	    DB_COL(BOOKING_RELEASE, RELEASED));
	withdrawn = db_text(calls[1].result, 0,
	    DB_COL(DRAW_WITHDRAW, WITHDRAWN));
	/* The row is locked and had a booking or an entry. */
	if (released == NULL || withdrawn == NULL ||
	    (strcmp(released, "t") != 0 && strcmp(withdrawn, "t") != 0))
		return PIPE_FAILED;
	if ((st = app_one(ctx, req, who, calls[2].result, &app,
	    res)) != PIPE_NEXT)
		return st;
	return app_answer(res, 200, app);
}
