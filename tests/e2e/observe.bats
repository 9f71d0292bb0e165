#!/usr/bin/env bats
# Following one request end to end: nginx's $request_id reaches permitd
# (REQUEST_ID), ends every line permitd logs for the request, is in nginx's
# access log, and comes back as X-Request-Id on every answer, nginx's own
# included; an id of any other shape is never taken or echoed. The
# slow-request log (slow_request_ms). And with metrics_listen unset,
# nothing listens for metrics.

load lib
load citizen

setup_file() {
	E2E_EXTRA_CONFIG='slow_request_ms = 1' stack_start
}

teardown_file() {
	stack_stop
}

NGINX_LOG() { echo "$STACK_NGINX/access.log"; }

# The last answer's X-Request-Id, which must be nginx's shape.
request_id() {
	local id
	id=$(header X-Request-Id)
	[[ $id =~ ^[0-9a-f]{32}$ ]] || { echo "X-Request-Id '$id'" >&2; return 1; }
	echo "$id"
}

# The line of LOG naming request ID, waiting up to 2 s for it (a server
# may log after it answered).
line_of() { # LOG ID
	local i
	for i in $(seq 40); do
		grep -F "rid=$2" "$1" && return 0
		sleep 0.05
	done
	echo "no line with rid=$2 in $1" >&2
	return 1
}

@test "a success's X-Request-Id is the id in nginx's access log and on permitd's line" {
	local id line
	api GET /api/v1/offices
	[ "$status" = 200 ]
	id=$(request_id)
	line_of "$(NGINX_LOG)" "$id" |
	    grep -q '"GET /api/v1/offices HTTP/1.1" 200 .* rid='"$id\$"
	line_of "$E2E_LOG" "$id" |
	    grep -q " info .*GET /api/v1/offices 200 .* rid=$id\$"
}

@test "permitd's error answers carry the id too, the same in both logs" {
	local id
	api GET /api/v1/no-such-thing
	[ "$status" = 404 ]
	id=$(request_id)
	line_of "$(NGINX_LOG)" "$id" | grep -q '" 404 '
	line_of "$E2E_LOG" "$id" | grep -q 'GET /api/v1/no-such-thing 404 '
	api_json POST /api/v1/sessions '{"email":"x@example.test"}'
	[ "$status" = 422 ]
	id=$(request_id)
	line_of "$E2E_LOG" "$id" | grep -q 'POST /api/v1/sessions 422 '
}

@test "nginx's own answers (413, a malformed request) carry the id it logged" {
	local id
	head -c 2000000 /dev/zero | tr '\0' 'a' >"$BATS_TEST_TMPDIR/big"
	api POST /api/v1/accounts -H 'Content-Type: application/json' \
	    --data-binary @"$BATS_TEST_TMPDIR/big"
	[ "$status" = 413 ]
	assert_error_body too_large
	id=$(request_id)
	line_of "$(NGINX_LOG)" "$id" | grep -q '" 413 '
	! grep -q "rid=$id" "$E2E_LOG"
	exec {fd}<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
	# nginx may answer and close before the rest is written (EPIPE).
	(trap '' PIPE; printf 'GET /api/v1/health%%00 HTTP/1.1\r\nHost: x\r\n\r\n' \
	    >&"$fd") 2>/dev/null || true
	timeout 5 cat <&"$fd" | tr -d '\r' >"$BATS_TEST_TMPDIR/raw"
	exec {fd}>&-
	grep -q '^HTTP/1.1 400 ' "$BATS_TEST_TMPDIR/raw"
	id=$(sed -n 's/^X-Request-Id: //p' "$BATS_TEST_TMPDIR/raw")
	[[ $id =~ ^[0-9a-f]{32}$ ]]
	line_of "$(NGINX_LOG)" "$id" | grep -q '" 400 '
}

@test "the pages carry the id as well" {
	api GET /
	[ "$status" = 200 ]
	request_id >/dev/null
}

@test "a client's X-Request-Id is neither taken nor echoed" {
	local id
	api GET /api/v1/offices -H 'X-Request-Id: 0123456789abcdef0123456789abcdef'
	[ "$status" = 200 ]
	id=$(request_id)
	[ "$id" != 0123456789abcdef0123456789abcdef ]
	api GET /api/v1/offices -H 'X-Request-Id: <script>evil</script>'
	id=$(request_id)
	! grep -q 'evil' "$E2E_LOG"
	! grep -q 'evil' "$(NGINX_LOG)"
}

# An answer of permitd's straight over FastCGI, REQUEST_ID as given.
fcgi_get() { # REQUEST_ID
	env -i REQUEST_METHOD=GET REQUEST_URI=/api/v1/health "REQUEST_ID=$1" \
	    cgi-fcgi -bind -connect "$STACK_SOCKET" | tr -d '\r'
}

