/*
 * cli/audit_write — the audit row of an operator's act (contract in cli.h),
 * written as permitd writes an admin's (app/audit.h): the head locked and
 * read (db/audit.h), the row placed after it, checked and hashed
 * (crypto/chain.h), then inserted, all in the act's transaction, so
 * `permitctl audit verify` checks it like any other row.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "crypto/chain.h"
#include "db/audit.h"
#include "db/db.h"

#define CLI_AUDIT_ACTOR_KIND "cli"

/* The INSERT's parameters for `row` and its hash; `seq` holds the text. */
static void
cli_audit_params(const struct chain_row *row,
    const unsigned char hash[CHAIN_HASH_BYTES], char seq[24],
    struct db_param p[DB_NCOLS(AUDIT_INSERT)])
{
	snprintf(seq, 24, "%lld", row->seq);
	p[DB_COL(AUDIT_INSERT, SEQ)] = DB_TEXT(seq);
	p[DB_COL(AUDIT_INSERT, AT)] = DB_TEXT(row->at);
	p[DB_COL(AUDIT_INSERT, ACTOR_KIND)] = DB_TEXT(row->actor_kind);
	p[DB_COL(AUDIT_INSERT, ACTOR)] = DB_TEXT(row->actor);
	p[DB_COL(AUDIT_INSERT, ACTION)] = DB_TEXT(row->action);
	p[DB_COL(AUDIT_INSERT, APPLICATION)] = DB_TEXT(row->application);
	p[DB_COL(AUDIT_INSERT, ACCOUNT)] = DB_TEXT(row->account);
	p[DB_COL(AUDIT_INSERT, DETAIL)] = DB_TEXT(row->detail);
	p[DB_COL(AUDIT_INSERT, PREV_HASH)] = DB_BYTES(row->prev,
	    CHAIN_HASH_BYTES);
	p[DB_COL(AUDIT_INSERT, HASH)] = DB_BYTES(hash, CHAIN_HASH_BYTES);
}

int
cli_audit_write(struct db *db, arena *a, const struct cli_audit_entry *e)
{
	struct db_param p[DB_NCOLS(AUDIT_INSERT)];
	unsigned char hash[CHAIN_HASH_BYTES];
	struct db_audit_head h;
	struct db_result *head;
	struct chain_row row;
	char seq[24];

	memset(&row, 0, sizeof(row));
	if (db_exec(db, a, DB_STMT_AUDIT_CTL_HEAD, NULL, 0, &head) != DB_OK)
		return -1;
	if (db_audit_head(head, a, &h) != 0 ||
	    chain_follow(&row, h.seq, h.hash, h.hash_len) != 0) {
		log_error("the audit chain's head is malformed");
		return -1;
	}
	row.at = h.at;
	row.actor_kind = CLI_AUDIT_ACTOR_KIND;
	row.actor = db_text(head, 0, DB_COL(AUDIT_CTL_HEAD, ACTOR));
	row.action = e->action;
	row.application = e->application;
	row.account = e->account;
	row.detail = e->detail;
	if (!chain_row_writable(&row) || chain_hash(&row, hash) != 0) {
		log_error("the audit row of %s by role %s breaks audit_log's "
		    "rules (a role must be a lower-case name to be an actor)",
		    e->action, row.actor != NULL ? row.actor : "?");
		return -1;
	}
	cli_audit_params(&row, hash, seq, p);
	if (db_exec(db, NULL, DB_STMT_AUDIT_CTL_INSERT, p, DB_NCOLS(AUDIT_INSERT),
	    NULL) != DB_OK)
		return -1;
	return 0;
}
