/*
 * application_record — sealing an application and opening it again
 * (contract in application_record.h).
 */
#include "app/application_record.h"

#include <string.h>

#include "core/validate.h"
#include "core/log.h"
#include "db/sealed.h"
#include "pipe/rows.h"

/* A column of an application row (DB_COLS_APPLICATION, db/sql/
 * applications.def). */
#define APP_COL(name) DB_COL(APPLICATION, name)

/* Each sealed field's column in an application row. */
static const int app_field_col[APP_FIELD_COUNT] = {
#define APP_FIELD_COL(name, ...) [APP_F_##name] = APP_COL(name),
	DB_SEALED_FIELDS_APPLICATIONS(APP_FIELD_COL, )
#undef APP_FIELD_COL
};

/* A column of an APP_LIST row. */
#define APP_LCOL(name) DB_COL(APP_LIST, name)

/* The binding of application `id` of `owner`: the table's name comes from
 * the registry of sealed tables (db/sql/sealed.def). */
static struct seal_binding
app_binding(const char *id, const char *owner)
{
	struct seal_binding b = {
		db_sealed(DB_SEALED_APPLICATIONS)->table, id, owner,
	};

	return b;
}

#define APP_NIK_LAST 4

static void
app_set(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		pipe_oom();
}

static json_t *
app_object(void)
{
	return pipe_oom_check(json_object());
}

/* Seals one present field under `dek`. 0 or -1. */
static int
app_seal_one(arena *a, const struct seal_dek *dek,
    const struct seal_binding *b, enum app_field f, const char *plain,
    struct app_record_sealed *out)
{
	size_t n = strlen(plain), cap = seal_field_size(n);
	unsigned char *buf = arena_alloc(a, cap);

	if (seal_field(dek, b, app_field_name(f), (const unsigned char *)plain,
	    n, buf, cap, &out->field_len[f]) != 0)
		return -1;
	out->field[f] = buf;
	return 0;
}

int
app_record_seal(arena *a, const struct keyring *kr, const char *id,
    const char *owner, const struct app_application_input *in,
    struct app_record_sealed *out)
{
	struct seal_binding b = app_binding(id, owner);
	struct seal_dek dek;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	seal_dek_new(&dek);
	if (bidx_nik(kr, in->field[APP_F_NIK], out->nik_bidx) != 0 ||
	    seal_dek_wrap(kr, &b, &dek, out->dek_wrapped, &out->dek_wrapped_len,
	    out->kek_id) != 0)
		goto out;
	for (int f = 0; f < APP_FIELD_COUNT; f++)
		if (in->field[f] != NULL &&
		    app_seal_one(a, &dek, &b, (enum app_field)f, in->field[f],
		    out) != 0)
			goto out;
	rc = 0;
out:
	seal_dek_wipe(&dek);
	if (rc != 0)
		log_error("sealing an application failed");
	return rc;
}

/* Opens the wrapped DEK of column `col` for binding `b`. 0 or -1. */
static int
app_unwrap(arena *a, const struct keyring *kr, const struct seal_binding *b,
    const struct db_result *r, int row, int col, struct seal_dek *dek)
{
	const unsigned char *w;
	size_t wlen;

	if (db_bytes(r, a, row, col, &w, &wlen) != 0 ||
	    seal_dek_unwrap(kr, b, w, wlen, dek) != 0)
		return -1;
	return 0;
}

/*
 * Opens sealed column `col` as field `f` into an arena string in *out
 * (NULL for SQL NULL, an absent optional field). 0, or -1 if it does not
 * open or is not UTF-8 text (so Jansson cannot refuse it later).
 */
static int
app_open_one(arena *a, const struct seal_dek *dek,
    const struct seal_binding *b, enum app_field f,
    const struct db_result *r, int row, int col, const char **out)
{
	const unsigned char *sealed;
	unsigned char *plain;
	size_t slen, plen;

	*out = NULL;
	if (db_isnull(r, row, col))
		return 0;
	if (db_bytes(r, a, row, col, &sealed, &slen) != 0)
		return -1;
	plain = arena_alloc(a, seal_plain_size(slen) + 1);
	if (seal_open_field(dek, b, app_field_name(f), sealed, slen, plain,
	    seal_plain_size(slen), &plen) != 0 || memchr(plain, 0, plen) != NULL ||
	    validate_utf8((const char *)plain, plen, NULL) != VALIDATE_OK)
		return -1;
	plain[plen] = '\0';
	*out = (const char *)plain;
	return 0;
}

