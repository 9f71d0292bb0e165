#!/usr/bin/env bats
# The maintenance mode as an admin sets it (GET and PUT
# /api/v1/admin/maintenance) and as the operator does (permitctl
# maintenance): one row, one set of rules, the same answers, each change
# with its audit row. The admin's message follows the mode's own sentence
# in every 503 maintenance body; every worker sees a change at its very
# next request, since every request's binding reads the row.

load lib
load citizen
load staff

E2E_EXTRA_CONFIG='workers = 4'

setup_file() {
	stack_start
	staff_new ada admin
	staff_new rey reviewer SBY
	citizen_new cid
}

reset_mode() {
	psql_super -c "UPDATE service_state SET mode = 'normal', message = NULL"
}

teardown_file() {
	reset_mode
	stack_stop
}

teardown() {
	reset_mode
}

READ_ONLY_SENTENCE='The service is read-only for maintenance: nothing can be changed now; try again later.'
CLOSED_SENTENCE='The service is closed for maintenance; try again later.'

put_mode() { # WHO JSON [curl args...]
	local who=$1 json=$2
	shift 2
	as "$who" PUT /api/v1/admin/maintenance -H 'Content-Type: application/json' \
	    --data "$json" "$@"
}

@test "an admin reads the mode and its message, as set" {
	as ada GET /api/v1/admin/maintenance
	[ "$status" = 200 ]
	[ "$(jq -c . <<<"$body")" = '{"mode":"normal","message":null}' ]
	put_mode ada '{"mode":"read_only","message":"Back at 14:00 WIB."}'
	[ "$status" = 200 ]
	[ "$(jq -c . <<<"$body")" = '{"mode":"read_only","message":"Back at 14:00 WIB."}' ]
	as ada GET /api/v1/admin/maintenance
	[ "$(jq -c . <<<"$body")" = '{"mode":"read_only","message":"Back at 14:00 WIB."}' ]
	[ "$(service_state)" = 'read_only|Back at 14:00 WIB.' ]
	api GET /api/v1/health
	[ "$(jq -c . <<<"$body")" = '{"status":"ok","mode":"read_only","message":"Back at 14:00 WIB."}' ]
}

@test "the admin's message follows the mode's sentence in every 503 maintenance body, the same for everyone" {
	local citizen anonymous
	admin_mode ada closed 'Back at 14:00 WIB.'
	as cid GET /api/v1/applications
	[ "$status" = 503 ]
	assert_error_body maintenance
	[ "$(jq -r .error.message <<<"$body")" = "$CLOSED_SENTENCE Back at 14:00 WIB." ]
	citizen=$body
	api GET /api/v1/offices
	anonymous=$body
	[ "$citizen" = "$anonymous" ]
	! grep -qF "$(citizen_email cid)" <<<"$citizen"
	admin_mode ada read_only 'Writes resume at 15:00.'
	as_post cid /api/v1/applications '{}'
	[ "$status" = 503 ]
	[ "$(jq -r .error.message <<<"$body")" = "$READ_ONLY_SENTENCE Writes resume at 15:00." ]
	admin_mode ada read_only
	as_post cid /api/v1/applications '{}'
	[ "$(jq -r .error.message <<<"$body")" = "$READ_ONLY_SENTENCE" ]
}

@test "an admin sets every mode, in every mode, and writes are served again in normal" {
	admin_mode ada closed
	admin_mode ada read_only
	admin_mode ada closed
	admin_mode ada normal
	[ "$(service_state)" = 'normal|' ]
	as_post cid /api/v1/applications '{}'
	[ "$status" = 422 ]
}

@test "a message of 500 characters, multi-byte ones too, is accepted" {
	local m
	m=$(printf 'é%.0s' $(seq 500))
	put_mode ada "$(jq -nc --arg m "$m" '{mode: "read_only", message: $m}')"
	[ "$status" = 200 ]
	[ "$(jq -r .message <<<"$body")" = "$m" ]
}

# Each refused body: STATUS FIELD JSON; the state never changes.
@test "bad maintenance bodies get the API's error naming the field and change nothing" {
	local state long
	admin_mode ada read_only 'kept'
	state=$(service_state)
	long=$(printf 'x%.0s' $(seq 501))
	while IFS='|' read -r want field json; do
		put_mode ada "$json"
		[ "$status" = "$want" ] || { echo "$json: $status $body" >&2; return 1; }
		[ "$(jq -r '.error.field // ""' <<<"$body")" = "$field" ] ||
		    { echo "$json: $body" >&2; return 1; }
	done <<EOF
422|mode|{"mode":"maintenance"}
422|mode|{"mode":"CLOSED"}
422|mode|{"mode":1}
422|mode|{"message":"no mode"}
422|message|{"mode":"closed","message":"$long"}
422|message|{"mode":"closed","message":"two\nlines"}
422|message|{"mode":"closed","message":7}
422|message|{"mode":"closed","message":"Questions: call 0215551234567"}
422|extra|{"mode":"closed","extra":true}
EOF
	put_mode ada 'not json'
	[ "$status" = 400 ]
	[ "$(service_state)" = "$state" ]
}

