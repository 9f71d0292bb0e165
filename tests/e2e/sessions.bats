#!/usr/bin/env bats
# Sessions through nginx to permitd: sign in, the cookie and its CSRF token,
# GET /me, sign out, and every way a session stops working (docs/API.md,
# Sessions; docs/DESIGN.md invariants 4 and 9).

load lib

setup_file() {
	# Activity is recorded and dead sessions swept within the tests' time.
	E2E_EXTRA_CONFIG=$'session_touch_interval = 2\nsession_sweep_interval = 1' \
	    stack_start
}

teardown_file() {
	stack_stop
}

setup() {
	JAR=$BATS_TEST_TMPDIR/jar
	EMAIL="s${BATS_TEST_NUMBER}-$RANDOM$RANDOM@example.com"
	PASSWORD="correct horse $RANDOM"
}

register() { # EMAIL PASSWORD
	api_json POST /api/v1/accounts "$(credentials "$1" "$2")"
	[ "$status" = 201 ]
}

signin() { # EMAIL PASSWORD (cookie into $JAR)
	api_json POST /api/v1/sessions "$(credentials "$1" "$2")" -c "$JAR"
}

# Registers and signs in $EMAIL; sets ACCOUNT_ID and CSRF.
signed_in() {
	register "$EMAIL" "$PASSWORD"
	signin "$EMAIL" "$PASSWORD"
	[ "$status" = 201 ]
	ACCOUNT_ID=$(jq -r .account.id <<<"$body")
	CSRF=$(jq -r .csrf_token <<<"$body")
}

me() { api GET /api/v1/me -b "$JAR"; }

signout() { # [curl args...]
	api DELETE /api/v1/sessions/current -b "$JAR" "$@"
}

# The session token the jar holds.
jar_token() { awk '$6 == "permit_session" { print $7 }' "$JAR"; }

# SIGHUP: permitd re-reads its config into a new generation of workers
# (same master, so teardown_file still stops it); waits for them.
reload_permitd() {
	local old i
	old=$(worker_pids)
	kill -HUP "$PERMITD_PID"
	for i in $(seq 100); do
		[ -n "$(worker_pids)" ] && [ -z "$(comm -12 <(echo "$old") <(worker_pids))" ] && return 0
		sleep 0.1
	done
	return 1
}

sessions_sql() { # SET-CLAUSE: changes this test's account's sessions
	psql_super -c "UPDATE sessions SET $1 WHERE account_id = '$ACCOUNT_ID'"
}

@test "sign in: 201, the account, a CSRF token and the cookie of the HTTP API" {
	register "$EMAIL" "$PASSWORD"
	local id
	id=$(jq -r .account.id <<<"$body")
	signin "$EMAIL" "$PASSWORD"
	[ "$status" = 201 ]
	[ "$(jq -r .account.id <<<"$body")" = "$id" ]
	[ "$(jq -r .account.email <<<"$body")" = "$EMAIL" ]
	[ "$(jq -r .account.role <<<"$body")" = citizen ]
	[ "$(jq -r .account.office <<<"$body")" = null ]
	[[ "$(jq -r .csrf_token <<<"$body")" =~ ^[A-Za-z0-9_-]{43}$ ]]
	local cookie
	cookie=$(header Set-Cookie)
	[[ "$cookie" =~ ^permit_session=[A-Za-z0-9_-]{43}\; ]]
	[[ "$cookie" == *"; Path=/"* ]]
	[[ "$cookie" == *"; HttpOnly"* ]]
	[[ "$cookie" == *"; SameSite=Strict"* ]]
	# The test stack runs plain HTTP with cookie_secure = false.
	[[ "$cookie" != *Secure* ]]
	[ "$(header Cache-Control)" = no-store ]
}

@test "sign in normalises the email as registration does" {
	register "$EMAIL" "$PASSWORD"
	signin "  ${EMAIL^^}  " "$PASSWORD"
	[ "$status" = 201 ]
	[ "$(jq -r .account.email <<<"$body")" = "$EMAIL" ]
}

@test "unknown email and wrong password: 401 with byte-identical bodies" {
	register "$EMAIL" "$PASSWORD"
	signin "nobody-$RANDOM@example.com" "$PASSWORD"
	[ "$status" = 401 ]
	[ "$(error_code)" = unauthorized ]
	local unknown=$body
	[ -z "$(header Set-Cookie)" ]
	signin "$EMAIL" "wrong password $RANDOM"
	[ "$status" = 401 ]
	[ "$body" = "$unknown" ]
	[ -z "$(header Set-Cookie)" ]
	signin "not an email" "$PASSWORD"
	[ "$status" = 401 ]
	[ "$body" = "$unknown" ]
}

