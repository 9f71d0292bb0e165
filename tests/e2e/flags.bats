#!/usr/bin/env bats
# The flag rules (migrations/0008): a burst of submissions, and more than K
# accounts registered from one address in a day, each flag an account;
# a citizen's ordinary use flags nothing. permit_account_flagged answers
# for the bound principal only.

load lib
load citizen
load limits

setup_file() {
	export E2E_EXTRA_CONFIG="$LIMITS_CONFIG
limit_registrations = 1000
limit_submissions = 1000
flag_burst_count = 3
flag_burst_seconds = 60
flag_registrations_per_address = 2"
	stack_start
}

teardown_file() {
	stack_stop
}

@test "a burst of submissions (3 within 60 s) flags the account" {
	local i
	citizen_new_from burst "$(addr_new)"
	for i in 1 2 3; do
		person_new F
		as_post burst /api/v1/applications "$(passport_json)"
		[ "$status" = 201 ]
	done
	[ "$(flags_of "$(citizen_id burst)" submission_burst)" = 1 ]
	# One flag per rule while it is open, however long the burst goes on.
	person_new M
	as_post burst /api/v1/applications "$(passport_json)"
	[ "$(flags_of "$(citizen_id burst)" submission_burst)" = 1 ]
	# The detail carries counts, no identity data.
	[ "$(psql_super -At -c "SELECT detail FROM account_flags
	    WHERE account_id = '$(citizen_id burst)' AND rule = 'submission_burst'")" = "3 submissions within 60 s" ]
}

@test "an ordinary citizen (two submissions, one registration) is not flagged" {
	citizen_new_from plain "$(addr_new)"
	person_new F
	as_post plain /api/v1/applications "$(passport_json)"
	[ "$status" = 201 ]
	person_new M
	as_post plain /api/v1/applications "$(passport_json)"
	[ "$status" = 201 ]
	[ "$(psql_super -At -c "SELECT count(*) FROM account_flags
	    WHERE account_id = '$(citizen_id plain)'")" = 0 ]
}

@test "a flagged account is otherwise served as before" {
	as burst GET /api/v1/applications
	[ "$status" = 200 ]
	as burst GET /api/v1/me
	[ "$status" = 200 ]
}

@test "more than 2 accounts from one address in a day flags all of them" {
	local addr i ids=()
	addr=$(addr_new)
	for i in 1 2; do
		register_from "$addr" "same$i.$RANDOM$RANDOM@example.test"
		[ "$status" = 201 ]
		ids+=("$(jq -r .account.id <<<"$body")")
	done
	# Two from one address (a household) flag nobody.
	for i in "${ids[@]}"; do
		[ "$(flags_of "$i" address_registrations)" = 0 ]
	done
	register_from "$addr" "same3.$RANDOM$RANDOM@example.test"
	[ "$status" = 201 ]
	ids+=("$(jq -r .account.id <<<"$body")")
	for i in "${ids[@]}"; do
		[ "$(flags_of "$i" address_registrations)" = 1 ]
	done
	# An account from another address is not touched.
	register_from "$(addr_new)" "other.$RANDOM$RANDOM@example.test"
	[ "$(flags_of "$(jq -r .account.id <<<"$body")" address_registrations)" = 0 ]
}

@test "the events and flags hold no address: only its keyed hash" {
	[ "$(psql_super -At -c "SELECT count(*) FROM account_events
	    WHERE source IS NOT NULL AND length(source) <> 32")" = 0 ]
	! psql_super -At -c "SELECT detail FROM account_flags" | grep -q '10\.'
}

@test "permit_account_flagged answers for the bound principal only" {
	local id
	id=$(citizen_id burst)
	flagged_as() { # PRINCIPAL ACCOUNT
		psql -X -At "$PERMIT_TEST_APP_DSN" \
		    -c "SELECT set_config('permit.account_id', '$1', false)" \
		    -c "SELECT permit_account_flagged('$2')" | sed -n 2p
	}
	[ "$(flagged_as "$id" "$id")" = t ]
	[ "$(flagged_as "$(citizen_id plain)" "$id")" = f ]
	[ "$(flagged_as "$(citizen_id plain)" "$(citizen_id plain)")" = f ]
	[ "$(flagged_as "" "$id")" = f ]
}

@test "permit_app cannot read or write flags and events directly" {
	! psql -X -At "$PERMIT_TEST_APP_DSN" -c "SELECT count(*) FROM account_flags" 2>/dev/null
	! psql -X -At "$PERMIT_TEST_APP_DSN" -c "SELECT count(*) FROM account_events" 2>/dev/null
	! psql -X -At "$PERMIT_TEST_APP_DSN" -c "SELECT count(*) FROM rate_limits" 2>/dev/null
}
