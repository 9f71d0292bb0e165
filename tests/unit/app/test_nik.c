/*
 * app/nik: NIK, KK and NPWP structure. Each test walks one table of
 * {input, expected} cases and proves one rule; a failing row is printed
 * with its index and label (the numbers here are synthetic).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app/nik.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

struct nik_case {
	const char *label;
	const char *nik;
	const char *birth_date;
	char sex;
	enum nik_result want;
};

static void
run_nik_cases(const struct nik_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum nik_result got = nik_check(c[i].nik, c[i].birth_date,
		    c[i].sex);

		if (got != c[i].want)
			print_error("case %zu (%s): got %d, want %d\n", i,
			    c[i].label, (int)got, (int)c[i].want);
		assert_int_equal(got, c[i].want);
	}
}

/* --- nik_check --------------------------------------------------------- */

static void
test_nik_accepts_well_formed(void **state)
{
	static const struct nik_case cases[] = {
		{ "male",             "3174011505900001", "1990-05-15", 'M', NIK_OK },
		{ "female",           "3174015505900001", "1990-05-15", 'F', NIK_OK },
		{ "male 1 Jan 1900",  "1101010101000001", "1900-01-01", 'M', NIK_OK },
		{ "female 31 Dec",    "9601017112059999", "2005-12-31", 'F', NIK_OK },
		{ "2000s, yy 00",     "5201011003001234", "2000-03-10", 'M', NIK_OK },
		{ "RR, DD unchecked", "3100000101901000", "1990-01-01", 'M', NIK_OK },
	};

	(void)state;
	run_nik_cases(cases, N_ELEMS(cases));
}

static void
test_nik_rejects_wrong_length(void **state)
{
	static const struct nik_case cases[] = {
		{ "NULL",      NULL,                "1990-05-15", 'M', NIK_BAD_LENGTH },
		{ "empty",     "",                  "1990-05-15", 'M', NIK_BAD_LENGTH },
		{ "15 digits", "317401150590000",   "1990-05-15", 'M', NIK_BAD_LENGTH },
		{ "17 digits", "31740115059000011", "1990-05-15", 'M', NIK_BAD_LENGTH },
		{ "spaced",    "31 74 01 150590 0001", "1990-05-15", 'M', NIK_BAD_LENGTH },
		{ "leading space", " 3174011505900001", "1990-05-15", 'M', NIK_BAD_LENGTH },
		{ "trailing newline", "3174011505900001\n", "1990-05-15", 'M', NIK_BAD_LENGTH },
	};

	(void)state;
	run_nik_cases(cases, N_ELEMS(cases));
}

static void
test_nik_rejects_non_digits(void **state)
{
	static const struct nik_case cases[] = {
		{ "letter",        "31740115059000O1", "1990-05-15", 'M', NIK_NOT_DIGITS },
		{ "leading sign",  "+174011505900001", "1990-05-15", 'M', NIK_NOT_DIGITS },
		{ "inner space",   "3174011505 00001", "1990-05-15", 'M', NIK_NOT_DIGITS },
		{ "dash",          "317401-505900001", "1990-05-15", 'M', NIK_NOT_DIGITS },
		{ "high byte",     "31740115059000\xd9\xa1", "1990-05-15", 'M', NIK_NOT_DIGITS },
		{ "colon (0x3a)",  "3174011505900:01", "1990-05-15", 'M', NIK_NOT_DIGITS },
		{ "slash (0x2f)",  "3174011505900/01", "1990-05-15", 'M', NIK_NOT_DIGITS },
	};

	(void)state;
	run_nik_cases(cases, N_ELEMS(cases));
}

struct province_case {
	int code;
	int in_use;
};

/* Every edge of every range of the HTTP API's province list. */
static const struct province_case province_edges[] = {
	{ 0, 0 },  { 10, 0 }, { 11, 1 }, { 15, 1 }, { 19, 1 }, { 20, 0 },
	{ 21, 1 }, { 22, 0 }, { 30, 0 }, { 31, 1 }, { 36, 1 }, { 37, 0 },
	{ 50, 0 }, { 51, 1 }, { 53, 1 }, { 54, 0 }, { 60, 0 }, { 61, 1 },
	{ 65, 1 }, { 66, 0 }, { 70, 0 }, { 71, 1 }, { 76, 1 }, { 77, 0 },
	{ 80, 0 }, { 81, 1 }, { 82, 1 }, { 83, 0 }, { 90, 0 }, { 91, 1 },
	{ 96, 1 }, { 97, 0 }, { 99, 0 },
};

