/*
 * pipe/invalid: the collector of a request's field errors and its 422,
 * and the JSON getters that report into it: every refusal kept in the
 * order found, the first one the error's field and message, nothing
 * answered when nothing was refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "pipe/invalid.h"
#include "pipe/json.h"
#include "core/arena.h"

#include "tests/unit/arena_fixture.h"

/* Entry `i` of the 422 in `res` is (field, reason word, rule's message). */
static void
assert_entry(const struct pipe_response *res, size_t i, const char *field,
    enum rule rule)
{
	json_t *e = json_array_get(json_object_get(json_object_get(res->body,
	    "error"), "errors"), i);

	assert_non_null(e);
	assert_int_equal(json_object_size(e), 3);
	assert_string_equal(json_string_value(json_object_get(e, "field")),
	    field);
	assert_string_equal(json_string_value(json_object_get(e, "reason")),
	    rule_word(rule));
	assert_string_equal(json_string_value(json_object_get(e, "message")),
	    rule_message(rule));
}

/* How many entries the 422 in `res` has. */
static size_t
entries(const struct pipe_response *res)
{
	return json_array_size(json_object_get(json_object_get(res->body,
	    "error"), "errors"));
}

static void
test_nothing_reported_answers_nothing(void **state)
{
	struct pipe_invalid inv;
	struct pipe_response res = { 0 };

	(void)state;
	pipe_invalid_init(&inv, a);
	assert_int_equal(pipe_invalid_add(&inv, "applicant", "nik", RULE_NONE),
	    0);
	assert_int_equal(pipe_invalid_count(&inv), 0);
	assert_int_equal(pipe_invalid_answer(&inv, &res), 0);
	assert_int_equal(res.status, 0);
	assert_null(res.body);
}

static void
test_every_refusal_in_order_the_first_is_the_field(void **state)
{
	struct pipe_invalid inv;
	struct pipe_response res = { 0 };
	json_t *err;

	(void)state;
	pipe_invalid_init(&inv, a);
	assert_int_equal(pipe_invalid_add(&inv, "applicant", "nik",
	    RULE_PROVINCE), -1);
	assert_int_equal(pipe_invalid_add(&inv, "applicant", "phone",
	    RULE_PHONE), -1);
	assert_int_equal(pipe_invalid_add(&inv, NULL, "foo",
	    RULE_UNKNOWN_FIELD), -1);
	assert_int_equal(pipe_invalid_add(&inv, "", "bar", RULE_REQUIRED), -1);
	assert_int_equal(pipe_invalid_count(&inv), 4);
	assert_int_equal(pipe_invalid_answer(&inv, &res), -1);
	assert_int_equal(res.status, 422);
	assert_int_equal(json_object_size(res.body), 1);
	err = json_object_get(res.body, "error");
	assert_int_equal(json_object_size(err), 4);
	assert_string_equal(json_string_value(json_object_get(err, "code")),
	    "invalid");
	assert_string_equal(json_string_value(json_object_get(err, "field")),
	    "applicant.nik");
	assert_string_equal(json_string_value(json_object_get(err, "message")),
	    rule_message(RULE_PROVINCE));
	assert_int_equal(entries(&res), 4);
	assert_entry(&res, 0, "applicant.nik", RULE_PROVINCE);
	assert_entry(&res, 1, "applicant.phone", RULE_PHONE);
	assert_entry(&res, 2, "foo", RULE_UNKNOWN_FIELD);
	assert_entry(&res, 3, "bar", RULE_REQUIRED);
	json_decref(res.body);
}

static void
test_refuse_answers_one_entry(void **state)
{
	struct pipe_response res = { 0 };

	(void)state;
	assert_int_equal(pipe_invalid_refuse(a, &res, NULL, "date",
	    RULE_BOOK_CLOSED), PIPE_ANSWERED);
	assert_int_equal(res.status, 422);
	assert_int_equal(entries(&res), 1);
	assert_entry(&res, 0, "date", RULE_BOOK_CLOSED);
	json_decref(res.body);
}

/* A body's every fault is reported, reading on past each. */
static void
test_the_getters_report_every_fault_and_read_on(void **state)
{
	static const char *const known[] = { "a", "b", "c", "d", "o", NULL };
	json_t *body = json_loads("{\"x\": 1, \"a\": 5, \"b\": \"ok\","
	    " \"c\": \"7\", \"o\": [], \"y\": null}", 0, NULL);
	struct pipe_invalid inv;
	struct pipe_response res = { 0 };
	const char *s;
	long long n;
	int present;
	json_t *o;

	(void)state;
	assert_non_null(body);
	pipe_invalid_init(&inv, a);
	assert_int_equal(pipe_json_known(&inv, body, "p", known), -1);
	assert_int_equal(pipe_json_string(&inv, body, "p", "a",
	    PIPE_JSON_REQUIRED, &s, NULL), -1);
	assert_null(s);
	assert_int_equal(pipe_json_string(&inv, body, "p", "b",
	    PIPE_JSON_REQUIRED, &s, NULL), 0);
	assert_string_equal(s, "ok");
	assert_int_equal(pipe_json_integer(&inv, body, "p", "c",
	    PIPE_JSON_REQUIRED, &n, &present), -1);
	assert_false(present);
	assert_int_equal(pipe_json_string(&inv, body, "p", "d",
	    PIPE_JSON_OPTIONAL, &s, NULL), 0);
	assert_null(s);
	assert_int_equal(pipe_json_string(&inv, body, "p", "d",
	    PIPE_JSON_REQUIRED, &s, NULL), -1);
	assert_int_equal(pipe_json_object(&inv, body, "p", "o",
	    PIPE_JSON_REQUIRED, &o), -1);
	assert_null(o);
	assert_int_equal(pipe_invalid_answer(&inv, &res), -1);
	assert_int_equal(entries(&res), 6);
	assert_entry(&res, 0, "p.x", RULE_UNKNOWN_FIELD);
	assert_entry(&res, 1, "p.y", RULE_UNKNOWN_FIELD);
	assert_entry(&res, 2, "p.a", RULE_STRING);
	assert_entry(&res, 3, "p.c", RULE_INTEGER);
	assert_entry(&res, 4, "p.d", RULE_REQUIRED);
	assert_entry(&res, 5, "p.o", RULE_OBJECT);
	json_decref(res.body);
	json_decref(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_reported_answers_nothing),
		cmocka_unit_test(test_every_refusal_in_order_the_first_is_the_field),
		cmocka_unit_test(test_refuse_answers_one_entry),
		cmocka_unit_test(test_the_getters_report_every_fault_and_read_on),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
