#!/usr/bin/env bats
# The platform through a real nginx to real permitd workers: health, the
# database going away and coming back, errors as the HTTP API says, the
# headers of docs/DESIGN.md invariant 6.

load lib

setup_file() {
	stack_start
}

teardown_file() {
	pg_start || true
	stack_stop
}

@test "health answers 200 through nginx with the service mode" {
	api GET /api/v1/health
	[ "$status" = 200 ]
	[ "$(jq -r .status <<<"$body")" = ok ]
	[ "$(jq -r .mode <<<"$body")" = normal ]
	assert_security_headers
}

@test "health reports read_only and closed, and every mode answers health" {
	psql_super -c "UPDATE service_state SET mode = 'read_only'"
	api GET /api/v1/health
	local ro_status=$status ro_mode
	ro_mode=$(jq -r .mode <<<"$body")
	psql_super -c "UPDATE service_state SET mode = 'closed'"
	api GET /api/v1/health
	psql_super -c "UPDATE service_state SET mode = 'normal'"
	[ "$ro_status" = 200 ]
	[ "$ro_mode" = read_only ]
	[ "$status" = 200 ]
	[ "$(jq -r .mode <<<"$body")" = closed ]
}

@test "an unknown path is 404 not_found as the HTTP API, with the headers" {
	api GET /api/v1/no-such-thing
	[ "$status" = 404 ]
	assert_error_body not_found
	assert_security_headers
}

@test "a trailing slash is a different path: 404" {
	api GET /api/v1/health/
	[ "$status" = 404 ]
	assert_error_body not_found
}

@test "a known path with another method is 405 with Allow, as the HTTP API" {
	api DELETE /api/v1/health
	[ "$status" = 405 ]
	assert_error_body method_not_allowed
	[ "$(header Allow)" = GET ]
	assert_security_headers
}

@test "a body over the limit is 413 too_large, with the headers" {
	head -c 70000 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/big"
	api POST /api/v1/health -H 'Content-Type: application/json' \
	    --data-binary "@$BATS_TEST_TMPDIR/big"
	[ "$status" = 413 ]
	assert_error_body too_large
	assert_security_headers
}

@test "a body that is not JSON is 400 bad_request" {
	api POST /api/v1/health -H 'Content-Type: application/json' --data-binary 'not json'
	[ "$status" = 400 ]
	assert_error_body bad_request
	assert_security_headers
}

@test "a JSON body with another content type is 400 bad_request" {
	api POST /api/v1/health -H 'Content-Type: text/plain' --data-binary '{"a":1}'
	[ "$status" = 400 ]
	assert_error_body bad_request
}

@test "a JSON body that is not an object, or has duplicate keys, is 400" {
	api POST /api/v1/health -H 'Content-Type: application/json' --data-binary '[1,2]'
	[ "$status" = 400 ]
	api POST /api/v1/health -H 'Content-Type: application/json' --data-binary '{"a":1,"a":2}'
	[ "$status" = 400 ]
}

@test "a body that is not UTF-8 is 400 bad_request" {
	printf '{"a":"\xff\xfe"}' >"$BATS_TEST_TMPDIR/latin"
	api POST /api/v1/health -H 'Content-Type: application/json' \
	    --data-binary "@$BATS_TEST_TMPDIR/latin"
	[ "$status" = 400 ]
	assert_error_body bad_request
}

@test "the access log names method, path and status, never the query string" {
	api GET '/api/v1/health?secret=3171234567890123'
	[ "$status" = 200 ]
	sleep 0.2
	grep -q 'GET /api/v1/health 200' "$E2E_LOG"
	! grep -q 3171234567890123 "$E2E_LOG"
}

@test "PostgreSQL stopped: 503 unavailable within a second, no worker crashes; back without a restart" {
	local before after
	wait_for_health 200
	before=$(worker_pids)
	pg_stop

	API_TIMEOUT=1 api GET /api/v1/health
	[ "$status" = 503 ]
	[ "$body" = '{"status":"unavailable"}' ]
	[ "$(header Retry-After)" -gt 0 ]
	assert_security_headers

	# An API route behind the database answers the HTTP API's error body.
	API_TIMEOUT=1 api GET /api/v1/offices
	[ "$status" = 503 ]
	assert_error_body unavailable
	[ "$(header Retry-After)" -gt 0 ]
	assert_security_headers
	API_TIMEOUT=1 api GET /api/v1/health
	[ "$status" = 503 ]

	after=$(worker_pids)
	[ "$before" = "$after" ]
	kill -0 "$PERMITD_PID"

	pg_start
	wait_for_health 200
	[ "$(jq -r .mode <<<"$body")" = normal ]
	api GET /api/v1/offices
	[ "$status" = 200 ]
	[ "$(worker_pids)" = "$before" ]
}

@test "a body over nginx's own cap is still 413 too_large JSON, with the headers" {
	api POST /api/v1/accounts -H 'Content-Type: application/json' \
	    --data-binary @<(head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'a')
	[ "$status" = 413 ]
	assert_error_body too_large
	assert_security_headers
}