static void
test_nik_province_edges(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(province_edges); i++) {
		char nik[32];  /* room for any int, to keep -Wformat-truncation quiet */
		enum nik_result want = province_edges[i].in_use ? NIK_OK
		    : NIK_BAD_PROVINCE;

		snprintf(nik, sizeof nik, "%02d74011505900001",
		    province_edges[i].code);
		if (nik_check(nik, "1990-05-15", 'M') != want)
			print_error("province %02d\n", province_edges[i].code);
		assert_int_equal(nik_check(nik, "1990-05-15", 'M'), want);
	}
}

/* The list has 38 codes; no other two-digit prefix passes. */
static void
test_nik_province_count_is_38(void **state)
{
	int accepted = 0;

	(void)state;
	for (int code = 0; code <= 99; code++) {
		char nik[32];  /* room for any int, to keep -Wformat-truncation quiet */

		snprintf(nik, sizeof nik, "%02d74011505900001", code);
		if (nik_check(nik, "1990-05-15", 'M') == NIK_OK)
			accepted++;
	}
	assert_int_equal(accepted, 38);
}

static void
test_nik_female_day_plus_40(void **state)
{
	static const struct nik_case cases[] = {
		{ "F day 41 = 1st",   "3174014101900001", "1990-01-01", 'F', NIK_OK },
		{ "F day 50 = 10th",  "3174015001900001", "1990-01-10", 'F', NIK_OK },
		{ "F day 71 = 31st",  "3174017101900001", "1990-01-31", 'F', NIK_OK },
		{ "F day 72",         "3174017201900001", "1990-01-31", 'F', NIK_BAD_DATE },
		{ "F day 40 (= 0)",   "3174014001900001", "1990-01-01", 'F', NIK_BAD_DATE },
		{ "F day 70 in Apr",  "3174017004900001", "1990-04-30", 'F', NIK_OK },
		{ "F day 71 in Apr",  "3174017104900001", "1990-04-30", 'F', NIK_BAD_DATE },
		{ "F day 99",         "3174019901900001", "1990-01-31", 'F', NIK_BAD_DATE },
		{ "M day 00",         "3174010001900001", "1990-01-01", 'M', NIK_BAD_DATE },
		{ "M day 31",         "3174013101900001", "1990-01-31", 'M', NIK_OK },
		{ "M day 32",         "3174013201900001", "1990-01-31", 'M', NIK_BAD_DATE },
		{ "M day 39",         "3174013901900001", "1990-01-31", 'M', NIK_BAD_DATE },
		{ "month 00",         "3174011500900001", "1990-01-15", 'M', NIK_BAD_DATE },
		{ "month 13",         "3174011513900001", "1990-01-15", 'M', NIK_BAD_DATE },
		{ "31 April",         "3174013104900001", "1990-04-30", 'M', NIK_BAD_DATE },
	};

	(void)state;
	run_nik_cases(cases, N_ELEMS(cases));
}

static void
test_nik_29_february_needs_leap_year(void **state)
{
	static const struct nik_case cases[] = {
		{ "M 2000 (leap, /400)", "3174012902000001", "2000-02-29", 'M', NIK_OK },
		{ "F 2000 (leap, /400)", "3174016902000001", "2000-02-29", 'F', NIK_OK },
		{ "M 1996 (leap)",       "3174012902960001", "1996-02-29", 'M', NIK_OK },
		{ "F 2004 (leap)",       "3174016902040001", "2004-02-29", 'F', NIK_OK },
		{ "M 2023 (not leap)",   "3174012902230001", "2023-02-28", 'M', NIK_BAD_DATE },
		{ "F 2005 (not leap)",   "3174016902050001", "2005-02-28", 'F', NIK_BAD_DATE },
		{ "M 1900 (not leap, /100)", "3174012902000001", "1900-02-28", 'M', NIK_BAD_DATE },
		{ "30 Feb leap year",    "3174013002000001", "2000-02-29", 'M', NIK_BAD_DATE },
		{ "F 70 Feb leap year",  "3174017002000001", "2000-02-29", 'F', NIK_BAD_DATE },
	};

	(void)state;
	run_nik_cases(cases, N_ELEMS(cases));
}

