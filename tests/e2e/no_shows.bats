#!/usr/bin/env bats
# Missed appointments: no_show_limit (2) applications decided no_show within
# no_show_window_days (180), per account and per NIK, close booking for
# no_show_cooldown_days (30) after the last one (migrations/0016).

load lib
load citizen

setup_file() {
	stack_start
	export DAY
	DAY=$(weekday_ahead 10)
}

teardown_file() {
	stack_stop
}


book() { # NAME
	as_post "$1" "/api/v1/applications/$(citizen_app "$1")/booking" \
	    "{\"date\":\"$DAY\"}"
}

# Citizen NAME's current application decided no_show at AT (an SQL time),
# as the review's decision does.
no_show() { # NAME AT
	psql_super -c "UPDATE applications SET status = 'no_show', decided_at = $2,
	    decided_by = '$(citizen_id "$1")', decision_reason = 'Did not come.'
	    WHERE id = '$(citizen_app "$1")'"
}

# NAME files for the current person and misses it, at each AT.
misses() { # NAME AT...
	local name=$1 at
	shift
	for at in "$@"; do
		citizen_apply "$name"
		no_show "$name" "$at"
	done
}

# misses, then NAME files again.
missed() { # NAME AT...
	misses "$@"
	citizen_apply "$1"
}

# The office's (WIB) day COOLDOWN days after AT.
day_after() { # AT
	psql_super -tA -c "SELECT (($1 + interval '30 days') AT TIME ZONE 'Asia/Jakarta')::date"
}

# Every booking and every day's taken count.
bookings_now() {
	psql_super -tA -c "SELECT (SELECT count(*) FROM bookings) || '/' ||
	    (SELECT coalesce(sum(booked), 0) FROM office_days)"
}

@test "two no-shows within the window: 409 conflict naming the day booking opens again, nothing changed" {
	local before
	citizen_new ani; person_new F
	missed ani "now() - interval '3 days'" "now() - interval '1 day'"
	before=$(bookings_now)
	book ani
	[ "$status" = 409 ] || { echo "$body" >&2; false; }
	assert_error_body conflict
	grep -q "$(day_after "now() - interval '1 day'")" <<<"$(jq -r .error.message <<<"$body")" ||
	    { echo "$body" >&2; false; }
	[ "$(bookings_now)" = "$before" ]
}

@test "the same NIK from a second account is refused too" {
	citizen_new beni; person_new M
	misses beni "now() - interval '5 days'" "now() - interval '2 days'"
	citizen_new beni2
	citizen_apply beni2
	book beni2
	[ "$status" = 409 ]
	[ "$(error_code)" = conflict ]
	grep -q "$(day_after "now() - interval '2 days'")" <<<"$body"
}

@test "the same account with another NIK is refused too" {
	citizen_new cici; person_new F
	missed cici "now() - interval '4 days'"
	person_new M
	missed cici "now() - interval '1 day'"
	book cici
	[ "$status" = 409 ]
	[ "$(error_code)" = conflict ]
}

@test "one no-show does not close booking" {
	citizen_new dodi; person_new M
	missed dodi "now() - interval '1 day'"
	book dodi
	[ "$status" = 201 ] || { echo "$body" >&2; false; }
}

@test "no-shows older than the window do not count" {
	citizen_new eko; person_new M
	missed eko "now() - interval '200 days'" "now() - interval '181 days'"
	book eko
	[ "$status" = 201 ] || { echo "$body" >&2; false; }
}

@test "after the cool-down booking opens again" {
	citizen_new fani; person_new F
	missed fani "now() - interval '40 days'" "now() - interval '31 days'"
	book fani
	[ "$status" = 201 ] || { echo "$body" >&2; false; }
}

@test "another person's no-shows on another account do not count" {
	citizen_new gina; person_new F
	missed gina "now() - interval '3 days'" "now() - interval '1 day'"
	citizen_new hadi; person_new M
	citizen_apply hadi
	book hadi
	[ "$status" = 201 ] || { echo "$body" >&2; false; }
}

@test "the citizen sees the decision on the application: outcome, reason, time" {
	local app
	citizen_new ika; person_new F
	citizen_apply ika
	app=$(citizen_app ika)
	as ika GET "/api/v1/applications/$app"
	[ "$(jq -c .application.decision <<<"$body")" = null ]
	no_show ika "now()"
	as ika GET "/api/v1/applications/$app"
	[ "$status" = 200 ]
	[ "$(jq -r .application.status <<<"$body")" = no_show ]
	[ "$(jq -r .application.decision.outcome <<<"$body")" = no_show ]
	[ "$(jq -r .application.decision.reason <<<"$body")" = "Did not come." ]
	[[ "$(jq -r .application.decision.at <<<"$body")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$ ]]
}
