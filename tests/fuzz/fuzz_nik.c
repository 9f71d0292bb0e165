/*
 * fuzz_nik — libFuzzer over Indonesian identity numbers: the NIK against a
 * birth date and sex, the KK and the NPWP (app/nik.c), and a NIK's
 * normalising into its blind index (crypto/bidx.c).
 *
 * An input is lines: NIK, birth_date, sex, NPWP; its bytes also seed a
 * number built to be right. Invariants, against the HTTP API's statement
 * of the rules: a NIK is accepted exactly when it is 16 digits, its
 * province in use, its serial not 0000, and its DDMMYY birth_date's (40
 * added to the day for F); one so built from any birth date, sex, province
 * and serial is accepted, and any other digit in its date part, or the
 * other sex, is refused; a KK exactly when 16 digits of a province in use;
 * an NPWP exactly when 15 digits passing the Luhn check, '0' and such 15,
 * or the NIK itself; each refusal maps to a rule. A NIK normalises to its
 * digits (blanks, '.' and '-' dropped, nothing else allowed), and written
 * with separators it has the same blind index as without.
 */
#include "tests/fuzz/fuzz.h"

#include "app/nik.h"
#include "core/validate.h"
#include "crypto/bidx.h"

/* The province codes in use, as the HTTP API lists them. */
static const int fz_provinces[] = {
	11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36,
	51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82,
	91, 92, 93, 94, 95, 96,
};
#define FZ_NPROVINCES (sizeof(fz_provinces) / sizeof(fz_provinces[0]))

static struct keyring *fz_kr;

static void
fz_init(void)
{
	fz_kr = fuzz_keyring(0);
}

static int
fz_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
fz_province(const char *s)
{
	int code = (s[0] - '0') * 10 + (s[1] - '0');

	for (size_t i = 0; i < FZ_NPROVINCES; i++)
		if (fz_provinces[i] == code)
			return 1;
	return 0;
}

/* Luhn's validation of the n digits at s, check digit last: 1 when the
 * sum, every second digit from the right doubled, ends in 0. */
static int
fz_luhn_valid(const char *s, size_t n)
{
	int sum = 0;

	for (size_t i = 0; i < n; i++) {
		int v = s[n - 1 - i] - '0';

		if (i % 2 == 1 && (v *= 2) > 9)
			v -= 9;
		sum += v;
	}
	return sum % 10 == 0;
}

/* What digits 7-12 of the NIK of one born on `b`, of `sex`, must be. */
static void
fz_ddmmyy(const struct validate_date *b, char sex, char out[7])
{
	snprintf(out, 7, "%02d%02d%02d", b->d + (sex == 'F' ? 40 : 0), b->m,
	    b->y % 100);
}

static void
fz_check_nik(const char *nik, const char *birth, char sex)
{
	enum nik_result r = nik_check(nik, birth, sex);
	struct validate_date b;
	char dmy[7];
	int want;

	want = fz_digits(nik, NIK_LEN) && fz_province(nik) &&
	    strcmp(nik + 12, "0000") != 0 &&
	    validate_date_parse(birth, &b) == VALIDATE_OK &&
	    (sex == 'M' || sex == 'F');
	if (want) {
		fz_ddmmyy(&b, sex, dmy);
		want = strncmp(nik + 6, dmy, 6) == 0;
	}
	FUZZ_CHECK((r == NIK_OK) == want);
	FUZZ_CHECK((nik_rule(r) == RULE_NONE) == (r == NIK_OK ||
	    r == NIK_BAD_BIRTH_DATE || r == NIK_BAD_SEX));
	FUZZ_CHECK((nik_check_kk(nik) == NIK_OK) ==
	    (fz_digits(nik, NIK_KK_LEN) && fz_province(nik)));
}

static void
fz_check_npwp(const char *npwp, const char *nik)
{
	enum nik_result r = nik_check_npwp(npwp, nik);
	int want = (fz_digits(npwp, 15) && fz_luhn_valid(npwp, 9)) ||
	    (fz_digits(npwp, 16) && npwp[0] == '0' &&
	    fz_luhn_valid(npwp + 1, 9)) ||
	    (fz_digits(npwp, 16) && npwp[0] != '0' && strcmp(npwp, nik) == 0);

	FUZZ_CHECK((r == NIK_OK) == want);
	FUZZ_CHECK((nik_npwp_rule(r) == RULE_NONE) == (r == NIK_OK));
}

/* A NIK without its separators: the normal form, or NULL. */
static const char *
fz_normal(const char *s)
{
	char *out = arena_alloc(fuzz_arena, strlen(s) + 1), *o = out;

	for (; *s != '\0'; s++) {
		if (strchr(" \t.-", *s) != NULL)
			continue;
		if (*s < '0' || *s > '9')
			return NULL;
		*o++ = *s;
	}
	*o = '\0';
	return o > out && o - out <= BIDX_NIK_MAX ? out : NULL;
}

