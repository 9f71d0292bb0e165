/*
 * core/validate: the field rules of the HTTP API. Each test walks one table of
 * {input, expected} cases and proves one rule; a failing row is printed
 * with its index and label.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/validate.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* A fixed "today" so date rules are deterministic. */
static const struct validate_date today = { 2026, 5, 10 };

struct str_case {
	const char *label;
	const char *in;
	enum validate_result want;
};

static void
run_str_cases(enum validate_result (*fn)(const char *),
    const struct str_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum validate_result got = fn(c[i].in);

		if (got != c[i].want)
			print_error("case %zu (%s): got %d, want %d\n", i,
			    c[i].label, (int)got, (int)c[i].want);
		assert_int_equal(got, c[i].want);
	}
}

/* --- UTF-8 ------------------------------------------------------------- */

struct utf8_case {
	const char *label;
	const char *bytes;
	size_t len;
	enum validate_result want;
	size_t chars;  /* when want is VALIDATE_OK */
};

#define U(label, lit, want, chars) { label, lit, sizeof(lit) - 1, want, chars }

static void
run_utf8_cases(const struct utf8_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t chars = 12345;
		enum validate_result got = validate_utf8(c[i].bytes, c[i].len,
		    &chars);

		if (got != c[i].want)
			print_error("case %zu (%s): got %d\n", i, c[i].label,
			    (int)got);
		assert_int_equal(got, c[i].want);
		if (c[i].want == VALIDATE_OK)
			assert_int_equal(chars, c[i].chars);
	}
}

static void
test_utf8_accepts_each_sequence_length(void **state)
{
	static const struct utf8_case cases[] = {
		U("empty",                 "",                 VALIDATE_OK, 0),
		U("ASCII",                 "abc",              VALIDATE_OK, 3),
		U("U+0080, first 2-byte",  "\xC2\x80",         VALIDATE_OK, 1),
		U("e acute",               "\xC3\xA9",         VALIDATE_OK, 1),
		U("U+07FF, last 2-byte",   "\xDF\xBF",         VALIDATE_OK, 1),
		U("U+0800, first 3-byte",  "\xE0\xA0\x80",     VALIDATE_OK, 1),
		U("euro sign",             "\xE2\x82\xAC",     VALIDATE_OK, 1),
		U("U+D7FF, below surrogates", "\xED\x9F\xBF",  VALIDATE_OK, 1),
		U("U+E000, above surrogates", "\xEE\x80\x80",  VALIDATE_OK, 1),
		U("U+FFFF",                "\xEF\xBF\xBF",     VALIDATE_OK, 1),
		U("U+10000, first 4-byte", "\xF0\x90\x80\x80", VALIDATE_OK, 1),
		U("emoji",                 "\xF0\x9F\x98\x80", VALIDATE_OK, 1),
		U("U+10FFFF, the maximum", "\xF4\x8F\xBF\xBF", VALIDATE_OK, 1),
		U("mixed",                 "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z",
		                                               VALIDATE_OK, 5),
		U("embedded NUL counted",  "a\0b",             VALIDATE_OK, 3),
	};

	(void)state;
	run_utf8_cases(cases, N_ELEMS(cases));
}

static void
test_utf8_rejects_overlongs(void **state)
{
	static const struct utf8_case cases[] = {
		U("2-byte '/' C0 AF",      "\xC0\xAF",         VALIDATE_BAD_UTF8, 0),
		U("2-byte NUL C0 80",      "\xC0\x80",         VALIDATE_BAD_UTF8, 0),
		U("2-byte C1 BF",          "\xC1\xBF",         VALIDATE_BAD_UTF8, 0),
		U("3-byte '/' E0 80 AF",   "\xE0\x80\xAF",     VALIDATE_BAD_UTF8, 0),
		U("3-byte U+07FF E0 9F BF", "\xE0\x9F\xBF",    VALIDATE_BAD_UTF8, 0),
		U("4-byte '/' F0 80 80 AF", "\xF0\x80\x80\xAF", VALIDATE_BAD_UTF8, 0),
		U("4-byte U+FFFF F0 8F BF BF", "\xF0\x8F\xBF\xBF", VALIDATE_BAD_UTF8, 0),
	};

	(void)state;
	run_utf8_cases(cases, N_ELEMS(cases));
}

static void
test_utf8_rejects_surrogates_and_beyond_max(void **state)
{
	static const struct utf8_case cases[] = {
		U("U+D800 high surrogate", "\xED\xA0\x80",     VALIDATE_BAD_UTF8, 0),
		U("U+DBFF",                "\xED\xAF\xBF",     VALIDATE_BAD_UTF8, 0),
		U("U+DC00 low surrogate",  "\xED\xB0\x80",     VALIDATE_BAD_UTF8, 0),
		U("U+DFFF",                "\xED\xBF\xBF",     VALIDATE_BAD_UTF8, 0),
		U("CESU pair for U+10000", "\xED\xA0\x80\xED\xB0\x80", VALIDATE_BAD_UTF8, 0),
		U("U+110000",              "\xF4\x90\x80\x80", VALIDATE_BAD_UTF8, 0),
		U("F5 lead",               "\xF5\x80\x80\x80", VALIDATE_BAD_UTF8, 0),
		U("F7 BF BF BF",           "\xF7\xBF\xBF\xBF", VALIDATE_BAD_UTF8, 0),
		U("5-byte form",           "\xF8\x88\x80\x80\x80", VALIDATE_BAD_UTF8, 0),
		U("FE",                    "\xFE",             VALIDATE_BAD_UTF8, 0),
		U("FF",                    "\xFF",             VALIDATE_BAD_UTF8, 0),
	};

	(void)state;
	run_utf8_cases(cases, N_ELEMS(cases));
}

