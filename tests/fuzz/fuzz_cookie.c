/*
 * fuzz_cookie — libFuzzer over the session cookie and the CSRF token: a
 * Cookie header read for the session's name (fcgi_cookie, as
 * fcgi_request_session does), the token it carries turned into the
 * binding's keyed hash (pipe_principal_call), and an X-CSRF-Token checked
 * against it (pipe_principal_csrf).
 *
 * An input is one byte of settings (bit 0: cookie_secure, so the name is
 * __Host-permit_session, else permit_session), then the Cookie header, a
 * newline, and the X-CSRF-Token presented.
 *
 * Invariants: a session read is a pair named exactly the session's name
 * (so permit_session is never read for __Host-permit_session, nor the
 * other way round), non-empty, in the header; a second session cookie,
 * before or after, leaves no session at all (which of two is real cannot
 * be told); other cookies around it change nothing; a token is hashed only
 * when it is one (43 characters of canonical base64url, decoding and
 * encoding back to itself), only for a route that is not public, and the
 * hash is token_hash's; a write passes CSRF only with exactly the token
 * derived from the session's.
 */
#include "tests/fuzz/fuzz.h"

#include "app/routes.h"
#include "core/config.h"
#include "crypto/csrf.h"
#include "crypto/token.h"
#include "fcgi/request.h"
#include "pipe/principal.h"

static struct keyring *fz_kr;
static struct config fz_cfg[2];
static const struct pipe_route *fz_public, *fz_write;

static void
fz_init(void)
{
	const struct pipe_route *table;
	size_t n;

	fz_kr = fuzz_keyring(0);
	for (int secure = 0; secure < 2; secure++) {
		config_defaults(&fz_cfg[secure]);
		fz_cfg[secure].cookie_secure = secure;
	}
	table = app_routes(&n);
	for (size_t i = 0; i < n; i++) {
		if (table[i].access == PIPE_ACCESS_PUBLIC)
			fz_public = &table[i];
		else if (table[i].effect == PIPE_EFFECT_WRITE)
			fz_write = &table[i];
	}
	FUZZ_CHECK(fz_public != NULL && fz_write != NULL);
}

/* 1 when `name`= starts a pair of `header`: at its start, or after ';' and
 * blanks. */
static int
fz_pair_named(const char *header, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = strstr(header, name); p != NULL;
	    p = strstr(p + 1, name)) {
		const char *b = p;

		while (b > header && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if ((b == header || b[-1] == ';') && p[len] == '=')
			return 1;
	}
	return 0;
}

/* The cookie rules of fcgi_cookie for `header` and the session's `name`. */
static const char *
fz_check_cookie(const char *header, const char *name)
{
	const char *v = fcgi_cookie(fuzz_arena, header, name), *w;
	char *h;

	if (v == NULL)
		return NULL;
	FUZZ_CHECK(*v != '\0' && strchr(v, ';') == NULL);
	FUZZ_CHECK(strstr(header, v) != NULL);
	FUZZ_CHECK(fz_pair_named(header, name));
	/* A second session cookie, planted after or before: no session. */
	h = arena_printf(fuzz_arena, "%s; %s=planted", header, name);
	FUZZ_CHECK(fcgi_cookie(fuzz_arena, h, name) == NULL);
	h = arena_printf(fuzz_arena, "%s=planted; %s", name, header);
	FUZZ_CHECK(fcgi_cookie(fuzz_arena, h, name) == NULL);
	/* Cookies of other names around it change nothing. */
	h = arena_printf(fuzz_arena, "theme=dark; %s; lang=id", header);
	w = fcgi_cookie(fuzz_arena, h, name);
	FUZZ_CHECK(w != NULL && strcmp(v, w) == 0);
	return v;
}

/* The binding's hash: a token's keyed hash, for a route not public. */
static void
fz_check_binding(const struct config *cfg, const struct pipe_request *req)
{
	const struct pipe_ctx ctx = { .cfg = cfg, .keys = fz_kr };
	unsigned char raw[TOKEN_BYTES], h[TOKEN_HASH_BYTES];
	char back[TOKEN_STR_SIZE];
	struct pipe_binding b;
	int token;

	token = req->session_token != NULL &&
	    token_decode(req->session_token, raw) == 0;
	if (token) {   /* one token, one spelling */
		sodium_bin2base64(back, sizeof(back), raw, sizeof(raw),
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		FUZZ_CHECK(strcmp(back, req->session_token) == 0);
	}
	pipe_principal_call(&ctx, fz_public, req, &b);
	FUZZ_CHECK(!b.hashed && b.params[0].value == NULL);
	pipe_principal_call(&ctx, fz_write, req, &b);
	FUZZ_CHECK(b.hashed == token);
	FUZZ_CHECK((b.params[0].value != NULL) == token);
	if (token) {
		FUZZ_CHECK(token_hash(fz_kr, req->session_token, h) == 0);
		FUZZ_CHECK(b.params[0].binary &&
		    b.params[0].len == TOKEN_HASH_BYTES &&
		    memcmp(b.params[0].value, h, sizeof(h)) == 0);
	}
	pipe_binding_wipe(&b);
}

/* CSRF: a signed-in write passes with the derived token, and only so. */
static void
fz_check_csrf(const struct config *cfg, const struct pipe_request *req)
{
	const struct pipe_ctx ctx = { .cfg = cfg, .keys = fz_kr };
	const struct pipe_principal who = { .role = PIPE_ROLE_CITIZEN };
	const struct pipe_principal nobody = { .role = PIPE_ROLE_NONE };
	struct pipe_response res = { 0 };
	char want[TOKEN_STR_SIZE];
	int good;

	good = csrf_token(fz_kr, req->session_token, want, sizeof(want)) == 0 &&
	    req->csrf_token != NULL && strcmp(want, req->csrf_token) == 0;
	FUZZ_CHECK((pipe_principal_csrf(&ctx, fz_write, req, &who, &res) == 0)
	    == good);
	FUZZ_CHECK(good ? res.status == 0 : res.status == 403);
	if (req->session_token != NULL && csrf_token(fz_kr,
	    req->session_token, want, sizeof(want)) == 0) {
		struct pipe_request right = *req;

		right.csrf_token = want;
		FUZZ_CHECK(pipe_principal_csrf(&ctx, fz_write, &right, &who,
		    &res) == 0);
	}
	/* Public routes and anonymous callers need none. */
	FUZZ_CHECK(pipe_principal_csrf(&ctx, fz_public, req, &who, &res) == 0);
	FUZZ_CHECK(pipe_principal_csrf(&ctx, fz_write, req, &nobody,
	    &res) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pipe_request req = { .arena = fuzz_arena };
	const struct config *cfg;
	char *part[2];

	if (size == 0)
		return 0;
	cfg = &fz_cfg[data[0] & 1];
	(void)fuzz_split(data + 1, size - 1, '\n', part, 2);
	req.session_token = fz_check_cookie(part[0],
	    config_session_cookie(cfg));
	req.csrf_token = *part[1] != '\0' ? part[1] : NULL;
	fz_check_binding(cfg, &req);
	fz_check_csrf(cfg, &req);
	fuzz_done();
	return 0;
}
