/*
 * keyring_file — writing the keyring file and its archive: init, rotate,
 * retire, restore, purge.
 *
 * A new keyring is created with O_CREAT|O_EXCL, mode 0600. An existing one
 * is changed under an exclusive flock on the keyring, by writing a temporary
 * file in the same directory and renaming it over the old one, so a reader
 * sees either the old keyring or the new one, never half of either. The
 * archive is changed the same way, under the same (the keyring's) lock, so
 * one lock orders every change to either file.
 */
#include "crypto/keyring.h"
#include "crypto/keyring_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/log.h"


static int
keyring_append_key(char *buf, size_t cap, size_t *len, const char *type,
    const struct keyring_key *k, int active)
{
	char b64[KEYRING_B64_SIZE];
	int n;

	sodium_bin2base64(b64, sizeof(b64), k->key, KEYRING_KEY_BYTES,
	    KEYRING_B64);
	n = snprintf(buf + *len, cap - *len, "%s %s %s%s\n", type, k->id, b64,
	    active ? " active" : "");
	sodium_memzero(b64, sizeof(b64));
	if (n < 0 || (size_t)n >= cap - *len)
		return -1;
	*len += (size_t)n;
	return 0;
}

int
keyring_format(const struct keyring *kr, enum keyring_kind kind, char *buf,
    size_t cap, size_t *len)
{
	int n;

	if (kind == KEYRING_ARCHIVE)
		n = snprintf(buf, cap, "%s\n# Retired permitd keks, kept to open "
		    "old records and dumps. Mode 0600. Format: crypto/keyring.h. "
		    "Change with permitctl keys restore|purge.\n",
		    KEYRING_ARCHIVE_HEADER);
	else
		n = snprintf(buf, cap, "%s\n# permitd keys. Mode 0600. Format: "
		    "crypto/keyring.h. Change with permitctl keys.\n",
		    KEYRING_HEADER);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	*len = (size_t)n;
	for (size_t i = 0; i < kr->nkek; i++)
		if (keyring_append_key(buf, cap, len, "kek", &kr->kek[i],
		    kind == KEYRING_RING && i == kr->active) != 0)
			return -1;
	if (kind == KEYRING_ARCHIVE)
		return 0;
	if (keyring_append_key(buf, cap, len, "bidx", &kr->bidx, 0) != 0 ||
	    keyring_append_key(buf, cap, len, "token", &kr->token, 0) != 0)
		return -1;
	if (kr->pay.id[0] != '\0' &&
	    keyring_append_key(buf, cap, len, "pay", &kr->pay, 0) != 0)
		return -1;
	return 0;
}

static int
keyring_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int
keyring_write_fd(int fd, const struct keyring *kr, enum keyring_kind kind)
{
	char *buf;
	size_t len = 0;
	int rc = -1, saved;

	buf = sodium_malloc(KEYRING_TEXT_MAX);
	if (buf == NULL)
		return -1;
	if (keyring_format(kr, kind, buf, KEYRING_TEXT_MAX, &len) != 0) {
		errno = EOVERFLOW;
		goto out;
	}
	if (keyring_write_all(fd, buf, len) != 0 || fsync(fd) != 0)
		goto out;
	rc = 0;
out:
	saved = errno;
	sodium_free(buf);   /* wipes */
	errno = saved;
	return rc;
}

void
keyring_sync_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fsync(fd) != 0)
		log_warn("fsync %s: %s", dir, strerror(errno));
	close(fd);
}

int
keyring_init_file(const char *path, char *err, size_t errlen)
{
	struct keyring *kr;
	int rc;

	if (sodium_init() < 0) {
		log_error("sodium_init failed");
		return keyring_fail(err, errlen, "%s: libsodium failed to "
		    "initialise", path);
	}
	kr = sodium_malloc(sizeof(*kr));
	if (kr == NULL) {
		log_error("sodium_malloc failed");
		return keyring_fail(err, errlen, "%s: out of memory", path);
	}
	sodium_memzero(kr, sizeof(*kr));
	kr->nkek = 1;
	kr->active = 0;
	snprintf(kr->kek[0].id, KEYRING_ID_SIZE, "k1");
	snprintf(kr->bidx.id, KEYRING_ID_SIZE, "b1");
	snprintf(kr->token.id, KEYRING_ID_SIZE, "t1");
	snprintf(kr->pay.id, KEYRING_ID_SIZE, "p1");
	randombytes_buf(kr->pay.key, KEYRING_KEY_BYTES);
	randombytes_buf(kr->kek[0].key, KEYRING_KEY_BYTES);
	randombytes_buf(kr->bidx.key, KEYRING_KEY_BYTES);
	randombytes_buf(kr->token.key, KEYRING_KEY_BYTES);

	rc = keyring_create(path, kr, KEYRING_RING, err, errlen);
	sodium_free(kr);
	return rc;
}