/* Opens every sealed column of a full row into plain[]. 0 or -1. */
static int
app_open_fields(arena *a, const struct seal_dek *dek,
    const struct seal_binding *b, const struct db_result *r, int row,
    const char *plain[APP_FIELD_COUNT])
{
	for (int f = 0; f < APP_FIELD_COUNT; f++)
		if (app_open_one(a, dek, b, (enum app_field)f, r, row,
		    app_field_col[f], &plain[f]) != 0)
			return -1;
	return 0;
}

/* Places each present field in its group's object. */
static void
app_fill_groups(const char *plain[APP_FIELD_COUNT], json_t *groups[3])
{
	for (int f = 0; f < APP_FIELD_COUNT; f++) {
		enum app_field_group g = app_field_group((enum app_field)f);

		if (plain[f] != NULL && groups[g] != NULL)
			app_set(groups[g], app_field_name((enum app_field)f),
			    json_string(plain[f]));
	}
}

/* A column the database built as a JSON object (the live booking, the
 * draw entry, the decision: no identity data in them), or JSON null (also, logged, for one
 * that does not parse: it cannot happen short of a damaged server). */
static json_t *
app_json_column(const struct db_result *r, int row, int col, const char *what)
{
	const char *text = db_text(r, row, col);
	json_t *b;

	if (text == NULL)
		return pipe_oom_check(json_null());
	b = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	if (b == NULL || !json_is_object(b)) {
		log_error("%s: an application's %s is malformed", __func__, what);
		json_decref(b);
		return pipe_oom_check(json_null());
	}
	return b;
}

/* The application object of the HTTP API from a row and its opened fields. */
static json_t *
app_build(const struct db_result *r, int row,
    const char *plain[APP_FIELD_COUNT])
{
	json_t *app = app_object();
	json_t *groups[3] = { app_object(), NULL, NULL };
	const char *ptype = db_text(r, row, APP_COL(PASSPORT_TYPE));

	app_set(app, "id", pipe_json_column(r, row, APP_COL(ID)));
	app_set(app, "kind",
	    pipe_json_column(r, row, APP_COL(KIND)));
	app_set(app, "status",
	    pipe_json_column(r, row, APP_COL(STATUS)));
	app_set(app, "office",
	    pipe_json_column(r, row, APP_COL(OFFICE)));
	app_set(app, "appointment",
	    pipe_json_column(r, row, APP_COL(APPOINTMENT)));
	if (ptype != NULL) {
		groups[APP_GROUP_PASSPORT] = app_object();
		app_set(groups[APP_GROUP_PASSPORT], "type", json_string(ptype));
	} else {
		groups[APP_GROUP_TRAVEL] = app_object();
	}
	app_fill_groups(plain, groups);
	app_set(app, "applicant", groups[APP_GROUP_APPLICANT]);
	if (ptype != NULL)
		app_set(app, "passport", groups[APP_GROUP_PASSPORT]);
	else
		app_set(app, "travel", groups[APP_GROUP_TRAVEL]);
	app_set(app, "booking",
	    app_json_column(r, row, APP_COL(BOOKING), "booking"));
	app_set(app, "entry",
	    app_json_column(r, row, APP_COL(ENTRY), "entry"));
	app_set(app, "decision",
	    app_json_column(r, row, APP_COL(DECISION), "decision"));
	app_set(app, "created_at",
	    pipe_json_column(r, row, APP_COL(CREATED_AT)));
	app_set(app, "updated_at",
	    pipe_json_column(r, row, APP_COL(UPDATED_AT)));
	return app;
}

int
app_record_booked(json_t *app, const struct db_result *taken)
{
	const char *day;

	if (db_rows(taken) != 1 || (day = db_text(taken, 0,
	    DB_COL(BOOKING_TAKE, APPOINTMENT))) == NULL) {
		log_error("%s: the take returned no booking", __func__);
		return -1;
	}
	app_set(app, "status", pipe_json_text("booked"));
	app_set(app, "appointment", pipe_json_text(day));
	app_set(app, "booking", app_json_column(taken, 0,
	    DB_COL(BOOKING_TAKE, BOOKING), "booking"));
	return 0;
}

