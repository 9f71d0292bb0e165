#!/usr/bin/env bats
# A server that turns read-only under permitd's live connections (a
# primary being demoted: default_transaction_read_only set in its
# configuration and reloaded) says so only with its next answer. A write
# admitted before that answer is refused by the server, and its client
# gets what the service says while it refuses writes, 503 maintenance,
# never 503 unavailable or 500; nothing is written. (read_only.bats: a
# server read-only before the request came.)

load lib
load citizen

setup_file() {
	stack_start
	citizen_new rina
	person_new F
}

teardown_file() {
	server_read_only off
	stack_stop
}

# Turns the whole server read-only (on) or back (off), through its
# configuration: connections open now take it with their next statement,
# and tell their client with that statement's answer.
server_read_only() { # on|off
	local set="ALTER SYSTEM SET default_transaction_read_only = on"

	[ "$1" = on ] || set="ALTER SYSTEM RESET default_transaction_read_only"
	PGOPTIONS='-c default_transaction_read_only=off' psql_super -c "$set"
	psql_super -tA -c "SELECT pg_reload_conf()" >/dev/null
}

@test "a write meeting a server turned read-only under its connection is 503 maintenance" {
	local before
	# Every worker connected, and idle: health is one statement each.
	for _ in 1 2 3 4 5 6; do
		api GET /api/v1/health
		[ "$status" = 200 ]
	done
	before=$(psql_super -tA -c "SELECT count(*) FROM applications")
	server_read_only on
	sleep 0.5   # the reload reaches every server process
	as_post rina /api/v1/applications "$(passport_json)"
	[ "$status" = 503 ]
	[ "$(error_code)" = maintenance ]
	[[ $(jq -r .error.message <<<"$body") == *read-only* ]]
	[ -n "$(header Retry-After)" ]
	[ "$(psql_super -tA -c "SELECT count(*) FROM applications")" = "$before" ]
}
