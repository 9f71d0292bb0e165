/*
 * fuzz_request — libFuzzer over the edge's reading of a FastCGI request
 * (fcgi/request.c), in the order fcgi/serve.c reads one: the CGI parameters,
 * the session cookie, the client's address behind trusted proxies, the body
 * framed by CONTENT_LENGTH, the route; then the drain after the answer.
 *
 * An input is one byte of settings, then the parameters as lines
 * NAME=value (as the web server sends them: REQUEST_METHOD, REQUEST_URI,
 * CONTENT_LENGTH, CONTENT_TYPE, HTTP_COOKIE, REMOTE_ADDR,
 * HTTP_X_FORWARDED_FOR, ...), an empty line, then the body's bytes. The
 * settings byte picks the body limit, whether the session cookie is
 * __Host- (cookie_secure), whether X-Forwarded-For is believed from trusted
 * proxies, and how the body arrives: the stream is libfcgi's own
 * FCGX_Stream, its fill procedure handing over the bytes in records of 1 to
 * 4096 bytes, as FCGI_STDIN records come, so the real fcgi_request_body and
 * fcgi_request_drained read it through FCGX_GetStr.
 *
 * Invariants: the method, path and query are the URI's, split at the first
 * '?'; a refused request line names no method or no absolute path; the
 * client is REMOTE_ADDR unless a trusted proxy vouches for a forwarded hop,
 * and then one of the hops, in canonical text; a body is taken exactly as
 * CONTENT_LENGTH declares (never a byte past it, none when it is malformed
 * or over the limit), or read to the end when it declares none; it is
 * accepted only as a JSON object of at most `limit` bytes with a JSON
 * content type, and then raw_body is those bytes; a refusal leaves no body;
 * the drain reaches the end of the stream.
 */
#include "tests/fuzz/fuzz.h"

#include <limits.h>

#include "app/routes.h"
#include "core/config.h"
#include "core/netaddr.h"
#include "fcgi/request.h"
#include "fcgi/router.h"

#define FZ_PARAMS_MAX 64

static struct config fz_cfg[2][2];   /* [cookie_secure][proxies] */

static const size_t fz_limits[4] = { 16, 100, 1024, 64 * 1024 };
static const size_t fz_records[4] = { 1, 7, 512, 4096 };

/* The body's bytes, handed to FCGX_GetStr a record at a time. */
struct fz_source {
	const unsigned char *p;
	size_t left, record;
};

static void
fz_fill(FCGX_Stream *s)
{
	struct fz_source *src = s->data;
	size_t n = src->left < src->record ? src->left : src->record;

	s->rdNext = s->stopUnget = (unsigned char *)src->p;
	s->stop = s->rdNext + n;
	if (n == 0) {
		s->isClosed = 1;   /* the end of FCGI_STDIN */
		return;
	}
	src->p += n;
	src->left -= n;
}

/* Bytes of the body the stream has handed out so far. */
static size_t
fz_taken(const FCGX_Stream *s, const struct fz_source *src, size_t total)
{
	return total - src->left - (size_t)(s->stop - s->rdNext);
}

static void
fz_init(void)
{
	for (int secure = 0; secure < 2; secure++) {
		for (int proxies = 0; proxies < 2; proxies++) {
			struct config *c = &fz_cfg[secure][proxies];

			config_defaults(c);
			c->cookie_secure = secure;
			if (proxies) {
				snprintf(c->client_addr_header,
				    sizeof(c->client_addr_header),
				    "X-Forwarded-For");
				snprintf(c->trusted_proxies,
				    sizeof(c->trusted_proxies),
				    "127.0.0.1, 10.0.0.0/8 ::1,fd00::/8");
			}
		}
	}
}