enum app_open
app_record_open(arena *a, const struct keyring *kr, const char *owner,
    const struct db_result *r, int row, json_t **out)
{
	struct seal_binding b = app_binding(db_text(r, row, APP_COL(ID)), owner);
	const char *plain[APP_FIELD_COUNT];
	struct seal_dek dek;
	enum app_open rc = APP_OPEN_NOT_OWNER;

	*out = NULL;
	if (b.record_id == NULL ||
	    app_unwrap(a, kr, &b, r, row, APP_COL(DEK_WRAPPED), &dek) != 0) {
		log_error("an application's data key did not open for the "
		    "session's account");
		return rc;
	}
	rc = APP_OPEN_CORRUPT;
	if (app_open_fields(a, &dek, &b, r, row, plain) != 0) {
		log_error("an application's field did not open");
		goto out;
	}
	*out = app_build(r, row, plain);
	rc = APP_OPEN_OK;
out:
	seal_dek_wipe(&dek);
	return rc;
}

/* The last four digits of an opened NIK (16 digits: checked at creation). */
static json_t *
app_last4(const char *nik)
{
	size_t n = strlen(nik);

	if (n < APP_NIK_LAST)
		return NULL;
	return json_stringn(nik + n - APP_NIK_LAST, APP_NIK_LAST);
}

/* A summary of row `row` from its plaintext columns and `last4` (stolen). */
static json_t *
app_summary_build(const struct db_result *r, int row, json_t *last4)
{
	json_t *s = app_object();

	app_set(s, "id", pipe_json_column(r, row, APP_LCOL(ID)));
	app_set(s, "kind", pipe_json_column(r, row, APP_LCOL(KIND)));
	app_set(s, "status",
	    pipe_json_column(r, row, APP_LCOL(STATUS)));
	app_set(s, "office",
	    pipe_json_column(r, row, APP_LCOL(OFFICE)));
	app_set(s, "appointment",
	    pipe_json_column(r, row, APP_LCOL(APPOINTMENT)));
	app_set(s, "nik_last4", last4);
	app_set(s, "created_at",
	    pipe_json_column(r, row, APP_LCOL(CREATED_AT)));
	return s;
}

/* The last four digits of row `row`'s NIK, opened as `owner`'s, into
 * *last4 (NULL unless APP_OPEN_OK). */
static enum app_open
app_summary_nik(arena *a, const struct keyring *kr, const char *owner,
    const struct db_result *r, int row, json_t **last4)
{
	struct seal_binding b = app_binding(db_text(r, row, APP_LCOL(ID)), owner);
	struct seal_dek dek;
	const char *nik = NULL;

	*last4 = NULL;
	if (b.record_id == NULL ||
	    app_unwrap(a, kr, &b, r, row, APP_LCOL(DEK_WRAPPED), &dek) != 0)
		return APP_OPEN_NOT_OWNER;
	if (app_open_one(a, &dek, &b, APP_F_NIK, r, row, APP_LCOL(NIK),
	    &nik) == 0 && nik != NULL)
		*last4 = app_last4(nik);
	seal_dek_wipe(&dek);
	return *last4 != NULL ? APP_OPEN_OK : APP_OPEN_CORRUPT;
}

enum app_open
app_record_summary(arena *a, const struct keyring *kr, const char *owner,
    const struct db_result *r, int row, json_t **out)
{
	const char *id = db_text(r, row, APP_LCOL(ID));
	json_t *last4;
	enum app_open rc = app_summary_nik(a, kr, owner, r, row, &last4);

	if (rc == APP_OPEN_OK) {
		*out = app_summary_build(r, row, last4);
		return rc;
	}
	*out = app_summary_build(r, row, json_null());
	app_set(*out, "unreadable", json_true());
	log_error("application %s is listed as unreadable: its %s did not open "
	    "for the session's account", id != NULL ? id : "(no id)",
	    rc == APP_OPEN_NOT_OWNER ? "data key" : "NIK");
	return rc;
}
