/*
 * keyring_internal — the keyring's layout, for the files of crypto/ only.
 *
 * Nothing outside crypto/ includes this: other modules name keys by id and
 * never see key bytes.
 */
#ifndef PERMIT_CRYPTO_KEYRING_INTERNAL_H
#define PERMIT_CRYPTO_KEYRING_INTERNAL_H

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#include <sodium.h>

#include "crypto/keyring.h"

/* Keys in the files: standard base64 with padding. */
#define KEYRING_B64 sodium_base64_VARIANT_ORIGINAL
#define KEYRING_B64_SIZE sodium_base64_ENCODED_LEN(KEYRING_KEY_BYTES, KEYRING_B64)
/* One entry line: type, id, key, " active", newline; and a whole file. */
#define KEYRING_LINE_MAX (8 + KEYRING_ID_SIZE + KEYRING_B64_SIZE + 8)
#define KEYRING_TEXT_MAX (128 + (KEYRING_MAX_KEKS + 3) * KEYRING_LINE_MAX)

struct keyring_key {
	char id[KEYRING_ID_SIZE];
	unsigned char key[KEYRING_KEY_BYTES];
};

/* One sodium_malloc'd block; read-only once loaded. */
struct keyring {
	size_t nkek;
	size_t active;                    /* index into kek[] */
	struct keyring_key kek[KEYRING_MAX_KEKS];
	struct keyring_key bidx;
	struct keyring_key token;
	struct keyring_key pay;           /* id "" when the keyring has none */
};

/* What a file holds: the keyring (keyring.h's format) or its archive (the
 * same entries under KEYRING_ARCHIVE_HEADER, keks only, none active, maybe
 * none at all; `active` and bidx/token are unused). */
enum keyring_kind {
	KEYRING_RING,
	KEYRING_ARCHIVE
};

/* The KEK with id[0..idlen), or NULL. Valid as long as `kr`. */
const struct keyring_key *keyring_find_kek(const struct keyring *kr,
    const char *id, size_t idlen);

/*
 * Reads and parses the file of `kind` open on `fd` (checked as keyring_load
 * does: regular file, mode 0600 or 0400, size, format). `name` names it in
 * messages. The keyring comes back writable; the caller makes it read-only
 * or edits it. *mode gets the file's permission bits. 0, or -1 with err.
 */
int keyring_read_fd(const char *name, int fd, enum keyring_kind kind,
    struct keyring **out, mode_t *mode, char *err, size_t errlen);

/* snprintf into err[errlen] (NULL or 0 allowed); always returns -1. */
/*
 * Parses buf[0..len) as a keyring (KEYRING_RING) or an archive into a
 * sodium_malloc'd keyring, still writable; `name` names it in err.
 */
int keyring_parse_rw(const char *name, const char *buf, size_t len,
    enum keyring_kind kind, struct keyring **out, char *err, size_t errlen);

/* The file's text of `kr` as `kind`, into buf[cap] (guarded memory the
 * caller wipes); its length in *len. 0, or -1 when it does not fit. */
int keyring_format(const struct keyring *kr, enum keyring_kind kind,
    char *buf, size_t cap, size_t *len);

/* Formats kr as `kind`, writes it to fd and fsyncs. errno tells why on -1. */
int keyring_write_fd(int fd, const struct keyring *kr, enum keyring_kind kind);

/* fsync the directory holding `path`, so a rename or create is durable. */
void keyring_sync_dir(const char *path);

/* Writes `kr` as `kind` to a new file `path`, mode 0600, never over an
 * existing one; durable when it returns 0. -1 with err (nothing left). */
int keyring_create(const char *path, const struct keyring *kr,
    enum keyring_kind kind, char *err, size_t errlen);

/* What a change to the keyring and its archive works on: both files read,
 * the keyring locked until keyring_both_close(). */
struct keyring_both {
	const char *path;
	struct keyring *kr, *arch;
	mode_t mode, amode;
	char apath[PATH_MAX];
	int fd;
};

/* Locks the keyring at `path` and reads it and its archive (a missing
 * archive is an empty one). 0, or -1 with err and nothing held. */
int keyring_both_open(const char *path, struct keyring_both *b, char *err,
    size_t errlen);
void keyring_both_close(struct keyring_both *b);

int keyring_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
