/*
 * fuzz_query — libFuzzer over query strings: pipe/query.c's parse into
 * name/value pairs, and the resources' readers on top of it (the review
 * queue's ?status&date&limit&after, an office's days' ?from&to).
 *
 * An input is the query string (what follows '?').
 *
 * Invariants: pairs parsed have non-empty, distinct names and decode to no
 * NUL; every value is found by its name; encoded again (every byte but
 * unreserved ones as %XX) and parsed again, they come back the same, in
 * order; a string with no '%' and no '+' parses exactly when it is UTF-8
 * and each piece has a name, an '=' and a name of its own; an unknown name is reported
 * once per pair by pipe_query_known and first by pipe_query_unknown. The
 * readers answer 0 with values that re-validate, or 400 for a malformed
 * string and 422 (well-formed, one entry per refusal) for a bad value.
 */
#include "tests/fuzz/fuzz.h"

#include "app/offices.h"
#include "app/review.h"
#include "pipe/query.h"

static void
fz_init(void)
{
}

/* `s` with every byte but [A-Za-z0-9._~-] written %XX. */
static char *
fz_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = arena_alloc(fuzz_arena, strlen(s) * 3 + 1), *o = out;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("._~-", *p) != NULL) {
			*o++ = (char)*p;
			continue;
		}
		*o++ = '%';
		*o++ = hex[*p >> 4];
		*o++ = hex[*p & 15];
	}
	*o = '\0';
	return out;
}

/* Pairs well-formed, found by name, and the same after a round trip. */
static void
fz_check_pairs(const struct pipe_query *q)
{
	struct pipe_query back;
	char *raw = arena_strdup(fuzz_arena, "");

	for (size_t i = 0; i < q->n; i++) {
		FUZZ_CHECK(*q->pairs[i].name != '\0');
		FUZZ_CHECK(pipe_query_get(q, q->pairs[i].name) ==
		    q->pairs[i].value);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(q->pairs[i].name,
			    q->pairs[j].name) != 0);
		raw = arena_printf(fuzz_arena, "%s%s%s=%s", raw, i ? "&" : "",
		    fz_encode(q->pairs[i].name), fz_encode(q->pairs[i].value));
	}
	FUZZ_CHECK(pipe_query_parse(fuzz_arena, raw, &back) == 0);
	FUZZ_CHECK(back.n == q->n);
	for (size_t i = 0; i < q->n; i++)
		FUZZ_CHECK(strcmp(back.pairs[i].name, q->pairs[i].name) == 0 &&
		    strcmp(back.pairs[i].value, q->pairs[i].value) == 0);
}

/*
 * For a string without escapes: 1 when it is UTF-8 (it is cut at ASCII
 * bytes only, so each name and value is then), every non-empty piece is
 * name=value with a name, and no name repeats.
 */
static int
fz_plain_ok(const char *raw)
{
	const char *p = raw, *end, *eq, *q, *qe;

	if (validate_utf8(raw, strlen(raw), NULL) != VALIDATE_OK)
		return 0;
	for (; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		end = p + strcspn(p, "&");
		if (end == p)
			continue;
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL || eq == p)
			return 0;
		/* The same name in an earlier piece? */
		for (q = raw; q < p; q = *qe != '\0' ? qe + 1 : qe) {
			qe = q + strcspn(q, "&");
			if ((size_t)(eq - p) < (size_t)(qe - q) &&
			    strncmp(q, p, (size_t)(eq - p + 1)) == 0)
				return 0;
		}
	}
	return 1;
}

/* A reader's refusal: 400, or a 422 naming each refusal once. */
static void
fz_check_refusal(const struct pipe_response *res)
{
	json_t *err = json_object_get(res->body, "error"), *errors;

	FUZZ_CHECK(res->status == 400 || res->status == 422);
	FUZZ_CHECK(json_is_string(json_object_get(err, "code")) &&
	    json_is_string(json_object_get(err, "message")));
	if (res->status == 400)
		return;
	errors = json_object_get(err, "errors");
	FUZZ_CHECK(json_array_size(errors) > 0);
	FUZZ_CHECK(json_equal(json_object_get(err, "field"),
	    json_object_get(json_array_get(errors, 0), "field")));
}

static void
fz_check_review(const char *raw)
{
	struct pipe_request req = { .arena = fuzz_arena, .query = raw };
	struct pipe_response res = { 0 };
	struct app_review_query q;
	struct validate_date d;

	if (app_review_query_read(&req, &q, &res) != 0) {
		fz_check_refusal(&res);
		FUZZ_CHECK(app_review_query_read(&req, &q, NULL) != 0);
		return;
	}
	FUZZ_CHECK(res.status == 0);
	FUZZ_CHECK(q.limit >= 1 && q.limit <= VALIDATE_PAGE_MAX);
	FUZZ_CHECK(atoi(q.limit_text) == q.limit + 1);
	FUZZ_CHECK(q.date == NULL || validate_date_parse(q.date, &d) == 0);
	FUZZ_CHECK(q.after == NULL || validate_uuid(q.after) == VALIDATE_OK);
	FUZZ_CHECK(q.status == NULL || strspn(q.status,
	    "abcdefghijklmnopqrstuvwxyz_") == strlen(q.status));
}

static void
fz_check_days(const char *raw)
{
	struct pipe_request req = { .arena = fuzz_arena, .query = raw };
	struct pipe_response res = { 0 };
	struct app_days_query q = { 0 };

	if (app_days_query(&req, &q, &res) != 0) {
		fz_check_refusal(&res);
		return;
	}
	FUZZ_CHECK(res.status == 0);
	FUZZ_CHECK(!q.has_from ||
	    validate_date_check(q.from.y, q.from.m, q.from.d) == 0);
	FUZZ_CHECK(!q.has_to || validate_date_check(q.to.y, q.to.m, q.to.d) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const known[] = { "status", "date", "limit",
	    "after", NULL };
	struct pipe_invalid inv;
	struct pipe_query q;
	const char *raw = arena_strndup(fuzz_arena, (const char *)data, size);
	const char *unknown;
	size_t n_unknown = 0;
	int ok;

	ok = pipe_query_parse(fuzz_arena, raw, &q) == 0;
	if (strpbrk(raw, "%+") == NULL)
		FUZZ_CHECK(ok == fz_plain_ok(raw));
	if (ok) {
		fz_check_pairs(&q);
		pipe_invalid_init(&inv, fuzz_arena);
		unknown = pipe_query_unknown(&q, known);
		FUZZ_CHECK((pipe_query_known(&inv, &q, known) != 0) ==
		    (unknown != NULL));
		for (size_t i = 0; i < q.n; i++) {
			size_t k = 0;

			while (known[k] != NULL &&
			    strcmp(known[k], q.pairs[i].name) != 0)
				k++;
			n_unknown += known[k] == NULL;
			if (known[k] == NULL && unknown == q.pairs[i].name)
				FUZZ_CHECK(n_unknown == 1);   /* the first */
		}
		FUZZ_CHECK(pipe_invalid_count(&inv) == n_unknown);
	}
	fz_check_review(raw);
	fz_check_days(raw);
	fuzz_done();
	return 0;
}
