/*
 * rule — the HTTP API's field rules, each declared once: the stable word of
 * what went wrong (its reason, which pages translate) and the English
 * message that states the rule. Every 422 entry is one of these
 * (pipe/invalid.h); nothing else spells a reason or a rule's message.
 *
 * A message states the rule ("at least 10 characters"), never the value
 * refused, so it is safe beside identity data. The limits a message names
 * are the macros of core/validate.h the checks use, stringified here.
 */
#ifndef PERMIT_CORE_RULE_H
#define PERMIT_CORE_RULE_H

#include <stddef.h>

#include "core/validate.h"

/*
 * The reasons: X(NAME, "word"). A word never changes once published: pages
 * translate by it. Each names the fault found.
 */
#define RULE_REASONS(X) \
	X(REQUIRED,          "required")          /* missing, null or empty */ \
	X(UNKNOWN_FIELD,     "unknown_field")     /* a key or parameter not known */ \
	X(TYPE,              "type")              /* the wrong JSON type */ \
	X(TOO_LONG,          "too_long") \
	X(TOO_SHORT,         "too_short") \
	X(CONTROL_CHARACTER, "control_character") \
	X(FORMAT,            "format")            /* the wrong shape */ \
	X(NO_SUCH_DAY,       "no_such_day")       /* YYYY-MM-DD, no calendar day */ \
	X(CHOICE,            "choice")            /* not one of the values named */ \
	X(NOT_ALLOWED,       "not_allowed")       /* present where it must not be */ \
	X(RANGE,             "range")             /* a number or span out of range */ \
	X(PROVINCE,          "province")          /* no province code in use */ \
	X(SERIAL,            "serial")            /* a NIK's serial of 0000 */ \
	X(DATE_MISMATCH,     "date_mismatch")     /* a NIK's date is not birth_date */ \
	X(SEX_MISMATCH,      "sex_mismatch")      /* a NIK's day is not sex's */ \
	X(CHECKSUM,          "checksum")          /* a wrong check digit */ \
	X(PAST,              "past")              /* before today, where it must not be */ \
	X(FUTURE,            "future")            /* today or later, where it must be past */ \
	X(TOO_EARLY,         "too_early")         /* before the day the rule names */ \
	X(NOT_FOUND,         "not_found")         /* names nothing that exists */ \
	X(CLOSED,            "closed")            /* a day the office is closed */ \
	X(NOT_OPEN,          "not_open")          /* a day not open for booking yet */ \
	X(MISMATCH,          "mismatch")          /* differs from what it must equal */ \
	X(IDENTITY_DATA,     "identity_data")     /* identity data in unsealed text */

enum rule_reason {
#define RULE_REASON_ENUM(name, word) RULE_REASON_##name,
	RULE_REASONS(RULE_REASON_ENUM)
#undef RULE_REASON_ENUM
	RULE_REASON_COUNT
};

/* A limit macro's value as a string literal. */
#define RULE_STR_(x) #x
#define RULE_STR(x) RULE_STR_(x)
#define RULE_AT_MOST(n) "at most " RULE_STR(n) " characters"

/*
 * The rules: X(NAME, REASON, LIMIT, "message"). LIMIT is the number of
 * characters a TOO_LONG rule of free text allows (rule_too_long finds it by
 * it), 0 for every other rule.
 */
