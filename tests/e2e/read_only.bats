#!/usr/bin/env bats
# Reads do not write: against a database that refuses every write
# (default_transaction_read_only, standing in for a hot standby), every
# owner-bound read is still served, and every write answers 503
# unavailable, never 500.

load lib
load citizen

setup_file() {
	stack_start
	citizen_new rina
	person_new F
	citizen_apply rina
	read_only on
}

teardown_file() {
	read_only off
	stack_stop
}

# Makes permit_app's sessions read-only (on) or not (off), and drops
# permitd's connections so the workers reconnect under the new setting.
read_only() { # on|off
	if [ "$1" = on ]; then
		psql_super -c "ALTER ROLE permit_app SET default_transaction_read_only = on"
	else
		psql_super -c "ALTER ROLE permit_app RESET default_transaction_read_only"
	fi
	psql_super -tA -c "SELECT count(pg_terminate_backend(pid))
	    FROM pg_stat_activity WHERE application_name = 'permitd'" >/dev/null
}

@test "the database really refuses writes here" {
	run psql -X -v ON_ERROR_STOP=1 "$PERMIT_TEST_APP_DSN" \
	    -c "UPDATE offices SET daily_quota = daily_quota WHERE code = 'JKT-SEL'"
	[ "$status" -ne 0 ]
	[[ $output == *"read-only transaction"* ]]
}

@test "health answers 200 on a read-only database" {
	api GET /api/v1/health
	[ "$status" = 200 ]
}

@test "an owner's application is read on a read-only database" {
	as rina GET "/api/v1/applications/$(citizen_app rina)"
	[ "$status" = 200 ]
	[ "$(jq -r .application.id <<<"$body")" = "$(citizen_app rina)" ]
	[ "$(jq -r '.application.applicant.nik | length' <<<"$body")" = 16 ]
}

@test "the owner's list, /me and the offices are read on a read-only database" {
	as rina GET /api/v1/applications
	[ "$status" = 200 ]
	[ "$(jq '.applications | length' <<<"$body")" = 1 ]
	as rina GET /api/v1/me
	[ "$status" = 200 ]
	api GET /api/v1/offices
	[ "$status" = 200 ]
	api GET /api/v1/offices/JKT-SEL/days
	[ "$status" = 200 ]
}

@test "a new application on a read-only database is 503 unavailable" {
	person_new M
	as_post rina /api/v1/applications "$(passport_json)"
	[ "$status" = 503 ]
	[ "$(error_code)" = unavailable ]
	[ -n "$(header Retry-After)" ]
}

@test "a cancel on a read-only database is 503 unavailable" {
	as rina POST "/api/v1/applications/$(citizen_app rina)/cancel"
	[ "$status" = 503 ]
	[ "$(error_code)" = unavailable ]
}

@test "signing in or registering on a read-only database is 503 unavailable" {
	api_json POST /api/v1/sessions \
	    "$(credentials "$(citizen_email rina)" "$CITIZEN_PASSWORD")"
	[ "$status" = 503 ]
	[ "$(error_code)" = unavailable ]
	api_json POST /api/v1/accounts \
	    "$(credentials "ro.$RANDOM@example.test" "$CITIZEN_PASSWORD")"
	[ "$status" = 503 ]
	[ "$(error_code)" = unavailable ]
}