/* The URI split as fcgi_request_params must split it. */
static void
fz_check_params(FCGX_ParamArray envp, enum fcgi_request_status st,
    const struct pipe_request *req)
{
	const char *method = FCGX_GetParam("REQUEST_METHOD", envp);
	const char *uri = FCGX_GetParam("REQUEST_URI", envp);
	const struct {
		const char *param;
		const char *const *field;
	} headers[] = {
		{ "HTTP_X_CSRF_TOKEN", &req->csrf_token },
		{ "HTTP_IDEMPOTENCY_KEY", &req->idempotency_key },
		{ "HTTP_X_PERMIT_TIMESTAMP", &req->signature_timestamp },
		{ "HTTP_X_PERMIT_SIGNATURE", &req->signature },
	};
	const char *v;
	size_t plen;

	if (method == NULL || *method == '\0' || uri == NULL || uri[0] != '/') {
		FUZZ_CHECK(st == FCGI_REQUEST_BAD);
		return;
	}
	FUZZ_CHECK(st == FCGI_REQUEST_OK);
	FUZZ_CHECK(strcmp(req->method, method) == 0);
	plen = strlen(req->path);
	FUZZ_CHECK(strchr(req->path, '?') == NULL);
	FUZZ_CHECK(strncmp(uri, req->path, plen) == 0);
	FUZZ_CHECK(uri[plen] == '\0' ? *req->query == '\0' :
	    uri[plen] == '?' && strcmp(uri + plen + 1, req->query) == 0);
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		v = FCGX_GetParam(headers[i].param, envp);
		FUZZ_CHECK(v != NULL && *v != '\0' ? *headers[i].field != NULL &&
		    strcmp(v, *headers[i].field) == 0 : *headers[i].field == NULL);
	}
	FUZZ_CHECK(req->body == NULL && req->raw_body == NULL);
}

/* `s` in canonical text when it is an address, else NULL. */
static const char *
fz_canonical(const char *s, size_t len)
{
	struct netaddr n;
	char buf[NETADDR_STR];

	if (netaddr_parse(s, len, &n) != 0)
		return NULL;
	netaddr_format(&n, buf);
	return arena_strdup(fuzz_arena, buf);
}

static int
fz_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* 1 when `addr` is a hop (blanks trimmed) of the comma-separated `chain`. */
static int
fz_in_chain(const char *addr, const char *chain)
{
	const char *p, *end, *b, *e, *c;

	for (p = chain;; p = end + 1) {
		end = p + strcspn(p, ",");
		for (b = p; b < end && fz_blank(*b); b++)
			;
		for (e = end; e > b && fz_blank(e[-1]); e--)
			;
		c = fz_canonical(b, (size_t)(e - b));
		if (c != NULL && strcmp(c, addr) == 0)
			return 1;
		if (*end == '\0')
			return 0;
	}
}

/* The client-address rule: nobody but a trusted proxy moves it. */
static void
fz_check_client(FCGX_ParamArray envp, const struct config *cfg,
    const char *client, const char *source)
{
	const char *remote = FCGX_GetParam("REMOTE_ADDR", envp);
	const char *fwd = FCGX_GetParam("HTTP_X_FORWARDED_FOR", envp);
	const char *canon;
	struct netaddr n;

	if (remote == NULL) {
		FUZZ_CHECK(client == NULL && source == NULL);
		return;
	}
	FUZZ_CHECK(client != NULL);
	if ((canon = fz_canonical(remote, strlen(remote))) == NULL) {
		FUZZ_CHECK(strcmp(client, remote) == 0);   /* as the server said */
		return;
	}
	FUZZ_CHECK(netaddr_parse(remote, strlen(remote), &n) == 0);
	if (*cfg->trusted_proxies == '\0' || fwd == NULL ||
	    !netaddr_in_list(cfg->trusted_proxies, &n))
		FUZZ_CHECK(strcmp(client, canon) == 0);
	else
		FUZZ_CHECK(strcmp(client, canon) == 0 ||
		    fz_in_chain(client, fwd));
	/* Canonical text is its own canonical text. */
	FUZZ_CHECK(strcmp(fz_canonical(client, strlen(client)), client) == 0);
	FUZZ_CHECK(source != NULL);
	FUZZ_CHECK(strchr(client, ':') != NULL ?
	    strlen(source) > 4 && strcmp(source + strlen(source) - 3, "/64") == 0 :
	    strcmp(source, client) == 0);
}

/* CONTENT_LENGTH as the edge must read it: -1 none, -2 malformed. */
static long long
fz_declared(const char *v)
{
	long long n = 0;

	if (v == NULL || *v == '\0')
		return -1;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9' || n > (LLONG_MAX - (*v - '0')) / 10)
			return -2;   /* not a number, or past what strtoll reads */
		n = n * 10 + (*v - '0');
	}
	return n;
}