# Straight to permitd's socket, past nginx (which always sends what it
# declares): a FastCGI request whose body is shorter than CONTENT_LENGTH.
@test "a body shorter than its CONTENT_LENGTH is 400 bad_request, nothing read past it" {
	local out
	out=$(printf '{"email":"x"}' | env -i REQUEST_METHOD=POST \
	    REQUEST_URI=/api/v1/accounts CONTENT_TYPE=application/json \
	    CONTENT_LENGTH=200 cgi-fcgi -bind -connect "$STACK_SOCKET")
	grep -q '^Status: 400' <<<"$out"
	grep -q '"bad_request"' <<<"$out"
}

@test "headers too large for nginx are still 400 bad_request JSON, with the headers" {
	api GET /api/v1/health -H "Cookie: permit_session=$(head -c 20000 /dev/zero | tr '\0' 'a')"
	[ "$status" = 400 ]
	assert_error_body bad_request
	assert_security_headers
}

@test "a declared CONTENT_LENGTH over the limit is 413 before any byte is read" {
	local out
	out=$(printf '{}' | env -i REQUEST_METHOD=POST \
	    REQUEST_URI=/api/v1/accounts CONTENT_TYPE=application/json \
	    CONTENT_LENGTH=1000000000 cgi-fcgi -bind -connect "$STACK_SOCKET")
	grep -q '^Status: 413' <<<"$out"
	grep -q '"too_large"' <<<"$out"
}

# Sends LINE as the request line, raw (curl would refuse or mend most of
# these), and sets $status, $body and $headers as api does.
raw_request() { # LINE
	local out fd req
	headers=$BATS_TEST_TMPDIR/headers
	req=$(printf '%s\r\nHost: localhost\r\nConnection: close\r\n\r\n_' "$1")
	# A descriptor bash picks: bats keeps some of the low ones for itself.
	exec {fd}<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
	# nginx may answer and close after the request line, before the rest
	# is written (EPIPE): its answer is what the test reads.
	(trap '' PIPE; printf '%s' "${req%_}" >&"$fd") 2>/dev/null || true
	out=$(timeout 5 cat <&"$fd" 2>/dev/null | tr -d '\r')
	exec {fd}>&-
	sed -n '1,/^$/p' <<<"$out" >"$headers"
	status=$(head -n1 "$headers" | cut -d' ' -f2)
	body=$(sed '1,/^$/d' <<<"$out")
}

@test "a malformed request line is 400 bad_request JSON, with the headers" {
	local line
	for line in 'GET /api/v1/health%00 HTTP/1.1' 'get /api/v1/health HTTP/1.1' \
	    $'GET /api/v1/he\x01alth HTTP/1.1' 'GET * HTTP/1.1' \
	    'POST /api/v1/sessions%00 HTTP/1.1' 'GET /api/v1/health HTTP/9.9'; do
		raw_request "$line"
		[ "$status" = 400 ] || { echo "$line: $status $body" >&2; false; }
		assert_error_body bad_request
		assert_security_headers
	done
}

# The headers a configuration gives the pages (web/), "Name: value" a line,
# sorted: nginx's in its `location /`, Apache's `Header always set`,
# lighttpd's setenv.set-response-header.
pages_headers() { # nginx|apache|lighttpd
	case $1 in
	nginx) sed -n '/^\s*location \/ {/,/}/p' "$ROOT/conf/nginx.conf.in" |
	    sed -n 's/^\s*add_header \([^ ]*\) "\(.*\)" always;$/\1: \2/p' ;;
	apache) sed -n 's/^\s*Header always set \([^ ]*\) "\(.*\)"$/\1: \2/p' "$ROOT/conf/apache.conf" ;;
	lighttpd) sed -n '/setenv.set-response-header/,/)/p' "$ROOT/conf/lighttpd.conf" |
	    sed -n 's/^\s*"\([^"]*\)"\s*=> "\(.*\)",\{0,1\}$/\1: \2/p' ;;
	esac | sort
}

@test "the pages get their CSP and security headers from nginx, and the Apache and lighttpd examples give them the same" {
	local want line
	want=$(pages_headers nginx)
	[ "$(wc -l <<<"$want")" -ge 5 ]
	grep -q "^Content-Security-Policy: default-src 'self'; " <<<"$want"
	api GET /
	[ "$status" = 200 ]
	while IFS= read -r line; do
		[ "$(header "${line%%: *}")" = "${line#*: }" ] || { echo "nginx sends no $line" >&2; false; }
	done <<<"$want"
	[ "$(pages_headers apache)" = "$want" ] || { diff <(echo "$want") <(pages_headers apache) >&2; false; }
	[ "$(pages_headers lighttpd)" = "$want" ] || { diff <(echo "$want") <(pages_headers lighttpd) >&2; false; }
}
