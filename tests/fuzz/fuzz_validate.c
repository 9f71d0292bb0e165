/*
 * fuzz_validate — libFuzzer over the field rules of core/validate.c and
 * their rules' words (core/rule.c): UTF-8, free text, phone, dates, email,
 * password, id, instant.
 *
 * An input is any bytes; every check runs on them (on the text up to a NUL
 * where a check takes a C string). The answers are held against readings
 * written independently: Jansson's UTF-8 check, POSIX extended regular
 * expressions for the shapes, timegm for the calendar.
 *
 * Invariants: valid UTF-8 exactly when Jansson says so, its count of code
 * points the count of bytes that start one; text accepted exactly when
 * non-empty, UTF-8, free of C0, DEL and C1, and within its limit; phone,
 * id and instant shapes exactly their expressions' (with the ranges a
 * clock allows, an offset of at most 14:59); a date exactly when it has the
 * shape and timegm gives the same day back, written back the same; the
 * date rules agree with validate_date_cmp; staff text accepted exactly
 * when free text is and it has neither ten digits in a row nor
 * something@some.thing in one word; an email accepted exactly when,
 * trimmed and lower-cased, it matches the address expression and its
 * lengths, and its normal form is a fixed point; a password exactly when
 * UTF-8 of 10 code points and at most 1024 bytes; each result maps to a
 * rule with a reason word and a message, none for VALIDATE_OK only.
 */
#include "tests/fuzz/fuzz.h"

#include <regex.h>
#include <time.h>

#include "core/rule.h"
#include "core/validate.h"

enum { FZ_PHONE, FZ_DATE, FZ_UUID, FZ_EMAIL, FZ_INSTANT, FZ_LONG_NUMBER,
    FZ_EMAIL_IN_TEXT, FZ_NRE };

static const char *const fz_patterns[FZ_NRE] = {
	[FZ_PHONE] = "^(\\+62|0)[0-9]{8,13}$",
	[FZ_DATE] = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
	[FZ_UUID] = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
	    "[0-9a-f]{12}$",
	[FZ_EMAIL] = "^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
	    "@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+"
	    "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$",
	[FZ_INSTANT] = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
	    "(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$",
	/* Staff text: more than VALIDATE_STAFF_DIGITS_MAX (9) digits in a
	 * row, and something@some.thing within one word. */
	[FZ_LONG_NUMBER] = "[0-9]{10}",
	[FZ_EMAIL_IN_TEXT] = "[^ ]@[^ ]+\\.[^ .]",
};
static regex_t fz_re[FZ_NRE];

static const size_t fz_text_limits[] = {
	VALIDATE_NAME_MAX, VALIDATE_BIRTH_PLACE_MAX, VALIDATE_ADDRESS_MAX,
	VALIDATE_PURPOSE_MAX, VALIDATE_MAINTENANCE_MAX, VALIDATE_REASON_MAX,
};

static const struct validate_date fz_today = { 2026, 6, 15 };

static void
fz_init(void)
{
	for (int i = 0; i < FZ_NRE; i++)
		FUZZ_CHECK(regcomp(&fz_re[i], fz_patterns[i],
		    REG_EXTENDED | REG_NOSUB) == 0);
}

static int
fz_match(int re, const char *s)
{
	return regexec(&fz_re[re], s, 0, NULL, 0) == 0;
}

/* A rule and its words, RULE_NONE exactly for VALIDATE_OK. */
static void
fz_rule(enum validate_result r, enum rule rule)
{
	FUZZ_CHECK((rule == RULE_NONE) == (r == VALIDATE_OK));
	if (rule == RULE_NONE)
		return;
	FUZZ_CHECK(rule_word(rule) != NULL && *rule_message(rule) != '\0');
}

static void
fz_utf8(const char *raw, size_t len)
{
	size_t chars = 0, starts = 0;
	int ok = validate_utf8(raw, len, &chars) == VALIDATE_OK;

	FUZZ_CHECK(ok == (json_stringn(raw, len) != NULL));
	for (size_t i = 0; i < len; i++)
		starts += ((unsigned char)raw[i] & 0xc0) != 0x80;
	FUZZ_CHECK(!ok || chars == starts);
}

/* 1 when UTF-8 `s` holds C0, DEL or C1 (C1 is U+0080-U+009F: C2 80-9F). */
static int
fz_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return 1;
	return 0;
}

