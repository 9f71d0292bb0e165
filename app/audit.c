/*
 * audit — a row of the audit trail for the handler's last flight (contract
 * in audit.h). The entry is checked here against the rules the database
 * holds the row to, and the ids against their canonical form, because the
 * hash covers the text permitd sends and `permitctl audit verify` hashes
 * the text the database returns: a UUID in upper case would be stored in
 * lower case and its row would read as edited.
 */
#include "app/audit.h"

#include <limits.h>
#include <string.h>

#include "core/validate.h"
#include "core/log.h"
#include "crypto/chain.h"

#define APP_AUDIT_ACTOR_KIND "account"
#define APP_AUDIT_SYSTEM_KIND "system"

/* What the INSERT's parameters point to, in the request's arena. */
struct app_audit_row {
	unsigned char prev[CHAIN_HASH_BYTES];
	unsigned char hash[CHAIN_HASH_BYTES];
	struct db_param params[DB_NCOLS(AUDIT_INSERT)];
};

static int
app_audit_action_ok(const char *s)
{
	size_t n;

	if (s == NULL || !(s[0] >= 'a' && s[0] <= 'z'))
		return 0;
	n = strnlen(s, APP_AUDIT_ACTION_MAX + 1);
	return n <= APP_AUDIT_ACTION_MAX &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.") == n;
}

static int
app_audit_detail_ok(const char *s)
{
	size_t n;

	if (s == NULL)
		return 1;
	n = strnlen(s, APP_AUDIT_DETAIL_MAX + 1);
	if (n > APP_AUDIT_DETAIL_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < ' ' || s[i] > '~')
			return 0;
	return 1;
}

static int
app_audit_id_ok(const char *s, int required)
{
	if (s == NULL)
		return !required;
	return validate_uuid(s) == VALIDATE_OK;
}

static int
app_audit_entry_ok(const struct pipe_principal *who,
    const struct app_audit_entry *e)
{
	return who != NULL && app_audit_id_ok(who->account_id, 1) &&
	    e != NULL && app_audit_action_ok(e->action) &&
	    app_audit_id_ok(e->application, 0) &&
	    app_audit_id_ok(e->account, 0) && app_audit_detail_ok(e->detail);
}

/*
 * The head's one row into the new row's position, time and previous hash
 * (the time copied into `a`, the hash into prev). 0, or -1 when the result
 * is not what DB_STMT_AUDIT_HEAD returns.
 */
static int
app_audit_head_read(arena *a, const struct db_result *head,
    struct chain_row *row)
{
	const unsigned char *hash;
	const char *at;
	long long seq;
	size_t len;

	if (head == NULL || db_rows(head) != 1 ||
	    db_int64(head, 0, DB_COL(AUDIT_HEAD, SEQ), &seq) != 0 ||
	    seq < 0 || seq == LLONG_MAX ||
	    (at = db_text(head, 0, DB_COL(AUDIT_HEAD, AT))) == NULL ||
	    db_bytes(head, a, 0, DB_COL(AUDIT_HEAD, HASH), &hash, &len) != 0 ||
	    len != CHAIN_HASH_BYTES)
		return -1;
	row->seq = seq + 1;
	row->at = arena_strdup(a, at);
	memcpy(row->prev, hash, CHAIN_HASH_BYTES);
	return 0;
}

/* A copy of `s` in the arena; NULL stays NULL. */
static const char *
app_audit_dup(arena *a, const char *s)
{
	return s != NULL ? arena_strdup(a, s) : NULL;
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
 * (app_audit_add's contract; the entry already judged). */
static enum app_audit_status
app_audit_call(arena *a, const struct db_result *head, const char *actor_kind,
    const char *actor, const struct app_audit_entry *entry,
    struct db_call *out)
{
	struct chain_row row;
	struct app_audit_row *r;

	memset(&row, 0, sizeof(row));
	if (app_audit_head_read(a, head, &row) != 0) {
		log_error("the audit chain's head is malformed");
		return APP_AUDIT_BAD_HEAD;
	}
	row.actor_kind = actor_kind;
	row.actor = arena_strdup(a, actor);
	row.action = arena_strdup(a, entry->action);
	row.application = app_audit_dup(a, entry->application);
	row.account = app_audit_dup(a, entry->account);
	row.detail = app_audit_dup(a, entry->detail);
	r = arena_alloc(a, sizeof(*r));
	if (chain_hash(&row, r->hash) != 0) {
		log_error("an audit row cannot be hashed");
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
	if (!app_audit_entry_ok(who, entry)) {
		log_error("an audit entry breaks its rules (action %s)",
		    entry != NULL && app_audit_action_ok(entry->action) ?
		    entry->action : "?");
		return APP_AUDIT_INVALID;
	}
	return app_audit_call(a, head, APP_AUDIT_ACTOR_KIND, who->account_id,
	    entry, out);
}

enum app_audit_status
app_audit_add_system(arena *a, const struct db_result *head,
    const struct app_audit_entry *entry, struct db_call *out)
{
	if (entry == NULL || !app_audit_action_ok(entry->action) ||
	    !app_audit_id_ok(entry->application, 0) ||
	    !app_audit_id_ok(entry->account, 0) ||
	    !app_audit_detail_ok(entry->detail)) {
		log_error("an audit entry breaks its rules (action %s)",
		    entry != NULL && app_audit_action_ok(entry->action) ?
		    entry->action : "?");
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
