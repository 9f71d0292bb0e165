/*
 * fuzz_bodies — libFuzzer over every resource's reader of a request body,
 * the layer each handler runs before its first statement: registration and
 * sign-in ({"email","password"}), an admin's new staff account, a block's
 * reason, an office's quota, a day's settings, a booking (or draw entry),
 * the service mode, a reviewer's decision, a payment notification.
 * (Applications have fuzz_application.)
 *
 * An input is one byte picking the reader, then the body's JSON, loaded as
 * the edge loads it (a body that is not an object is no body).
 *
 * Invariants: no body is 400, and only then; a refusal is a 422 whose
 * entries each carry a rule's reason and message, the first one's field
 * being error.field; what a reader accepts is valid again by the API's rule
 * (an email normalised to itself, a password's length, text within its
 * limit, numbers in range, a day of the calendar, one of the names a choice
 * allows, an instant by validate_instant, which fuzz_validate holds to
 * what PostgreSQL reads) and points into the body.
 */
#include "tests/fuzz/fuzz.h"

#include "app/accounts.h"
#include "app/admin.h"
#include "app/applications.h"
#include "app/maintenance.h"
#include "app/payments.h"
#include "app/review.h"
#include "app/sessions.h"
#include "app/staff.h"
#include "pipe/mode.h"

static void
fz_init(void)
{
}

/* A reader's refusal: 400 exactly when there is no body, else 422. */
static void
fz_refused(const struct pipe_request *req, const struct pipe_response *res)
{
	json_t *err = json_object_get(res->body, "error"), *errors, *e;
	size_t i;

	FUZZ_CHECK(res->status == (req->body == NULL ? 400 : 422));
	if (res->status == 400)
		return;
	errors = json_object_get(err, "errors");
	FUZZ_CHECK(json_array_size(errors) > 0);
	json_array_foreach(errors, i, e)
		FUZZ_CHECK(json_is_string(json_object_get(e, "field")) &&
		    json_is_string(json_object_get(e, "reason")) &&
		    json_is_string(json_object_get(e, "message")));
	FUZZ_CHECK(json_equal(json_object_get(err, "field"),
	    json_object_get(json_array_get(errors, 0), "field")));
}

/* The collector's answer, as the handlers give it. 0 when nothing was
 * refused. */
static int
fz_answer(const struct pipe_request *req, const struct pipe_invalid *inv,
    struct pipe_response *res)
{
	if (pipe_invalid_answer(inv, res) == 0)
		return 0;
	fz_refused(req, res);
	return -1;
}

/* Field `key` of the body as a string, or NULL. */
static const char *
fz_str(const struct pipe_request *req, const char *key)
{
	return json_string_value(json_object_get(req->body, key));
}

/* An email and password accepted for a new account. */
static void
fz_new_credentials(const char *email, const char *password, size_t plen,
    const char *norm)
{
	char again[VALIDATE_EMAIL_BUFSZ];

	FUZZ_CHECK(email != NULL && password != NULL);
	FUZZ_CHECK(validate_email(email, again, sizeof(again)) == VALIDATE_OK &&
	    strcmp(again, norm) == 0);
	FUZZ_CHECK(validate_email(norm, again, sizeof(again)) == VALIDATE_OK &&
	    strcmp(again, norm) == 0);   /* normal form is a fixed point */
	FUZZ_CHECK(strlen(password) == plen &&
	    validate_password(password) == VALIDATE_OK);
}

/* {"email","password"} read: 0 with both from the body (or NULL when
 * refused, reported into inv), or -1 with the 400 checked. */
static int
fz_credentials(const struct pipe_request *req, struct pipe_response *res,
    struct pipe_invalid *inv, const char **email, const char **password,
    size_t *plen)
{
	pipe_invalid_init(inv, fuzz_arena);
	if (app_account_credentials(req, res, inv, email, password,
	    plen) != 0) {
		fz_refused(req, res);
		return -1;
	}
	FUZZ_CHECK(*email == NULL || *email == fz_str(req, "email"));
	FUZZ_CHECK(*password == NULL || *password == fz_str(req, "password"));
	return 0;
}