static void
fz_check_normalise(const char *s)
{
	const char *want = fz_normal(s);
	unsigned char a[BIDX_BYTES], b[BIDX_BYTES];
	char out[BIDX_NIK_MAX + 1];

	if (bidx_nik_normalise(s, out, sizeof(out)) != 0) {
		FUZZ_CHECK(want == NULL && sodium_is_zero((unsigned char *)out,
		    sizeof(out)));
		FUZZ_CHECK(bidx_nik(fz_kr, s, a) != 0);
		return;
	}
	FUZZ_CHECK(want != NULL && strcmp(out, want) == 0);
	FUZZ_CHECK(bidx_nik(fz_kr, s, a) == 0 && bidx_nik(fz_kr, out, b) == 0);
	FUZZ_CHECK(bidx_cmp(a, b) == 0);
}

/* A NIK, KK and NPWP built right from the input's bytes. */
static void
fz_check_built(const uint8_t *data, size_t size)
{
	uint8_t k[12] = { 0 };
	struct validate_date b;
	char nik[NIK_LEN + 1], bad[NIK_LEN + 1], kk[NIK_KK_LEN + 1];
	char birth[11], npwp[17], sep[2 * NIK_LEN + 1], sex;
	unsigned char ia[BIDX_BYTES], ib[BIDX_BYTES];
	int prov, pos, c;
	size_t n = 0;

	memcpy(k, data, size < sizeof(k) ? size : sizeof(k));
	b.y = 1900 + k[0] % 126;
	b.m = 1 + k[1] % 12;
	b.d = 1 + k[2] % 31;
	while (validate_date_check(b.y, b.m, b.d) != 0)
		b.d--;
	sex = k[3] & 1 ? 'F' : 'M';
	prov = fz_provinces[k[4] % FZ_NPROVINCES];
	snprintf(birth, sizeof(birth), "%04d-%02d-%02d", b.y, b.m, b.d);
	snprintf(nik, sizeof(nik), "%02d%04d", prov, (k[5] << 8 | k[6]) % 10000);
	fz_ddmmyy(&b, sex, nik + 6);
	snprintf(nik + 12, 5, "%04d", 1 + (k[7] << 8 | k[8]) % 9999);
	FUZZ_CHECK(nik_check(nik, birth, sex) == NIK_OK);
	FUZZ_CHECK(nik_check(nik, birth, sex == 'F' ? 'M' : 'F') != NIK_OK);
	/* Any other digit in the date part names another day, or none. */
	memcpy(bad, nik, sizeof(bad));
	pos = 6 + k[9] % 6;
	bad[pos] = (char)('0' + (bad[pos] - '0' + 1 + k[10] % 9) % 10);
	FUZZ_CHECK(nik_check(bad, birth, sex) != NIK_OK);
	/* Its KK: the province, any 14 digits. */
	snprintf(kk, sizeof(kk), "%02d%s", prov, nik + 2);
	FUZZ_CHECK(nik_check_kk(kk) == NIK_OK);
	/* An NPWP: 8 digits, the one Luhn allows, 6 more; or '0' and it. */
	snprintf(npwp, sizeof(npwp), "%.8s0%.6s", nik + 2, nik + 10);
	for (c = 0; !fz_luhn_valid(npwp, 9); c++)
		npwp[8] = (char)('0' + c + 1);
	FUZZ_CHECK(nik_check_npwp(npwp, NULL) == NIK_OK);
	npwp[8] = (char)('0' + (npwp[8] - '0' + 1 + k[11] % 9) % 10);
	FUZZ_CHECK(nik_check_npwp(npwp, NULL) == NIK_BAD_CHECK_DIGIT);
	FUZZ_CHECK(nik_check_npwp(nik, nik) == NIK_OK);
	FUZZ_CHECK(nik_check_npwp(nik, NULL) == NIK_NPWP_NOT_NIK);
	/* Written with separators where the input says, the same index. */
	for (size_t i = 0; i < NIK_LEN; i++) {
		sep[n++] = nik[i];
		if (i < size && (data[i] & 0x30) == 0x30)
			sep[n++] = " .-\t"[data[i] & 3];
	}
	sep[n] = '\0';
	FUZZ_CHECK(bidx_nik(fz_kr, nik, ia) == 0 && bidx_nik(fz_kr, sep, ib) == 0);
	FUZZ_CHECK(bidx_cmp(ia, ib) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line[4];

	(void)fuzz_split(data, size, '\n', line, 4);
	fz_check_nik(line[0], line[1], line[2][0]);
	fz_check_npwp(line[3], line[0]);
	fz_check_npwp(line[0], line[3]);
	fz_check_normalise(line[0]);
	fz_check_built(data, size);
	fuzz_done();
	return 0;
}
