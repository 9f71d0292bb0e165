/*
 * keyring_bundle — the keyring and its archive as one text, for a sealed
 * backup (contract in keyring.h).
 */
#include "crypto/keyring.h"
#include "crypto/keyring_internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEYRING_BUNDLE_MAX (2 * KEYRING_TEXT_MAX)

int
keyring_bundle_export(const char *path, char **text, size_t *len, char *err,
    size_t errlen)
{
	struct keyring_both b;
	size_t rn = 0, an = 0;
	char *buf;

	*text = NULL;
	if (sodium_init() < 0)
		return keyring_fail(err, errlen, "libsodium failed to initialise");
	if ((buf = sodium_malloc(KEYRING_BUNDLE_MAX + 1)) == NULL)
		return keyring_fail(err, errlen, "%s: out of memory", path);
	if (keyring_both_open(path, &b, err, errlen) != 0) {
		sodium_free(buf);
		return -1;
	}
	if (keyring_format(b.kr, KEYRING_RING, buf, KEYRING_TEXT_MAX, &rn) != 0 ||
	    keyring_format(b.arch, KEYRING_ARCHIVE, buf + rn, KEYRING_TEXT_MAX,
	    &an) != 0) {
		keyring_both_close(&b);
		sodium_free(buf);
		return keyring_fail(err, errlen, "%s: too many keys", path);
	}
	keyring_both_close(&b);
	buf[rn + an] = '\0';
	*text = buf;
	*len = rn + an;
	return 0;
}

/* Where the archive's text starts in text[0..len): at the line that is
 * its header. len when there is none. */
static size_t
keyring_bundle_split(const char *text, size_t len)
{
	size_t hn = strlen(KEYRING_ARCHIVE_HEADER);

	for (size_t i = 0; i + hn <= len; i++) {
		if ((i == 0 || text[i - 1] == '\n') &&
		    memcmp(text + i, KEYRING_ARCHIVE_HEADER, hn) == 0 &&
		    (i + hn == len || text[i + hn] == '\n'))
			return i;
	}
	return len;
}

int
keyring_bundle_import(const char *path, const char *text, size_t len,
    char *err, size_t errlen)
{
	struct keyring *kr = NULL, *arch = NULL;
	char apath[PATH_MAX];
	struct stat st;
	size_t split = keyring_bundle_split(text, len);
	int rc = -1;

	if (sodium_init() < 0)
		return keyring_fail(err, errlen, "libsodium failed to initialise");
	if (keyring_archive_path(path, apath, sizeof(apath)) != 0)
		return keyring_fail(err, errlen, "%s: path too long", path);
	if (lstat(apath, &st) == 0)
		return keyring_fail(err, errlen, "%s: already exists, not "
		    "overwritten", apath);
	if (keyring_parse_rw("the backup's keyring", text, split, KEYRING_RING,
	    &kr, err, errlen) != 0)
		return -1;
	if (split < len && keyring_parse_rw("the backup's archive", text + split,
	    len - split, KEYRING_ARCHIVE, &arch, err, errlen) != 0)
		goto out;
	if (keyring_create(path, kr, KEYRING_RING, err, errlen) != 0)
		goto out;
	if (arch != NULL &&
	    keyring_create(apath, arch, KEYRING_ARCHIVE, err, errlen) != 0) {
		unlink(path);
		keyring_sync_dir(path);
		goto out;
	}
	rc = 0;
out:
	keyring_free(arch);
	keyring_free(kr);
	return rc;
}

void
keyring_bundle_free(char *text)
{
	sodium_free(text);   /* wipes */
}
