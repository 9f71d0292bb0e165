/*
 * cli/audit — permitctl audit verify: walks the audit trail's hash chain
 * (migrations/0014, crypto/chain.h) in its order and names the first row
 * that breaks it.
 *
 * In one REPEATABLE READ snapshot (so rows committed meanwhile do not
 * count), from the head and then in batches of --batch rows, each row must
 * hold the next position (else a row before it is missing), carry the
 * previous row's hash (else a row before it was edited with its hash
 * recomputed, removed or moved), and match its own hash (else it was
 * edited or moved); the last row must be the one the head names (else
 * rows were removed from the end). A chain longer than one batch prints
 * its progress after each batch on stderr.
 *
 * Exit status as cli.h says: 0 unbroken, 1 broken (the row named on
 * stderr) or the trail could not be read, 2 a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "crypto/chain.h"
#include "db/db.h"

#define CLI_AUDIT_BATCH_DEFAULT 10000
#define CLI_AUDIT_BATCH_MAX 1000000

#define CLI_AUDIT_SAY "permitctl audit verify: "

enum cli_audit_result {
	CLI_AUDIT_INTACT,
	CLI_AUDIT_BROKEN,    /* a row named on stderr */
	CLI_AUDIT_FAILED     /* the database failed (logged by db/) */
};

/* The walk's state: the head, and the last row checked. */
struct cli_audit_walk {
	struct db *db;
	arena *a;                                 /* one batch's results */
	long long batch;
	long long head_seq;
	unsigned char head_hash[CHAIN_HASH_BYTES];
	long long last;                           /* 0 before the first row */
	unsigned char prev[CHAIN_HASH_BYTES];     /* its hash; zeros before */
};

#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)

const char cli_audit_help[] =
    "usage: permitctl audit verify [--database OWNER_CONNINFO] [--batch N]\n"
    "\n"
    "  Walks the audit trail's hash chain and names the first row that\n"
    "  was edited, removed or moved; exits 1 when the chain is broken.\n"
    "  --database CONNINFO  the owner's (or a superuser's) connection;\n"
    "                       default $PERMIT_DATABASE, the config's\n"
    "                       owner_database, else libpq's own\n"
    "  --batch N            rows read per round trip, 1 to "
    CLI_STR(CLI_AUDIT_BATCH_MAX) " (default\n"
    "                       " CLI_STR(CLI_AUDIT_BATCH_DEFAULT)
    "); a longer chain prints its progress\n"
    "                       after each batch\n"
    "  -h, --help           this text\n";

/* The hash in bytea column `col` of row `i`: 0, or -1 when it is not one. */
static int
cli_audit_hash(const struct db_result *r, arena *a, int i, int col,
    unsigned char out[CHAIN_HASH_BYTES])
{
	const unsigned char *p;
	size_t len;

	if (db_bytes(r, a, i, col, &p, &len) != 0 || len != CHAIN_HASH_BYTES)
		return -1;
	memcpy(out, p, CHAIN_HASH_BYTES);
	return 0;
}

static enum cli_audit_result
cli_audit_head(struct cli_audit_walk *w)
{
	struct db_result *r;

	if (db_exec(w->db, w->a, DB_STMT_AUDIT_VERIFY_HEAD, NULL, 0,
	    &r) != DB_OK)
		return CLI_AUDIT_FAILED;
	if (db_rows(r) != 1 ||
	    db_int64(r, 0, DB_COL(AUDIT_VERIFY_HEAD, SEQ), &w->head_seq) != 0 ||
	    cli_audit_hash(r, w->a, 0, DB_COL(AUDIT_VERIFY_HEAD, HASH),
	    w->head_hash) != 0) {
		fprintf(stderr, CLI_AUDIT_SAY "the chain's head (audit_head) is "
		    "missing or malformed\n");
		return CLI_AUDIT_BROKEN;
	}
	return CLI_AUDIT_INTACT;
}

