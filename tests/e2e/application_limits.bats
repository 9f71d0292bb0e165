#!/usr/bin/env bats
# An account holds at most max_active_applications active applications
# (anti-abuse); this file's permitd runs with a bound of 2.

load lib
load citizen

setup_file() {
	E2E_EXTRA_CONFIG="max_active_applications = 2"
	stack_start
}

teardown_file() {
	stack_stop
}

@test "beyond max_active_applications a create is 409 and adds nothing" {
	local before first
	citizen_new lina
	person_new M
	as_post lina /api/v1/applications "$(passport_json)"
	[ "$status" = 201 ]
	first=$(jq -r .application.id <<<"$body")
	as_post lina /api/v1/applications "$(travel_json)"
	[ "$status" = 201 ]
	person_new F
	before=$(applications_count)
	as_post lina /api/v1/applications "$(passport_json)"
	[ "$status" = 409 ]
	[ "$(error_code)" = conflict ]
	[ "$(applications_count)" = "$before" ]

	# A cancelled application no longer counts.
	as lina POST "/api/v1/applications/$first/cancel"
	[ "$status" = 200 ]
	as_post lina /api/v1/applications "$(passport_json)"
	[ "$status" = 201 ]
}

@test "the bound is per account: another citizen still creates" {
	citizen_new mira
	person_new F
	as_post mira /api/v1/applications "$(passport_json)"
	[ "$status" = 201 ]
}

@test "concurrent creates cannot race past the bound" {
	local i n
	citizen_new nina
	for i in 1 2 3 4 5 6; do
		person_new M
		as_post nina /api/v1/applications "$(passport_json)" >/dev/null &
	done
	wait
	as nina GET /api/v1/applications
	n=$(jq '[.applications[] | select(.status == "submitted")] | length' <<<"$body")
	[ "$n" = 2 ]
}