static void
test_utf8_rejects_truncated_and_stray_bytes(void **state)
{
	static const struct utf8_case cases[] = {
		U("lone continuation 80",  "\x80",             VALIDATE_BAD_UTF8, 0),
		U("lone continuation BF",  "a\xBF",            VALIDATE_BAD_UTF8, 0),
		U("2-byte cut",            "\xC3",             VALIDATE_BAD_UTF8, 0),
		U("2-byte cut at end",     "abc\xC3",          VALIDATE_BAD_UTF8, 0),
		U("3-byte cut after 1",    "\xE2",             VALIDATE_BAD_UTF8, 0),
		U("3-byte cut after 2",    "\xE2\x82",         VALIDATE_BAD_UTF8, 0),
		U("4-byte cut after 3",    "\xF0\x9F\x98",     VALIDATE_BAD_UTF8, 0),
		U("ASCII where continuation due", "\xC3(",     VALIDATE_BAD_UTF8, 0),
		U("3-byte, ASCII third",   "\xE2\x82(",        VALIDATE_BAD_UTF8, 0),
		U("new lead mid-sequence", "\xE2\xC3\xA9",     VALIDATE_BAD_UTF8, 0),
		U("Latin-1 e acute",       "caf\xE9",          VALIDATE_BAD_UTF8, 0),
	};

	(void)state;
	run_utf8_cases(cases, N_ELEMS(cases));
}

/* The length given is honoured: a sequence cut by `len` is truncated even
 * when the bytes after it would complete it. */
static void
test_utf8_stops_at_len(void **state)
{
	static const char buf[] = "\xE2\x82\xAC";
	size_t chars = 0;

	(void)state;
	assert_int_equal(validate_utf8(buf, 2, &chars), VALIDATE_BAD_UTF8);
	assert_int_equal(validate_utf8(buf, 3, &chars), VALIDATE_OK);
	assert_int_equal(chars, 1);
	assert_int_equal(validate_utf8(buf, 3, NULL), VALIDATE_OK);
	assert_int_equal(validate_utf8(NULL, 0, &chars), VALIDATE_OK);
	assert_int_equal(chars, 0);
}

/* --- text fields ------------------------------------------------------- */

static enum validate_result
text_name(const char *s)
{
	return validate_text(s, VALIDATE_NAME_MAX);
}

static void
test_text_rejects_control_characters(void **state)
{
	static const struct str_case cases[] = {
		{ "plain",          "Siti Nurhaliza",        VALIDATE_OK },
		{ "non-ASCII",      "Andr\xC3\xA9 \xE2\x80\x99", VALIDATE_OK },
		{ "NBSP U+00A0",    "a\xC2\xA0z",            VALIDATE_OK },
		{ "U+0001",         "a\x01z",                VALIDATE_CONTROL_CHAR },
		{ "tab",            "a\tz",                  VALIDATE_CONTROL_CHAR },
		{ "newline",        "a\nz",                  VALIDATE_CONTROL_CHAR },
		{ "CR",             "a\rz",                  VALIDATE_CONTROL_CHAR },
		{ "ESC",            "\x1b[31m",              VALIDATE_CONTROL_CHAR },
		{ "U+001F",         "a\x1fz",                VALIDATE_CONTROL_CHAR },
		{ "DEL",            "a\x7fz",                VALIDATE_CONTROL_CHAR },
		{ "C1 U+0080",      "a\xC2\x80z",            VALIDATE_CONTROL_CHAR },
		{ "C1 U+0085 NEL",  "a\xC2\x85z",            VALIDATE_CONTROL_CHAR },
		{ "C1 U+009F",      "a\xC2\x9Fz",            VALIDATE_CONTROL_CHAR },
		{ "control at end", "abc\x7f",               VALIDATE_CONTROL_CHAR },
	};

	(void)state;
	run_str_cases(text_name, cases, N_ELEMS(cases));
}

static void
test_text_rejects_empty_and_bad_utf8(void **state)
{
	static const struct str_case cases[] = {
		{ "NULL",        NULL,            VALIDATE_EMPTY },
		{ "empty",       "",              VALIDATE_EMPTY },
		{ "overlong",    "a\xC0\xAFz",    VALIDATE_BAD_UTF8 },
		{ "surrogate",   "a\xED\xA0\x80", VALIDATE_BAD_UTF8 },
		{ "truncated",   "abc\xE2\x82",   VALIDATE_BAD_UTF8 },
		{ "Latin-1",     "Jos\xE9",       VALIDATE_BAD_UTF8 },
	};

	(void)state;
	run_str_cases(text_name, cases, N_ELEMS(cases));
}

/* --- staff text ------------------------------------------------------- */

static enum validate_result
staff_reason(const char *s)
{
	return validate_staff_text(s, VALIDATE_REASON_MAX);
}