static void
fz_accounts(const struct pipe_request *req, struct pipe_response *res)
{
	char norm[VALIDATE_EMAIL_BUFSZ];
	const char *email, *password;
	struct pipe_invalid inv;
	size_t plen;

	if (fz_credentials(req, res, &inv, &email, &password, &plen) != 0)
		return;
	(void)app_account_check(&inv, email, password, norm);
	if (fz_answer(req, &inv, res) == 0)
		fz_new_credentials(email, password, plen, norm);
}

/* Sign-in: the subject its failures count against is the normalised email
 * of a body whose email has the right shape, and only then. */
static void
fz_sessions(const struct pipe_request *req, struct pipe_response *res)
{
	const char *email, *password, *subject;
	char norm[VALIDATE_EMAIL_BUFSZ];
	struct pipe_invalid inv;
	size_t plen;

	if (fz_credentials(req, res, &inv, &email, &password, &plen) != 0) {
		FUZZ_CHECK(app_sessions_limit_subject(req) == NULL);
		return;
	}
	(void)fz_answer(req, &inv, res);
	subject = app_sessions_limit_subject(req);
	email = fz_str(req, "email");
	FUZZ_CHECK((subject != NULL) == (email != NULL &&
	    validate_email(email, norm, sizeof(norm)) == VALIDATE_OK));
	FUZZ_CHECK(subject == NULL || strcmp(subject, norm) == 0);
}

static void
fz_staff(const struct pipe_request *req, struct pipe_response *res)
{
	struct app_staff s = { .norm = arena_alloc(fuzz_arena,
	    VALIDATE_EMAIL_BUFSZ) };
	const json_t *office = json_object_get(req->body, "office");
	struct pipe_invalid inv;
	const char *rname;

	pipe_invalid_init(&inv, fuzz_arena);
	if (app_staff_read(req, res, &inv, &s, &rname) != 0) {
		fz_refused(req, res);
		return;
	}
	FUZZ_CHECK(s.office_refused == (office != NULL &&
	    !json_is_null(office) && !json_is_string(office)));
	FUZZ_CHECK(s.office == fz_str(req, "office"));
	FUZZ_CHECK(rname == fz_str(req, "role"));
	/* Then the handler's rules of the credentials (the role's and its
	 * office's need the database). */
	(void)app_account_check(&inv, s.email, s.password, s.norm);
	if (fz_answer(req, &inv, res) == 0) {
		fz_new_credentials(s.email, s.password, s.password_len, s.norm);
		FUZZ_CHECK(rname != NULL);
	}
}

static void
fz_reason(const struct pipe_request *req, struct pipe_response *res)
{
	const char *reason;

	if (app_admin_reason_read(req, res, &reason) != 0) {
		fz_refused(req, res);
		return;
	}
	FUZZ_CHECK(reason == fz_str(req, "reason"));
	FUZZ_CHECK(validate_staff_text(reason, VALIDATE_REASON_MAX) == VALIDATE_OK);
}

static void
fz_quota(const struct pipe_request *req, struct pipe_response *res)
{
	long long quota = -1;

	if (app_admin_quota_read(req, res, &quota) != 0) {
		fz_refused(req, res);
		return;
	}
	FUZZ_CHECK(quota >= 0 && quota <= VALIDATE_QUOTA_MAX);
	FUZZ_CHECK(quota == json_integer_value(json_object_get(req->body,
	    "daily_quota")));
}

static void
fz_day(const struct pipe_request *req, struct pipe_response *res)
{
	static const char *const key[3] = { "capacity", "closed", "opens_at" };
	struct app_admin_day_set set;
	const char *v;
	char *end;
	long n;

	if (app_admin_day_read(req, &set, res) != 0) {
		fz_refused(req, res);
		return;
	}
	FUZZ_CHECK(json_object_size(req->body) > 0);
	for (int i = 0; i < 3; i++) {
		const json_t *j = json_object_get(req->body, key[i]);

		FUZZ_CHECK(strcmp(set.set[i], j != NULL ? "t" : "f") == 0);
		FUZZ_CHECK((set.value[i] == NULL) == (j == NULL ||
		    json_is_null(j)));
	}
	if ((v = set.value[0]) != NULL) {
		n = strtol(v, &end, 10);
		FUZZ_CHECK(*end == '\0' && n >= 0 && n <= VALIDATE_QUOTA_MAX);
	}
	FUZZ_CHECK(set.value[1] == NULL || strcmp(set.value[1], "t") == 0 ||
	    strcmp(set.value[1], "f") == 0);
	if ((v = set.value[2]) != NULL)
		FUZZ_CHECK(v == fz_str(req, "opens_at") &&
		    validate_instant(v, 0) == VALIDATE_OK &&
		    (strlen(v) == 20 || strlen(v) == 25));
}

