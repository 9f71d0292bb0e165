/*
 * audit — the audit trail's head as its writers read it: permitd with
 * DB_STMT_AUDIT_HEAD (db/sql/audit.def), permitctl with
 * DB_STMT_AUDIT_CTL_HEAD (db/sql/ctl/audit.def), whose first columns are
 * the same list. One reading of that row for both, so a row permitctl
 * writes follows the chain exactly as permitd's do (migrations/0014,
 * app/audit.h, cli/audit_write.c). Knows no hash: crypto/chain.h places the
 * new row after this head and hashes it.
 */
#ifndef PERMIT_DB_AUDIT_H
#define PERMIT_DB_AUDIT_H

#include <stddef.h>

#include "core/arena.h"
#include "db/db.h"

/* The chain's head and the new row's time. */
struct db_audit_head {
	long long seq;               /* the last row's place; 0 while empty */
	const char *at;              /* the new row's time, permit_audit_at's
	                              * text, in the arena */
	const unsigned char *hash;   /* the last row's hash, hash_len bytes,
	                              * in the arena */
	size_t hash_len;
};

/*
 * The head statement's one row in `head` into *out, its strings copied
 * into `a` (so *out outlives `head`, until `a` is reset). 0, or -1 when
 * `head` is not that one row (a NULL, a bad number or hash): the caller
 * logs and writes no row. The hash's length is the caller's to judge
 * (chain_follow).
 */
int db_audit_head(const struct db_result *head, arena *a,
    struct db_audit_head *out) __attribute__((warn_unused_result));

#endif