/* What a reason says about an application or an account passes. */
static void
test_staff_text_accepts_workflow_words(void **state)
{
	static const struct str_case cases[] = {
		{ "words",         "Photo does not meet the requirements", VALIDATE_OK },
		{ "a date, time",  "No-show at 2026-11-30 10:00", VALIDATE_OK },
		{ "dotted date",   "Seen 30.11.2026, 10.00", VALIDATE_OK },
		{ "9 digits",      "Ticket 123456789 closed", VALIDATE_OK },
		{ "a lone @",      "Meet @ the counter. Then go.", VALIDATE_OK },
		{ "@ no dot",      "ask@desk", VALIDATE_OK },
		{ "dot, space",    "ask@desk. Then", VALIDATE_OK },
		{ "dot at end",    "ask@desk.", VALIDATE_OK },
		{ "two dots",      "ask@desk..", VALIDATE_OK },
		{ "@ first",       "@desk.counter", VALIDATE_OK },
		{ "spaced number", "0812 3456 7890", VALIDATE_OK },
	};

	(void)state;
	run_str_cases(staff_reason, cases, N_ELEMS(cases));
}

/* An identity number or an email address pasted in is refused, after
 * what free text refuses. */
static void
test_staff_text_refuses_identity_data(void **state)
{
	static const struct str_case cases[] = {
		{ "NIK",           "NIK 3171015507900001 does not match", VALIDATE_IDENTITY },
		{ "10 digits",     "call 0812345678", VALIDATE_IDENTITY },
		{ "at the start",  "1234567890", VALIDATE_IDENTITY },
		{ "email",         "wrote to siti@example.co.id twice", VALIDATE_IDENTITY },
		{ "email at end",  "from a.b@c.d", VALIDATE_IDENTITY },
		{ "control first", "3171015507900001\n", VALIDATE_CONTROL_CHAR },
		{ "empty",         "", VALIDATE_EMPTY },
	};

	(void)state;
	run_str_cases(staff_reason, cases, N_ELEMS(cases));
}

struct len_case {
	const char *label;
	const char *unit;   /* one character, repeated */
	size_t count;
	size_t max;
	enum validate_result want;
};

/* Limits count code points, not bytes. */
static void
test_text_length_limits_count_code_points(void **state)
{
	static const struct len_case cases[] = {
		{ "name 100 ASCII",     "a",                VALIDATE_NAME_MAX, VALIDATE_NAME_MAX, VALIDATE_OK },
		{ "name 101 ASCII",     "a",                101, VALIDATE_NAME_MAX, VALIDATE_TOO_LONG },
		{ "name 100 e acute",   "\xC3\xA9",         100, VALIDATE_NAME_MAX, VALIDATE_OK },
		{ "name 101 e acute",   "\xC3\xA9",         101, VALIDATE_NAME_MAX, VALIDATE_TOO_LONG },
		{ "name 100 emoji",     "\xF0\x9F\x98\x80", 100, VALIDATE_NAME_MAX, VALIDATE_OK },
		{ "name 101 emoji",     "\xF0\x9F\x98\x80", 101, VALIDATE_NAME_MAX, VALIDATE_TOO_LONG },
		{ "birth_place 100",    "\xE2\x82\xAC",     100, VALIDATE_BIRTH_PLACE_MAX, VALIDATE_OK },
		{ "birth_place 101",    "\xE2\x82\xAC",     101, VALIDATE_BIRTH_PLACE_MAX, VALIDATE_TOO_LONG },
		{ "address 300",        "\xC3\xA9",         300, VALIDATE_ADDRESS_MAX, VALIDATE_OK },
		{ "address 301",        "\xC3\xA9",         301, VALIDATE_ADDRESS_MAX, VALIDATE_TOO_LONG },
		{ "purpose 500",        "\xE2\x82\xAC",     500, VALIDATE_PURPOSE_MAX, VALIDATE_OK },
		{ "purpose 501",        "a",                501, VALIDATE_PURPOSE_MAX, VALIDATE_TOO_LONG },
		{ "one character",      "x",                1,   VALIDATE_NAME_MAX, VALIDATE_OK },
	};
	char buf[4 * 501 + 1];

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		size_t ulen = strlen(cases[i].unit);
		enum validate_result got;

		assert_true(ulen * cases[i].count < sizeof buf);
		for (size_t k = 0; k < cases[i].count; k++)
			memcpy(buf + k * ulen, cases[i].unit, ulen);
		buf[ulen * cases[i].count] = '\0';
		got = validate_text(buf, cases[i].max);
		if (got != cases[i].want)
			print_error("case %zu (%s)\n", i, cases[i].label);
		assert_int_equal(got, cases[i].want);
	}
}

/* --- phone ------------------------------------------------------------- */

