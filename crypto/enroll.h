/*
 * enroll — the secrets of a new account, made in one place for everyone who
 * creates one: permitd's registration and an admin's new staff
 * (app/accounts.c), and permitctl staff add (cli/staff.c), so an account
 * made by either opens, is found at sign-in and verifies alike.
 *
 * A new account gets a random id, its own DEK wrapped under the keyring's
 * active KEK, its email sealed under that DEK and found by a blind index
 * over the same field name, and an Argon2id hash of its password
 * (docs/DESIGN.md invariants 1-3 and 9). The account is its own owner: the
 * seals bind {table, id, id}. crypto/ knows no SQL: the caller names the
 * table and the field (db/sealed.h, db/sql/sealed_fields.h) and inserts the
 * row.
 */
#ifndef PERMIT_CRYPTO_ENROLL_H
#define PERMIT_CRYPTO_ENROLL_H

#include <stddef.h>

#include "core/arena.h"
#include "core/uuid.h"
#include "crypto/bidx.h"
#include "crypto/keyring.h"
#include "crypto/pw.h"
#include "crypto/seal.h"

/* Where an account's email is sealed: the binding's table and the field
 * name of its seal and of its blind index. Static strings. */
struct enroll_names {
	const char *table;
	const char *field;
};

/* Every column a new account's row needs but its role and office. */
struct enroll {
	char id[UUID_SIZE];
	unsigned char bidx[BIDX_BYTES];
	unsigned char wrapped[SEAL_WRAPPED_MAX];
	size_t wrapped_len;
	char kek_id[KEYRING_ID_SIZE];
	unsigned char *sealed;           /* the sealed email, in the caller's arena */
	size_t sealed_len;
	char pw_hash[PW_HASH_SIZE];
};

/*
 * A new account for `email` (already normalised: validate_email) and
 * password[0..password_len) (already judged: validate_password), hashed at
 * the given Argon2id limits, into *out (wipe it with enroll_wipe). 0, or
 * -1 (logged, nothing secret in the line) when a key or the hash cannot be
 * made.
 */
int enroll_new(const struct keyring *kr, const struct enroll_names *names,
    arena *a, const char *email, const char *password, size_t password_len,
    unsigned long long opslimit, size_t memlimit, struct enroll *out)
    __attribute__((warn_unused_result));

/* Wipes *e (the sealed bytes stay in the arena, wiped when it is). */
void enroll_wipe(struct enroll *e);

#endif
