/*
 * crypto/keyring: loading the keyring file, and every reason to refuse it.
 * Each test works in its own mkdtemp directory, removed afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "crypto/keyring.h"
#include "crypto/keyring_internal.h"

#define B64_SIZE sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)

struct fx {
	char dir[64];
	char path[128];
	char err[256];
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/permitd-keyring-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/keyring", fx->dir);
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

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", fx->dir, de->d_name);
		unlink(p);
	}
	if (d != NULL)
		closedir(d);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* A random key in the file's encoding (libsodium's base64). */
static void
random_b64(char out[B64_SIZE])
{
	unsigned char k[32];

	randombytes_buf(k, sizeof(k));
	sodium_bin2base64(out, B64_SIZE, k, sizeof(k),
	    sodium_base64_VARIANT_ORIGINAL);
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* A keyring text with the given kek lines and a fresh bidx and token. */
static void
write_keyring(const char *path, const char *kek_lines, mode_t mode)
{
	char b[B64_SIZE], t[B64_SIZE], text[2048];

	random_b64(b);
	random_b64(t);
	snprintf(text, sizeof(text), "permitd-keyring v1\n%sbidx b1 %s\n"
	    "token t1 %s\n", kek_lines, b, t);
	write_file(path, text, mode);
}

/* Expects keyring_load to refuse, with a message naming file and fault. */
static void
assert_refused(struct fx *fx, const char *fault)
{
	struct keyring *kr = (struct keyring *)1;

	assert_int_equal(keyring_load(fx->path, &kr, fx->err, sizeof(fx->err)),
	    -1);
	assert_null(kr);
	if (strstr(fx->err, fault) == NULL || strstr(fx->err, fx->path) == NULL)
		print_error("message: %s\n", fx->err);
	assert_non_null(strstr(fx->err, fx->path));
	assert_non_null(strstr(fx->err, fault));
}

static void
test_init_then_load_gives_k1_active(void **state)
{
	struct fx *fx = *state;
	struct keyring *kr;
	struct stat st;

	assert_int_equal(keyring_init_file(fx->path, fx->err,
	    sizeof(fx->err)), 0);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(keyring_load(fx->path, &kr, fx->err, sizeof(fx->err)),
	    0);
	assert_string_equal(keyring_active_kek_id(kr), "k1");
	assert_int_equal(keyring_kek_count(kr), 1);
	assert_string_equal(keyring_bidx_id(kr), "b1");
	assert_string_equal(keyring_token_id(kr), "t1");
	assert_string_equal(keyring_kek_id(kr, 0), "k1");
	assert_null(keyring_kek_id(kr, 1));
	keyring_free(kr);
}

static void
test_init_refuses_to_overwrite(void **state)
{
	struct fx *fx = *state;
	char before[256], after[256];
	int fd;
	ssize_t n;

	write_keyring(fx->path, "", 0600);
	fd = open(fx->path, O_RDONLY);
	n = read(fd, before, sizeof(before));
	close(fd);
	assert_int_equal(keyring_init_file(fx->path, fx->err,
	    sizeof(fx->err)), -1);
	assert_non_null(strstr(fx->err, "already exists"));
	assert_non_null(strstr(fx->err, fx->path));
	fd = open(fx->path, O_RDONLY);
	assert_int_equal(read(fd, after, sizeof(after)), n);
	close(fd);
	assert_memory_equal(before, after, (size_t)n);
}

static void
test_missing_file_refused(void **state)
{
	assert_refused(*state, "missing");
}

static void
test_mode_0644_refused(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(keyring_init_file(fx->path, fx->err,
	    sizeof(fx->err)), 0);
	assert_int_equal(chmod(fx->path, 0644), 0);
	assert_refused(fx, "mode 0644, must be 0600 or 0400");
}

static void
test_mode_0640_refused(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(keyring_init_file(fx->path, fx->err,
	    sizeof(fx->err)), 0);
	assert_int_equal(chmod(fx->path, 0640), 0);
	assert_refused(fx, "mode 0640");
}

/* A keyring another user owns is refused, however tight its mode: whoever
 * owns it can rewrite its keys. Making such a file takes root (chown); as
 * another user the test is skipped. */
static void
test_other_owner_refused(void **state)
{
	struct fx *fx = *state;
	uid_t other = geteuid() == 65534 ? 65533 : 65534;

	assert_int_equal(keyring_init_file(fx->path, fx->err,
	    sizeof(fx->err)), 0);
	if (chown(fx->path, other, (gid_t)-1) != 0)
		skip();
	assert_refused(fx, "owned by uid 6553");
	assert_non_null(strstr(fx->err, "must be owned by the user"));
	assert_int_equal(chmod(fx->path, 0400), 0);
	assert_refused(fx, "owned by uid 6553");
}

static void
test_mode_0400_accepted(void **state)
{
	struct fx *fx = *state;
	struct keyring *kr;

	assert_int_equal(keyring_init_file(fx->path, fx->err,
	    sizeof(fx->err)), 0);
	assert_int_equal(chmod(fx->path, 0400), 0);
	assert_int_equal(keyring_load(fx->path, &kr, fx->err, sizeof(fx->err)),
	    0);
	keyring_free(kr);
}

static void
test_no_active_kek_refused(void **state)
{
	struct fx *fx = *state;
	char k[B64_SIZE], line[128];

	random_b64(k);
	snprintf(line, sizeof(line), "kek k1 %s\n", k);
	write_keyring(fx->path, line, 0600);
	assert_refused(fx, "no active kek");
}

static void
test_two_active_keks_refused(void **state)
{
	struct fx *fx = *state;
	char k1[B64_SIZE], k2[B64_SIZE], lines[256];

	random_b64(k1);
	random_b64(k2);
	snprintf(lines, sizeof(lines), "kek k1 %s active\nkek k2 %s active\n",
	    k1, k2);
	write_keyring(fx->path, lines, 0600);
	assert_refused(fx, "more than one active kek (lines 2 and 3)");
}

static void
test_no_kek_refused(void **state)
{
	struct fx *fx = *state;

	write_keyring(fx->path, "", 0600);
	assert_refused(fx, "no kek");
}

static void
test_bad_base64_refused(void **state)
{
	struct fx *fx = *state;

	write_keyring(fx->path, "kek k1 not*base64*at*all active\n", 0600);
	assert_refused(fx, "line 2: bad base64");
}

static void
test_short_key_refused(void **state)
{
	struct fx *fx = *state;
	unsigned char k[16] = { 0 };
	char b64[64], line[128];

	sodium_bin2base64(b64, sizeof(b64), k, sizeof(k),
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(line, sizeof(line), "kek k1 %s active\n", b64);
	write_keyring(fx->path, line, 0600);
	assert_refused(fx, "line 2: wrong key length 16, must be 32 bytes");
}

static void
test_long_key_refused(void **state)
{
	struct fx *fx = *state;
	unsigned char k[48] = { 0 };
	char b64[80], line[128];

	sodium_bin2base64(b64, sizeof(b64), k, sizeof(k),
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(line, sizeof(line), "kek k1 %s active\n", b64);
	write_keyring(fx->path, line, 0600);
	assert_refused(fx, "line 2: wrong key length");
}

static void
test_duplicate_id_refused(void **state)
{
	struct fx *fx = *state;
	char k1[B64_SIZE], k2[B64_SIZE], lines[256];

	random_b64(k1);
	random_b64(k2);
	snprintf(lines, sizeof(lines), "kek k1 %s active\nkek k1 %s\n", k1, k2);
	write_keyring(fx->path, lines, 0600);
	assert_refused(fx, "line 3: duplicate id 'k1'");
}

static void
test_id_shared_across_types_refused(void **state)
{
	struct fx *fx = *state;
	char k1[B64_SIZE], lines[256];

	random_b64(k1);
	snprintf(lines, sizeof(lines), "kek b1 %s active\n", k1);
	write_keyring(fx->path, lines, 0600);
	assert_refused(fx, "line 3: duplicate id 'b1'");
}

static void
test_bad_header_refused(void **state)
{
	struct fx *fx = *state;

	write_file(fx->path, "permitd-keyring v2\n", 0600);
	assert_refused(fx, "bad header");
}

static void
test_empty_file_refused(void **state)
{
	struct fx *fx = *state;

	write_file(fx->path, "", 0600);
	assert_refused(fx, "empty");
}

static void
test_oversized_file_refused(void **state)
{
	struct fx *fx = *state;
	char *text = malloc(KEYRING_FILE_MAX + 2);

	assert_non_null(text);
	memcpy(text, "permitd-keyring v1\n", 19);
	memset(text + 19, '#', KEYRING_FILE_MAX + 1 - 19);
	text[KEYRING_FILE_MAX + 1] = '\0';
	write_file(fx->path, text, 0600);
	free(text);
	assert_refused(fx, "larger than 65536 bytes");
}

static void
test_unknown_entry_refused(void **state)
{
	struct fx *fx = *state;
	char k[B64_SIZE], lines[256];

	random_b64(k);
	snprintf(lines, sizeof(lines), "kek k1 %s active\nhmac h1 %s\n", k, k);
	write_keyring(fx->path, lines, 0600);
	assert_refused(fx, "line 3: unknown entry type");
}

static void
test_bad_id_refused(void **state)
{
	struct fx *fx = *state;
	char k[B64_SIZE], lines[256];

	random_b64(k);
	snprintf(lines, sizeof(lines), "kek k/1 %s active\n", k);
	write_keyring(fx->path, lines, 0600);
	assert_refused(fx, "line 2: bad id");
}

static void
test_trailing_word_refused(void **state)
{
	struct fx *fx = *state;
	char k[B64_SIZE], lines[256];

	random_b64(k);
	snprintf(lines, sizeof(lines), "kek k1 %s activ\n", k);
	write_keyring(fx->path, lines, 0600);
	assert_refused(fx, "line 2: unexpected 'activ'");
}

static void
test_control_byte_refused(void **state)
{
	struct fx *fx = *state;
	char k[B64_SIZE], lines[256];

	random_b64(k);
	snprintf(lines, sizeof(lines), "kek k1 %s active\r\n", k);
	write_keyring(fx->path, lines, 0600);
	assert_refused(fx, "line 2: unexpected byte 0x0d");
}

static void
test_missing_token_key_refused(void **state)
{
	struct fx *fx = *state;
	char k[B64_SIZE], b[B64_SIZE], text[256];

	random_b64(k);
	random_b64(b);
	snprintf(text, sizeof(text), "permitd-keyring v1\nkek k1 %s active\n"
	    "bidx b1 %s\n", k, b);
	write_file(fx->path, text, 0600);
	assert_refused(fx, "no token key");
}

static void
test_comments_blanks_and_order_accepted(void **state)
{
	struct fx *fx = *state;
	char k1[B64_SIZE], k2[B64_SIZE], b[B64_SIZE], t[B64_SIZE];
	char text[512];
	struct keyring *kr;

	random_b64(k1);
	random_b64(k2);
	random_b64(b);
	random_b64(t);
	snprintf(text, sizeof(text), "permitd-keyring v1\n# a comment\n\n"
	    "token t1 %s\n  kek old %s\nkek\tnew\t%s\tactive\nbidx b1 %s",
	    t, k1, k2, b);
	write_file(fx->path, text, 0600);
	assert_int_equal(keyring_load(fx->path, &kr, fx->err, sizeof(fx->err)),
	    0);
	assert_int_equal(keyring_kek_count(kr), 2);
	assert_string_equal(keyring_kek_id(kr, 0), "old");
	assert_string_equal(keyring_active_kek_id(kr), "new");
	assert_null(keyring_kek_id(kr, 2));
	keyring_free(kr);
}

/* Writing to a loaded keyring must fault: its memory is read-only. */
static void
test_loaded_keyring_is_read_only(void **state)
{
	struct fx *fx = *state;
	struct keyring *kr;
	int status;
	pid_t pid;

	assert_int_equal(keyring_init_file(fx->path, fx->err,
	    sizeof(fx->err)), 0);
	assert_int_equal(keyring_load(fx->path, &kr, fx->err, sizeof(fx->err)),
	    0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* cmocka (and ASan) catch SIGSEGV; the child must just die. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		*(volatile size_t *)&kr->nkek = 7;
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	keyring_free(kr);
}

static void
test_parse_from_memory(void **state)
{
	char k[B64_SIZE], b[B64_SIZE], t[B64_SIZE], text[256], err[256];
	struct keyring *kr;

	(void)state;
	random_b64(k);
	random_b64(b);
	random_b64(t);
	snprintf(text, sizeof(text), "permitd-keyring v1\nkek k1 %s active\n"
	    "bidx b1 %s\ntoken t1 %s\n", k, b, t);
	assert_int_equal(keyring_parse("mem", text, strlen(text), &kr, err,
	    sizeof(err)), 0);
	keyring_free(kr);
	assert_int_equal(keyring_parse("mem", text, 10, &kr, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "mem: bad header, expected `permitd-keyring "
	    "v1' on line 1");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_then_load_gives_k1_active),
		T(test_init_refuses_to_overwrite),
		T(test_missing_file_refused),
		T(test_mode_0644_refused),
		T(test_mode_0640_refused),
		T(test_mode_0400_accepted),
		T(test_other_owner_refused),
		T(test_no_active_kek_refused),
		T(test_two_active_keks_refused),
		T(test_no_kek_refused),
		T(test_bad_base64_refused),
		T(test_short_key_refused),
		T(test_long_key_refused),
		T(test_duplicate_id_refused),
		T(test_id_shared_across_types_refused),
		T(test_bad_header_refused),
		T(test_empty_file_refused),
		T(test_oversized_file_refused),
		T(test_unknown_entry_refused),
		T(test_bad_id_refused),
		T(test_trailing_word_refused),
		T(test_control_byte_refused),
		T(test_missing_token_key_refused),
		T(test_comments_blanks_and_order_accepted),
		T(test_loaded_keyring_is_read_only),
		T(test_parse_from_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