static void
fz_text(const char *s)
{
	size_t len = strlen(s), chars = 0;
	int utf8 = validate_utf8(s, len, &chars) == VALIDATE_OK;

	for (size_t i = 0; i < sizeof(fz_text_limits) / sizeof(size_t); i++) {
		size_t max = fz_text_limits[i];
		enum validate_result r = validate_text(s, max);

		FUZZ_CHECK((r == VALIDATE_EMPTY) == (len == 0));
		FUZZ_CHECK((r == VALIDATE_OK) == (len > 0 && utf8 &&
		    !fz_control(s) && chars <= max));
		if (r == VALIDATE_TOO_LONG)
			FUZZ_CHECK(utf8 && !fz_control(s) && chars > max);
		if (r == VALIDATE_BAD_UTF8)
			FUZZ_CHECK(!utf8);
		fz_rule(r, rule_text(r, max));
		if (r == VALIDATE_TOO_LONG)
			FUZZ_CHECK(rule_text(r, max) == rule_too_long(max));
	}
}

/* Staff text: free text's verdict first, then refused exactly when it
 * holds a long number or an email address. */
static void
fz_staff_text(const char *s)
{
	enum validate_result text = validate_text(s, VALIDATE_REASON_MAX);
	enum validate_result r = validate_staff_text(s, VALIDATE_REASON_MAX);

	if (text != VALIDATE_OK) {
		FUZZ_CHECK(r == text);
		return;
	}
	FUZZ_CHECK((r == VALIDATE_IDENTITY) == (fz_match(FZ_LONG_NUMBER, s) ||
	    fz_match(FZ_EMAIL_IN_TEXT, s)));
	FUZZ_CHECK(r == VALIDATE_OK || r == VALIDATE_IDENTITY);
	fz_rule(r, rule_text(r, VALIDATE_REASON_MAX));
}

static void
fz_phone(const char *s)
{
	enum validate_result r = validate_phone(s);

	FUZZ_CHECK((r == VALIDATE_OK) == fz_match(FZ_PHONE, s));
	FUZZ_CHECK((r == VALIDATE_EMPTY) == (*s == '\0'));
	fz_rule(r, rule_phone(r));
}

/* 1 when y-m-d is a day of the calendar, by timegm. */
static int
fz_calendar(int y, int m, int d)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
	    .tm_hour = 12 };
	time_t t = timegm(&tm);
	struct tm back;

	if (y < 1 || gmtime_r(&t, &back) == NULL)
		return 0;
	return back.tm_year == y - 1900 && back.tm_mon == m - 1 &&
	    back.tm_mday == d;
}

static void
fz_dates(const char *s)
{
	struct validate_date d = { -1, -1, -1 }, out;
	enum validate_result r = validate_date_parse(s, &d), b, dep;
	char back[16];
	int y, m, dd;

	FUZZ_CHECK((r == VALIDATE_EMPTY) == (*s == '\0'));
	if (!fz_match(FZ_DATE, s)) {
		FUZZ_CHECK(r == VALIDATE_EMPTY || r == VALIDATE_BAD_FORMAT);
		FUZZ_CHECK(d.y == -1);   /* untouched */
	} else {
		FUZZ_CHECK(sscanf(s, "%4d-%2d-%2d", &y, &m, &dd) == 3);
		FUZZ_CHECK((r == VALIDATE_OK) == fz_calendar(y, m, dd));
		FUZZ_CHECK(r == VALIDATE_OK || r == VALIDATE_BAD_DATE);
	}
	fz_rule(r, rule_date(r));
	if (r != VALIDATE_OK) {
		FUZZ_CHECK(validate_birth_date(s, &fz_today, NULL) == r);
		return;
	}
	snprintf(back, sizeof(back), "%04d-%02d-%02d", d.y, d.m, d.d);
	FUZZ_CHECK(strcmp(back, s) == 0);
	b = validate_birth_date(s, &fz_today, &out);
	FUZZ_CHECK(b == (d.y < 1900 ? VALIDATE_TOO_EARLY :
	    validate_date_cmp(&d, &fz_today) >= 0 ? VALIDATE_TOO_LATE :
	    VALIDATE_OK));
	fz_rule(b, rule_birth_date(b));
	dep = validate_depart_on(s, &fz_today, NULL);
	FUZZ_CHECK((dep == VALIDATE_OK) == (validate_date_cmp(&d,
	    &fz_today) >= 0));
	fz_rule(dep, rule_depart_on(dep));
	/* A trip may end the day it starts, never before. */
	FUZZ_CHECK(validate_return_on(s, &d, NULL) == VALIDATE_OK);
	b = validate_return_on(s, &fz_today, NULL);
	FUZZ_CHECK(b == dep);
	fz_rule(b, rule_return_on(b));
}

