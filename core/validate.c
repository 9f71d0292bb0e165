/*
 * validate — the field rules of the HTTP API other than identity numbers.
 * See validate.h for each contract. Nothing here allocates or keeps input.
 */
#include "core/validate.h"

#include <stdint.h>
#include <string.h>

const char *
validate_message(enum validate_result r)
{
	switch (r) {
	case VALIDATE_OK:           return "is valid";
	case VALIDATE_EMPTY:        return "is required";
	case VALIDATE_TOO_SHORT:    return "is too short";
	case VALIDATE_TOO_LONG:     return "is too long";
	case VALIDATE_BAD_UTF8:     return "is not valid UTF-8";
	case VALIDATE_CONTROL_CHAR: return "contains a control character";
	case VALIDATE_BAD_FORMAT:   return "has the wrong format";
	case VALIDATE_BAD_DATE:     return "is not a real calendar date";
	case VALIDATE_TOO_EARLY:    return "is too early";
	case VALIDATE_TOO_LATE:     return "is too late";
	case VALIDATE_IDENTITY:     return "looks like it holds identity data";
	}
	return "is invalid";
}

/* --- UTF-8 ------------------------------------------------------------- */

/*
 * Decodes the code point at s[*i], at most `len - *i` bytes, following the
 * well-formed byte sequences of Unicode 15, table 3-7. The narrowed second
 * byte ranges after E0, ED, F0 and F4 are what exclude overlongs, surrogates
 * and values above U+10FFFF. Advances *i on success; returns 0 or -1.
 */
static int
utf8_next(const unsigned char *s, size_t len, size_t *i, uint32_t *cp)
{
	unsigned char b = s[*i];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need;
	uint32_t v;

	if (b < 0x80) {
		*cp = b;
		*i += 1;
		return 0;
	}
	if (b >= 0xC2 && b <= 0xDF) {
		need = 1;
		v = b & 0x1F;
	} else if (b >= 0xE0 && b <= 0xEF) {
		need = 2;
		v = b & 0x0F;
		if (b == 0xE0)
			lo = 0xA0;
		else if (b == 0xED)
			hi = 0x9F;
	} else if (b >= 0xF0 && b <= 0xF4) {
		need = 3;
		v = b & 0x07;
		if (b == 0xF0)
			lo = 0x90;
		else if (b == 0xF4)
			hi = 0x8F;
	} else {
		return -1;  /* continuation byte, C0, C1 or F5..FF lead */
	}
	if (len - *i - 1 < need)
		return -1;
	for (size_t k = 1; k <= need; k++) {
		unsigned char c = s[*i + k];

		if (c < lo || c > hi)
			return -1;
		lo = 0x80;
		hi = 0xBF;
		v = (v << 6) | (c & 0x3F);
	}
	*cp = v;
	*i += need + 1;
	return 0;
}

enum validate_result
validate_utf8(const char *s, size_t len, size_t *chars)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n = 0;
	uint32_t cp;

	if (s == NULL && len > 0)
		return VALIDATE_BAD_UTF8;
	while (i < len) {
		if (utf8_next(u, len, &i, &cp) != 0)
			return VALIDATE_BAD_UTF8;
		n++;
	}
	if (chars != NULL)
		*chars = n;
	return VALIDATE_OK;
}

static int
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

enum validate_result
validate_text(const char *s, size_t max_chars)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len, i = 0, n = 0;
	uint32_t cp;

	if (s == NULL || s[0] == '\0')
		return VALIDATE_EMPTY;
	len = strlen(s);
	while (i < len) {
		if (utf8_next(u, len, &i, &cp) != 0)
			return VALIDATE_BAD_UTF8;
		if (is_control(cp))
			return VALIDATE_CONTROL_CHAR;
		n++;
	}
	return n > max_chars ? VALIDATE_TOO_LONG : VALIDATE_OK;
}

/* --- staff text -------------------------------------------------------- */

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* 1 when `s` has a run of more than VALIDATE_STAFF_DIGITS_MAX digits. */
static int
staff_has_long_number(const char *s)
{
	size_t run = 0;

	for (; *s != '\0'; s++) {
		run = is_digit(*s) ? run + 1 : 0;
		if (run > VALIDATE_STAFF_DIGITS_MAX)
			return 1;
	}
	return 0;
}

/* 1 when `c` ends a word of staff text (which has no control
 * characters but the terminating NUL). */
static int
staff_word_end(char c)
{
	return c == ' ' || c == '\0';
}

/* 1 when `s` has an @ right after a character that is not a space, and
 * after it a dot then a character before the next space: name@host.tld. */
static int
staff_has_email(const char *s)
{
	for (const char *at = strchr(s, '@'); at != NULL;
	    at = strchr(at + 1, '@')) {
		if (at == s || staff_word_end(at[-1]))
			continue;
		for (const char *p = at + 1; !staff_word_end(*p); p++)
			if (*p == '.' && p > at + 1 && !staff_word_end(p[1]) &&
			    p[1] != '.')
				return 1;
	}
	return 0;
}