@test "a blocked account cannot sign in (same 401) and its session stops" {
	signed_in
	psql_super -c "UPDATE accounts SET blocked_at = now() WHERE id = '$ACCOUNT_ID'"
	me
	[ "$status" = 401 ]
	signin "nobody-$RANDOM@example.com" "$PASSWORD"
	local unknown=$body
	signin "$EMAIL" "$PASSWORD"
	[ "$status" = 401 ]
	[ "$body" = "$unknown" ]
}

@test "GET /me: the account and the same CSRF token as sign-in" {
	signed_in
	me
	[ "$status" = 200 ]
	[ "$(jq -r .account.id <<<"$body")" = "$ACCOUNT_ID" ]
	[ "$(jq -r .account.email <<<"$body")" = "$EMAIL" ]
	[ "$(jq -r .account.role <<<"$body")" = citizen ]
	[ "$(jq -c '.account | has("office")' <<<"$body")" = true ]
	[ "$(jq -r .account.office <<<"$body")" = null ]
	[ "$(jq -r .csrf_token <<<"$body")" = "$CSRF" ]
	[ "$(header Vary)" = Cookie ]
}

@test "GET /me without a cookie, or with a forged one: 401" {
	api GET /api/v1/me
	[ "$status" = 401 ]
	[ "$(error_code)" = unauthorized ]
	api GET /api/v1/me -H 'Cookie: permit_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
	[ "$status" = 401 ]
	api GET /api/v1/me -H 'Cookie: permit_session=not-a-token'
	[ "$status" = 401 ]
}

@test "sign out: 204, the cookie is cleared, the old token gets 401 at once" {
	signed_in
	cp "$JAR" "$BATS_TEST_TMPDIR/old"
	signout -H "X-CSRF-Token: $CSRF"
	[ "$status" = 204 ]
	[ -z "$body" ]
	local cookie
	cookie=$(header Set-Cookie)
	[[ "$cookie" == "permit_session=;"* ]]
	[[ "$cookie" == *"Max-Age=0"* ]]
	JAR=$BATS_TEST_TMPDIR/old me
	[ "$status" = 401 ]
	JAR=$BATS_TEST_TMPDIR/old signout -H "X-CSRF-Token: $CSRF"
	[ "$status" = 401 ]
}

@test "sign out without X-CSRF-Token: 403 and the session still works" {
	signed_in
	signout
	[ "$status" = 403 ]
	[ "$(error_code)" = forbidden ]
	me
	[ "$status" = 200 ]
	[ "$(psql_super -Atc "SELECT count(*) FROM sessions WHERE account_id = '$ACCOUNT_ID' AND revoked_at IS NULL")" = 1 ]
}

@test "sign out with a wrong X-CSRF-Token: 403 and the session still works" {
	signed_in
	local token
	token=$(jar_token)
	signout -H 'X-CSRF-Token: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
	[ "$status" = 403 ]
	signout -H "X-CSRF-Token: ${CSRF}x"
	[ "$status" = 403 ]
	signout -H "X-CSRF-Token: ${CSRF:0:42}"
	[ "$status" = 403 ]
	# Right length, only the last character wrong: every byte is compared.
	local last=${CSRF: -1} other=A
	[ "$last" != A ] || other=B
	signout -H "X-CSRF-Token: ${CSRF:0:42}$other"
	[ "$status" = 403 ]
	# The session token itself is not its CSRF token.
	signout -H "X-CSRF-Token: $token"
	[ "$status" = 403 ]
	me
	[ "$status" = 200 ]
}

@test "another session's CSRF token does not work" {
	signed_in
	local mine=$CSRF
	cp "$JAR" "$BATS_TEST_TMPDIR/mine"
	signin "$EMAIL" "$PASSWORD"
	local other
	other=$(jq -r .csrf_token <<<"$body")
	[ "$other" != "$mine" ]
	JAR=$BATS_TEST_TMPDIR/mine signout -H "X-CSRF-Token: $other"
	[ "$status" = 403 ]
	JAR=$BATS_TEST_TMPDIR/mine me
	[ "$status" = 200 ]
}

@test "a session past its absolute lifetime: 401" {
	signed_in
	sessions_sql "expires_at = now() - interval '1 second', idle_expires_at = now() - interval '1 second'"
	me
	[ "$status" = 401 ]
	[ "$(error_code)" = unauthorized ]
}

@test "a session idle past its timeout: 401" {
	signed_in
	sessions_sql "idle_expires_at = now() - interval '1 second'"
	me
	[ "$status" = 401 ]
}