static void
test_phone_rules(void **state)
{
	static const struct str_case cases[] = {
		{ "0 + 8 digits",     "081234567",          VALIDATE_OK },
		{ "0 + 13 digits",    "08123456789012",     VALIDATE_OK },
		{ "+62 + 8 digits",   "+6281234567",        VALIDATE_OK },
		{ "+62 + 13 digits",  "+628123456789012",   VALIDATE_OK },
		{ "0 + 7 digits",     "08123456",           VALIDATE_BAD_FORMAT },
		{ "0 + 14 digits",    "081234567890123",    VALIDATE_BAD_FORMAT },
		{ "+62 + 7 digits",   "+628123456",         VALIDATE_BAD_FORMAT },
		{ "+62 + 14 digits",  "+6281234567890123",  VALIDATE_BAD_FORMAT },
		{ "+62 alone",        "+62",                VALIDATE_BAD_FORMAT },
		{ "0 alone",          "0",                  VALIDATE_BAD_FORMAT },
		{ "62 without +",     "6281234567",         VALIDATE_BAD_FORMAT },
		{ "other country",    "+6581234567",        VALIDATE_BAD_FORMAT },
		{ "no prefix",        "81234567890",        VALIDATE_BAD_FORMAT },
		{ "spaces",           "0812 3456 789",      VALIDATE_BAD_FORMAT },
		{ "dashes",           "0812-3456-789",      VALIDATE_BAD_FORMAT },
		{ "letter",           "08123456789a",       VALIDATE_BAD_FORMAT },
		{ "trailing newline", "081234567890\n",     VALIDATE_BAD_FORMAT },
		{ "leading space",    " 081234567890",      VALIDATE_BAD_FORMAT },
		{ "double plus",      "++6281234567",       VALIDATE_BAD_FORMAT },
		{ "empty",            "",                   VALIDATE_EMPTY },
		{ "NULL",             NULL,                 VALIDATE_EMPTY },
	};

	(void)state;
	run_str_cases(validate_phone, cases, N_ELEMS(cases));
}

/* --- dates ------------------------------------------------------------- */

struct date_case {
	const char *label;
	const char *in;
	enum validate_result want;
	struct validate_date d;  /* when want is VALIDATE_OK */
};

static void
test_date_parse_shape(void **state)
{
	static const struct date_case cases[] = {
		{ "plain",           "2024-03-07",  VALIDATE_OK, { 2024, 3, 7 } },
		{ "first day",       "0001-01-01",  VALIDATE_OK, { 1, 1, 1 } },
		{ "last day",        "9999-12-31",  VALIDATE_OK, { 9999, 12, 31 } },
		{ "NULL",            NULL,          VALIDATE_EMPTY },
		{ "empty",           "",            VALIDATE_EMPTY },
		{ "one-digit month", "2024-3-07",   VALIDATE_BAD_FORMAT },
		{ "slashes",         "2024/03/07",  VALIDATE_BAD_FORMAT },
		{ "DD-MM-YYYY",      "07-03-2024",  VALIDATE_BAD_FORMAT },
		{ "trailing char",   "2024-03-071", VALIDATE_BAD_FORMAT },
		{ "time appended",   "2024-03-07T00:00:00Z", VALIDATE_BAD_FORMAT },
		{ "leading space",   " 2024-03-07", VALIDATE_BAD_FORMAT },
		{ "sign",            "+024-03-07",  VALIDATE_BAD_FORMAT },
		{ "negative month",  "2024--3-07",  VALIDATE_BAD_FORMAT },
		{ "letters",         "2024-0a-07",  VALIDATE_BAD_FORMAT },
		{ "5-digit year",    "12024-03-07", VALIDATE_BAD_FORMAT },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct validate_date d = { -1, -1, -1 };
		enum validate_result got = validate_date_parse(cases[i].in, &d);

		if (got != cases[i].want)
			print_error("case %zu (%s)\n", i, cases[i].label);
		assert_int_equal(got, cases[i].want);
		if (got == VALIDATE_OK) {
			assert_int_equal(d.y, cases[i].d.y);
			assert_int_equal(d.m, cases[i].d.m);
			assert_int_equal(d.d, cases[i].d.d);
		} else {
			assert_int_equal(d.y, -1);  /* untouched on failure */
		}
	}
}

static enum validate_result
parse_only(const char *s)
{
	struct validate_date d;

	return validate_date_parse(s, &d);
}

static void
test_date_parse_calendar(void **state)
{
	static const struct str_case cases[] = {
		{ "29 Feb 2024, leap",         "2024-02-29", VALIDATE_OK },
		{ "29 Feb 2000, leap (/400)",  "2000-02-29", VALIDATE_OK },
		{ "29 Feb 2023, not leap",     "2023-02-29", VALIDATE_BAD_DATE },
		{ "29 Feb 1900, not leap (/100)", "1900-02-29", VALIDATE_BAD_DATE },
		{ "29 Feb 2100, not leap (/100)", "2100-02-29", VALIDATE_BAD_DATE },
		{ "30 Feb 2024",               "2024-02-30", VALIDATE_BAD_DATE },
		{ "28 Feb 2023",               "2023-02-28", VALIDATE_OK },
		{ "31 Jan",                    "2023-01-31", VALIDATE_OK },
		{ "31 Apr",                    "2023-04-31", VALIDATE_BAD_DATE },
		{ "30 Apr",                    "2023-04-30", VALIDATE_OK },
		{ "31 Jun",                    "2023-06-31", VALIDATE_BAD_DATE },
		{ "31 Sep",                    "2023-09-31", VALIDATE_BAD_DATE },
		{ "31 Nov",                    "2023-11-31", VALIDATE_BAD_DATE },
		{ "31 Dec",                    "2023-12-31", VALIDATE_OK },
		{ "day 00",                    "2023-01-00", VALIDATE_BAD_DATE },
		{ "day 32",                    "2023-01-32", VALIDATE_BAD_DATE },
		{ "month 00",                  "2023-00-10", VALIDATE_BAD_DATE },
		{ "month 13",                  "2023-13-10", VALIDATE_BAD_DATE },
		{ "year 0000",                 "0000-01-01", VALIDATE_BAD_DATE },
	};

	(void)state;
	run_str_cases(parse_only, cases, N_ELEMS(cases));
}

