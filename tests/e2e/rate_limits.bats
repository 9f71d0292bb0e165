#!/usr/bin/env bats
# The rate limits (pipe/limit.h, migrations/0008): each answers the request
# over it 429 rate_limited with a Retry-After after which a request passes;
# counts live in PostgreSQL, so they hold across workers; the client address
# comes from X-Forwarded-For only when a trusted proxy sends it.

load lib
load citizen
load limits

setup_file() {
	export E2E_EXTRA_CONFIG="$LIMITS_CONFIG"
	stack_start
}

teardown_file() {
	stack_stop
}

@test "registrations: the fourth from one address in a burst is 429, and one passes after Retry-After" {
	local addr i
	addr=$(addr_new)
	for i in 1 2 3; do
		register_from "$addr" "reg$i.$RANDOM$RANDOM@example.test"
		[ "$status" = 201 ]
	done
	register_from "$addr" "reg4.$RANDOM$RANDOM@example.test"
	assert_rate_limited 2
	wait_retry_after
	register_from "$addr" "reg5.$RANDOM$RANDOM@example.test"
	[ "$status" = 201 ]
}

@test "registrations: a refused registration (422) still counts" {
	local addr i
	addr=$(addr_new)
	for i in 1 2 3; do
		api_json POST /api/v1/accounts '{"email":"x@example.test","password":"short"}' \
		    -H "X-Forwarded-For: $addr"
		[ "$status" = 422 ]
	done
	register_from "$addr" "late.$RANDOM$RANDOM@example.test"
	assert_rate_limited 2
}

@test "registrations: each address has its own count (the trusted proxy's header is used)" {
	local a b i
	a=$(addr_new)
	b=$(addr_new)
	for i in 1 2 3; do
		register_from "$a" "a$i.$RANDOM$RANDOM@example.test"
		[ "$status" = 201 ]
	done
	register_from "$a" "a4.$RANDOM$RANDOM@example.test"
	assert_rate_limited 2
	register_from "$b" "b1.$RANDOM$RANDOM@example.test"
	[ "$status" = 201 ]
}

@test "registrations: IPv6 addresses of one /64 share a count, another /64 has its own" {
	local net i
	net=$(printf '2001:db8:%x:%x' "$BATS_TEST_NUMBER" "$RANDOM")
	for i in 1 2 3; do
		register_from "$net::$i" "v6$i.$RANDOM$RANDOM@example.test"
		[ "$status" = 201 ]
	done
	register_from "$net:ffff::4" "v64.$RANDOM$RANDOM@example.test"
	assert_rate_limited 2
	register_from "$(printf '2001:db8:%x:%x::1' "$((BATS_TEST_NUMBER + 1000))" "$RANDOM")" \
	    "v65.$RANDOM$RANDOM@example.test"
	[ "$status" = 201 ]
}

@test "registrations: the limit holds across workers (12 at once, 3 pass)" {
	local addr i
	addr=$(addr_new)
	# The bodies first, so the twelve leave together however slow jq is
	# on a loaded machine (GCRA lets one more through every 2 s).
	for i in $(seq 12); do
		credentials "par$i.$RANDOM$RANDOM@example.test" "$CITIZEN_PASSWORD" \
		    >"$BATS_TEST_TMPDIR/body.$i"
	done
	for i in $(seq 12); do
		curl -sS -o /dev/null -w '%{http_code}\n' -X POST \
		    -H 'Content-Type: application/json' -H "X-Forwarded-For: $addr" \
		    --data-binary "@$BATS_TEST_TMPDIR/body.$i" \
		    "$PERMIT_URL/api/v1/accounts" >"$BATS_TEST_TMPDIR/code.$i" &
	done
	wait
	[ "$(tally_codes 12)" = "3 passed, 9 limited" ]
	# Both workers answered some of them.
	[ "$(grep -E ' POST /api/v1/accounts (201|429) ' "$E2E_LOG" |
	    sed -n 's/.*permitd\[\([0-9]*\)\].*/\1/p' | sort -u | wc -l)" -ge 2 ]
}

@test "failed sign-ins per account: over the limit even the right password is 429, without Argon2id" {
	local email a b
	email="victim.$RANDOM$RANDOM@example.test"
	register_from "$(addr_new)" "$email"
	[ "$status" = 201 ]
	# Three failures, each from its own address: only the account's count.
	for a in 1 2 3; do
		curl -sS -o /dev/null -X POST \
		    -H 'Content-Type: application/json' -H "X-Forwarded-For: $(addr_new)" \
		    --data-binary "$(credentials "$email" 'wrong password!')" \
		    "$PERMIT_URL/api/v1/sessions"
	done
	[ "$(access_field argon2 POST /api/v1/sessions 401)" = 1 ]
	b=$(addr_new)
	signin_from "$b" "$email" "$CITIZEN_PASSWORD"
	assert_rate_limited 2
	# Refused before the handler: no Argon2id computed (the access log's
	# count, not a timing), so a guesser cannot make the server work.
	[ "$(access_field argon2 POST /api/v1/sessions 429)" = 0 ]
	wait_retry_after
	signin_from "$b" "$email" "$CITIZEN_PASSWORD"
	[ "$status" = 201 ]
}

