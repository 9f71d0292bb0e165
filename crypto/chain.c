/*
 * chain — the audit trail's row hash (encoding in chain.h). One encoder
 * writes either into a buffer or into the hash state, so the bytes hashed
 * are by construction the bytes chain_encode shows.
 */
#include "crypto/chain.h"

#include <limits.h>
#include <string.h>

#include <sodium.h>

#include "core/validate.h"

#define CHAIN_DOMAIN "permitd-audit-v1"
#define CHAIN_ABSENT 0xffffffffu
/* The longest name a cli or system actor has (a PostgreSQL identifier). */
#define CHAIN_NAME_MAX 63

/* Where the encoding goes: the hash state, or buf[0..cap). */
struct chain_sink {
	crypto_generichash_state *st;
	unsigned char *buf;
	size_t cap, len;
	int short_buf;
};

static void
chain_put(struct chain_sink *s, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (s->st != NULL) {
		crypto_generichash_update(s->st, p, n);
		return;
	}
	if (n > s->cap - s->len) {
		s->short_buf = 1;
		return;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void
chain_put_u32(struct chain_sink *s, unsigned long v)
{
	unsigned char be[4] = {
		(unsigned char)(v >> 24), (unsigned char)(v >> 16),
		(unsigned char)(v >> 8), (unsigned char)v,
	};

	chain_put(s, be, sizeof(be));
}

/* One item: its length, then its bytes. */
static void
chain_item(struct chain_sink *s, const void *p, size_t n)
{
	chain_put_u32(s, (unsigned long)n);
	chain_put(s, p, n);
}

static void
chain_text(struct chain_sink *s, const char *t)
{
	if (t == NULL)
		chain_put_u32(s, CHAIN_ABSENT);
	else
		chain_item(s, t, strlen(t));
}

static int
chain_text_ok(const char *t, int required)
{
	if (t == NULL)
		return !required;
	return strnlen(t, CHAIN_TEXT_MAX + 1) <= CHAIN_TEXT_MAX;
}

/* 1 when every field is within the encoding's rules. */
static int
chain_row_ok(const struct chain_row *row)
{
	return row->seq >= 1 && chain_text_ok(row->at, 1) &&
	    chain_text_ok(row->actor_kind, 1) && chain_text_ok(row->actor, 1) &&
	    chain_text_ok(row->action, 1) && chain_text_ok(row->application, 0) &&
	    chain_text_ok(row->account, 0) && chain_text_ok(row->detail, 0);
}

static void
chain_emit(const struct chain_row *row, struct chain_sink *s)
{
	unsigned long long seq = (unsigned long long)row->seq;
	unsigned char be[8];

	for (int i = 0; i < 8; i++)
		be[i] = (unsigned char)(seq >> (56 - 8 * i));
	chain_item(s, CHAIN_DOMAIN, sizeof(CHAIN_DOMAIN) - 1);
	chain_item(s, be, sizeof(be));
	chain_text(s, row->at);
	chain_text(s, row->actor_kind);
	chain_text(s, row->actor);
	chain_text(s, row->action);
	chain_text(s, row->application);
	chain_text(s, row->account);
	chain_text(s, row->detail);
	chain_item(s, row->prev, CHAIN_HASH_BYTES);
}

int
chain_encode(const struct chain_row *row, unsigned char *buf, size_t cap,
    size_t *len)
{
	struct chain_sink s = { .buf = buf, .cap = cap };

	*len = 0;
	if (!chain_row_ok(row) || buf == NULL)
		return -1;
	chain_emit(row, &s);
	if (s.short_buf)
		return -1;
	*len = s.len;
	return 0;
}

int
chain_hash(const struct chain_row *row, unsigned char out[CHAIN_HASH_BYTES])
{
	crypto_generichash_state st;
	struct chain_sink s = { .st = &st };

	if (!chain_row_ok(row))
		return -1;
	crypto_generichash_init(&st, NULL, 0, CHAIN_HASH_BYTES);
	chain_emit(row, &s);
	crypto_generichash_final(&st, out, CHAIN_HASH_BYTES);
	return 0;
}

int
chain_follow(struct chain_row *row, long long head_seq,
    const unsigned char *head_hash, size_t head_len)
{
	if (head_seq < 0 || head_seq == LLONG_MAX || head_hash == NULL ||
	    head_len != CHAIN_HASH_BYTES)
		return -1;
	row->seq = head_seq + 1;
	memcpy(row->prev, head_hash, CHAIN_HASH_BYTES);
	return 0;
}

/* 1 when s is first[0] then rest[0..) bytes, max bytes in all. */
static int
chain_word_ok(const char *s, const char *first, const char *rest, size_t max)
{
	size_t n;

	if (s == NULL || s[0] == '\0' || strchr(first, s[0]) == NULL)
		return 0;
	n = strnlen(s, max + 1);
	return n <= max && strspn(s + 1, rest) == n - 1;
}

#define CHAIN_LOWER "abcdefghijklmnopqrstuvwxyz"
#define CHAIN_DIGIT "0123456789"

static int
chain_id_ok(const char *s, int required)
{
	if (s == NULL)
		return !required;
	return validate_uuid(s) == VALIDATE_OK;
}

static int
chain_actor_ok(const char *kind, const char *actor)
{
	if (kind == NULL)
		return 0;
	if (strcmp(kind, "account") == 0)
		return chain_id_ok(actor, 1);
	if (strcmp(kind, "cli") == 0 || strcmp(kind, "system") == 0)
		return chain_word_ok(actor, CHAIN_LOWER "_",
		    CHAIN_LOWER CHAIN_DIGIT "_.-", CHAIN_NAME_MAX);
	return 0;
}

static int
chain_detail_ok(const char *s)
{
	size_t n;

	if (s == NULL)
		return 1;
	n = strnlen(s, CHAIN_DETAIL_MAX + 1);
	if (n > CHAIN_DETAIL_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < ' ' || s[i] > '~')
			return 0;
	return 1;
}

int
chain_row_writable(const struct chain_row *row)
{
	return row != NULL && row->seq >= 1 && row->at != NULL &&
	    chain_actor_ok(row->actor_kind, row->actor) &&
	    chain_word_ok(row->action, CHAIN_LOWER,
	    CHAIN_LOWER CHAIN_DIGIT "_.", CHAIN_ACTION_MAX) &&
	    chain_id_ok(row->application, 0) && chain_id_ok(row->account, 0) &&
	    chain_detail_ok(row->detail);
}