@test "a revoked session: 401" {
	signed_in
	sessions_sql "revoked_at = now()"
	me
	[ "$status" = 401 ]
}

# The session's idle deadline, as epoch seconds, and its activity record.
session_row() {
	psql_super -Atc "SELECT extract(epoch FROM idle_expires_at)::bigint,
	    extract(epoch FROM last_seen_at)::bigint FROM sessions
	    WHERE account_id = '$ACCOUNT_ID'"
}

@test "a read within session_touch_interval of the last record writes nothing" {
	signed_in
	sessions_sql "idle_expires_at = now() + interval '1 minute', last_seen_at = now()"
	local before
	before=$(session_row)
	me
	[ "$status" = 200 ]
	[ "$(session_row)" = "$before" ]
}

@test "a use after session_touch_interval moves the idle deadline on, never past the absolute one" {
	signed_in
	sessions_sql "idle_expires_at = now() + interval '1 minute', last_seen_at = now() - interval '3 seconds'"
	me
	[ "$status" = 200 ]
	# The record is written after the answer: wait for it.
	for _ in $(seq 20); do
		[ "$(psql_super -Atc "SELECT idle_expires_at > now() + interval '10 minutes' FROM sessions WHERE account_id = '$ACCOUNT_ID'")" = t ] && break
		sleep 0.1
	done
	[ "$(psql_super -Atc "SELECT idle_expires_at > now() + interval '10 minutes' FROM sessions WHERE account_id = '$ACCOUNT_ID'")" = t ]
	sessions_sql "idle_expires_at = now() + interval '1 minute', expires_at = now() + interval '2 minutes', last_seen_at = now() - interval '3 seconds'"
	me
	[ "$status" = 200 ]
	for _ in $(seq 20); do
		[ "$(psql_super -Atc "SELECT idle_expires_at = expires_at FROM sessions WHERE account_id = '$ACCOUNT_ID'")" = t ] && break
		sleep 0.1
	done
	[ "$(psql_super -Atc "SELECT idle_expires_at = expires_at FROM sessions WHERE account_id = '$ACCOUNT_ID'")" = t ]
}

@test "only a keyed hash of the token is stored" {
	signed_in
	local token hex
	token=$(jar_token)
	[ -n "$token" ]
	hex=$(printf '%s=' "$token" | tr -- '-_' '+/' | base64 -d 2>/dev/null | od -An -tx1 | tr -d ' \n')
	[ "${#hex}" = 64 ]
	[ "$(psql_super -Atc "SELECT count(*) FROM sessions WHERE token_hash = '\\x$hex'::bytea")" = 0 ]
	[ "$(psql_super -Atc "SELECT count(*) FROM sessions WHERE account_id = '$ACCOUNT_ID'")" = 1 ]
}

@test "the master sweeps dead sessions every session_sweep_interval, off the request path" {
	signed_in
	sessions_sql "revoked_at = now()"
	signin "$EMAIL" "$PASSWORD"
	[ "$status" = 201 ]
	for _ in $(seq 50); do
		[ "$(psql_super -Atc "SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL OR idle_expires_at <= now()")" = 0 ] && break
		sleep 0.1
	done
	[ "$(psql_super -Atc "SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL OR idle_expires_at <= now()")" = 0 ]
	[ "$(psql_super -Atc "SELECT count(*) FROM sessions WHERE account_id = '$ACCOUNT_ID'")" = 1 ]
}

@test "sign-in bodies: not JSON 400, wrong content type 400, unknown field 422, missing field 422" {
	register "$EMAIL" "$PASSWORD"
	local before
	before=$(psql_super -Atc 'SELECT count(*) FROM sessions')
	api_json POST /api/v1/sessions 'not json'
	[ "$status" = 400 ]
	[ "$(error_code)" = bad_request ]
	api POST /api/v1/sessions -H 'Content-Type: text/plain' \
	    --data-binary "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}"
	[ "$status" = 400 ]
	api_json POST /api/v1/sessions "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"remember\":true}"
	[ "$status" = 422 ]
	[ "$(error_code)" = invalid ]
	[ "$(jq -r .error.field <<<"$body")" = remember ]
	api_json POST /api/v1/sessions "{\"email\":\"$EMAIL\"}"
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = password ]
	api_json POST /api/v1/sessions "{\"email\":\"$EMAIL\",\"password\":12345678901}"
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = password ]
	[ "$(psql_super -Atc 'SELECT count(*) FROM sessions')" = "$before" ]
}