enum validate_result
validate_staff_text(const char *s, size_t max_chars)
{
	enum validate_result r = validate_text(s, max_chars);

	if (r != VALIDATE_OK)
		return r;
	if (staff_has_long_number(s) || staff_has_email(s))
		return VALIDATE_IDENTITY;
	return VALIDATE_OK;
}

/* --- phone ------------------------------------------------------------- */

/* 1 if s[0..n) are all ASCII digits. */
static int
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

enum validate_result
validate_phone(const char *s)
{
	size_t n;

	if (s == NULL || s[0] == '\0')
		return VALIDATE_EMPTY;
	if (strncmp(s, "+62", 3) == 0)
		s += 3;
	else if (s[0] == '0')
		s += 1;
	else
		return VALIDATE_BAD_FORMAT;
	n = strnlen(s, 14);
	if (n < 8 || n > 13 || !all_digits(s, n))
		return VALIDATE_BAD_FORMAT;
	return VALIDATE_OK;
}

/* --- dates ------------------------------------------------------------- */

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
validate_date_check(int y, int m, int d)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int max;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return -1;
	max = days[m - 1] + (m == 2 && is_leap(y));
	return d <= max ? 0 : -1;
}

int
validate_date_cmp(const struct validate_date *a, const struct validate_date *b)
{
	if (a->y != b->y)
		return a->y < b->y ? -1 : 1;
	if (a->m != b->m)
		return a->m < b->m ? -1 : 1;
	if (a->d != b->d)
		return a->d < b->d ? -1 : 1;
	return 0;
}

/* The value of the n ASCII digits at s (the caller checked they are). */
static int
digits_value(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

enum validate_result
validate_date_parse(const char *s, struct validate_date *out)
{
	struct validate_date t;

	if (s == NULL || s[0] == '\0')
		return VALIDATE_EMPTY;
	if (strnlen(s, 11) != 10 || s[4] != '-' || s[7] != '-' ||
	    !all_digits(s, 4) || !all_digits(s + 5, 2) || !all_digits(s + 8, 2))
		return VALIDATE_BAD_FORMAT;
	t.y = digits_value(s, 4);
	t.m = digits_value(s + 5, 2);
	t.d = digits_value(s + 8, 2);
	if (validate_date_check(t.y, t.m, t.d) != 0)
		return VALIDATE_BAD_DATE;
	*out = t;
	return VALIDATE_OK;
}

enum validate_result
validate_birth_date(const char *s, const struct validate_date *today,
    struct validate_date *out)
{
	static const struct validate_date earliest = { 1900, 1, 1 };
	struct validate_date t;
	enum validate_result r;

	if ((r = validate_date_parse(s, &t)) != VALIDATE_OK)
		return r;
	if (validate_date_cmp(&t, &earliest) < 0)
		return VALIDATE_TOO_EARLY;
	if (validate_date_cmp(&t, today) >= 0)
		return VALIDATE_TOO_LATE;
	if (out != NULL)
		*out = t;
	return VALIDATE_OK;
}

/* Parses s and requires it on or after *floor. */
static enum validate_result
date_not_before(const char *s, const struct validate_date *floor,
    struct validate_date *out)
{
	struct validate_date t;
	enum validate_result r;

	if ((r = validate_date_parse(s, &t)) != VALIDATE_OK)
		return r;
	if (validate_date_cmp(&t, floor) < 0)
		return VALIDATE_TOO_EARLY;
	if (out != NULL)
		*out = t;
	return VALIDATE_OK;
}

enum validate_result
validate_depart_on(const char *s, const struct validate_date *today,
    struct validate_date *out)
{
	return date_not_before(s, today, out);
}

enum validate_result
validate_return_on(const char *s, const struct validate_date *depart_on,
    struct validate_date *out)
{
	return date_not_before(s, depart_on, out);
}

/* The two ASCII digits at s as a number no greater than `max`, or -1. */
static int
two_digits_max(const char *s, int max)
{
	int v;

	if (!is_digit(s[0]) || !is_digit(s[1]))
		return -1;
	v = digits_value(s, 2);
	return v <= max ? v : -1;
}

enum validate_result
validate_instant(const char *s, unsigned flags)
{
	struct validate_date d;
	char day[11];
	size_t n, i = 19;

	if (s == NULL || s[0] == '\0')
		return VALIDATE_EMPTY;
	n = strlen(s);
	if (n < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    two_digits_max(s + 11, 23) < 0 || two_digits_max(s + 14, 59) < 0 ||
	    two_digits_max(s + 17, flags & VALIDATE_INSTANT_LEAP ? 60 : 59) < 0)
		return VALIDATE_BAD_FORMAT;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (validate_date_parse(day, &d) != VALIDATE_OK)
		return VALIDATE_BAD_FORMAT;
	if ((flags & VALIDATE_INSTANT_FRACTION) && s[i] == '.') {
		while (++i < n && is_digit(s[i]))
			;
		if (i == 20)
			return VALIDATE_BAD_FORMAT;   /* a '.' without digits */
	}
	if (strcmp(s + i, "Z") == 0)
		return VALIDATE_OK;
	if (n - i == 6 && (s[i] == '+' || s[i] == '-') &&
	    two_digits_max(s + i + 1, 14) >= 0 && s[i + 3] == ':' &&
	    two_digits_max(s + i + 4, 59) >= 0)
		return VALIDATE_OK;
	return VALIDATE_BAD_FORMAT;
}

/* --- email ------------------------------------------------------------- */

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

static int
is_lower_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z');
}

