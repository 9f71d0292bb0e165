/*
 * validate — the field rules of the HTTP API that are not identity numbers.
 *
 * Pure checks on caller-owned C strings: nothing here allocates, keeps a
 * pointer past the call, reads the clock or logs. "Today" is always a
 * parameter so callers (and tests) decide which calendar day it is.
 *
 * Every check answers with an enum validate_result. The HTTP API turns it
 * into the rule it broke (core/rule.h: its reason and message);
 * validate_message() is permitctl's short English phrase for it. Neither
 * ever contains the value that was checked, so both are safe next to
 * identity data.
 *
 * A NULL string is treated as missing (VALIDATE_EMPTY), never dereferenced.
 * Strings are NUL-terminated: a value with an embedded NUL must be refused
 * before it gets here (Jansson does, unless JSON_ALLOW_NUL is given).
 */
#ifndef PERMIT_CORE_VALIDATE_H
#define PERMIT_CORE_VALIDATE_H

#include <stddef.h>

/* What is wrong with a value; VALIDATE_OK (0) when nothing is. */
enum validate_result {
	VALIDATE_OK = 0,
	VALIDATE_EMPTY,          /* missing or zero length */
	VALIDATE_TOO_SHORT,
	VALIDATE_TOO_LONG,
	VALIDATE_BAD_UTF8,
	VALIDATE_CONTROL_CHAR,   /* C0, DEL or C1 */
	VALIDATE_BAD_FORMAT,     /* wrong shape for the field */
	VALIDATE_BAD_DATE,       /* YYYY-MM-DD, but not a day of the calendar */
	VALIDATE_TOO_EARLY,      /* a date before the field's earliest day */
	VALIDATE_TOO_LATE,       /* a date after the field's latest day */
	VALIDATE_IDENTITY        /* staff text that looks like it holds an
	                          * identity number or an email address */
};

/* Limits of the HTTP API, in characters (Unicode code points). */
#define VALIDATE_NAME_MAX         100  /* full_name, mother_name */
#define VALIDATE_BIRTH_PLACE_MAX  100
#define VALIDATE_ADDRESS_MAX      300
#define VALIDATE_PURPOSE_MAX      500
#define VALIDATE_MAINTENANCE_MAX  500  /* an admin's maintenance message */
#define VALIDATE_REASON_MAX       500  /* a reviewer's or an admin's reason */

/* The longest run of ASCII digits staff text may hold: a NIK or a KK (16),
 * an NPWP (15), a phone number (10 to 16) all have more. */
#define VALIDATE_STAFF_DIGITS_MAX 9

#define VALIDATE_PASSWORD_MIN_CHARS  10
#define VALIDATE_PASSWORD_MAX_BYTES  1024

#define VALIDATE_EMAIL_MAX        254  /* bytes, after normalising */
#define VALIDATE_EMAIL_BUFSZ      (VALIDATE_EMAIL_MAX + 1)
#define VALIDATE_EMAIL_LOCAL_MAX  64

#define VALIDATE_UUID_LEN         36

/* Other bounds of the HTTP API that a rule's message names (core/rule.h). */
#define VALIDATE_PAGE_MAX         200     /* a page of the review queue */
#define VALIDATE_DAYS_MAX         62      /* days an office's calendar shows */
#define VALIDATE_QUOTA_MAX        100000  /* an office's or a day's capacity */
#define VALIDATE_NOTIFICATION_ID_MAX 128  /* a payment notice id, bytes */

/* A calendar day (proleptic Gregorian). */
struct validate_date {
	int y;  /* 1..9999 */
	int m;  /* 1..12 */
	int d;  /* 1..31 */
};

/* A short, static, English phrase for `r` ("is too long"); never NULL,
 * never mentions the value. Unknown values get a generic phrase. */
const char *validate_message(enum validate_result r);

/*
 * Checks that `s[0..len)` is well-formed UTF-8: no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence.
 * Embedded NUL bytes are well-formed and counted. On success stores the number
 * of code points in *chars (if chars is not NULL).
 * Returns VALIDATE_OK or VALIDATE_BAD_UTF8.
 */
enum validate_result validate_utf8(const char *s, size_t len, size_t *chars);

/*
 * A required free-text field: non-empty, valid UTF-8, no control characters
 * (U+0000..U+001F, U+007F, U+0080..U+009F, so no tabs or newlines either),
 * at most `max_chars` code points. Use the VALIDATE_*_MAX limits above.
 * Returns VALIDATE_OK, VALIDATE_EMPTY, VALIDATE_BAD_UTF8,
 * VALIDATE_CONTROL_CHAR or VALIDATE_TOO_LONG (first fault found wins;
 * length is judged last).
 */
enum validate_result validate_text(const char *s, size_t max_chars);

/*
 * Free text that staff write and that is stored and shown unsealed (a
 * reviewer's or an admin's reason, the maintenance message): what
 * validate_text checks, then VALIDATE_IDENTITY when it holds what looks
 * like identity data, which docs/DESIGN.md invariant 1 keeps sealed: a
 * run of more than VALIDATE_STAFF_DIGITS_MAX ASCII digits, or an email
 * address (an @ between a character and a domain with a dot). A guard
 * against pasting the common identifiers, not a proof: a name, or a
 * number written with spaces, passes.
 */
