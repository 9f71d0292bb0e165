/*
 * crypto/keyring rotation: keyring_rotate adds an active KEK, seal_dek_rewrap
 * moves a DEK under it without touching any field, keyring_retire moves the
 * old KEK to the archive, after which only re-wrapped DEKs open with the
 * keyring; keyring_restore brings an archived KEK back, keyring_purge
 * destroys it, and no id is ever given to two keys.
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
	char id[KEYRING_ID_SIZE];   /* the last rotation's new kek */
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
		if (strcmp(de->d_name, "keyring") != 0 &&
		    strcmp(de->d_name, "keyring" KEYRING_ARCHIVE_SUFFIX) != 0)
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

/* keyring_rotate, _retire, _restore, _purge and _archive_ids on the
 * fixture's keyring: their return, the error in fx->err, a rotation's new
 * id in fx->id. */
static int
rotate(struct fx *fx)
{
	return keyring_rotate(fx->path, fx->id, fx->err, sizeof(fx->err));
}

static int
retire(struct fx *fx, const char *id)
{
	return keyring_retire(fx->path, id, fx->err, sizeof(fx->err));
}

static int
restore(struct fx *fx, const char *id)
{
	return keyring_restore(fx->path, id, fx->err, sizeof(fx->err));
}

static int
purge(struct fx *fx, const char *id)
{
	return keyring_purge(fx->path, id, fx->err, sizeof(fx->err));
}

static int
archive_ids(struct fx *fx, char ids[][KEYRING_ID_SIZE], size_t max,
    size_t *n)
{
	return keyring_archive_ids(fx->path, ids, max, n, fx->err,
	    sizeof(fx->err));
}

/* The call that returned `rc` was refused, fx->err saying `why`. */
static void
assert_refused(struct fx *fx, int rc, const char *why)
{
	assert_int_equal(rc, -1);
	if (strstr(fx->err, why) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", fx->err, why);
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
	struct stat st;

	assert_int_equal(rotate(fx), 0);
	assert_string_equal(fx->id, "k2");
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
	struct stat st;

	assert_int_equal(chmod(fx->path, 0400), 0);
	assert_int_equal(rotate(fx), 0);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0400);
}

static void
test_rotate_refuses_bad_keyring(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(chmod(fx->path, 0644), 0);
	assert_refused(fx, rotate(fx), "mode 0644");
}

static void
test_rewrap_keeps_fields_readable_under_new_kek(void **state)
{
	struct fx *fx = *state;
	struct record r;
	struct keyring *old, *now;
	struct seal_dek dek;
	unsigned char before[NFIELDS][64];

	old = load(fx);
	make_record(old, &r, "rec-1");
	memcpy(before, r.sealed, sizeof(before));
	assert_int_equal(rotate(fx), 0);
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

	kr = load(fx);
	make_record(kr, &moved, "rec-moved");
	make_record(kr, &stale, "rec-stale");
	keyring_free(kr);
	assert_int_equal(rotate(fx), 0);
	kr = load(fx);
	rewrap(kr, &moved);
	keyring_free(kr);

	assert_int_equal(retire(fx, "k1"), 0);
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

	assert_refused(fx, retire(fx, "k1"), "kek 'k1' is the active one");
	assert_non_null(strstr(fx->err, fx->path));
}

static void
test_retire_refuses_unknown_kek(void **state)
{
	struct fx *fx = *state;

	assert_refused(fx, retire(fx, "k9"), "no kek 'k9'");
	assert_refused(fx, retire(fx, "b1"), "no kek 'b1'");
}

/* After retiring k2 of k1..k3, the next id is still fresh (k4). */
static void
test_rotate_never_reuses_an_id(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(rotate(fx), 0);
	assert_int_equal(rotate(fx), 0);
	assert_string_equal(fx->id, "k3");
	assert_int_equal(retire(fx, "k2"), 0);
	assert_int_equal(rotate(fx), 0);
	assert_string_equal(fx->id, "k4");
}

/* The archive's ids, space-separated, into buf. */
static const char *
archived(struct fx *fx, char *buf, size_t len)
{
	char ids[KEYRING_MAX_KEKS][KEYRING_ID_SIZE];
	size_t n, used = 0;

	assert_int_equal(archive_ids(fx, ids, KEYRING_MAX_KEKS, &n), 0);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i > 0 ? " " : "", ids[i]);
	return buf;
}

static void
archive_path(struct fx *fx, char *out, size_t len)
{
	assert_int_equal(keyring_archive_path(fx->path, out, len), 0);
}

