/*
 * crypto/chain: an audit row's canonical encoding is exactly the
 * length-prefixed items chain.h documents, its hash is BLAKE2b-256 of that
 * encoding and of nothing else, and every field (the previous hash
 * included) moves the hash; items cannot run into each other, and an
 * absent text is not an empty one. A writer's row follows the head it read
 * and is writable only within audit_log's rules, for permitd's account
 * actors and permitctl's role names alike.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "crypto/chain.h"

#define AT "2026-11-21T10:00:00.123456Z"
#define ACTOR "5f7a1c00-0000-4000-8000-00000000000a"
#define APPLICATION "5f7a1c00-0000-4000-8000-0000000000aa"

/* A row with every field set; prev is 0x01 0x02 ... 0x20. */
static struct chain_row
row_full(void)
{
	struct chain_row r = {
		.seq = 7, .at = AT, .actor_kind = "account", .actor = ACTOR,
		.action = "review.open", .application = APPLICATION,
		.account = NULL, .detail = "outcome=approved",
	};

	for (int i = 0; i < CHAIN_HASH_BYTES; i++)
		r.prev[i] = (unsigned char)(i + 1);
	return r;
}

static void
hash_of(const struct chain_row *r, unsigned char out[CHAIN_HASH_BYTES])
{
	assert_int_equal(chain_hash(r, out), 0);
}