enum validate_result validate_staff_text(const char *s, size_t max_chars);

/*
 * A phone number: "+62" or "0", then 8 to 13 ASCII digits, nothing else
 * (no spaces or dashes). Returns VALIDATE_OK, VALIDATE_EMPTY or
 * VALIDATE_BAD_FORMAT.
 */
enum validate_result validate_phone(const char *s);

/* 0 if y-m-d is a real day (1 <= y <= 9999, Gregorian leap years), else -1. */
int validate_date_check(int y, int m, int d);

/* <0, 0 or >0 as `a` is before, the same day as, or after `b`. */
int validate_date_cmp(const struct validate_date *a,
    const struct validate_date *b);

/*
 * Parses exactly "YYYY-MM-DD" (ten ASCII characters, no sign, no spaces)
 * into *out, which is written only on success.
 * Returns VALIDATE_OK, VALIDATE_EMPTY, VALIDATE_BAD_FORMAT (wrong shape) or
 * VALIDATE_BAD_DATE (right shape, no such day: 2023-02-29, 2024-13-01).
 */
enum validate_result validate_date_parse(const char *s,
    struct validate_date *out);

/*
 * birth_date: a date, strictly before *today and not before 1900-01-01.
 * *out (may be NULL) is written only on success.
 * Returns the codes of validate_date_parse, VALIDATE_TOO_EARLY (before 1900)
 * or VALIDATE_TOO_LATE (today or later).
 */
enum validate_result validate_birth_date(const char *s,
    const struct validate_date *today, struct validate_date *out);

/*
 * depart_on: a date on or after *today. *out (may be NULL) is written only
 * on success. Returns the codes of validate_date_parse or VALIDATE_TOO_EARLY.
 */
enum validate_result validate_depart_on(const char *s,
    const struct validate_date *today, struct validate_date *out);

/*
 * return_on: a date on or after *depart_on (already validated by
 * validate_depart_on). *out (may be NULL) is written only on success.
 * Returns the codes of validate_date_parse or VALIDATE_TOO_EARLY.
 */
enum validate_result validate_return_on(const char *s,
    const struct validate_date *depart_on, struct validate_date *out);

/* What validate_instant allows besides YYYY-MM-DDTHH:MM:SS and a zone. */
#define VALIDATE_INSTANT_FRACTION 0x1u  /* a fraction of a second, .D+ */
#define VALIDATE_INSTANT_LEAP     0x2u  /* a leap second, SS of 60 */

/*
 * An instant: YYYY-MM-DDTHH:MM:SS (a day of the calendar, HH 00-23, MM and
 * SS 00-59), what `flags` allow, then "Z" or an offset ±HH:MM of at most
 * 14:59, as every zone on earth has (PostgreSQL, which reads it as
 * timestamptz, refuses one past 15:59). Nothing else: no lower-case 't' or
 * 'z', no space. Returns VALIDATE_OK, VALIDATE_EMPTY or VALIDATE_BAD_FORMAT.
 */
enum validate_result validate_instant(const char *s, unsigned flags);

/*
 * An email address. Normalises first: trims leading and trailing ASCII
 * whitespace and lower-cases ASCII letters, writing the result into
 * out[0..outsz) (use VALIDATE_EMAIL_BUFSZ); then checks the shape:
 *   - exactly one '@';
 *   - local part 1..64 bytes of RFC 5322 atext ([a-z0-9] and
 *     !#$%&'*+-/=?^_`{|}~), dots allowed but not first, last or doubled;
 *   - domain of at least two dot-separated labels, each 1..63 bytes of
 *     [a-z0-9-] not starting or ending with '-';
 *   - at most 254 bytes in all.
 * Non-ASCII addresses are refused (VALIDATE_BAD_FORMAT).
 * On success `out` holds the normalised address; on failure it holds ""
 * (when outsz > 0). Returns VALIDATE_OK, VALIDATE_EMPTY, VALIDATE_TOO_LONG
 * (over 254 bytes, or longer than out can hold) or VALIDATE_BAD_FORMAT.
 */
enum validate_result validate_email(const char *s, char *out, size_t outsz);

/*
 * A new password: valid UTF-8, at least 10 code points, at most 1024 bytes.
 * Any other character is allowed. Returns VALIDATE_OK, VALIDATE_EMPTY,
 * VALIDATE_TOO_LONG, VALIDATE_BAD_UTF8 or VALIDATE_TOO_SHORT.
 */
enum validate_result validate_password(const char *s);

/*
 * A path id: 36 characters, lower-case hex in groups of 8-4-4-4-12 joined by
 * '-'. (Version and variant bits are not checked: an unknown id is a 404,
 * not a 422.) Returns VALIDATE_OK, VALIDATE_EMPTY or VALIDATE_BAD_FORMAT.
 */
enum validate_result validate_uuid(const char *s);

#endif