int
keyring_create(const char *path, const struct keyring *kr,
    enum keyring_kind kind, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);

	if (fd < 0) {
		if (errno == EEXIST)
			return keyring_fail(err, errlen, "%s: already exists, "
			    "not overwritten", path);
		return keyring_fail(err, errlen, "%s: %s", path, strerror(errno));
	}
	/* The umask may have taken bits away; never leave it more open. */
	if (fchmod(fd, 0600) != 0 || keyring_write_fd(fd, kr, kind) != 0) {
		keyring_fail(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd) != 0) {
		keyring_fail(err, errlen, "%s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	keyring_sync_dir(path);
	return 0;
}

/*
 * Opens `path` and takes an exclusive flock on it. A concurrent writer may
 * have renamed a new file over it meanwhile; then the lock is on a stale
 * inode, so retry on the current one.
 */
static int
keyring_lock(const char *path, int *fdp, char *err, size_t errlen)
{
	struct stat a, b;
	int fd;

	for (;;) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			if (errno == ENOENT)
				return keyring_fail(err, errlen, "%s: missing "
				    "(create it with `permitctl keys init')",
				    path);
			return keyring_fail(err, errlen, "%s: %s", path,
			    strerror(errno));
		}
		if (flock(fd, LOCK_EX) != 0) {
			keyring_fail(err, errlen, "%s: lock: %s", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			break;
		close(fd);
	}
	*fdp = fd;
	return 0;
}

/* Writes kr as `kind` to a temporary file beside `path` and renames it
 * over. */
static int
keyring_replace(const char *path, const struct keyring *kr,
    enum keyring_kind kind, mode_t mode, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	int fd, n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return keyring_fail(err, errlen, "%s: path too long", path);
	fd = mkstemp(tmp);   /* mode 0600 */
	if (fd < 0)
		return keyring_fail(err, errlen, "%s: cannot create temporary "
		    "file: %s", path, strerror(errno));
	if (keyring_write_fd(fd, kr, kind) != 0 || fchmod(fd, mode) != 0) {
		keyring_fail(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		keyring_fail(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	keyring_sync_dir(path);
	return 0;
}

/* The highest N of the kN ids among kr's KEKs, or `max` if higher. */
static unsigned long
keyring_highest_kn(const struct keyring *kr, unsigned long max)
{
	for (size_t i = 0; i < kr->nkek; i++) {
		const char *s = kr->kek[i].id;
		char *end;
		unsigned long v;

		if (s[0] != 'k' || s[1] < '0' || s[1] > '9')
			continue;
		errno = 0;
		v = strtoul(s + 1, &end, 10);
		if (*end == '\0' && errno == 0 && v > max)
			max = v;
	}
	return max;
}

/* The next kN: one more than the highest kN in the keyring and in its
 * archive, whose ids stay taken (records and dumps name them). */
static int
keyring_next_kek_id(const struct keyring *kr, const struct keyring *arch,
    char id[KEYRING_ID_SIZE])
{
	unsigned long max = keyring_highest_kn(arch, keyring_highest_kn(kr, 0));

	/* Never reuse an id still named in a file (bidx, token included). */
	for (unsigned long v = max + 1; v < max + 1 + 2 * KEYRING_MAX_KEKS;
	    v++) {
		snprintf(id, KEYRING_ID_SIZE, "k%lu", v);
		if (keyring_find_kek(kr, id, strlen(id)) == NULL &&
		    keyring_find_kek(arch, id, strlen(id)) == NULL &&
		    strcmp(kr->bidx.id, id) != 0 && strcmp(kr->token.id, id) != 0 &&
		    strcmp(kr->pay.id, id) != 0)
			return 0;
	}
	return -1;
}

/*
 * Opens the keyring at `path` for a change: locked (until *fd is closed),
 * read and parsed into *kr with its file mode in *mode. 0, or -1 with the
 * reason in err and nothing left open.
 */
static int
keyring_edit_open(const char *path, struct keyring **kr, mode_t *mode,
    int *fd, char *err, size_t errlen)
{
	*kr = NULL;
	if (sodium_init() < 0) {
		log_error("sodium_init failed");
		return keyring_fail(err, errlen, "%s: libsodium failed to "
		    "initialise", path);
	}
	if (keyring_lock(path, fd, err, errlen) != 0)
		return -1;
	if (keyring_read_fd(path, *fd, KEYRING_RING, kr, mode, err,
	    errlen) != 0) {
		close(*fd);
		return -1;
	}
	return 0;
}

int
keyring_archive_path(const char *path, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s%s", path, KEYRING_ARCHIVE_SUFFIX);

	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* An empty archive, writable, to be written with mode 0600. */
static int
keyring_archive_empty(const char *name, struct keyring **arch, mode_t *mode,
    char *err, size_t errlen)
{
	*arch = sodium_malloc(sizeof(**arch));
	if (*arch == NULL) {
		log_error("sodium_malloc failed");
		return keyring_fail(err, errlen, "%s: out of memory", name);
	}
	sodium_memzero(*arch, sizeof(**arch));
	*mode = 0600;
	return 0;
}

/*
 * Reads the archive of the keyring at `path` (the caller holds the
 * keyring's lock when it means to change it) into *arch, writable, its
 * path into apath[PATH_MAX] and its mode into *mode. A missing archive is
 * an empty one. 0, or -1 with err.
 */
static int
keyring_archive_read(const char *path, char apath[PATH_MAX],
    struct keyring **arch, mode_t *mode, char *err, size_t errlen)
{
	int fd, rc;

	*arch = NULL;
	if (keyring_archive_path(path, apath, PATH_MAX) != 0)
		return keyring_fail(err, errlen, "%s: path too long", path);
	fd = open(apath, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return keyring_archive_empty(apath, arch, mode, err, errlen);
	if (fd < 0)
		return keyring_fail(err, errlen, "%s: %s", apath, strerror(errno));
	rc = keyring_read_fd(apath, fd, KEYRING_ARCHIVE, arch, mode, err, errlen);
	close(fd);
	return rc;
}

/* The index of KEK `id` in kr, or -1. */
static long
keyring_kek_index(const struct keyring *kr, const char *id)
{
	for (size_t i = 0; i < kr->nkek; i++)
		if (strcmp(kr->kek[i].id, id) == 0)
			return (long)i;
	return -1;
}

/* Removes (and wipes) kr's KEK at index i, keeping `active` on its key. */
static void
keyring_kek_remove(struct keyring *kr, size_t i)
{
	memmove(&kr->kek[i], &kr->kek[i + 1],
	    (kr->nkek - i - 1) * sizeof(kr->kek[0]));
	kr->nkek--;
	sodium_memzero(&kr->kek[kr->nkek], sizeof(kr->kek[0]));
	if (kr->active > i)
		kr->active--;
}

/* Appends a copy of `k` to kr's KEKs. 0, or -1 when kr is full. */
static int
keyring_kek_append(struct keyring *kr, const struct keyring_key *k)
{
	if (kr->nkek == KEYRING_MAX_KEKS)
		return -1;
	memcpy(&kr->kek[kr->nkek++], k, sizeof(*k));
	return 0;
}

int
keyring_both_open(const char *path, struct keyring_both *b, char *err,
    size_t errlen)
{
	b->path = path;
	b->arch = NULL;
	if (keyring_edit_open(path, &b->kr, &b->mode, &b->fd, err, errlen) != 0)
		return -1;
	if (keyring_archive_read(path, b->apath, &b->arch, &b->amode, err,
	    errlen) != 0) {
		keyring_free(b->kr);
		close(b->fd);
		return -1;
	}
	return 0;
}

void
keyring_both_close(struct keyring_both *b)
{
	keyring_free(b->arch);
	keyring_free(b->kr);
	close(b->fd);   /* releases the lock */
}

/* Writes the keyring, or the archive, of `b` back to its file. */
static int
keyring_both_save_ring(const struct keyring_both *b, char *err, size_t errlen)
{
	return keyring_replace(b->path, b->kr, KEYRING_RING, b->mode, err,
	    errlen);
}

static int
keyring_both_save_archive(const struct keyring_both *b, char *err,
    size_t errlen)
{
	return keyring_replace(b->apath, b->arch, KEYRING_ARCHIVE, b->amode, err,
	    errlen);
}

/* The index of archived kek `id`, or -1 with err. */
static long
keyring_archived(const struct keyring_both *b, const char *id, char *err,
    size_t errlen)
{
	long i = keyring_kek_index(b->arch, id);

	if (i < 0)
		keyring_fail(err, errlen, "%s: no archived kek '%s'", b->apath, id);
	return i;
}

/* The refusal of a kek more in a full keyring; always -1. */
static int
keyring_ring_full(const struct keyring_both *b, char *err, size_t errlen)
{
	return keyring_fail(err, errlen, "%s: already %d keks; retire one "
	    "first", b->path, KEYRING_MAX_KEKS);
}

/* One change to the keyring and its archive, made on both files read and
 * under the keyring's lock; `id` names the kek it is about (NULL for a
 * rotation). 0, or -1 with err. */
typedef int keyring_change_fn(struct keyring_both *b, const char *id,
    char *err, size_t errlen);

/* Makes the change `fn` to the keyring at `path` and its archive. With
 * `active` not NULL, it gets the active kek's id after a change that
 * succeeded. 0, or -1 with err. */
static int
keyring_change(const char *path, keyring_change_fn *fn, const char *id,
    char active[KEYRING_ID_SIZE], char *err, size_t errlen)
{
	struct keyring_both b;
	int rc;

	if (keyring_both_open(path, &b, err, errlen) != 0)
		return -1;
	rc = fn(&b, id, err, errlen);
	if (rc == 0 && active != NULL)
		snprintf(active, KEYRING_ID_SIZE, "%s", b.kr->kek[b.kr->active].id);
	keyring_both_close(&b);
	return rc;
}

static int
keyring_rotate_both(struct keyring_both *b, const char *id, char *err,
    size_t errlen)
{
	struct keyring *kr = b->kr;

	(void)id;
	if (kr->nkek == KEYRING_MAX_KEKS)
		return keyring_ring_full(b, err, errlen);
	if (keyring_next_kek_id(kr, b->arch, kr->kek[kr->nkek].id) != 0)
		return keyring_fail(err, errlen, "%s: no free kek id", b->path);
	randombytes_buf(kr->kek[kr->nkek].key, KEYRING_KEY_BYTES);
	kr->active = kr->nkek++;
	return keyring_both_save_ring(b, err, errlen);
}

static int
keyring_add_payment_both(struct keyring_both *b, const char *id, char *err,
    size_t errlen)
{
	struct keyring *kr = b->kr;

	(void)id;
	if (kr->pay.id[0] != '\0')
		return keyring_fail(err, errlen, "%s: already has payment key "
		    "%s", b->path, kr->pay.id);
	if (keyring_find_kek(kr, "p1", 2) != NULL ||
	    keyring_find_kek(b->arch, "p1", 2) != NULL ||
	    strcmp(kr->bidx.id, "p1") == 0 || strcmp(kr->token.id, "p1") == 0)
		return keyring_fail(err, errlen, "%s: the id p1 is taken",
		    b->path);
	snprintf(kr->pay.id, KEYRING_ID_SIZE, "p1");
	randombytes_buf(kr->pay.key, KEYRING_KEY_BYTES);
	return keyring_both_save_ring(b, err, errlen);
}

int
keyring_add_payment_key(const char *path, char *err, size_t errlen)
{
	return keyring_change(path, keyring_add_payment_both, NULL, NULL, err,
	    errlen);
}

int
keyring_payment_key_base64(const struct keyring *kr, char *out, size_t outlen)
{
	if (kr->pay.id[0] == '\0' || outlen < KEYRING_B64_SIZE)
		return -1;
	sodium_bin2base64(out, outlen, kr->pay.key, KEYRING_KEY_BYTES,
	    KEYRING_B64);
	return 0;
}

int
keyring_rotate(const char *path, char new_id[KEYRING_ID_SIZE], char *err,
    size_t errlen)
{
	return keyring_change(path, keyring_rotate_both, NULL, new_id, err,
	    errlen);
}

/* Puts kek `k` into the archive unless it holds that very key already.
 * 0, or -1 with err (another key under the id, or a full archive). */
static int
keyring_archive_add(struct keyring_both *b, const struct keyring_key *k,
    char *err, size_t errlen)
{
	long j = keyring_kek_index(b->arch, k->id);

	if (j >= 0) {
		if (sodium_memcmp(b->arch->kek[j].key, k->key,
		    KEYRING_KEY_BYTES) == 0)
			return 0;
		return keyring_fail(err, errlen, "%s: holds another key under "
		    "id '%s'; not overwritten", b->apath, k->id);
	}
	if (keyring_kek_append(b->arch, k) != 0)
		return keyring_fail(err, errlen, "%s: already %d keks; purge one "
		    "first", b->apath, KEYRING_MAX_KEKS);
	return 0;
}

static int
keyring_retire_both(struct keyring_both *b, const char *id, char *err,
    size_t errlen)
{
	long i;

	if ((i = keyring_kek_index(b->kr, id)) < 0)
		return keyring_fail(err, errlen, "%s: no kek '%s'", b->path, id);
	if ((size_t)i == b->kr->active)
		return keyring_fail(err, errlen, "%s: kek '%s' is the active one; "
		    "rotate first", b->path, id);
	/* Archive first: the key is never in neither file. */
	if (keyring_archive_add(b, &b->kr->kek[i], err, errlen) != 0 ||
	    keyring_both_save_archive(b, err, errlen) != 0)
		return -1;
	keyring_kek_remove(b->kr, (size_t)i);
	return keyring_both_save_ring(b, err, errlen);
}

int
keyring_retire(const char *path, const char *id, char *err, size_t errlen)
{
	return keyring_change(path, keyring_retire_both, id, NULL, err, errlen);
}

static int
keyring_restore_both(struct keyring_both *b, const char *id, char *err,
    size_t errlen)
{
	long i;

	if ((i = keyring_archived(b, id, err, errlen)) < 0)
		return -1;
	if (keyring_kek_index(b->kr, id) >= 0)
		return keyring_fail(err, errlen, "%s: already holds kek '%s'",
		    b->path, id);
	/* Keyring first: the key is never in neither file. */
	if (keyring_kek_append(b->kr, &b->arch->kek[i]) != 0)
		return keyring_ring_full(b, err, errlen);
	if (keyring_both_save_ring(b, err, errlen) != 0)
		return -1;
	keyring_kek_remove(b->arch, (size_t)i);
	return keyring_both_save_archive(b, err, errlen);
}

int
keyring_restore(const char *path, const char *id, char *err, size_t errlen)
{
	return keyring_change(path, keyring_restore_both, id, NULL, err, errlen);
}

static int
keyring_purge_both(struct keyring_both *b, const char *id, char *err,
    size_t errlen)
{
	long i;

	if ((i = keyring_archived(b, id, err, errlen)) < 0)
		return -1;
	keyring_kek_remove(b->arch, (size_t)i);
	return keyring_both_save_archive(b, err, errlen);
}

int
keyring_purge(const char *path, const char *id, char *err, size_t errlen)
{
	return keyring_change(path, keyring_purge_both, id, NULL, err, errlen);
}

int
keyring_archive_ids(const char *path, char ids[][KEYRING_ID_SIZE],
    size_t max, size_t *n, char *err, size_t errlen)
{
	char apath[PATH_MAX];
	struct keyring *arch;
	mode_t mode;

	*n = 0;
	if (sodium_init() < 0)
		return keyring_fail(err, errlen, "%s: libsodium failed to "
		    "initialise", path);
	/* No lock: the archive is replaced by rename, never written in place. */
	if (keyring_archive_read(path, apath, &arch, &mode, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < arch->nkek && *n < max; i++)
		snprintf(ids[(*n)++], KEYRING_ID_SIZE, "%s", arch->kek[i].id);
	keyring_free(arch);
	return 0;
}
