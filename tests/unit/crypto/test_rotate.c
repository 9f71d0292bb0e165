/*
 * crypto/keyring rotation: keyring_rotate adds an active KEK, seal_dek_rewrap
 * moves a DEK under it without touching any field, keyring_retire removes
 * the old KEK, after which only re-wrapped DEKs still open.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/keyring.h"
#include "crypto/seal.h"

#define OWNER "6f1c2a4e-8b1d-4c3e-9f00-0a1b2c3d4e5f"

static const char *const fields[] = { "name", "nik", "kk", "npwp", "phone" };
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

struct fx {
	char dir[64];
	char path[128];
	char err[256];
};

/* One record: its wrapped DEK and its sealed fields. */
struct record {
	struct seal_binding b;
	unsigned char wrapped[SEAL_WRAPPED_MAX];
	size_t wlen;
	unsigned char sealed[NFIELDS][64];
	size_t slen[NFIELDS];
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/permitd-rotate-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/keyring", fx->dir);
	assert_int_equal(keyring_init_file(fx->path, fx->err, sizeof(fx->err)),
	    0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	struct dirent *de;
	char p[400];
	DIR *d = opendir(fx->dir);
	int others = 0;

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (strcmp(de->d_name, "keyring") != 0)
			others++;   /* a temporary file left behind */
		snprintf(p, sizeof(p), "%s/%s", fx->dir, de->d_name);
		unlink(p);
	}
	if (d != NULL)
		closedir(d);
	rmdir(fx->dir);
	free(fx);
	assert_int_equal(others, 0);
	return 0;
}

static struct keyring *
load(struct fx *fx)
{
	struct keyring *kr;

	if (keyring_load(fx->path, &kr, fx->err, sizeof(fx->err)) != 0)
		fail_msg("%s", fx->err);
	return kr;
}

static void
make_record(const struct keyring *kr, struct record *r, const char *id)
{
	struct seal_dek dek;
	char value[32];

	r->b.table = "applications";
	r->b.record_id = id;
	r->b.owner_id = OWNER;
	seal_dek_new(&dek);
	assert_int_equal(seal_dek_wrap(kr, &r->b, &dek, r->wrapped, &r->wlen,
	    NULL), 0);
	for (size_t i = 0; i < NFIELDS; i++) {
		snprintf(value, sizeof(value), "%s of %s", fields[i], id);
		assert_int_equal(seal_field(&dek, &r->b, fields[i],
		    (const unsigned char *)value, strlen(value), r->sealed[i],
		    sizeof(r->sealed[i]), &r->slen[i]), 0);
	}
	seal_dek_wipe(&dek);
}

/* Every field of the record opens to what was sealed. */
static void
assert_readable(const struct keyring *kr, const struct record *r)
{
	struct seal_dek dek;
	unsigned char out[32];
	char value[32];
	size_t n;

	assert_int_equal(seal_dek_unwrap(kr, &r->b, r->wrapped, r->wlen, &dek),
	    0);
	for (size_t i = 0; i < NFIELDS; i++) {
		snprintf(value, sizeof(value), "%s of %s", fields[i],
		    r->b.record_id);
		assert_int_equal(seal_open_field(&dek, &r->b, fields[i],
		    r->sealed[i], r->slen[i], out, sizeof(out), &n), 0);
		assert_int_equal(n, strlen(value));
		assert_memory_equal(out, value, n);
	}
	seal_dek_wipe(&dek);
}

static void
rewrap(const struct keyring *kr, struct record *r)
{
	unsigned char out[SEAL_WRAPPED_MAX];
	size_t olen;

	assert_int_equal(seal_dek_rewrap(kr, &r->b, r->wrapped, r->wlen, out,
	    &olen, NULL), 0);
	memcpy(r->wrapped, out, olen);
	r->wlen = olen;
}

static void
test_rotate_adds_active_kek_and_keeps_old(void **state)
{
	struct fx *fx = *state;
	struct keyring *kr;
	char id[KEYRING_ID_SIZE];
	struct stat st;

	assert_int_equal(keyring_rotate(fx->path, id, fx->err, sizeof(fx->err)),
	    0);
	assert_string_equal(id, "k2");
	kr = load(fx);
	assert_int_equal(keyring_kek_count(kr), 2);
	assert_string_equal(keyring_active_kek_id(kr), "k2");
	assert_string_equal(keyring_kek_id(kr, 0), "k1");
	keyring_free(kr);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
}

static void
test_rotate_keeps_mode_0400(void **state)
{
	struct fx *fx = *state;
	char id[KEYRING_ID_SIZE];
	struct stat st;

	assert_int_equal(chmod(fx->path, 0400), 0);
	assert_int_equal(keyring_rotate(fx->path, id, fx->err, sizeof(fx->err)),
	    0);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0400);
}