/* Row `i` of a batch as its hash covers it, with the hash it holds. */
static void
cli_audit_row(const struct db_result *r, arena *a, int i,
    struct chain_row *row, unsigned char stored[CHAIN_HASH_BYTES],
    int *malformed)
{
#define CLI_AUDIT_TEXT(c) db_text(r, i, DB_COL(AUDIT_VERIFY_ROW, c))
	memset(row, 0, sizeof(*row));
	row->at = CLI_AUDIT_TEXT(AT);
	row->actor_kind = CLI_AUDIT_TEXT(ACTOR_KIND);
	row->actor = CLI_AUDIT_TEXT(ACTOR);
	row->action = CLI_AUDIT_TEXT(ACTION);
	row->application = CLI_AUDIT_TEXT(APPLICATION);
	row->account = CLI_AUDIT_TEXT(ACCOUNT);
	row->detail = CLI_AUDIT_TEXT(DETAIL);
#undef CLI_AUDIT_TEXT
	*malformed = db_int64(r, i, DB_COL(AUDIT_VERIFY_ROW, SEQ),
	    &row->seq) != 0 ||
	    cli_audit_hash(r, a, i, DB_COL(AUDIT_VERIFY_ROW, PREV_HASH),
	    row->prev) != 0 ||
	    cli_audit_hash(r, a, i, DB_COL(AUDIT_VERIFY_ROW, HASH), stored) != 0;
}

/* Checks `row` as the next one after w->last, which it then becomes. */
static enum cli_audit_result
cli_audit_check(struct cli_audit_walk *w, const struct chain_row *row,
    const unsigned char stored[CHAIN_HASH_BYTES], int malformed)
{
	unsigned char h[CHAIN_HASH_BYTES];

	if (row->seq != w->last + 1) {
		fprintf(stderr, CLI_AUDIT_SAY "row %lld: missing (removed or "
		    "moved): row %lld follows row %lld\n", w->last + 1, row->seq,
		    w->last);
		return CLI_AUDIT_BROKEN;
	}
	if (!malformed && memcmp(row->prev, w->prev, CHAIN_HASH_BYTES) != 0) {
		fprintf(stderr, CLI_AUDIT_SAY "row %lld: broken link: its "
		    "previous hash is not row %lld's hash (a row was edited and "
		    "its hash recomputed, or rows were removed or moved)\n",
		    row->seq, w->last);
		return CLI_AUDIT_BROKEN;
	}
	if (malformed || chain_hash(row, h) != 0 ||
	    memcmp(h, stored, CHAIN_HASH_BYTES) != 0) {
		fprintf(stderr, CLI_AUDIT_SAY "row %lld: altered: its contents do "
		    "not match its hash (edited, or moved from elsewhere in the "
		    "chain)\n", row->seq);
		return CLI_AUDIT_BROKEN;
	}
	w->last = row->seq;
	memcpy(w->prev, stored, CHAIN_HASH_BYTES);
	return CLI_AUDIT_INTACT;
}

/* The next batch: *n rows checked (0 at the end), or where it stopped. */
static enum cli_audit_result
cli_audit_batch(struct cli_audit_walk *w, int *n)
{
	char after[24], limit[24];
	const struct db_param p[2] = { DB_TEXT(after), DB_TEXT(limit) };
	unsigned char stored[CHAIN_HASH_BYTES];
	enum cli_audit_result res = CLI_AUDIT_INTACT;
	struct chain_row row;
	struct db_result *r;
	int malformed;

	*n = 0;
	snprintf(after, sizeof(after), "%lld", w->last);
	snprintf(limit, sizeof(limit), "%lld", w->batch);
	if (db_exec(w->db, w->a, DB_STMT_AUDIT_VERIFY_ROWS, p, 2, &r) != DB_OK)
		return CLI_AUDIT_FAILED;
	for (int i = 0; i < db_rows(r) && res == CLI_AUDIT_INTACT; i++) {
		cli_audit_row(r, w->a, i, &row, stored, &malformed);
		res = cli_audit_check(w, &row, stored, malformed);
		*n += res == CLI_AUDIT_INTACT;
	}
	arena_reset(w->a);
	return res;
}