static void
test_nik_sex_must_match_day_encoding(void **state)
{
	static const struct nik_case cases[] = {
		{ "F with male day",   "3174011505900001", "1990-05-15", 'F', NIK_SEX_MISMATCH },
		{ "M with female day", "3174015505900001", "1990-05-15", 'M', NIK_SEX_MISMATCH },
		{ "F day 41 for M",    "3174014101900001", "1990-01-01", 'M', NIK_SEX_MISMATCH },
	};

	(void)state;
	run_nik_cases(cases, N_ELEMS(cases));
}

static void
test_nik_date_must_equal_birth_date(void **state)
{
	static const struct nik_case cases[] = {
		{ "day differs",      "3174011605900001", "1990-05-15", 'M', NIK_DATE_MISMATCH },
		{ "F day differs",    "3174015605900001", "1990-05-15", 'F', NIK_DATE_MISMATCH },
		{ "month differs",    "3174011506900001", "1990-05-15", 'M', NIK_DATE_MISMATCH },
		{ "year differs",     "3174011505910001", "1990-05-15", 'M', NIK_DATE_MISMATCH },
		{ "yy 19 for 2019",   "3174011505190001", "2019-05-15", 'M', NIK_OK },
		{ "yy 90 for 2019",   "3174011505900001", "2019-05-15", 'M', NIK_DATE_MISMATCH },
		{ "day/month swapped","3174011205900001", "1990-12-05", 'M', NIK_DATE_MISMATCH },
		{ "yy is year mod 100, not 19xx", "3174011505000001", "1900-05-15", 'M', NIK_OK },
	};

	(void)state;
	run_nik_cases(cases, N_ELEMS(cases));
}

static void
test_nik_rejects_serial_0000(void **state)
{
	static const struct nik_case cases[] = {
		{ "0000", "3174011505900000", "1990-05-15", 'M', NIK_BAD_SERIAL },
		{ "0001", "3174011505900001", "1990-05-15", 'M', NIK_OK },
		{ "1000", "3174011505901000", "1990-05-15", 'M', NIK_OK },
		{ "0010", "3174011505900010", "1990-05-15", 'M', NIK_OK },
		{ "9999", "3174011505909999", "1990-05-15", 'M', NIK_OK },
		{ "0000 even with a bad date", "3174013215900000", "1990-05-15", 'M', NIK_BAD_SERIAL },
	};

	(void)state;
	run_nik_cases(cases, N_ELEMS(cases));
}

static void
test_nik_rejects_bad_arguments(void **state)
{
	static const struct nik_case cases[] = {
		{ "birth_date NULL",   "3174011505900001", NULL,          'M', NIK_BAD_BIRTH_DATE },
		{ "birth_date shape",  "3174011505900001", "15-05-1990",  'M', NIK_BAD_BIRTH_DATE },
		{ "birth_date unreal", "3174011505900001", "1990-02-30",  'M', NIK_BAD_BIRTH_DATE },
		{ "sex lower-case m",  "3174011505900001", "1990-05-15",  'm', NIK_BAD_SEX },
		{ "sex X",             "3174011505900001", "1990-05-15",  'X', NIK_BAD_SEX },
		{ "sex NUL",           "3174011505900001", "1990-05-15",  '\0', NIK_BAD_SEX },
	};

	(void)state;
	run_nik_cases(cases, N_ELEMS(cases));
}

/* A NIK's own shape is judged before the arguments it is compared with. */
static void
test_nik_shape_judged_before_arguments(void **state)
{
	static const struct nik_case cases[] = {
		{ "length first",   "123",              NULL, 'X', NIK_BAD_LENGTH },
		{ "digits next",    "31740115059000a1", NULL, 'X', NIK_NOT_DIGITS },
		{ "province next",  "2074011505900001", NULL, 'X', NIK_BAD_PROVINCE },
		{ "serial next",    "3174011505900000", NULL, 'X', NIK_BAD_SERIAL },
		{ "then birth_date","3174011505900001", NULL, 'X', NIK_BAD_BIRTH_DATE },
		{ "then sex",       "3174011505900001", "1990-05-15", 'X', NIK_BAD_SEX },
	};

	(void)state;
	run_nik_cases(cases, N_ELEMS(cases));
}