static void
test_retire_moves_the_kek_to_a_0600_archive(void **state)
{
	struct fx *fx = *state;
	char ids[256], apath[256];
	struct keyring *kr;
	struct stat st;

	assert_string_equal(archived(fx, ids, sizeof(ids)), "");
	assert_int_equal(rotate(fx), 0);
	assert_int_equal(retire(fx, "k1"), 0);
	assert_string_equal(archived(fx, ids, sizeof(ids)), "k1");
	archive_path(fx, apath, sizeof(apath));
	assert_int_equal(stat(apath, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	kr = load(fx);
	assert_false(keyring_has_kek(kr, "k1"));
	keyring_free(kr);
}

/* What retire archived opens again once restored; it comes back inactive. */
static void
test_restore_brings_an_archived_kek_back_for_opening(void **state)
{
	struct fx *fx = *state;
	struct record r;
	struct keyring *kr;
	char ids[256];

	kr = load(fx);
	make_record(kr, &r, "rec-late");
	keyring_free(kr);
	assert_int_equal(rotate(fx), 0);
	assert_int_equal(retire(fx, "k1"), 0);
	assert_int_equal(restore(fx, "k1"), 0);
	assert_string_equal(archived(fx, ids, sizeof(ids)), "");
	kr = load(fx);
	assert_string_equal(keyring_active_kek_id(kr), "k2");
	assert_readable(kr, &r);
	keyring_free(kr);
}

static void
test_restore_and_purge_refuse_what_is_not_archived(void **state)
{
	struct fx *fx = *state;

	assert_refused(fx, restore(fx, "k1"), "no archived kek 'k1'");
	assert_refused(fx, purge(fx, "k1"), "no archived kek 'k1'");
}

static void
test_purge_destroys_the_archived_kek(void **state)
{
	struct fx *fx = *state;
	char ids[256];

	assert_int_equal(rotate(fx), 0);
	assert_int_equal(rotate(fx), 0);
	assert_int_equal(retire(fx, "k1"), 0);
	assert_int_equal(retire(fx, "k2"), 0);
	assert_string_equal(archived(fx, ids, sizeof(ids)), "k1 k2");
	assert_int_equal(purge(fx, "k1"), 0);
	assert_string_equal(archived(fx, ids, sizeof(ids)), "k2");
	assert_int_equal(restore(fx, "k1"), -1);
}

/* Write an archive by hand: `body` after its header, with `mode`. */
static void
write_archive(struct fx *fx, const char *body, mode_t mode)
{
	char apath[256];
	FILE *f;

	archive_path(fx, apath, sizeof(apath));
	f = fopen(apath, "w");
	assert_non_null(f);
	fprintf(f, "%s\n%s", KEYRING_ARCHIVE_HEADER, body);
	fclose(f);
	assert_int_equal(chmod(apath, mode), 0);
}

#define A_KEY "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

/* An archive that names a higher id than the keyring keeps it taken. */
static void
test_rotate_never_reuses_an_archived_id(void **state)
{
	struct fx *fx = *state;

	write_archive(fx, "kek k7 " A_KEY "\n", 0600);
	assert_int_equal(rotate(fx), 0);
	assert_string_equal(fx->id, "k8");
}

static void
test_retire_refuses_another_key_archived_under_the_id(void **state)
{
	struct fx *fx = *state;
	struct keyring *kr;

	assert_int_equal(rotate(fx), 0);
	write_archive(fx, "kek k1 " A_KEY "\n", 0600);
	assert_refused(fx, retire(fx, "k1"), "another key under id 'k1'");
	kr = load(fx);
	assert_true(keyring_has_kek(kr, "k1"));
	keyring_free(kr);
}

static void
test_archive_readable_by_others_is_refused(void **state)
{
	struct fx *fx = *state;
	char ids[1][KEYRING_ID_SIZE];
	size_t n;

	write_archive(fx, "kek k7 " A_KEY "\n", 0644);
	assert_refused(fx, archive_ids(fx, ids, 1, &n), "mode 0644");
	assert_int_equal(rotate(fx), -1);
}

static void
test_archive_holds_only_plain_keks(void **state)
{
	struct fx *fx = *state;
	char ids[1][KEYRING_ID_SIZE];
	size_t n;

	write_archive(fx, "kek k7 " A_KEY " active\n", 0600);
	assert_refused(fx, archive_ids(fx, ids, 1, &n),
	    "only `kek ID BASE64-KEY'");
	write_archive(fx, "bidx b7 " A_KEY "\n", 0600);
	assert_int_equal(archive_ids(fx, ids, 1, &n), -1);
	write_archive(fx, "kek k7 " A_KEY "\n", 0600);
	assert_int_equal(archive_ids(fx, ids, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], "k7");
}

/* The keyring's own format does not pass for an archive, nor the reverse. */
static void
test_keyring_and_archive_headers_differ(void **state)
{
	struct fx *fx = *state;
	struct keyring *kr;
	char apath[256], ids[1][KEYRING_ID_SIZE], cmd[600];
	size_t n;

	archive_path(fx, apath, sizeof(apath));
	snprintf(cmd, sizeof(cmd), "cp -p '%s' '%s'", fx->path, apath);
	assert_int_equal(system(cmd), 0);
	assert_refused(fx, archive_ids(fx, ids, 1, &n), "bad header");
	write_archive(fx, "", 0600);
	assert_refused(fx, keyring_load(apath, &kr, fx->err, sizeof(fx->err)),
	    "bad header");
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
		T(test_retire_moves_the_kek_to_a_0600_archive),
		T(test_restore_brings_an_archived_kek_back_for_opening),
		T(test_restore_and_purge_refuse_what_is_not_archived),
		T(test_purge_destroys_the_archived_kek),
		T(test_rotate_never_reuses_an_archived_id),
		T(test_retire_refuses_another_key_archived_under_the_id),
		T(test_archive_readable_by_others_is_refused),
		T(test_archive_holds_only_plain_keks),
		T(test_keyring_and_archive_headers_differ),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