static void
test_rotate_refuses_bad_keyring(void **state)
{
	struct fx *fx = *state;
	char id[KEYRING_ID_SIZE];

	assert_int_equal(chmod(fx->path, 0644), 0);
	assert_int_equal(keyring_rotate(fx->path, id, fx->err, sizeof(fx->err)),
	    -1);
	assert_non_null(strstr(fx->err, "mode 0644"));
}

static void
test_rewrap_keeps_fields_readable_under_new_kek(void **state)
{
	struct fx *fx = *state;
	struct record r;
	struct keyring *old, *now;
	struct seal_dek dek;
	char id[KEYRING_ID_SIZE];
	unsigned char before[NFIELDS][64];

	old = load(fx);
	make_record(old, &r, "rec-1");
	memcpy(before, r.sealed, sizeof(before));
	assert_int_equal(keyring_rotate(fx->path, id, fx->err, sizeof(fx->err)),
	    0);
	now = load(fx);
	assert_int_equal(seal_dek_unwrap(old, &r.b, r.wrapped, r.wlen, &dek),
	    0);
	seal_dek_wipe(&dek);
	rewrap(now, &r);
	/* Under k2 now: the keyring from before the rotation, which holds only
	 * k1, no longer opens it. */
	assert_int_equal(seal_dek_unwrap(old, &r.b, r.wrapped, r.wlen, &dek),
	    -1);
	assert_memory_equal(before, r.sealed, sizeof(before));
	assert_readable(now, &r);
	keyring_free(old);
	keyring_free(now);
}

static void
test_retire_leaves_only_rewrapped_deks_openable(void **state)
{
	struct fx *fx = *state;
	struct record moved, stale;
	struct keyring *kr;
	struct seal_dek dek;
	char id[KEYRING_ID_SIZE];

	kr = load(fx);
	make_record(kr, &moved, "rec-moved");
	make_record(kr, &stale, "rec-stale");
	keyring_free(kr);
	assert_int_equal(keyring_rotate(fx->path, id, fx->err, sizeof(fx->err)),
	    0);
	kr = load(fx);
	rewrap(kr, &moved);
	keyring_free(kr);

	assert_int_equal(keyring_retire(fx->path, "k1", fx->err,
	    sizeof(fx->err)), 0);
	kr = load(fx);
	assert_int_equal(keyring_kek_count(kr), 1);
	assert_string_equal(keyring_kek_id(kr, 0), "k2");
	assert_readable(kr, &moved);
	assert_int_equal(seal_dek_unwrap(kr, &stale.b, stale.wrapped,
	    stale.wlen, &dek), -1);
	keyring_free(kr);
}

static void
test_retire_refuses_active_kek(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(keyring_retire(fx->path, "k1", fx->err,
	    sizeof(fx->err)), -1);
	assert_non_null(strstr(fx->err, "kek 'k1' is the active one"));
	assert_non_null(strstr(fx->err, fx->path));
}

static void
test_retire_refuses_unknown_kek(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(keyring_retire(fx->path, "k9", fx->err,
	    sizeof(fx->err)), -1);
	assert_non_null(strstr(fx->err, "no kek 'k9'"));
	assert_int_equal(keyring_retire(fx->path, "b1", fx->err,
	    sizeof(fx->err)), -1);
	assert_non_null(strstr(fx->err, "no kek 'b1'"));
}

/* After retiring k2 of k1..k3, the next id is still fresh (k4). */
static void
test_rotate_never_reuses_an_id(void **state)
{
	struct fx *fx = *state;
	char id[KEYRING_ID_SIZE];

	assert_int_equal(keyring_rotate(fx->path, id, fx->err, sizeof(fx->err)),
	    0);
	assert_int_equal(keyring_rotate(fx->path, id, fx->err, sizeof(fx->err)),
	    0);
	assert_string_equal(id, "k3");
	assert_int_equal(keyring_retire(fx->path, "k2", fx->err,
	    sizeof(fx->err)), 0);
	assert_int_equal(keyring_rotate(fx->path, id, fx->err, sizeof(fx->err)),
	    0);
	assert_string_equal(id, "k4");
}

static void
test_rewrap_with_wrong_owner_fails(void **state)
{
	struct fx *fx = *state;
	struct record r;
	struct keyring *kr;
	unsigned char out[SEAL_WRAPPED_MAX];
	size_t olen;

	kr = load(fx);
	make_record(kr, &r, "rec-1");
	r.b.owner_id = "someone-else";
	assert_int_equal(seal_dek_rewrap(kr, &r.b, r.wrapped, r.wlen, out,
	    &olen, NULL), -1);
	keyring_free(kr);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rotate_adds_active_kek_and_keeps_old),
		T(test_rotate_keeps_mode_0400),
		T(test_rotate_refuses_bad_keyring),
		T(test_rewrap_keeps_fields_readable_under_new_kek),
		T(test_retire_leaves_only_rewrapped_deks_openable),
		T(test_retire_refuses_active_kek),
		T(test_retire_refuses_unknown_kek),
		T(test_rotate_never_reuses_an_id),
		T(test_rewrap_with_wrong_owner_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