struct cmp_case {
	struct validate_date a, b;
	int sign;
};

static void
test_date_cmp_orders_by_year_month_day(void **state)
{
	static const struct cmp_case cases[] = {
		{ { 2024, 1, 1 },   { 2024, 1, 1 },   0 },
		{ { 2023, 12, 31 }, { 2024, 1, 1 },  -1 },
		{ { 2024, 1, 1 },   { 2023, 12, 31 }, 1 },
		{ { 2024, 2, 1 },   { 2024, 1, 31 },  1 },
		{ { 2024, 1, 30 },  { 2024, 1, 31 }, -1 },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		int got = validate_date_cmp(&cases[i].a, &cases[i].b);
		int sign = (got > 0) - (got < 0);

		assert_int_equal(sign, cases[i].sign);
	}
}

static enum validate_result
birth_date_today(const char *s)
{
	return validate_birth_date(s, &today, NULL);
}

static void
test_birth_date_past_and_from_1900(void **state)
{
	static const struct str_case cases[] = {
		{ "1 Jan 1900",      "1900-01-01", VALIDATE_OK },
		{ "31 Dec 1899",     "1899-12-31", VALIDATE_TOO_EARLY },
		{ "year 1000",       "1000-06-15", VALIDATE_TOO_EARLY },
		{ "yesterday",       "2026-05-09", VALIDATE_OK },
		{ "today",           "2026-05-10", VALIDATE_TOO_LATE },
		{ "tomorrow",        "2026-05-11", VALIDATE_TOO_LATE },
		{ "next year",       "2027-01-01", VALIDATE_TOO_LATE },
		{ "not a day",       "1990-02-29", VALIDATE_BAD_DATE },
		{ "bad shape",       "15/05/1990", VALIDATE_BAD_FORMAT },
		{ "missing",         NULL,         VALIDATE_EMPTY },
	};

	(void)state;
	run_str_cases(birth_date_today, cases, N_ELEMS(cases));
}

static void
test_birth_date_writes_out_only_on_success(void **state)
{
	struct validate_date d = { 0, 0, 0 };

	(void)state;
	assert_int_equal(validate_birth_date("2026-05-10", &today, &d),
	    VALIDATE_TOO_LATE);
	assert_int_equal(d.y, 0);
	assert_int_equal(validate_birth_date("1990-05-15", &today, &d),
	    VALIDATE_OK);
	assert_int_equal(d.y, 1990);
	assert_int_equal(d.m, 5);
	assert_int_equal(d.d, 15);
}

static enum validate_result
depart_today(const char *s)
{
	return validate_depart_on(s, &today, NULL);
}

static void
test_depart_on_today_or_later(void **state)
{
	static const struct str_case cases[] = {
		{ "today",      "2026-05-10", VALIDATE_OK },
		{ "tomorrow",   "2026-05-11", VALIDATE_OK },
		{ "next year",  "2027-01-01", VALIDATE_OK },
		{ "yesterday",  "2026-05-09", VALIDATE_TOO_EARLY },
		{ "last month", "2026-04-30", VALIDATE_TOO_EARLY },
		{ "not a day",  "2026-06-31", VALIDATE_BAD_DATE },
		{ "bad shape",  "2026-5-10",  VALIDATE_BAD_FORMAT },
	};

	(void)state;
	run_str_cases(depart_today, cases, N_ELEMS(cases));
}

static enum validate_result
return_after_depart(const char *s)
{
	static const struct validate_date depart = { 2026, 6, 1 };

	return validate_return_on(s, &depart, NULL);
}

static void
test_return_on_not_before_depart_on(void **state)
{
	static const struct str_case cases[] = {
		{ "same day",     "2026-06-01", VALIDATE_OK },
		{ "day after",    "2026-06-02", VALIDATE_OK },
		{ "day before",   "2026-05-31", VALIDATE_TOO_EARLY },
		{ "year before",  "2025-06-01", VALIDATE_TOO_EARLY },
		{ "not a day",    "2026-02-29", VALIDATE_BAD_DATE },
		{ "missing",      "",           VALIDATE_EMPTY },
	};

	(void)state;
	run_str_cases(return_after_depart, cases, N_ELEMS(cases));
}

/* --- email ------------------------------------------------------------- */

struct email_case {
	const char *label;
	const char *in;
	enum validate_result want;
	const char *normalised;  /* when want is VALIDATE_OK */
};

static void
run_email_cases(const struct email_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char out[VALIDATE_EMAIL_BUFSZ];
		enum validate_result got;

		memset(out, 'X', sizeof out);
		got = validate_email(c[i].in, out, sizeof out);
		if (got != c[i].want)
			print_error("case %zu (%s): got %d\n", i, c[i].label,
			    (int)got);
		assert_int_equal(got, c[i].want);
		assert_string_equal(out,
		    got == VALIDATE_OK ? c[i].normalised : "");
	}
}