#define RULE_TABLE(X) \
	X(REQUIRED,         REQUIRED,          0, "required") \
	X(EMPTY,            REQUIRED,          0, "not empty") \
	X(UNKNOWN_FIELD,    UNKNOWN_FIELD,     0, "not a field of this request") \
	X(UNKNOWN_PARAM,    UNKNOWN_FIELD,     0, "not a parameter of this request") \
	X(STRING,           TYPE,              0, "a string") \
	X(INTEGER,          TYPE,              0, "a whole number") \
	X(OBJECT,           TYPE,              0, "an object") \
	X(CONTROL,          CONTROL_CHARACTER, 0, "no control characters (no tabs or line breaks either)") \
	X(UTF8,             FORMAT,            0, "valid UTF-8") \
	X(NAME_LONG,        TOO_LONG,          VALIDATE_NAME_MAX, RULE_AT_MOST(VALIDATE_NAME_MAX)) \
	X(BIRTH_PLACE_LONG, TOO_LONG,          VALIDATE_BIRTH_PLACE_MAX, RULE_AT_MOST(VALIDATE_BIRTH_PLACE_MAX)) \
	X(ADDRESS_LONG,     TOO_LONG,          VALIDATE_ADDRESS_MAX, RULE_AT_MOST(VALIDATE_ADDRESS_MAX)) \
	X(PURPOSE_LONG,     TOO_LONG,          VALIDATE_PURPOSE_MAX, RULE_AT_MOST(VALIDATE_PURPOSE_MAX)) \
	X(MAINTENANCE_LONG, TOO_LONG,          VALIDATE_MAINTENANCE_MAX, RULE_AT_MOST(VALIDATE_MAINTENANCE_MAX)) \
	X(REASON_LONG,      TOO_LONG,          VALIDATE_REASON_MAX, RULE_AT_MOST(VALIDATE_REASON_MAX)) \
	X(STAFF_IDENTITY,   IDENTITY_DATA,     0, "no identity numbers (more than " RULE_STR(VALIDATE_STAFF_DIGITS_MAX) " digits in a row) or email addresses: this text is stored and shown unsealed") \
	X(PHONE,            FORMAT,            0, "+62 or 0, then 8–13 digits") \
	X(DATE,             FORMAT,            0, "a date written YYYY-MM-DD") \
	X(NO_SUCH_DAY,      NO_SUCH_DAY,       0, "a day of the calendar") \
	X(BIRTH_FUTURE,     FUTURE,            0, "a day before today") \
	X(BIRTH_EARLY,      TOO_EARLY,         0, "1900-01-01 or later") \
	X(DEPART_PAST,      PAST,              0, "today or later") \
	X(RETURN_EARLY,     TOO_EARLY,         0, "depart_on or later") \
	X(DIGITS16,         FORMAT,            0, "16 digits") \
	X(PROVINCE,         PROVINCE,          0, "begins with a province code in use: 11–19, 21, 31–36, 51–53, 61–65, 71–76, 81–82 or 91–96") \
	X(NIK_SERIAL,       SERIAL,            0, "the last four digits are not 0000") \
	X(NIK_DATE,         DATE_MISMATCH,     0, "digits 7–12 are birth_date as DDMMYY, with 40 added to the day when sex is F") \
	X(NIK_SEX,          SEX_MISMATCH,      0, "the day in digits 7–8 has 40 added when sex is F, and only then") \
	X(NPWP,             FORMAT,            0, "15 digits; or 16: a 0 then 15 digits, or the applicant's nik") \
	X(NPWP_CHECKSUM,    CHECKSUM,          0, "the 9th digit is the Luhn check digit of the first 8") \
	X(SEX,              CHOICE,            0, "M or F") \
	X(KIND,             CHOICE,            0, "passport or travel_permit") \
	X(PASSPORT_TYPE,    CHOICE,            0, "new or renewal") \
	X(RENEWAL_ONLY,     NOT_ALLOWED,       0, "only for a renewal") \
	X(PASSPORT_ONLY,    NOT_ALLOWED,       0, "only for a passport application") \
	X(TRAVEL_ONLY,      NOT_ALLOWED,       0, "only for a travel_permit application") \
	X(OFFICE,           NOT_FOUND,         0, "the code of an office") \
	X(EMAIL,            FORMAT,            0, "an email address, such as name@example.co.id") \
	X(EMAIL_LONG,       TOO_LONG,          0, "at most " RULE_STR(VALIDATE_EMAIL_MAX) " characters") \
	X(PASSWORD_SHORT,   TOO_SHORT,         0, "at least " RULE_STR(VALIDATE_PASSWORD_MIN_CHARS) " characters") \
	X(PASSWORD_LONG,    TOO_LONG,          0, "at most " RULE_STR(VALIDATE_PASSWORD_MAX_BYTES) " bytes") \
	X(STAFF_ROLE,       CHOICE,            0, "reviewer or admin") \
	X(ADMIN_OFFICE,     NOT_ALLOWED,       0, "absent for an admin") \
	X(REVIEWER_OFFICE,  REQUIRED,          0, "required for a reviewer") \
	X(MODE,             CHOICE,            0, "normal, read_only or closed") \
	X(OUTCOME,          CHOICE,            0, "approved, rejected or no_show") \
	X(STATUS,           CHOICE,            0, "submitted, booked, approved, rejected, no_show or cancelled") \
	X(PAGE_LIMIT,       RANGE,             0, "a whole number from 1 to " RULE_STR(VALIDATE_PAGE_MAX)) \
	X(APPLICATION_ID,   FORMAT,            0, "an application id") \
	X(DAYS_RANGE,       RANGE,             0, "from or later, at most " RULE_STR(VALIDATE_DAYS_MAX) " days in all") \
	X(QUOTA,            RANGE,             0, "a whole number from 0 to " RULE_STR(VALIDATE_QUOTA_MAX)) \
	X(CAPACITY,         RANGE,             0, "a whole number from 0 to " RULE_STR(VALIDATE_QUOTA_MAX) ", or null") \
	X(CLOSED_FLAG,      TYPE,              0, "true, false or null") \
	X(OPENS_AT,         FORMAT,            0, "an instant such as 2026-01-31T08:00:00Z (or with ±HH:MM), or null") \
	X(DAY_SETTING,      REQUIRED,          0, "at least one of capacity, closed and opens_at") \
	X(NOTIFICATION_ID_LONG, TOO_LONG,      0, RULE_AT_MOST(VALIDATE_NOTIFICATION_ID_MAX)) \
	X(AMOUNT,           RANGE,             0, "a whole, non-negative number of rupiah") \
	X(PAID_AT,          FORMAT,            0, "an RFC 3339 time") \
	X(AMOUNT_MISMATCH,  MISMATCH,          0, "the billed amount") \
	X(BOOK_TOO_SOON,    TOO_EARLY,         0, "the office's tomorrow or later") \
	X(BOOK_CLOSED,      CLOSED,            0, "a day the office is open") \
	X(BOOK_NOT_OPEN,    NOT_OPEN,          0, "a day open for booking; this one opens at opens_at")

