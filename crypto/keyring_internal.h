/*
 * keyring_internal — the keyring's layout, for the files of crypto/ only.
 *
 * Nothing outside crypto/ includes this: other modules name keys by id and
 * never see key bytes.
 */
#ifndef PERMIT_CRYPTO_KEYRING_INTERNAL_H
#define PERMIT_CRYPTO_KEYRING_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#include "crypto/keyring.h"

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
int keyring_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
