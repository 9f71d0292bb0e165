/*
 * audit — a row of the audit trail for the handler's last flight (contract
 * in audit.h). The head is read as permitctl reads it (db/audit.h), the
 * row placed after it, checked against the rules the database holds it to
 * and hashed as permitctl's are (crypto/chain.h: chain_follow,
 * chain_row_writable, chain_hash), so both writers extend one chain alike.
 */
#include "app/audit.h"

#include <string.h>

#include "core/log.h"
#include "db/audit.h"

#define APP_AUDIT_ACTOR_KIND "account"
#define APP_AUDIT_SYSTEM_KIND "system"

/* What the INSERT's parameters point to, in the request's arena. */
struct app_audit_row {
	unsigned char prev[CHAIN_HASH_BYTES];
	unsigned char hash[CHAIN_HASH_BYTES];
	struct db_param params[DB_NCOLS(AUDIT_INSERT)];
};

/* A copy of `s` in the arena; NULL stays NULL. */
static const char *
app_audit_dup(arena *a, const char *s)
{
	return s != NULL ? arena_strdup(a, s) : NULL;
}

/* `action` when it is within its rules, so the log line shows nothing
 * else; "?" otherwise. */
static const char *
app_audit_action_name(const char *action)
{
	const struct chain_row probe = { .seq = 1, .at = "",
	    .actor_kind = "system", .actor = "permitd", .action = action };

	return chain_row_writable(&probe) ? action : "?";
}

/* The INSERT's parameters for `row` (its texts already in the arena; a
 * NULL text is SQL NULL). */
static void
app_audit_params(arena *a, const struct chain_row *row, struct app_audit_row *r)
{
	struct db_param *p = r->params;

	p[DB_COL(AUDIT_INSERT, SEQ)] = DB_TEXT(arena_printf(a, "%lld", row->seq));
	p[DB_COL(AUDIT_INSERT, AT)] = DB_TEXT(row->at);
	p[DB_COL(AUDIT_INSERT, ACTOR_KIND)] = DB_TEXT(row->actor_kind);
	p[DB_COL(AUDIT_INSERT, ACTOR)] = DB_TEXT(row->actor);
	p[DB_COL(AUDIT_INSERT, ACTION)] = DB_TEXT(row->action);
	p[DB_COL(AUDIT_INSERT, APPLICATION)] = DB_TEXT(row->application);
	p[DB_COL(AUDIT_INSERT, ACCOUNT)] = DB_TEXT(row->account);
	p[DB_COL(AUDIT_INSERT, DETAIL)] = DB_TEXT(row->detail);
	memcpy(r->prev, row->prev, CHAIN_HASH_BYTES);
	p[DB_COL(AUDIT_INSERT, PREV_HASH)] = DB_BYTES(r->prev, CHAIN_HASH_BYTES);
	p[DB_COL(AUDIT_INSERT, HASH)] = DB_BYTES(r->hash, CHAIN_HASH_BYTES);
}

void
app_audit_prefetch(struct pipe_plan *plan)
{
	pipe_plan_add(plan, DB_STMT_AUDIT_HEAD, NULL, 0);
}

/* The row of `entry` by (actor_kind, actor) following `head`, as *out
 * (app_audit_add's contract). */
static enum app_audit_status
app_audit_call(arena *a, const struct db_result *head, const char *actor_kind,
    const char *actor, const struct app_audit_entry *entry,
    struct db_call *out)
{
	struct db_audit_head h;
	struct chain_row row;
	struct app_audit_row *r;

	memset(&row, 0, sizeof(row));
	if (db_audit_head(head, a, &h) != 0 ||
	    chain_follow(&row, h.seq, h.hash, h.hash_len) != 0) {
		log_error("the audit chain's head is malformed");
		return APP_AUDIT_BAD_HEAD;
	}
	row.at = h.at;
	row.actor_kind = actor_kind;
	row.actor = app_audit_dup(a, actor);
	row.action = app_audit_dup(a, entry->action);
	row.application = app_audit_dup(a, entry->application);
	row.account = app_audit_dup(a, entry->account);
	row.detail = app_audit_dup(a, entry->detail);
	r = arena_alloc(a, sizeof(*r));
	if (!chain_row_writable(&row) || chain_hash(&row, r->hash) != 0) {
		log_error("an audit entry breaks its rules (action %s)",
		    app_audit_action_name(entry->action));
		return APP_AUDIT_INVALID;
	}
	app_audit_params(a, &row, r);
	*out = (struct db_call){ DB_STMT_AUDIT_INSERT, r->params,
	    DB_NCOLS(AUDIT_INSERT), NULL, DB_ERROR };
	return APP_AUDIT_OK;
}

enum app_audit_status
app_audit_add(arena *a, const struct db_result *head,
    const struct pipe_principal *who, const struct app_audit_entry *entry,
    struct db_call *out)
{
	if (who == NULL || entry == NULL) {
		log_error("an audit entry without its principal or entry");
		return APP_AUDIT_INVALID;
	}
	return app_audit_call(a, head, APP_AUDIT_ACTOR_KIND, who->account_id,
	    entry, out);
}

enum app_audit_status
app_audit_add_system(arena *a, const struct db_result *head,
    const struct app_audit_entry *entry, struct db_call *out)
{
	if (entry == NULL) {
		log_error("an audit entry without its entry");
		return APP_AUDIT_INVALID;
	}
	return app_audit_call(a, head, APP_AUDIT_SYSTEM_KIND,
	    APP_AUDIT_SYSTEM_ACTOR, entry, out);
}

enum pipe_status
app_audit_commit(struct pipe_ctx *ctx, const struct pipe_request *req,
    const struct pipe_principal *who, int head_index,
    const struct app_audit_entry *entry, struct db_call *calls, int n,
    struct pipe_response *res)
{
	struct db_result *head;
	enum pipe_status st;

	if ((st = pipe_prefetched(req, head_index, &head)) != PIPE_NEXT)
		return st;
	if (app_audit_add(req->arena, head, who, entry, &calls[n]) !=
	    APP_AUDIT_OK)
		return pipe_internal(res);
	return pipe_commit(ctx, req, calls, n + 1);
}