@test "no CSRF token, a citizen or a reviewer: PUT is 403 and changes nothing" {
	local state
	state=$(service_state)
	api_json PUT /api/v1/admin/maintenance '{"mode":"closed"}' -b "$(citizen_jar ada)"
	[ "$status" = 403 ]
	put_mode cid '{"mode":"closed"}'
	[ "$status" = 403 ]
	put_mode rey '{"mode":"closed"}'
	[ "$status" = 403 ]
	as rey GET /api/v1/admin/maintenance
	[ "$status" = 403 ]
	[ "$(service_state)" = "$state" ]
}

@test "permitctl maintenance and the API do the same thing" {
	local by_ctl by_api
	# The operator sets it: the admin reads what the operator set.
	run staff_ctl maintenance closed --message 'Back at 14:00 WIB.'
	[ "$status" = 0 ]
	[ "$output" = $'mode: closed\nmessage: Back at 14:00 WIB.' ]
	as ada GET /api/v1/admin/maintenance
	[ "$(jq -c . <<<"$body")" = '{"mode":"closed","message":"Back at 14:00 WIB."}' ]
	as cid GET /api/v1/me
	by_ctl="$status $body $(service_state)"
	reset_mode
	# The admin sets it: the operator reads what the admin set, and a
	# citizen is answered as before, byte for byte.
	admin_mode ada closed 'Back at 14:00 WIB.'
	run staff_ctl maintenance
	[ "$status" = 0 ]
	[ "$output" = $'mode: closed\nmessage: Back at 14:00 WIB.' ]
	as cid GET /api/v1/me
	by_api="$status $body $(service_state)"
	[ "$by_ctl" = "$by_api" ]
	# A mode without a message clears it, both ways.
	run staff_ctl maintenance read_only
	[ "$output" = $'mode: read_only\nmessage: ' ]
	[ "$(service_state)" = 'read_only|' ]
	admin_mode ada closed 'again'
	admin_mode ada read_only
	[ "$(service_state)" = 'read_only|' ]
}

@test "permitctl maintenance refuses what the API refuses, and changes nothing" {
	local state long
	admin_mode ada read_only 'kept'
	state=$(service_state)
	long=$(printf 'x%.0s' $(seq 501))
	run staff_ctl maintenance maintenance
	[ "$status" = 2 ]
	run staff_ctl maintenance closed --message "$long"
	[ "$status" = 2 ]
	run staff_ctl maintenance closed --message $'two\nlines'
	[ "$status" = 2 ]
	run staff_ctl maintenance --message 'a message without a mode'
	[ "$status" = 2 ]
	run staff_ctl maintenance closed --message 'Write to help@imigrasi.example.id'
	[ "$status" = 2 ]
	[ "$(service_state)" = "$state" ]
}

@test "permitctl maintenance writes one audit row of the act, by the role it runs as, and the chain verifies" {
	local before total
	before=$(cli_audit_count cli.maintenance)
	total=$(audit_total)
	run staff_ctl maintenance closed --message 'Back at 14:00 WIB.'
	[ "$status" = 0 ]
	[ "$(cli_audit_count cli.maintenance)" = $((before + 1)) ]
	[ "$(audit_total)" = $((total + 1)) ]
	[ "$(audit_last)" = 'cli|permit_owner|cli.maintenance||mode=closed' ]
	# Reading the mode is no act, and a refusal does nothing: no row.
	run staff_ctl maintenance
	[ "$status" = 0 ]
	run staff_ctl maintenance read_only --message $'two\nlines'
	[ "$status" = 2 ]
	[ "$(audit_total)" = $((total + 1)) ]
	audit_verify
}

@test "a permitctl maintenance whose audit row cannot be written changes nothing" {
	local state total
	admin_mode ada read_only 'kept'
	state=$(service_state)
	total=$(audit_total)
	audit_break
	run staff_ctl maintenance closed
	audit_unbreak
	[ "$status" = 1 ]
	[ "$(service_state)" = "$state" ]
	[ "$(audit_total)" = "$total" ]
	audit_verify
}

# 40 health requests, 8 at a time: each answer's mode, one a line.
health_burst() {
	seq 40 | xargs -P 8 -I{} curl -sS --max-time 5 -w '\n' \
	    "$PERMIT_URL/api/v1/health" | jq -r .mode
}

# The worker pids that served health since log line FROM.
health_workers_since() { # FROM
	tail -n +"$1" "$E2E_LOG" | grep -F 'GET /api/v1/health 200' |
	    sed -n 's/.* permitd\[\([0-9]*\)\] .*/\1/p' | sort -u | wc -l
}

@test "every worker sees a change at its next request, by the API and by permitctl" {
	local from
	[ "$(worker_pids | wc -l)" = 4 ]
	[ "$(health_burst | sort -u)" = normal ]
	from=$(($(wc -l <"$E2E_LOG") + 1))
	admin_mode ada read_only
	[ "$(health_burst | sort -u)" = read_only ]
	[ "$(health_workers_since "$from")" -ge 2 ]
	from=$(($(wc -l <"$E2E_LOG") + 1))
	staff_ctl maintenance closed >/dev/null
	[ "$(health_burst | sort -u)" = closed ]
	[ "$(health_workers_since "$from")" -ge 2 ]
}