static void
test_email_normalises(void **state)
{
	static const struct email_case cases[] = {
		{ "plain",            "siti@example.co.id", VALIDATE_OK, "siti@example.co.id" },
		{ "upper-case",       "Siti.N@Example.COM", VALIDATE_OK, "siti.n@example.com" },
		{ "surrounding space", " \t siti@example.com \r\n", VALIDATE_OK, "siti@example.com" },
		{ "atext specials",   "a+b_c-d!#$%&'*/=?^`{|}~@x.io", VALIDATE_OK,
		                      "a+b_c-d!#$%&'*/=?^`{|}~@x.io" },
		{ "digits, hyphen",   "1@a-1.b2.c", VALIDATE_OK, "1@a-1.b2.c" },
		{ "only whitespace",  " \t\n ",       VALIDATE_EMPTY, NULL },
		{ "empty",            "",             VALIDATE_EMPTY, NULL },
		{ "NULL",             NULL,           VALIDATE_EMPTY, NULL },
	};

	(void)state;
	run_email_cases(cases, N_ELEMS(cases));
}

static void
test_email_rejects_bad_shape(void **state)
{
	static const struct email_case cases[] = {
		{ "no @",              "siti.example.com",  VALIDATE_BAD_FORMAT },
		{ "two @",             "a@b@example.com",   VALIDATE_BAD_FORMAT },
		{ "empty local",       "@example.com",      VALIDATE_BAD_FORMAT },
		{ "empty domain",      "siti@",             VALIDATE_BAD_FORMAT },
		{ "dotless domain",    "siti@localhost",    VALIDATE_BAD_FORMAT },
		{ "leading dot local", ".siti@example.com", VALIDATE_BAD_FORMAT },
		{ "trailing dot local", "siti.@example.com", VALIDATE_BAD_FORMAT },
		{ "double dot local",  "si..ti@example.com", VALIDATE_BAD_FORMAT },
		{ "inner space",       "si ti@example.com", VALIDATE_BAD_FORMAT },
		{ "quoted local",      "\"siti\"@example.com", VALIDATE_BAD_FORMAT },
		{ "comma",             "a,b@example.com",   VALIDATE_BAD_FORMAT },
		{ "label starts -",    "siti@-example.com", VALIDATE_BAD_FORMAT },
		{ "label ends -",      "siti@example-.com", VALIDATE_BAD_FORMAT },
		{ "tld ends -",        "siti@example.co-",  VALIDATE_BAD_FORMAT },
		{ "empty label",       "siti@example..com", VALIDATE_BAD_FORMAT },
		{ "leading dot domain", "siti@.example.com", VALIDATE_BAD_FORMAT },
		{ "trailing dot domain", "siti@example.com.", VALIDATE_BAD_FORMAT },
		{ "underscore domain", "siti@ex_ample.com", VALIDATE_BAD_FORMAT },
		{ "IP literal",        "siti@[10.0.0.1]",   VALIDATE_BAD_FORMAT },
		{ "non-ASCII local",   "s\xC3\xAFti@example.com", VALIDATE_BAD_FORMAT },
		{ "non-ASCII domain",  "siti@b\xC3\xBC" "cher.de", VALIDATE_BAD_FORMAT },
		{ "control char",      "si\x01ti@example.com", VALIDATE_BAD_FORMAT },
		{ "newline inside",    "siti@exa\nmple.com", VALIDATE_BAD_FORMAT },
	};

	(void)state;
	run_email_cases(cases, N_ELEMS(cases));
}

/* Fills buf with `n` copies of c (NUL-terminated). */
static void
fill(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
}

static void
test_email_length_limits(void **state)
{
	char local[80], label[80], dom[400], in[600];
	char out[VALIDATE_EMAIL_BUFSZ];

	(void)state;
	/* Local part: 64 is the limit. */
	fill(local, 'a', 64);
	snprintf(in, sizeof in, "%s@example.com", local);
	assert_int_equal(validate_email(in, out, sizeof out), VALIDATE_OK);
	fill(local, 'a', 65);
	snprintf(in, sizeof in, "%s@example.com", local);
	assert_int_equal(validate_email(in, out, sizeof out),
	    VALIDATE_BAD_FORMAT);

	/* Labels: 63 bytes at most. */
	fill(label, 'b', 63);
	snprintf(in, sizeof in, "a@%s.com", label);
	assert_int_equal(validate_email(in, out, sizeof out), VALIDATE_OK);
	fill(label, 'b', 64);
	snprintf(in, sizeof in, "a@%s.com", label);
	assert_int_equal(validate_email(in, out, sizeof out),
	    VALIDATE_BAD_FORMAT);

	/* Whole address: 254 bytes at most. Domain = 63.63.63.59 = 251. */
	fill(label, 'c', 63);
	fill(local, 'd', 59);
	snprintf(dom, sizeof dom, "%s.%s.%s.%s", label, label, label, local);
	snprintf(in, sizeof in, "a@%s", dom);
	assert_int_equal(strlen(in), 253);
	assert_int_equal(validate_email(in, out, sizeof out), VALIDATE_OK);
	snprintf(in, sizeof in, "ab@%s", dom);
	assert_int_equal(strlen(in), 254);
	assert_int_equal(validate_email(in, out, sizeof out), VALIDATE_OK);
	assert_string_equal(out, in);
	snprintf(in, sizeof in, "abc@%s", dom);
	assert_int_equal(strlen(in), 255);
	assert_int_equal(validate_email(in, out, sizeof out),
	    VALIDATE_TOO_LONG);
	assert_string_equal(out, "");

	/* The 254 limit holds even when the buffer could take more. */
	{
		char big[512];

		assert_int_equal(validate_email(in, big, sizeof big),
		    VALIDATE_TOO_LONG);
		assert_string_equal(big, "");
	}

	/* Trimmed whitespace does not count. */
	snprintf(in, sizeof in, " \t ab@%s \r\n", dom);
	assert_int_equal(validate_email(in, out, sizeof out), VALIDATE_OK);
}

