/*
 * audit — the chain's head as both writers read it (contract in audit.h).
 */
#include "db/audit.h"

int
db_audit_head(const struct db_result *head, arena *a,
    struct db_audit_head *out)
{
	const unsigned char *hash;
	const char *at;
	long long seq;
	size_t len;

	if (head == NULL || db_rows(head) != 1 ||
	    db_int64(head, 0, DB_COL(AUDIT_HEAD, SEQ), &seq) != 0 ||
	    (at = db_text(head, 0, DB_COL(AUDIT_HEAD, AT))) == NULL ||
	    db_bytes(head, a, 0, DB_COL(AUDIT_HEAD, HASH), &hash, &len) != 0)
		return -1;
	out->seq = seq;
	out->at = arena_strdup(a, at);
	out->hash = hash;
	out->hash_len = len;
	return 0;
}
