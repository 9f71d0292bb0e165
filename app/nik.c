/*
 * nik — structural checks of NIK, KK and NPWP numbers. See nik.h.
 * Nothing here allocates, copies or logs the numbers it is given.
 */
#include "app/nik.h"

#include <string.h>

#include "core/validate.h"

enum rule
nik_rule(enum nik_result r)
{
	switch (r) {
	case NIK_OK:
	case NIK_BAD_BIRTH_DATE:  /* birth_date's own refusal says why */
	case NIK_BAD_SEX:         /* and sex's */
		return RULE_NONE;
	case NIK_BAD_PROVINCE:    return RULE_PROVINCE;
	case NIK_BAD_DATE:
	case NIK_DATE_MISMATCH:   return RULE_NIK_DATE;
	case NIK_SEX_MISMATCH:    return RULE_NIK_SEX;
	case NIK_BAD_SERIAL:      return RULE_NIK_SERIAL;
	default:                  return RULE_DIGITS16;
	}
}

enum rule
nik_npwp_rule(enum nik_result r)
{
	switch (r) {
	case NIK_OK:              return RULE_NONE;
	case NIK_BAD_CHECK_DIGIT: return RULE_NPWP_CHECKSUM;
	default:                  return RULE_NPWP;
	}
}

/* Province codes in use (docs/API.md, Citizen), as inclusive ranges. */
static const struct { int lo, hi; } provinces[] = {
	{ 11, 19 }, { 21, 21 }, { 31, 36 }, { 51, 53 },
	{ 61, 65 }, { 71, 76 }, { 81, 82 }, { 91, 96 },
};

static int
province_in_use(int code)
{
	for (size_t i = 0; i < sizeof provinces / sizeof provinces[0]; i++)
		if (code >= provinces[i].lo && code <= provinces[i].hi)
			return 1;
	return 0;
}

/* The value of two ASCII digits at s (the caller checked they are). */
static int
two_digits(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* NIK_BAD_LENGTH unless s has exactly `len` bytes, NIK_NOT_DIGITS unless
 * they are all ASCII digits. */
static enum nik_result
digits_of_length(const char *s, size_t len)
{
	if (s == NULL || strnlen(s, len + 1) != len)
		return NIK_BAD_LENGTH;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return NIK_NOT_DIGITS;
	return NIK_OK;
}

/* 16 digits with a province code in use: the part NIK and KK share. */
static enum nik_result
check_regional(const char *s)
{
	enum nik_result r;

	if ((r = digits_of_length(s, NIK_LEN)) != NIK_OK)
		return r;
	return province_in_use(two_digits(s)) ? NIK_OK : NIK_BAD_PROVINCE;
}

/*
 * The DDMMYY at nik + 6 against the birth day `b`, for sex 'M' or 'F'.
 * The century is the birth year's, which decides whether 29 Feb exists.
 */
static enum nik_result
check_date_part(const char *dmy, const struct validate_date *b, char sex)
{
	int dd = two_digits(dmy), mm = two_digits(dmy + 2);
	int yy = two_digits(dmy + 4);
	int year = b->y - b->y % 100 + yy;
	char encoded = dd > 40 ? 'F' : 'M';
	int day = dd > 40 ? dd - 40 : dd;

	if (validate_date_check(year, mm, day) != 0)
		return NIK_BAD_DATE;
	if (encoded != sex)
		return NIK_SEX_MISMATCH;
	if (day != b->d || mm != b->m || yy != b->y % 100)
		return NIK_DATE_MISMATCH;
	return NIK_OK;
}

enum nik_result
nik_check(const char *nik, const char *birth_date, char sex)
{
	struct validate_date b;
	enum nik_result r;

	if ((r = check_regional(nik)) != NIK_OK)
		return r;
	if (strcmp(nik + 12, "0000") == 0)
		return NIK_BAD_SERIAL;
	if (validate_date_parse(birth_date, &b) != VALIDATE_OK)
		return NIK_BAD_BIRTH_DATE;
	if (sex != 'M' && sex != 'F')
		return NIK_BAD_SEX;
	return check_date_part(nik + 6, &b, sex);
}

enum nik_result
nik_check_kk(const char *kk)
{
	return check_regional(kk);
}

/* The Luhn check digit for the n ASCII digits at s: doubling starts with
 * the rightmost payload digit. */
static int
luhn_digit(const char *s, size_t n)
{
	int sum = 0;

	for (size_t i = 0; i < n; i++) {
		int v = s[n - 1 - i] - '0';

		if (i % 2 == 0) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return (10 - sum % 10) % 10;
}

/* 15 digits (already checked) whose 9th is the Luhn digit of the first 8. */
static enum nik_result
check_npwp15(const char *s)
{
	return luhn_digit(s, 8) == s[8] - '0' ? NIK_OK : NIK_BAD_CHECK_DIGIT;
}

enum nik_result
nik_check_npwp(const char *npwp, const char *nik)
{
	size_t len = npwp == NULL ? 0 : strnlen(npwp, NIK_NPWP_LEN + 2);
	enum nik_result r;

	if (len != NIK_NPWP_LEN && len != NIK_NPWP_LEN + 1)
		return NIK_BAD_LENGTH;
	if ((r = digits_of_length(npwp, len)) != NIK_OK)
		return r;
	if (len == NIK_NPWP_LEN)
		return check_npwp15(npwp);
	if (npwp[0] == '0')
		return check_npwp15(npwp + 1);
	if (nik != NULL && strcmp(npwp, nik) == 0)
		return NIK_OK;
	return NIK_NPWP_NOT_NIK;
}