static void
test_email_respects_small_buffer(void **state)
{
	char out[8];

	(void)state;
	memset(out, 'X', sizeof out);
	assert_int_equal(validate_email("a@b.co", out, sizeof out),
	    VALIDATE_OK);  /* 6 bytes + NUL fit */
	assert_int_equal(validate_email("ab@cd.co", out, sizeof out),
	    VALIDATE_TOO_LONG);  /* 8 bytes + NUL do not */
	assert_string_equal(out, "");
	assert_int_equal(validate_email("a@b.co", out, 0), VALIDATE_TOO_LONG);
	assert_int_equal(validate_email("a@b.co", NULL, 0), VALIDATE_TOO_LONG);
}

/* --- password ---------------------------------------------------------- */

static void
test_password_counts_code_points(void **state)
{
	static const struct str_case cases[] = {
		{ "9 ASCII",           "123456789",   VALIDATE_TOO_SHORT },
		{ "10 ASCII",          "1234567890",  VALIDATE_OK },
		{ "9 e acute (18 bytes)",
		  "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9",
		  VALIDATE_TOO_SHORT },
		{ "10 e acute",
		  "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9",
		  VALIDATE_OK },
		{ "spaces and controls allowed", " \t pass  word ", VALIDATE_OK },
		{ "bad UTF-8",         "password\xC0\xAF!!", VALIDATE_BAD_UTF8 },
		{ "surrogate",         "password\xED\xA0\x80!!", VALIDATE_BAD_UTF8 },
		{ "empty",             "",            VALIDATE_EMPTY },
		{ "NULL",              NULL,          VALIDATE_EMPTY },
	};

	(void)state;
	run_str_cases(validate_password, cases, N_ELEMS(cases));
}

static void
test_password_at_most_1024_bytes(void **state)
{
	char buf[VALIDATE_PASSWORD_MAX_BYTES + 2];

	(void)state;
	fill(buf, 'p', VALIDATE_PASSWORD_MAX_BYTES);
	assert_int_equal(validate_password(buf), VALIDATE_OK);
	fill(buf, 'p', VALIDATE_PASSWORD_MAX_BYTES + 1);
	assert_int_equal(validate_password(buf), VALIDATE_TOO_LONG);
	/* 512 x e acute: 512 characters but 1024 bytes, still allowed. */
	for (size_t i = 0; i < 512; i++)
		memcpy(buf + 2 * i, "\xC3\xA9", 2);
	buf[1024] = '\0';
	assert_int_equal(validate_password(buf), VALIDATE_OK);
}

/* --- ids and keys ------------------------------------------------------ */

static void
test_uuid_shape(void **state)
{
	static const struct str_case cases[] = {
		{ "v4",            "0f8fad5b-d9cb-469f-a165-70867728950e", VALIDATE_OK },
		{ "nil",           "00000000-0000-0000-0000-000000000000", VALIDATE_OK },
		{ "upper-case",    "0F8FAD5B-D9CB-469F-A165-70867728950E", VALIDATE_BAD_FORMAT },
		{ "non-hex g",     "0f8fad5g-d9cb-469f-a165-70867728950e", VALIDATE_BAD_FORMAT },
		{ "no dashes",     "0f8fad5bd9cb469fa16570867728950e",     VALIDATE_BAD_FORMAT },
		{ "dash shifted",  "0f8fad5-bd9cb-469f-a165-70867728950e", VALIDATE_BAD_FORMAT },
		{ "35 chars",      "0f8fad5b-d9cb-469f-a165-70867728950",  VALIDATE_BAD_FORMAT },
		{ "37 chars",      "0f8fad5b-d9cb-469f-a165-70867728950e0", VALIDATE_BAD_FORMAT },
		{ "braces",        "{0f8fad5b-d9cb-469f-a165-70867728950e}", VALIDATE_BAD_FORMAT },
		{ "dash for hex",  "0f8fad5b-d9cb-469f-a165-7086772895-e", VALIDATE_BAD_FORMAT },
		{ "path traversal", "../../../../../../../../etc/passwd00", VALIDATE_BAD_FORMAT },
		{ "empty",         "",                                     VALIDATE_EMPTY },
		{ "NULL",          NULL,                                   VALIDATE_EMPTY },
	};

	(void)state;
	run_str_cases(validate_uuid, cases, N_ELEMS(cases));
}

/* --- instants ---------------------------------------------------------- */

/* One table for both forms: `plain` is validate_instant(s, 0) (an admin's
 * opens_at), `full` with a fraction and a leap second allowed (a payment's
 * paid_at). */