static void
fz_booking(const struct pipe_request *req, struct pipe_response *res)
{
	struct validate_date day, again;
	const char *date;

	if (app_book_input(req, &date, &day, res) != PIPE_NEXT) {
		fz_refused(req, res);
		return;
	}
	FUZZ_CHECK(date == fz_str(req, "date"));
	FUZZ_CHECK(validate_date_parse(date, &again) == VALIDATE_OK &&
	    validate_date_cmp(&day, &again) == 0);
}

static void
fz_maintenance(const struct pipe_request *req, struct pipe_response *res)
{
	const char *mode, *message;
	enum pipe_mode m;

	if (app_maintenance_read(req, res, &mode, &message) != 0) {
		fz_refused(req, res);
		return;
	}
	FUZZ_CHECK(mode == fz_str(req, "mode") && pipe_mode_find(mode, &m) == 0 &&
	    strcmp(pipe_mode_name(m), mode) == 0);
	FUZZ_CHECK(message == NULL ||
	    validate_staff_text(message, VALIDATE_MAINTENANCE_MAX) == VALIDATE_OK);
}

static void
fz_decision(const struct pipe_request *req, struct pipe_response *res)
{
	const char *outcome, *reason;

	if (app_review_decision_read(req, &outcome, &reason, res) !=
	    PIPE_NEXT) {
		fz_refused(req, res);
		return;
	}
	FUZZ_CHECK(outcome == fz_str(req, "outcome"));
	FUZZ_CHECK(strcmp(outcome, "approved") == 0 ||
	    strcmp(outcome, "rejected") == 0 || strcmp(outcome, "no_show") == 0);
	FUZZ_CHECK(reason == NULL ||
	    validate_staff_text(reason, VALIDATE_REASON_MAX) == VALIDATE_OK);
}

static void
fz_payment(const struct pipe_request *req, struct pipe_response *res)
{
	struct app_notification n;
	size_t idlen;

	if (app_notification_read(req, &n, res) != 0) {
		fz_refused(req, res);
		return;
	}
	idlen = strlen(n.id);
	FUZZ_CHECK(n.id == fz_str(req, "notification_id") && idlen >= 1 &&
	    idlen <= VALIDATE_NOTIFICATION_ID_MAX);
	FUZZ_CHECK(n.billing_code == fz_str(req, "billing_code"));
	FUZZ_CHECK(n.amount >= 0 && n.amount == json_integer_value(
	    json_object_get(req->body, "amount")));
	FUZZ_CHECK(n.paid_at == fz_str(req, "paid_at") &&
	    validate_instant(n.paid_at, VALIDATE_INSTANT_FRACTION |
	    VALIDATE_INSTANT_LEAP) == VALIDATE_OK);
}

static void (*const fz_readers[])(const struct pipe_request *,
    struct pipe_response *) = {
	fz_accounts, fz_sessions, fz_staff, fz_reason, fz_quota, fz_day,
	fz_booking, fz_maintenance, fz_decision, fz_payment,
};
#define FZ_NREADERS (sizeof(fz_readers) / sizeof(fz_readers[0]))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pipe_request req = { .arena = fuzz_arena };
	struct pipe_response res = { 0 };
	json_t *body;

	if (size == 0)
		return 0;
	body = json_loadb((const char *)data + 1, size - 1,
	    JSON_REJECT_DUPLICATES, NULL);
	req.body = json_is_object(body) ? body : NULL;
	fz_readers[data[0] % FZ_NREADERS](&req, &res);
	fuzz_done();
	return 0;
}