/* The encoding of row_full(), written out item by item. */
static void
test_encoding_is_the_documented_items(void **state)
{
	static const unsigned char want[] =
	    "\x00\x00\x00\x10" "permitd-audit-v1"
	    "\x00\x00\x00\x08" "\x00\x00\x00\x00\x00\x00\x00\x07"
	    "\x00\x00\x00\x1b" AT
	    "\x00\x00\x00\x07" "account"
	    "\x00\x00\x00\x24" ACTOR
	    "\x00\x00\x00\x0b" "review.open"
	    "\x00\x00\x00\x24" APPLICATION
	    "\xff\xff\xff\xff"
	    "\x00\x00\x00\x10" "outcome=approved"
	    "\x00\x00\x00\x20"
	    "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"
	    "\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20";
	struct chain_row r = row_full();
	unsigned char buf[CHAIN_ENCODING_MAX];
	size_t len;

	(void)state;
	assert_int_equal(chain_encode(&r, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(buf, want, len);
}

static void
test_hash_is_blake2b_of_the_encoding(void **state)
{
	struct chain_row r = row_full();
	unsigned char buf[CHAIN_ENCODING_MAX], want[CHAIN_HASH_BYTES],
	    got[CHAIN_HASH_BYTES];
	size_t len;

	(void)state;
	assert_int_equal(chain_encode(&r, buf, sizeof(buf), &len), 0);
	assert_int_equal(crypto_generichash(want, sizeof(want), buf, len, NULL,
	    0), 0);
	hash_of(&r, got);
	assert_memory_equal(got, want, CHAIN_HASH_BYTES);
}

static void
test_same_row_same_hash(void **state)
{
	struct chain_row a = row_full(), b = row_full();
	unsigned char x[CHAIN_HASH_BYTES], y[CHAIN_HASH_BYTES];

	(void)state;
	hash_of(&a, x);
	hash_of(&b, y);
	assert_memory_equal(x, y, CHAIN_HASH_BYTES);
}

/* Each field in turn changed by one byte (or from absent to present). */
static void
test_every_field_moves_the_hash(void **state)
{
	unsigned char base[CHAIN_HASH_BYTES], h[CHAIN_HASH_BYTES];
	struct chain_row r;

	(void)state;
	r = row_full();
	hash_of(&r, base);
	for (int field = 0; field < 9; field++) {
		r = row_full();
		switch (field) {
		case 0: r.seq = 8; break;
		case 1: r.at = "2026-11-21T10:00:00.123457Z"; break;
		case 2: r.actor_kind = "system"; break;
		case 3: r.actor = "5f7a1c00-0000-4000-8000-00000000000b"; break;
		case 4: r.action = "review.opem"; break;
		case 5: r.application = NULL; break;
		case 6: r.account = ACTOR; break;
		case 7: r.detail = "outcome=rejected"; break;
		case 8: r.prev[31] ^= 1; break;
		}
		hash_of(&r, h);
		if (memcmp(h, base, CHAIN_HASH_BYTES) == 0)
			fail_msg("field %d does not move the hash", field);
	}
}

/* "ab" + "c" is not "a" + "bc": every item carries its length. */
static void
test_items_do_not_run_into_each_other(void **state)
{
	struct chain_row a = row_full(), b = row_full();
	unsigned char x[CHAIN_HASH_BYTES], y[CHAIN_HASH_BYTES];

	(void)state;
	a.actor_kind = "accountx";
	a.actor = "y";
	b.actor_kind = "account";
	b.actor = "xy";
	hash_of(&a, x);
	hash_of(&b, y);
	assert_memory_not_equal(x, y, CHAIN_HASH_BYTES);
}

static void
test_absent_text_is_not_empty_text(void **state)
{
	struct chain_row a = row_full(), b = row_full();
	unsigned char x[CHAIN_HASH_BYTES], y[CHAIN_HASH_BYTES];

	(void)state;
	a.detail = NULL;
	b.detail = "";
	hash_of(&a, x);
	hash_of(&b, y);
	assert_memory_not_equal(x, y, CHAIN_HASH_BYTES);
}

/* seq's 8 bytes are big-endian: 256 and 1 are distinct rows. */
static void
test_seq_is_encoded_whole(void **state)
{
	struct chain_row a = row_full(), b = row_full();
	unsigned char x[CHAIN_HASH_BYTES], y[CHAIN_HASH_BYTES];

	(void)state;
	a.seq = 1;
	b.seq = 1 + (1LL << 32);
	hash_of(&a, x);
	hash_of(&b, y);
	assert_memory_not_equal(x, y, CHAIN_HASH_BYTES);
}

static void
test_refuses_a_row_out_of_its_rules(void **state)
{
	char long_text[CHAIN_TEXT_MAX + 2];
	unsigned char h[CHAIN_HASH_BYTES];
	struct chain_row r;

	(void)state;
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	r = row_full();
	r.seq = 0;
	assert_int_equal(chain_hash(&r, h), -1);
	r = row_full();
	r.at = NULL;
	assert_int_equal(chain_hash(&r, h), -1);
	r = row_full();
	r.actor_kind = NULL;
	assert_int_equal(chain_hash(&r, h), -1);
	r = row_full();
	r.actor = NULL;
	assert_int_equal(chain_hash(&r, h), -1);
	r = row_full();
	r.action = NULL;
	assert_int_equal(chain_hash(&r, h), -1);
	r = row_full();
	r.detail = long_text;
	assert_int_equal(chain_hash(&r, h), -1);
	long_text[CHAIN_TEXT_MAX] = '\0';
	assert_int_equal(chain_hash(&r, h), 0);
}

/* Every text at its longest fits CHAIN_ENCODING_MAX exactly; one byte
 * less of buffer is refused. */
static void
test_longest_row_fits_the_bound(void **state)
{
	static char t[CHAIN_TEXT_MAX + 1];
	static unsigned char buf[CHAIN_ENCODING_MAX];
	struct chain_row r = row_full();
	size_t len;

	(void)state;
	memset(t, 'x', CHAIN_TEXT_MAX);
	r.at = r.actor_kind = r.actor = r.action = t;
	r.application = r.account = r.detail = t;
	assert_int_equal(chain_encode(&r, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, CHAIN_ENCODING_MAX);
	assert_int_equal(chain_encode(&r, buf, sizeof(buf) - 1, &len), -1);
	assert_int_equal(len, 0);
}

/* The row after the head: the next place, the head's hash as prev. */
static void
test_follow_places_the_row_after_the_head(void **state)
{
	unsigned char head[CHAIN_HASH_BYTES];
	struct chain_row r = row_full();

	(void)state;
	memset(head, 0xab, sizeof(head));
	assert_int_equal(chain_follow(&r, 0, head, sizeof(head)), 0);
	assert_int_equal(r.seq, 1);
	assert_memory_equal(r.prev, head, CHAIN_HASH_BYTES);
	assert_int_equal(chain_follow(&r, 41, head, sizeof(head)), 0);
	assert_int_equal(r.seq, 42);
}

/* A head the database did not return leaves the row as it was. */
static void
test_follow_refuses_a_malformed_head(void **state)
{
	unsigned char head[CHAIN_HASH_BYTES + 1];
	struct chain_row r = row_full(), before = row_full();

	(void)state;
	memset(head, 0xab, sizeof(head));
	assert_int_equal(chain_follow(&r, -1, head, CHAIN_HASH_BYTES), -1);
	assert_int_equal(chain_follow(&r, LLONG_MAX, head, CHAIN_HASH_BYTES), -1);
	assert_int_equal(chain_follow(&r, 1, head, CHAIN_HASH_BYTES - 1), -1);
	assert_int_equal(chain_follow(&r, 1, head, CHAIN_HASH_BYTES + 1), -1);
	assert_int_equal(chain_follow(&r, 1, NULL, CHAIN_HASH_BYTES), -1);
	assert_memory_equal(&r, &before, sizeof(r));
}

/* permitd's row and permitctl's are writable; each field out of its
 * rule is not. */
static void
test_writable_only_within_the_table_s_rules(void **state)
{
	static const char *const bad_actions[] = { "", "Review.open", "1x",
	    "a b", "a-b",
	    "a234567890123456789012345678901234567890123456789012345678901234x" };
	static const char *const bad_names[] = { "", "Permit_owner", "9role",
	    "a b", "r\xc3\xa9le",
	    "a234567890123456789012345678901234567890123456789012345678901234" };
	static const char *const bad_details[] = { "line\nbreak", "tab\t",
	    "caf\xc3\xa9", "del\x7f" };
	char longest[CHAIN_DETAIL_MAX + 2];
	struct chain_row r = row_full();
	struct chain_row cli = { .seq = 1, .at = AT, .actor_kind = "cli",
	    .actor = "permit_owner", .action = "cli.staff_add",
	    .account = ACTOR, .detail = "role=reviewer office=JKT-SEL" };

	(void)state;
	assert_true(chain_row_writable(&r));
	assert_true(chain_row_writable(&cli));
	for (size_t i = 0; i < sizeof(bad_actions) / sizeof(*bad_actions); i++) {
		r = row_full();
		r.action = bad_actions[i];
		if (chain_row_writable(&r))
			fail_msg("action \"%s\" writable", bad_actions[i]);
	}
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(*bad_names); i++) {
		r = cli;
		r.actor = bad_names[i];
		if (chain_row_writable(&r))
			fail_msg("actor \"%s\" writable", bad_names[i]);
	}
	for (size_t i = 0; i < sizeof(bad_details) / sizeof(*bad_details); i++) {
		r = row_full();
		r.detail = bad_details[i];
		if (chain_row_writable(&r))
			fail_msg("detail %zu writable", i);
	}
	memset(longest, '~', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	r = row_full();
	r.detail = longest;
	assert_false(chain_row_writable(&r));
	longest[CHAIN_DETAIL_MAX] = '\0';
	assert_true(chain_row_writable(&r));
	/* An account actor is a canonical id, a role is not one; an id in
	 * upper case would be stored in lower case. */
	r = row_full();
	r.actor = "permit_owner";
	assert_false(chain_row_writable(&r));
	r = row_full();
	r.application = "5F7A1C00-0000-4000-8000-0000000000AA";
	assert_false(chain_row_writable(&r));
	r = cli;
	r.actor_kind = "operator";
	assert_false(chain_row_writable(&r));
	r = cli;
	r.seq = 0;
	assert_false(chain_row_writable(&r));
	r = cli;
	r.at = NULL;
	assert_false(chain_row_writable(&r));
	assert_false(chain_row_writable(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoding_is_the_documented_items),
		cmocka_unit_test(test_hash_is_blake2b_of_the_encoding),
		cmocka_unit_test(test_same_row_same_hash),
		cmocka_unit_test(test_every_field_moves_the_hash),
		cmocka_unit_test(test_items_do_not_run_into_each_other),
		cmocka_unit_test(test_absent_text_is_not_empty_text),
		cmocka_unit_test(test_seq_is_encoded_whole),
		cmocka_unit_test(test_refuses_a_row_out_of_its_rules),
		cmocka_unit_test(test_longest_row_fits_the_bound),
		cmocka_unit_test(test_follow_places_the_row_after_the_head),
		cmocka_unit_test(test_follow_refuses_a_malformed_head),
		cmocka_unit_test(test_writable_only_within_the_table_s_rules),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("chain", tests, NULL, NULL);
}