static void
test_instant_shape(void **state)
{
	static const struct {
		const char *label, *in;
		enum validate_result plain, full;
	} cases[] = {
		{ "Z",             "2026-01-31T08:00:00Z",      VALIDATE_OK, VALIDATE_OK },
		{ "+07:00",        "2026-01-31T08:00:00+07:00", VALIDATE_OK, VALIDATE_OK },
		{ "-14:59",        "2026-01-31T08:00:00-14:59", VALIDATE_OK, VALIDATE_OK },
		{ "+14:00 Kiribati", "2026-01-31T08:00:00+14:00", VALIDATE_OK, VALIDATE_OK },
		/* No zone has it, and PostgreSQL refuses past 15:59: it was a
		 * 500 (found by tests/fuzz/fuzz_bodies.c). */
		{ "+15:00",        "2026-01-31T08:00:00+15:00", VALIDATE_BAD_FORMAT, VALIDATE_BAD_FORMAT },
		{ "+18:00",        "2026-01-31T08:00:00+18:00", VALIDATE_BAD_FORMAT, VALIDATE_BAD_FORMAT },
		{ "minutes 60",    "2026-01-31T08:00:00+07:60", VALIDATE_BAD_FORMAT, VALIDATE_BAD_FORMAT },
		{ "fraction",      "2026-01-31T08:00:00.123Z",  VALIDATE_BAD_FORMAT, VALIDATE_OK },
		{ "bare '.'",      "2026-01-31T08:00:00.Z",     VALIDATE_BAD_FORMAT, VALIDATE_BAD_FORMAT },
		{ "leap second",   "2016-12-31T23:59:60Z",      VALIDATE_BAD_FORMAT, VALIDATE_OK },
		{ "second 61",     "2016-12-31T23:59:61Z",      VALIDATE_BAD_FORMAT, VALIDATE_BAD_FORMAT },
		{ "hour 24",       "2026-01-31T24:00:00Z",      VALIDATE_BAD_FORMAT, VALIDATE_BAD_FORMAT },
		{ "no such day",   "2026-02-30T08:00:00Z",      VALIDATE_BAD_FORMAT, VALIDATE_BAD_FORMAT },
		{ "no zone",       "2026-01-31T08:00:00",       VALIDATE_BAD_FORMAT, VALIDATE_BAD_FORMAT },
		{ "space for T",   "2026-01-31 08:00:00Z",      VALIDATE_BAD_FORMAT, VALIDATE_BAD_FORMAT },
		{ "lower z",       "2026-01-31T08:00:00z",      VALIDATE_BAD_FORMAT, VALIDATE_BAD_FORMAT },
		{ "+0700",         "2026-01-31T08:00:00+0700",  VALIDATE_BAD_FORMAT, VALIDATE_BAD_FORMAT },
		{ "trailing",      "2026-01-31T08:00:00Zx",     VALIDATE_BAD_FORMAT, VALIDATE_BAD_FORMAT },
		{ "a word",        "tomorrow",                  VALIDATE_BAD_FORMAT, VALIDATE_BAD_FORMAT },
		{ "empty",         "",                          VALIDATE_EMPTY, VALIDATE_EMPTY },
		{ "NULL",          NULL,                        VALIDATE_EMPTY, VALIDATE_EMPTY },
	};
	const unsigned full = VALIDATE_INSTANT_FRACTION | VALIDATE_INSTANT_LEAP;

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		if (validate_instant(cases[i].in, 0) != cases[i].plain)
			fail_msg("row %zu (%s): plain", i, cases[i].label);
		if (validate_instant(cases[i].in, full) != cases[i].full)
			fail_msg("row %zu (%s): full", i, cases[i].label);
	}
}

/* --- messages ---------------------------------------------------------- */

static void
test_validate_messages_distinct(void **state)
{
	(void)state;
	for (int a = VALIDATE_OK; a <= VALIDATE_IDENTITY; a++) {
		const char *m = validate_message((enum validate_result)a);

		assert_non_null(m);
		assert_true(strlen(m) > 0);
		for (int b = VALIDATE_OK; b < a; b++)
			assert_string_not_equal(m,
			    validate_message((enum validate_result)b));
	}
	assert_non_null(validate_message((enum validate_result)999));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_accepts_each_sequence_length),
		cmocka_unit_test(test_utf8_rejects_overlongs),
		cmocka_unit_test(test_utf8_rejects_surrogates_and_beyond_max),
		cmocka_unit_test(test_utf8_rejects_truncated_and_stray_bytes),
		cmocka_unit_test(test_utf8_stops_at_len),
		cmocka_unit_test(test_text_rejects_control_characters),
		cmocka_unit_test(test_text_rejects_empty_and_bad_utf8),
		cmocka_unit_test(test_text_length_limits_count_code_points),
		cmocka_unit_test(test_staff_text_accepts_workflow_words),
		cmocka_unit_test(test_staff_text_refuses_identity_data),
		cmocka_unit_test(test_phone_rules),
		cmocka_unit_test(test_date_parse_shape),
		cmocka_unit_test(test_date_parse_calendar),
		cmocka_unit_test(test_date_cmp_orders_by_year_month_day),
		cmocka_unit_test(test_birth_date_past_and_from_1900),
		cmocka_unit_test(test_birth_date_writes_out_only_on_success),
		cmocka_unit_test(test_depart_on_today_or_later),
		cmocka_unit_test(test_return_on_not_before_depart_on),
		cmocka_unit_test(test_email_normalises),
		cmocka_unit_test(test_email_rejects_bad_shape),
		cmocka_unit_test(test_email_length_limits),
		cmocka_unit_test(test_email_respects_small_buffer),
		cmocka_unit_test(test_password_counts_code_points),
		cmocka_unit_test(test_password_at_most_1024_bytes),
		cmocka_unit_test(test_uuid_shape),
		cmocka_unit_test(test_instant_shape),
		cmocka_unit_test(test_validate_messages_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