@test "failed sign-ins per account: the limit holds for guesses in parallel (10 at once, 3 are tried)" {
	local email i addrs=()
	email="guessed.$RANDOM$RANDOM@example.test"
	register_from "$(addr_new)" "$email"
	[ "$status" = 201 ]
	# Bodies and addresses first, so the ten leave together however slow
	# jq is on a loaded machine (GCRA lets one more through every 2 s).
	for i in $(seq 10); do
		credentials "$email" "wrong password $i" >"$BATS_TEST_TMPDIR/body.$i"
		addrs[i]=$(addr_new)
	done
	for i in $(seq 10); do
		curl -sS -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
		    -H "X-Forwarded-For: ${addrs[i]}" \
		    --data-binary "@$BATS_TEST_TMPDIR/body.$i" \
		    "$PERMIT_URL/api/v1/sessions" >"$BATS_TEST_TMPDIR/code.$i" &
	done
	wait
	[ "$(tally_codes 10 401)" = "3 passed, 7 limited" ]
}

@test "failed sign-ins per account: a success clears the count" {
	local email i
	email="clears.$RANDOM$RANDOM@example.test"
	register_from "$(addr_new)" "$email"
	for i in 1 2; do
		signin_from "$(addr_new)" "$email" 'wrong password!'
		[ "$status" = 401 ]
	done
	signin_from "$(addr_new)" "$email" "$CITIZEN_PASSWORD"
	[ "$status" = 201 ]
	# Without the clear, the second of these would be refused.
	for i in 1 2 3; do
		signin_from "$(addr_new)" "$email" 'wrong password!'
		[ "$status" = 401 ]
	done
	signin_from "$(addr_new)" "$email" 'wrong password!'
	assert_rate_limited 2
}

@test "failed sign-ins per address: a fourth email from one address is 429" {
	local addr i
	addr=$(addr_new)
	for i in 1 2 3; do
		signin_from "$addr" "nobody$i.$RANDOM@example.test" 'wrong password!'
		[ "$status" = 401 ]
	done
	signin_from "$addr" "nobody4.$RANDOM@example.test" 'wrong password!'
	assert_rate_limited 2
	wait_retry_after
	signin_from "$addr" "nobody5.$RANDOM@example.test" 'wrong password!'
	[ "$status" = 401 ]
}

@test "submissions per account: the fourth in a burst is 429, one passes after Retry-After" {
	local i
	citizen_new sub
	for i in 1 2 3; do
		person_new F
		as_post sub /api/v1/applications "$(passport_json)"
		[ "$status" = 201 ]
	done
	person_new M
	as_post sub /api/v1/applications "$(passport_json)"
	assert_rate_limited 2
	# Nothing was written for it.
	[ "$(psql_super -At -c "SELECT count(*) FROM applications
	    WHERE account_id = '$(citizen_id sub)'")" = 3 ]
	wait_retry_after
	as_post sub /api/v1/applications "$(passport_json)"
	[ "$status" = 201 ]
}

@test "submissions per account: the limit holds across workers (10 at once, 3 pass)" {
	local i jar csrf
	citizen_new par
	# The bodies first, so the ten leave together however slow jq is on a
	# loaded machine (GCRA lets one more through every 2 s).
	for i in $(seq 10); do
		person_new F
		passport_json >"$BATS_TEST_TMPDIR/body.$i"
	done
	jar=$(citizen_jar par)
	csrf=$(citizen_csrf par)
	for i in $(seq 10); do
		curl -sS -o /dev/null -w '%{http_code}\n' -X POST \
		    -b "$jar" -H "X-CSRF-Token: $csrf" \
		    -H 'Content-Type: application/json' \
		    --data-binary "@$BATS_TEST_TMPDIR/body.$i" \
		    "$PERMIT_URL/api/v1/applications" >"$BATS_TEST_TMPDIR/code.$i" &
	done
	wait
	[ "$(tally_codes 10)" = "3 passed, 7 limited" ]
}

@test "a forwarding header from an address that is no trusted proxy is ignored" {
	local i
	sed -i 's/^trusted_proxies = .*/trusted_proxies = 192.0.2.1/' "$STACK_CONFIG"
	permitd_restart
	# 127.0.0.1 registered this file's citizens: start it afresh.
	psql_super -c 'DELETE FROM rate_limits'
	# Every request names another address; all come from 127.0.0.1.
	for i in 1 2 3; do
		register_from "$(addr_new)" "spoof$i.$RANDOM$RANDOM@example.test"
		[ "$status" = 201 ]
	done
	register_from "$(addr_new)" "spoof4.$RANDOM$RANDOM@example.test"
	assert_rate_limited 2
	sed -i 's/^trusted_proxies = .*/trusted_proxies = 127.0.0.1/' "$STACK_CONFIG"
	permitd_restart
}