@test "a REQUEST_ID of another shape is replaced, never echoed or logged" {
	local bad out id
	for bad in 'evil' '0123456789ABCDEF0123456789ABCDEF' \
	    '0123456789abcdef0123456789abcdef0' $'0123456789abcdef\nrid=forged' \
	    '0123456789abcdef0123456789abcde%'; do
		out=$(fcgi_get "$bad")
		grep -q '^Status: 200' <<<"$out"
		id=$(sed -n 's/^X-Request-Id: //p' <<<"$out")
		[[ $id =~ ^[0-9a-f]{32}$ ]]
		[ "$id" != "$bad" ]
		line_of "$E2E_LOG" "$id" | grep -q 'GET /api/v1/health 200 '
	done
	! grep -qE 'evil|forged|ABCDEF|abcde%' "$E2E_LOG"
}

@test "a REQUEST_ID of nginx's shape is the one answered and logged" {
	local id=00112233445566778899aabbccddeeff out
	out=$(fcgi_get "$id")
	grep -qx "X-Request-Id: $id" <<<"$out"
	line_of "$E2E_LOG" "$id" | grep -q 'GET /api/v1/health 200 '
}

@test "every line of a request ends with its id, lines outside one with none" {
	local id
	api_json POST /api/v1/accounts \
	    "$(credentials "slow.$RANDOM$RANDOM@example.test" "$CITIZEN_PASSWORD")"
	[ "$status" = 201 ]
	id=$(request_id)
	line_of "$E2E_LOG" "$id" >/dev/null
	# The access line and the slow-request line (Argon2id alone takes
	# longer than slow_request_ms = 1).
	[ "$(grep -c "rid=$id\$" "$E2E_LOG")" -ge 2 ]
	grep 'listening on' "$E2E_LOG" | grep -vq 'rid='
}

@test "slow_request_ms: a slower request gets a warn line with route, status and where its time went" {
	local id line
	api_json POST /api/v1/accounts \
	    "$(credentials "slow.$RANDOM$RANDOM@example.test" "$CITIZEN_PASSWORD")"
	[ "$status" = 201 ]
	id=$(request_id)
	line=$(line_of "$E2E_LOG" "$id" | grep ' warn ')
	[[ $line =~ slow\ request:\ POST\ /api/v1/accounts\ 201\ [0-9.]+ms:\ database\ [0-9.]+ms,\ crypto\ [0-9.]+ms,\ other\ [0-9.]+ms\ rid=$id$ ]]
	# The Argon2id hash is crypto time.
	[[ ! $line =~ crypto\ 0\.0ms ]]
	api GET /api/v1/applications/00000000-0000-4000-8000-000000000000
	id=$(request_id)
	line=$(line_of "$E2E_LOG" "$id" | grep ' warn ' || true)
	[ -z "$line" ] || [[ $line == *'slow request: GET /api/v1/applications/{id} 401 '* ]]
}

# Sets slow_request_ms and reloads: returns once every worker is one
# started with it.
slow_request_ms() { # MS
	local before after
	before=$(worker_pids)
	sed -i "s/^slow_request_ms = .*/slow_request_ms = $1/" "$STACK_CONFIG"
	kill -HUP "$PERMITD_PID"
	for _ in $(seq 100); do
		after=$(worker_pids)
		[ -z "$(comm -12 <(echo "$before") <(echo "$after"))" ] &&
		    [ "$(wc -l <<<"$after")" -eq "$(wc -l <<<"$before")" ] &&
		    return 0
		sleep 0.1
	done
	return 1
}

@test "slow_request_ms = 0 logs no slow request" {
	local id
	slow_request_ms 0
	api_json POST /api/v1/accounts \
	    "$(credentials "fast.$RANDOM$RANDOM@example.test" "$CITIZEN_PASSWORD")"
	[ "$status" = 201 ]
	id=$(request_id)
	line_of "$E2E_LOG" "$id" | grep -q 'POST /api/v1/accounts 201 '
	! grep "rid=$id" "$E2E_LOG" | grep -q 'slow request'
	slow_request_ms 1
}

# The socket inodes PID holds open.
socket_inodes() { # PID
	find "/proc/$1/fd" -lname 'socket:*' -printf '%l\n' 2>/dev/null |
	    sed 's/socket:\[\([0-9]*\)\]/\1/'
}

@test "metrics_listen unset: the master listens on its FastCGI socket alone" {
	local ino tcp=0 unix=0
	! grep -q 'metrics on' "$E2E_LOG"
	for ino in $(socket_inodes "$PERMITD_PID"); do
		# TCP in state LISTEN (0A), any address.
		awk -v i="$ino" '$4 == "0A" && $10 == i' /proc/net/tcp /proc/net/tcp6 |
		    grep -q . && tcp=$((tcp + 1))
		# A listening unix socket (flags __SO_ACCEPTCON).
		awk -v i="$ino" '$4 == "00010000" && $7 == i' /proc/net/unix |
		    grep -q . && unix=$((unix + 1))
	done
	[ "$tcp" -eq 0 ]
	[ "$unix" -eq 1 ]
}