/* What fcgi_request_body must have answered, taken and kept. */
static void
fz_check_body(FCGX_ParamArray envp, size_t limit, const unsigned char *body,
    size_t total, size_t taken, enum fcgi_request_status st,
    const struct pipe_request *req)
{
	long long declared = fz_declared(FCGX_GetParam("CONTENT_LENGTH", envp));
	size_t len;
	json_t *j;

	if (st != FCGI_REQUEST_OK)
		FUZZ_CHECK(req->body == NULL);
	FUZZ_CHECK(req->raw_body_len <= limit);
	if (declared == -2 || declared > (long long)limit || declared == 0) {
		FUZZ_CHECK(taken == 0);   /* refused or empty, unread */
		FUZZ_CHECK(st == (declared == -2 ? FCGI_REQUEST_BAD :
		    declared == 0 ? FCGI_REQUEST_OK : FCGI_REQUEST_TOO_LARGE));
		FUZZ_CHECK(req->raw_body == NULL);
		return;
	}
	if (declared > 0) {
		/* Exactly what it declares: never a byte past it. */
		FUZZ_CHECK(taken == ((size_t)declared < total ?
		    (size_t)declared : total));
		if (total < (size_t)declared) {
			FUZZ_CHECK(st == FCGI_REQUEST_BAD);
			return;
		}
		len = (size_t)declared;
	} else {
		FUZZ_CHECK(taken == (total < limit + 1 ? total : limit + 1));
		if (total > limit) {
			FUZZ_CHECK(st == FCGI_REQUEST_TOO_LARGE);
			return;
		}
		len = total;
	}
	if (len == 0) {
		FUZZ_CHECK(st == FCGI_REQUEST_OK && req->raw_body == NULL);
		return;
	}
	j = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, NULL);
	if (!fcgi_content_type_json(FCGX_GetParam("CONTENT_TYPE", envp)) ||
	    !json_is_object(j)) {
		FUZZ_CHECK(st == FCGI_REQUEST_BAD);
		return;
	}
	FUZZ_CHECK(st == FCGI_REQUEST_OK && json_is_object(req->body));
	FUZZ_CHECK(req->raw_body_len == len &&
	    memcmp(req->raw_body, body, len) == 0);
	FUZZ_CHECK(json_equal(j, req->body));
}

/* The parameter lines into envp (NULL-terminated); the body after the
 * first empty line into *body, *blen. */
static void
fz_params(const uint8_t *data, size_t size, char **envp,
    const unsigned char **body, size_t *blen)
{
	size_t n = 0, i = 0, start = 0;

	*body = data + size;
	*blen = 0;
	for (; i < size; i++) {
		if (data[i] != '\n')
			continue;
		if (i == start) {   /* the empty line */
			*body = data + i + 1;
			*blen = size - i - 1;
			break;
		}
		if (n < FZ_PARAMS_MAX)
			envp[n++] = arena_strndup(fuzz_arena,
			    (const char *)data + start, i - start);
		start = i + 1;
	}
	if (i == size && start < size && n < FZ_PARAMS_MAX)
		envp[n++] = arena_strndup(fuzz_arena, (const char *)data + start,
		    size - start);
	envp[n] = NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *envp[FZ_PARAMS_MAX + 1];
	struct pipe_request req = { .arena = fuzz_arena };
	const struct pipe_route *table, *route;
	const struct config *cfg;
	const unsigned char *body;
	struct fz_source src;
	FCGX_Stream in;
	enum fcgi_request_status st;
	const char *allow;
	size_t blen, limit, n;
	uint8_t set;

	if (size == 0)
		return 0;
	set = data[0];
	cfg = &fz_cfg[set & 1][(set >> 1) & 1];
	limit = fz_limits[(set >> 2) & 3];
	fz_params(data + 1, size - 1, envp, &body, &blen);

	st = fcgi_request_params(envp, fuzz_arena, &req);
	fz_check_params(envp, st, &req);
	req.session_token = fcgi_request_session(envp, fuzz_arena, cfg);
	FUZZ_CHECK(req.session_token == NULL || *req.session_token != '\0');
	req.client_addr = fcgi_request_client(envp, fuzz_arena, cfg);
	req.client_source = fcgi_client_source(fuzz_arena, req.client_addr);
	fz_check_client(envp, cfg, req.client_addr, req.client_source);

	src = (struct fz_source){ body, blen, fz_records[(set >> 4) & 3] };
	memset(&in, 0, sizeof(in));
	in.rdNext = in.stop = in.stopUnget = (unsigned char *)body;
	in.isReader = 1;
	in.fillBuffProc = fz_fill;
	in.data = &src;
	st = fcgi_request_body(&in, envp, limit, &req);
	fz_check_body(envp, limit, body, blen, fz_taken(&in, &src, blen), st,
	    &req);
	if (req.method != NULL && req.path != NULL) {
		table = app_routes(&n);
		(void)fcgi_route(table, n, fuzz_arena, req.method, req.path,
		    &route, req.params, &allow);
	}
	/* The answer written, the rest of stdin is drained to its end. */
	FUZZ_CHECK(fcgi_request_drained(&in) == 1);
	FUZZ_CHECK(fz_taken(&in, &src, blen) == blen);
	fuzz_done();
	return 0;
}