@test "sign-in re-hashes the password when the hashing limits rose" {
	register "$EMAIL" "$PASSWORD"
	local id before after
	id=$(jq -r .account.id <<<"$body")
	before=$(psql_super -Atc "SELECT password_hash FROM accounts WHERE id = '$id'")
	[[ "$before" == '$argon2id$'*',t=2,'* ]]
	cp "$STACK_CONFIG" "$BATS_TEST_TMPDIR/config"
	echo 'pwhash_opslimit = 3' | stack_config_set "$STACK_CONFIG"
	reload_permitd
	signin "$EMAIL" "$PASSWORD"
	local signed=$status
	after=$(psql_super -Atc "SELECT password_hash FROM accounts WHERE id = '$id'")
	cp "$BATS_TEST_TMPDIR/config" "$STACK_CONFIG"
	reload_permitd
	[ "$signed" = 201 ]
	[[ "$after" == '$argon2id$'*',t=3,'* ]]
	# The old limits again: the stronger hash still verifies.
	signin "$EMAIL" "$PASSWORD"
	[ "$status" = 201 ]
}

# Two session cookies in one request are no session at all (401): the first
# one no longer wins, so a cookie planted for a narrower path or from a
# sibling subdomain neither signs the victim out nor into another account.
@test "two permit_session cookies: 401, whichever comes first" {
	local mine other
	signed_in
	mine=$(jar_token)
	EMAIL="other-$RANDOM$RANDOM@example.com"
	register "$EMAIL" "$PASSWORD"
	signin "$EMAIL" "$PASSWORD"
	other=$(jar_token)
	api GET /api/v1/me -H "Cookie: permit_session=$mine"
	[ "$status" = 200 ]
	api GET /api/v1/me -H "Cookie: permit_session=$other; permit_session=$mine"
	[ "$status" = 401 ]
	assert_error_body unauthorized
	api GET /api/v1/me -H "Cookie: permit_session=$mine; lang=id; permit_session=$mine"
	[ "$status" = 401 ]
}

# With cookie_secure on, the cookie is __Host-permit_session (Secure,
# Path=/, no Domain: no sibling subdomain or narrower path can set one),
# the plain name is not read, and two of it are no session either.
@test "cookie_secure: __Host-permit_session, the plain name ignored, two of it 401" {
	local cookie token status_plain status_two status_one
	cp "$STACK_CONFIG" "$BATS_TEST_TMPDIR/config"
	echo 'cookie_secure = true' | stack_config_set "$STACK_CONFIG"
	reload_permitd
	register "$EMAIL" "$PASSWORD"
	signin "$EMAIL" "$PASSWORD"
	cookie=$(header Set-Cookie)
	token=$(sed -n 's/^__Host-permit_session=\([A-Za-z0-9_-]*\);.*/\1/p' <<<"$cookie")
	api GET /api/v1/me -H "Cookie: __Host-permit_session=$token"
	status_one=$status
	api GET /api/v1/me -H "Cookie: permit_session=$token"
	status_plain=$status
	api GET /api/v1/me -H "Cookie: __Host-permit_session=$token; __Host-permit_session=$token"
	status_two=$status
	cp "$BATS_TEST_TMPDIR/config" "$STACK_CONFIG"
	reload_permitd
	[[ "$cookie" =~ ^__Host-permit_session=[A-Za-z0-9_-]{43}\; ]]
	[[ "$cookie" == *"; Path=/"* ]]
	[[ "$cookie" == *"; Secure"* ]]
	[[ "$cookie" != *Domain* ]]
	[ "$status_one" = 200 ]
	[ "$status_plain" = 401 ]
	[ "$status_two" = 401 ]
}

# Not timing but its cause: an unknown email (or one of the wrong shape)
# runs the same one Argon2id verification as a wrong password, so a
# sign-in's time does not tell whether an account exists.
@test "sign-in runs one Argon2id verification whether or not the email has an account" {
	register "$EMAIL" "$PASSWORD"
	signin "$EMAIL" "wrong password $RANDOM"
	[ "$status" = 401 ]
	[ "$(access_field argon2 POST /api/v1/sessions 401)" = 1 ]
	signin "nobody-$RANDOM@example.com" "$PASSWORD"
	[ "$status" = 401 ]
	[ "$(access_field argon2 POST /api/v1/sessions 401)" = 1 ]
	signin "not an email" "$PASSWORD"
	[ "$status" = 401 ]
	[ "$(access_field argon2 POST /api/v1/sessions 401)" = 1 ]
	signin "$EMAIL" "$PASSWORD"
	[ "$status" = 201 ]
	[ "$(access_field argon2 POST /api/v1/sessions 201)" = 1 ]
}