static void
fz_email(const char *s)
{
	char out[VALIDATE_EMAIL_BUFSZ], again[VALIDATE_EMAIL_BUFSZ], *t;
	enum validate_result r = validate_email(s, out, sizeof(out));
	size_t b = 0, e = strlen(s), local;

	/* Trimmed of ASCII blanks and lower-cased, as its contract says. */
	while (b < e && strchr(" \t\n\r\v\f", s[b]) != NULL)
		b++;
	while (e > b && strchr(" \t\n\r\v\f", s[e - 1]) != NULL)
		e--;
	t = arena_strndup(fuzz_arena, s + b, e - b);
	for (char *p = t; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	local = strcspn(t, "@");
	if (*t == '\0')
		FUZZ_CHECK(r == VALIDATE_EMPTY);
	else if (strlen(t) > VALIDATE_EMAIL_MAX)
		FUZZ_CHECK(r == VALIDATE_TOO_LONG);
	else
		FUZZ_CHECK((r == VALIDATE_OK) == (fz_match(FZ_EMAIL, t) &&
		    local <= VALIDATE_EMAIL_LOCAL_MAX));
	fz_rule(r, rule_email(r));
	if (r != VALIDATE_OK) {
		FUZZ_CHECK(out[0] == '\0');
		return;
	}
	FUZZ_CHECK(strcmp(out, t) == 0);
	FUZZ_CHECK(validate_email(out, again, sizeof(again)) == VALIDATE_OK &&
	    strcmp(again, out) == 0);
}

static void
fz_password(const char *s)
{
	enum validate_result r = validate_password(s);
	size_t len = strlen(s), chars = 0;
	int utf8 = validate_utf8(s, len, &chars) == VALIDATE_OK;

	FUZZ_CHECK((r == VALIDATE_OK) == (len > 0 &&
	    len <= VALIDATE_PASSWORD_MAX_BYTES && utf8 &&
	    chars >= VALIDATE_PASSWORD_MIN_CHARS));
	fz_rule(r, rule_password(r));
}

static void
fz_uuid(const char *s)
{
	enum validate_result r = validate_uuid(s);

	FUZZ_CHECK((r == VALIDATE_OK) == fz_match(FZ_UUID, s));
	FUZZ_CHECK((r == VALIDATE_EMPTY) == (*s == '\0'));
}

static int
fz_num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static void
fz_instant(const char *s)
{
	static const unsigned flags[] = { 0, VALIDATE_INSTANT_FRACTION,
	    VALIDATE_INSTANT_LEAP,
	    VALIDATE_INSTANT_FRACTION | VALIDATE_INSTANT_LEAP };
	int shape = fz_match(FZ_INSTANT, s), ok;
	const char *zone = s;

	if (shape)   /* past the seconds and any fraction: Z or the sign */
		for (zone = s + 19; *zone == '.' ||
		    (*zone >= '0' && *zone <= '9'); zone++)
			;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		ok = shape && fz_calendar(fz_num(s, 4), fz_num(s + 5, 2),
		    fz_num(s + 8, 2)) && fz_num(s + 11, 2) <= 23 &&
		    fz_num(s + 14, 2) <= 59 && fz_num(s + 17, 2) <=
		    (flags[i] & VALIDATE_INSTANT_LEAP ? 60 : 59) &&
		    (s[19] != '.' || (flags[i] & VALIDATE_INSTANT_FRACTION)) &&
		    (*zone == 'Z' || (fz_num(zone + 1, 2) <= 14 &&
		    fz_num(zone + 4, 2) <= 59));
		FUZZ_CHECK((validate_instant(s, flags[i]) == VALIDATE_OK) == ok);
	}
	FUZZ_CHECK((validate_instant(s, 0) == VALIDATE_EMPTY) == (*s == '\0'));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *raw = (const char *)data;
	char *s = arena_strndup(fuzz_arena, raw, size);

	fz_utf8(raw, size);
	fz_text(s);
	fz_staff_text(s);
	fz_phone(s);
	fz_dates(s);
	fz_email(s);
	fz_password(s);
	fz_uuid(s);
	fz_instant(s);
	fuzz_done();
	return 0;
}