/* RFC 5322 atext, after lower-casing. */
static int
is_atext(char c)
{
	return is_lower_alnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* Local part: 1..64 atext bytes, dots only between them. */
static int
email_local_ok(const char *s, size_t n)
{
	if (n == 0 || n > VALIDATE_EMAIL_LOCAL_MAX)
		return 0;
	if (s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return 0;
		} else if (!is_atext(s[i])) {
			return 0;
		}
	}
	return 1;
}

/* One DNS label: 1..63 bytes of [a-z0-9-], no '-' at either end. */
static int
email_label_ok(const char *s, size_t n)
{
	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/* Domain: two or more labels separated by single dots. */
static int
email_domain_ok(const char *s, size_t n)
{
	size_t start = 0, labels = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (!email_label_ok(s + start, i - start))
			return 0;
		labels++;
		start = i + 1;
	}
	return labels >= 2;
}

/*
 * Copies s without surrounding ASCII whitespace, ASCII lower-cased, into
 * out (NUL-terminated), its length in *n. Returns 0, or -1 if it would
 * not fit in outsz or exceeds VALIDATE_EMAIL_MAX (out is then untouched).
 */
static int
email_normalise(const char *s, char *out, size_t outsz, size_t *n)
{
	size_t len = strlen(s), start = 0;

	while (start < len && is_space(s[start]))
		start++;
	while (len > start && is_space(s[len - 1]))
		len--;
	len -= start;
	if (len > VALIDATE_EMAIL_MAX || len >= outsz)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = s[start + i];

		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[len] = '\0';
	*n = len;
	return 0;
}

static enum validate_result
email_shape(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);
	size_t local;

	if (at == NULL || memchr(at + 1, '@', n - (size_t)(at - s) - 1) != NULL)
		return VALIDATE_BAD_FORMAT;
	local = (size_t)(at - s);
	if (!email_local_ok(s, local) ||
	    !email_domain_ok(at + 1, n - local - 1))
		return VALIDATE_BAD_FORMAT;
	return VALIDATE_OK;
}

enum validate_result
validate_email(const char *s, char *out, size_t outsz)
{
	enum validate_result r;
	size_t n;

	if (out != NULL && outsz > 0)
		out[0] = '\0';
	if (s == NULL)
		return VALIDATE_EMPTY;
	if (out == NULL || outsz == 0)
		return VALIDATE_TOO_LONG;
	if (email_normalise(s, out, outsz, &n) != 0)
		return VALIDATE_TOO_LONG;
	if (n == 0)
		return VALIDATE_EMPTY;
	if ((r = email_shape(out, n)) != VALIDATE_OK)
		out[0] = '\0';
	return r;
}

/* --- password, ids, keys ----------------------------------------------- */

enum validate_result
validate_password(const char *s)
{
	size_t len, chars;

	if (s == NULL || s[0] == '\0')
		return VALIDATE_EMPTY;
	len = strnlen(s, VALIDATE_PASSWORD_MAX_BYTES + 1);
	if (len > VALIDATE_PASSWORD_MAX_BYTES)
		return VALIDATE_TOO_LONG;
	if (validate_utf8(s, len, &chars) != VALIDATE_OK)
		return VALIDATE_BAD_UTF8;
	return chars < VALIDATE_PASSWORD_MIN_CHARS ? VALIDATE_TOO_SHORT
	    : VALIDATE_OK;
}

static int
is_lower_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

enum validate_result
validate_uuid(const char *s)
{
	if (s == NULL || s[0] == '\0')
		return VALIDATE_EMPTY;
	if (strnlen(s, VALIDATE_UUID_LEN + 1) != VALIDATE_UUID_LEN)
		return VALIDATE_BAD_FORMAT;
	for (size_t i = 0; i < VALIDATE_UUID_LEN; i++) {
		int dash = (i == 8 || i == 13 || i == 18 || i == 23);

		if (dash ? s[i] != '-' : !is_lower_hex(s[i]))
			return VALIDATE_BAD_FORMAT;
	}
	return VALIDATE_OK;
}