/* RULE_NONE (0): nothing is wrong; then RULE_REQUIRED, ... */
enum rule {
	RULE_NONE = 0,
#define RULE_ENUM(name, reason, limit, message) RULE_##name,
	RULE_TABLE(RULE_ENUM)
#undef RULE_ENUM
	RULE_COUNT
};

/* The reason's word ("too_long"); NULL for a value that is no reason. */
const char *rule_reason_word(enum rule_reason reason);

/* The reason of rule `r` (not RULE_NONE). */
enum rule_reason rule_reason(enum rule r);

/* The reason's word of rule `r` (not RULE_NONE). Static storage. */
const char *rule_word(enum rule r);

/* The message of rule `r` (not RULE_NONE). Static storage. */
const char *rule_message(enum rule r);

/*
 * The TOO_LONG rule of free text of at most `max_chars` characters (one of
 * the VALIDATE_*_MAX limits above). A limit the table does not name is a
 * programming error: aborts.
 */
enum rule rule_too_long(size_t max_chars);

/*
 * The rule a free-text check of validate_text() or validate_staff_text()
 * with `max_chars` broke: RULE_NONE for VALIDATE_OK, RULE_EMPTY, RULE_UTF8,
 * RULE_CONTROL, rule_too_long(max_chars) or RULE_STAFF_IDENTITY.
 */
enum rule rule_text(enum validate_result r, size_t max_chars);

/*
 * The rule each check of core/validate.h broke, RULE_NONE for VALIDATE_OK:
 * validate_date_parse (RULE_EMPTY, RULE_DATE, RULE_NO_SUCH_DAY), and those
 * with the same codes plus the field's own: validate_birth_date
 * (RULE_BIRTH_EARLY, RULE_BIRTH_FUTURE), validate_depart_on
 * (RULE_DEPART_PAST), validate_return_on (RULE_RETURN_EARLY);
 * validate_phone (RULE_EMPTY, RULE_PHONE); validate_email (RULE_EMPTY,
 * RULE_EMAIL_LONG, RULE_EMAIL); validate_password (RULE_EMPTY,
 * RULE_PASSWORD_SHORT, RULE_PASSWORD_LONG, RULE_UTF8).
 */
enum rule rule_date(enum validate_result r);
enum rule rule_birth_date(enum validate_result r);
enum rule rule_depart_on(enum validate_result r);
enum rule rule_return_on(enum validate_result r);
enum rule rule_phone(enum validate_result r);
enum rule rule_email(enum validate_result r);
enum rule rule_password(enum validate_result r);

#endif