/* --- nik_check_kk ------------------------------------------------------ */

struct kk_case {
	const char *label;
	const char *kk;
	enum nik_result want;
};

static void
test_kk_rules(void **state)
{
	static const struct kk_case cases[] = {
		{ "valid",          "3174010203040506", NIK_OK },
		{ "serial 0000 ok", "1100000000000000", NIK_OK },
		{ "province 96",    "9600000000000001", NIK_OK },
		{ "NULL",           NULL,               NIK_BAD_LENGTH },
		{ "empty",          "",                 NIK_BAD_LENGTH },
		{ "15 digits",      "317401020304050",  NIK_BAD_LENGTH },
		{ "17 digits",      "31740102030405060", NIK_BAD_LENGTH },
		{ "letter",         "31740102030405O6", NIK_NOT_DIGITS },
		{ "province 10",    "1074010203040506", NIK_BAD_PROVINCE },
		{ "province 20",    "2074010203040506", NIK_BAD_PROVINCE },
		{ "province 97",    "9774010203040506", NIK_BAD_PROVINCE },
		{ "province 00",    "0074010203040506", NIK_BAD_PROVINCE },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		if (nik_check_kk(cases[i].kk) != cases[i].want)
			print_error("case %zu (%s)\n", i, cases[i].label);
		assert_int_equal(nik_check_kk(cases[i].kk), cases[i].want);
	}
}

/* --- nik_check_npwp ---------------------------------------------------- */

struct npwp_case {
	const char *label;
	const char *npwp;
	const char *nik;
	enum nik_result want;
};

#define APPLICANT_NIK "3174011505900001"

static void
run_npwp_cases(const struct npwp_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum nik_result got = nik_check_npwp(c[i].npwp, c[i].nik);

		if (got != c[i].want)
			print_error("case %zu (%s): got %d, want %d\n", i,
			    c[i].label, (int)got, (int)c[i].want);
		assert_int_equal(got, c[i].want);
	}
}

/* Luhn digits computed independently: 09254294 -> 3, 12345678 -> 2,
 * 01234567 -> 4, 00000000 -> 0, 99999999 -> 8, 31415926 -> 0. */
static void
test_npwp_15_digits_luhn(void **state)
{
	static const struct npwp_case cases[] = {
		{ "real-world shape",  "092542943407000", APPLICANT_NIK, NIK_OK },
		{ "12345678-2",        "123456782000000", APPLICANT_NIK, NIK_OK },
		{ "01234567-4",        "012345674123456", APPLICANT_NIK, NIK_OK },
		{ "all zero",          "000000000000000", APPLICANT_NIK, NIK_OK },
		{ "99999999-8",        "999999998000000", NULL,          NIK_OK },
		{ "31415926-0",        "314159260000000", NULL,          NIK_OK },
		{ "check off by one",  "092542944407000", APPLICANT_NIK, NIK_BAD_CHECK_DIGIT },
		{ "check 9 for 2",     "123456789000000", APPLICANT_NIK, NIK_BAD_CHECK_DIGIT },
		{ "payload typo",      "092542953407000", APPLICANT_NIK, NIK_BAD_CHECK_DIGIT },
		{ "adjacent swap",     "095242943407000", APPLICANT_NIK, NIK_BAD_CHECK_DIGIT },
		{ "09/90 swap: Luhn's blind spot", "902542943407000", APPLICANT_NIK, NIK_OK },
		{ "letter",            "09254294340700A", APPLICANT_NIK, NIK_NOT_DIGITS },
		{ "dotted form",       "09.254.294.3-407.000", APPLICANT_NIK, NIK_BAD_LENGTH },
	};

	(void)state;
	run_npwp_cases(cases, N_ELEMS(cases));
}

static void
test_npwp_16_digits(void **state)
{
	static const struct npwp_case cases[] = {
		{ "0 + valid 15",      "0092542943407000", APPLICANT_NIK, NIK_OK },
		{ "0 + valid 15, no nik", "0123456782000000", NULL,       NIK_OK },
		{ "0 + bad check",     "0092542944407000", APPLICANT_NIK, NIK_BAD_CHECK_DIGIT },
		{ "equal to nik",      APPLICANT_NIK,      APPLICANT_NIK, NIK_OK },
		{ "nik-like, other nik", "3174011505900002", APPLICANT_NIK, NIK_NPWP_NOT_NIK },
		{ "nik-like, no nik",  APPLICANT_NIK,      NULL,          NIK_NPWP_NOT_NIK },
		{ "nik is a prefix",   "3174011505900001", "31740115059000011", NIK_NPWP_NOT_NIK },
		{ "1 + valid 15",      "1092542943407000", APPLICANT_NIK, NIK_NPWP_NOT_NIK },
		{ "letter",            "0O92542943407000", APPLICANT_NIK, NIK_NOT_DIGITS },
	};

	(void)state;
	run_npwp_cases(cases, N_ELEMS(cases));
}