/* After the last row: it must be the row the head names. */
static enum cli_audit_result
cli_audit_tail(const struct cli_audit_walk *w)
{
	if (w->last < w->head_seq) {
		fprintf(stderr, CLI_AUDIT_SAY "row %lld: missing (removed): the "
		    "chain ends at row %lld, its head names row %lld\n",
		    w->last + 1, w->last, w->head_seq);
		return CLI_AUDIT_BROKEN;
	}
	if (w->last > w->head_seq) {
		fprintf(stderr, CLI_AUDIT_SAY "row %lld: not part of the chain: "
		    "it lies past the head, row %lld (inserted around the chain)\n",
		    w->head_seq + 1, w->head_seq);
		return CLI_AUDIT_BROKEN;
	}
	if (memcmp(w->prev, w->head_hash, CHAIN_HASH_BYTES) != 0) {
		fprintf(stderr, CLI_AUDIT_SAY "row %lld: its hash is not the "
		    "head's (the last row was replaced)\n", w->last);
		return CLI_AUDIT_BROKEN;
	}
	return CLI_AUDIT_INTACT;
}

static enum cli_audit_result
cli_audit_walk(struct cli_audit_walk *w)
{
	enum cli_audit_result res;
	int n;

	if ((res = cli_audit_head(w)) != CLI_AUDIT_INTACT)
		return res;
	arena_reset(w->a);
	do {
		if ((res = cli_audit_batch(w, &n)) != CLI_AUDIT_INTACT)
			return res;
		if (n > 0 && w->head_seq > w->batch)
			fprintf(stderr, CLI_AUDIT_SAY "%lld of %lld rows checked\n",
			    w->last, w->head_seq);
	} while (n == w->batch);   /* a short batch was the last */
	return cli_audit_tail(w);
}

static int
cli_audit_verify(const char *conninfo, long long batch)
{
	struct cli_audit_walk w = { .batch = batch };
	char hex[CHAIN_HASH_BYTES * 2 + 1];
	enum cli_audit_result res = CLI_AUDIT_FAILED;

	w.a = arena_new(1 << 16);
	if (db_open_ctl(conninfo, NULL, &w.db) != DB_OK)
		goto out;
	if (db_begin(w.db, NULL) != DB_OK || db_exec(w.db, NULL,
	    DB_STMT_AUDIT_SNAPSHOT, NULL, 0, NULL) != DB_OK)
		goto out;
	res = cli_audit_walk(&w);
out:
	if (res == CLI_AUDIT_FAILED)
		fprintf(stderr, CLI_AUDIT_SAY "the audit trail could not be "
		    "read\n");
	if (res == CLI_AUDIT_INTACT)
		printf("audit verify: %lld rows, the chain is unbroken; head: row "
		    "%lld, hash %s\n", w.last, w.head_seq, sodium_bin2hex(hex,
		    sizeof(hex), w.head_hash, CHAIN_HASH_BYTES));
	if (w.db != NULL)
		db_rollback(w.db);   /* read only: nothing to keep */
	db_close(w.db);
	arena_free(w.a);
	return res == CLI_AUDIT_INTACT ? 0 : 1;
}

/* --batch's value: 0, or -1 when it is not 1..CLI_AUDIT_BATCH_MAX. */
static int
cli_audit_batch_arg(const char *s, long long *out)
{
	char *end;

	*out = strtoll(s, &end, 10);
	return end != s && *end == '\0' && *out >= 1 &&
	    *out <= CLI_AUDIT_BATCH_MAX ? 0 : -1;
}

int
cli_audit(int argc, char **argv, const struct config *cfg)
{
	const char *database = NULL;
	long long batch = CLI_AUDIT_BATCH_DEFAULT;

	if (argc < 2 || strcmp(argv[1], "verify") != 0)
		return cli_usage_error(cli_audit_help);
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--database") == 0 && i + 1 < argc)
			database = argv[++i];
		else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc &&
		    cli_audit_batch_arg(argv[i + 1], &batch) == 0)
			i++;
		else
			return cli_usage_error(cli_audit_help);
	}
	return cli_audit_verify(cli_database(database, cfg), batch);
}
