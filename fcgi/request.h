/*
 * request — untrusted CGI parameters and body into a struct pipe_request.
 *
 * Everything filled in lives in the request arena. Header values are kept,
 * never logged. The body is read with the configured limit and parsed by
 * Jansson (JSON_REJECT_DUPLICATES; invalid UTF-8 is refused by Jansson too).
 */
#ifndef PERMIT_FCGI_REQUEST_H
#define PERMIT_FCGI_REQUEST_H

#include <stddef.h>

#include <fcgiapp.h>

#include "core/reqid.h"
#include "pipe/pipe.h"

enum fcgi_request_status {
	FCGI_REQUEST_OK = 0,
	FCGI_REQUEST_BAD,         /* 400 bad_request */
	FCGI_REQUEST_TOO_LARGE    /* 413 too_large */
};

/*
 * Fills method, path (REQUEST_URI without the query), query,
 * X-CSRF-Token, Idempotency-Key and the payment
 * gateway's X-Permit-Timestamp and X-Permit-Signature of `req` from the CGI
 * parameters `envp`; body stays NULL, and so do the session token and the
 * client's address, which need the configuration (fcgi_request_session,
 * fcgi_request_client). FCGI_REQUEST_BAD
 * when the method or the URI is missing.
 */
enum fcgi_request_status fcgi_request_params(FCGX_ParamArray envp, arena *a,
    struct pipe_request *req);

/*
 * The client's address, by the client-address rule: REMOTE_ADDR (the peer
 * the web server saw), unless that peer is in the `trusted` list (proxies,
 * core/netaddr.h) and the request carries `forwarded` (the value of the
 * configured header, e.g. X-Forwarded-For, a comma-separated chain, newest
 * hop last). Then the chain is walked from the right past trusted entries,
 * and the first untrusted one is the client; a malformed entry ends the
 * walk at the last trusted hop, and so does a chain of trusted hops only.
 * Addresses come back in canonical text, in the arena; NULL without a
 * REMOTE_ADDR. A client cannot choose its address: what it writes into the
 * header is believed only where a trusted proxy vouches for the hop after it.
 */
const char *fcgi_client_addr(arena *a, const char *remote,
    const char *forwarded, const char *trusted);

/*
 * The request's id into out (core/reqid.h): the web server's, from the
 * FastCGI parameter REQUEST_ID (nginx: fastcgi_param REQUEST_ID
 * $request_id), when it has nginx's shape; otherwise a new one. A header a
 * client sends (X-Request-Id is HTTP_X_REQUEST_ID) is never read. 1 when
 * the web server's was taken, 0 when one was made.
 */
int fcgi_request_id(FCGX_ParamArray envp, char out[REQID_SIZE]);

/* The session token: the cookie config_session_cookie(cfg) names, as
 * fcgi_cookie reads it (NULL when absent, empty or repeated). */
const char *fcgi_request_session(FCGX_ParamArray envp, arena *a,
    const struct config *cfg);

/* fcgi_client_addr of the CGI parameters, as `cfg` configures it
 * (client_addr_header, trusted_proxies). */
const char *fcgi_request_client(FCGX_ParamArray envp, arena *a,
    const struct config *cfg);

/* netaddr_source of `addr` (NULL: none), in the arena, or NULL. */
const char *fcgi_client_source(arena *a, const char *addr);

/*
 * Reads the body from `in` and sets req->body to the JSON object it holds,
 * or NULL when there is no body, and req->raw_body to its bytes as read
 * (in the arena), for a route whose signature covers them. CONTENT_LENGTH over `limit` is refused
 * without reading; otherwise at most limit+1 bytes are read. TOO_LARGE over
 * the limit; BAD for a malformed length, a content type other than JSON,
 * text that is not JSON or not UTF-8, or JSON that is not an object.
 */
enum fcgi_request_status fcgi_request_body(FCGX_Stream *in,
    FCGX_ParamArray envp, size_t limit, struct pipe_request *req);

/*
 * The value of cookie `name` in a Cookie header (`header` may be NULL), as
 * an arena string. NULL when absent or empty, and when it repeats: which of
 * two is the real one cannot be told, and a cookie planted for a narrower
 * path or from a sibling subdomain must not win (nor sign anyone out
 * silently): a request with two session cookies has no session (401).
 */
const char *fcgi_cookie(arena *a, const char *header, const char *name);

/*
 * 1 when a Content-Type value is JSON in UTF-8: "application/json",
 * optionally with "charset=utf-8", case-insensitive; else 0 (NULL too).
 */
int fcgi_content_type_json(const char *value);

/*
 * After the response: reads and throws away what is left of the request's
 * stdin (the web server's end-of-body record, a refused body's rest), at
 * most FCGI_DRAIN_MAX bytes. 1 when the stream reached its end: the web
 * server has nothing more to send on this connection, so it can be closed
 * at once, without libfcgi's lingering close (shutdown, then wait up to 2 s
 * for the web server to close first). 0 otherwise.
 */
#define FCGI_DRAIN_MAX 65536
int fcgi_request_drained(FCGX_Stream *in);

#endif