static void
test_npwp_rejects_other_lengths(void **state)
{
	static const struct npwp_case cases[] = {
		{ "NULL",      NULL,                APPLICANT_NIK, NIK_BAD_LENGTH },
		{ "empty",     "",                  APPLICANT_NIK, NIK_BAD_LENGTH },
		{ "14 digits", "09254294340700",    APPLICANT_NIK, NIK_BAD_LENGTH },
		{ "17 digits", "00092542943407000", APPLICANT_NIK, NIK_BAD_LENGTH },
		{ "8 digits",  "09254294",          APPLICANT_NIK, NIK_BAD_LENGTH },
	};

	(void)state;
	run_npwp_cases(cases, N_ELEMS(cases));
}

/* --- nik_rule ---------------------------------------------------------- */

/* Each fault as the reason a page translates; a NIK that cannot be judged
 * for want of a good birth_date or sex is no fault of its own. */
static void
test_nik_rules_name_their_reason(void **state)
{
	static const struct {
		enum nik_result r;
		const char *nik, *npwp;   /* reason words; NULL: none */
	} cases[] = {
		{ NIK_OK,              NULL,            NULL },
		{ NIK_BAD_LENGTH,      "format",        "format" },
		{ NIK_NOT_DIGITS,      "format",        "format" },
		{ NIK_BAD_PROVINCE,    "province",      "format" },
		{ NIK_BAD_DATE,        "date_mismatch", "format" },
		{ NIK_SEX_MISMATCH,    "sex_mismatch",  "format" },
		{ NIK_DATE_MISMATCH,   "date_mismatch", "format" },
		{ NIK_BAD_SERIAL,      "serial",        "format" },
		{ NIK_BAD_BIRTH_DATE,  NULL,            "format" },
		{ NIK_BAD_SEX,         NULL,            "format" },
		{ NIK_BAD_CHECK_DIGIT, "format",        "checksum" },
		{ NIK_NPWP_NOT_NIK,    "format",        "format" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		enum rule n = nik_rule(cases[i].r), p = nik_npwp_rule(cases[i].r);

		if (cases[i].nik == NULL)
			assert_int_equal(n, RULE_NONE);
		else
			assert_string_equal(rule_word(n), cases[i].nik);
		if (cases[i].npwp == NULL)
			assert_int_equal(p, RULE_NONE);
		else
			assert_string_equal(rule_word(p), cases[i].npwp);
	}
	assert_string_equal(rule_message(nik_rule(NIK_BAD_PROVINCE)),
	    "begins with a province code in use: 11–19, 21, 31–36, 51–53, "
	    "61–65, 71–76, 81–82 or 91–96");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nik_accepts_well_formed),
		cmocka_unit_test(test_nik_rejects_wrong_length),
		cmocka_unit_test(test_nik_rejects_non_digits),
		cmocka_unit_test(test_nik_province_edges),
		cmocka_unit_test(test_nik_province_count_is_38),
		cmocka_unit_test(test_nik_female_day_plus_40),
		cmocka_unit_test(test_nik_29_february_needs_leap_year),
		cmocka_unit_test(test_nik_sex_must_match_day_encoding),
		cmocka_unit_test(test_nik_date_must_equal_birth_date),
		cmocka_unit_test(test_nik_rejects_serial_0000),
		cmocka_unit_test(test_nik_rejects_bad_arguments),
		cmocka_unit_test(test_nik_shape_judged_before_arguments),
		cmocka_unit_test(test_kk_rules),
		cmocka_unit_test(test_npwp_15_digits_luhn),
		cmocka_unit_test(test_npwp_16_digits),
		cmocka_unit_test(test_npwp_rejects_other_lengths),
		cmocka_unit_test(test_nik_rules_name_their_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
