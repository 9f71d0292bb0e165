/*
 * nik — structural checks of Indonesian identity numbers (docs/API.md,
 * Citizen).
 *
 * NIK (Nomor Induk Kependudukan), KK (Kartu Keluarga) number and NPWP (tax
 * number). The NIK has no check digit: these checks prove a number
 * plausible, not real. Pure functions on caller-owned C strings: nothing is
 * allocated, copied, kept or logged. What a refusal says is the rule's
 * message (nik_rule), which never repeats the value, identity data.
 *
 * A NULL string is treated as empty (NIK_BAD_LENGTH), never dereferenced.
 */
#ifndef PERMIT_APP_NIK_H
#define PERMIT_APP_NIK_H

#include "core/rule.h"

/* What is wrong with a number; NIK_OK (0) when nothing is. */
enum nik_result {
	NIK_OK = 0,
	NIK_BAD_LENGTH,       /* wrong number of characters */
	NIK_NOT_DIGITS,       /* right length, something other than 0-9 */
	NIK_BAD_PROVINCE,     /* first two digits not a province code in use */
	NIK_BAD_DATE,         /* DDMMYY is no calendar day (after taking 40
	                       * off a female day) */
	NIK_SEX_MISMATCH,     /* day says F (41..71) for M, or M for F */
	NIK_DATE_MISMATCH,    /* a real day, but not birth_date (or YY is not
	                       * the birth year mod 100) */
	NIK_BAD_SERIAL,       /* SSSS is 0000 */
	NIK_BAD_BIRTH_DATE,   /* the birth_date given is not YYYY-MM-DD */
	NIK_BAD_SEX,          /* the sex given is neither 'M' nor 'F' */
	NIK_BAD_CHECK_DIGIT,  /* NPWP: 9th digit is not Luhn of the first 8 */
	NIK_NPWP_NOT_NIK      /* NPWP: 16 digits, no leading 0, not the nik */
};

#define NIK_LEN      16
#define NIK_KK_LEN   16
#define NIK_NPWP_LEN 15  /* or 16: "0" + 15, or the holder's NIK */

/*
 * The rule (core/rule.h) a NIK or KK number broke by `r`: RULE_NONE for
 * NIK_OK, and for NIK_BAD_BIRTH_DATE and NIK_BAD_SEX (the number cannot be
 * judged against a birth_date or sex that is itself refused, whose own
 * refusal says why); RULE_DIGITS16, RULE_PROVINCE, RULE_NIK_SERIAL,
 * RULE_NIK_DATE (no calendar day, or not birth_date) or RULE_NIK_SEX.
 */
enum rule nik_rule(enum nik_result r);

/* The rule an NPWP broke by `r`: RULE_NONE, RULE_NPWP_CHECKSUM or
 * RULE_NPWP (its length, its digits, or 16 digits neither 0-led nor the
 * nik). */
enum rule nik_npwp_rule(enum nik_result r);

/*
 * A NIK `PP RR DD DDMMYY SSSS` of a person born on `birth_date`
 * ("YYYY-MM-DD") of sex `sex` ('M' or 'F'):
 *   - 16 ASCII digits;
 *   - PP a province code in use (11-19, 21, 31-36, 51-53, 61-65, 71-76,
 *     81-82, 91-96);
 *   - SSSS not 0000;
 *   - DD 01..31 for 'M' or 41..71 for 'F' (day + 40), and DDMMYY a real
 *     day in the birth century (29 Feb needs a leap year);
 *   - that day equal to birth_date, YY equal to its year mod 100.
 * Checked in that order, the first fault found being returned; the
 * arguments (NIK_BAD_BIRTH_DATE, NIK_BAD_SEX) are checked just before the
 * date part, so a NIK's own shape is judged even when they are wrong.
 * RR and the district digits are not checked.
 * Returns NIK_OK or the enum naming the fault.
 */
enum nik_result nik_check(const char *nik, const char *birth_date, char sex);

/*
 * A KK (family card) number: 16 ASCII digits starting with a province code
 * in use. Returns NIK_OK, NIK_BAD_LENGTH, NIK_NOT_DIGITS or NIK_BAD_PROVINCE.
 */
enum nik_result nik_check_kk(const char *kk);

/*
 * An NPWP, one of:
 *   - 15 ASCII digits whose 9th is the Luhn check digit of the first 8;
 *   - 16 digits: '0' then such a 15-digit number;
 *   - 16 digits equal to `nik` (the applicant's, already checked with
 *     nik_check; NULL when there is none, which disables this form).
 * Returns NIK_OK, NIK_BAD_LENGTH, NIK_NOT_DIGITS, NIK_BAD_CHECK_DIGIT or
 * NIK_NPWP_NOT_NIK (16 digits, no leading '0', different from nik).
 */
enum nik_result nik_check_npwp(const char *npwp, const char *nik);

#endif
