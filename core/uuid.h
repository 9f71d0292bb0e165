/*
 * uuid — random record ids (docs/API.md, Conventions: ids are random UUIDs).
 *
 * Ids are made in C, not by the database, because a record's seals bind
 * its id (docs/DESIGN.md invariant 3) before the row is inserted.
 */
#ifndef PERMIT_CORE_UUID_H
#define PERMIT_CORE_UUID_H

#define UUID_LEN  36
#define UUID_SIZE (UUID_LEN + 1)

/* A version 4 (random, randombytes_buf) UUID in lower-case text,
 * NUL-terminated, into out. Never fails. */
void uuid_v4(char out[UUID_SIZE]);

#endif
