#!/usr/bin/env bats
# Reads do not write: against a database that refuses every write
# (default_transaction_read_only, standing in for a hot standby), the
# service is read_only: every owner-bound read is still served, and every
# write, an admin's too, answers 503 maintenance before it sends anything
# that writes, never 500. (tests/drill/ does the same on a real standby.)

load lib
load citizen
load staff

setup_file() {
	stack_start
	citizen_new rina
	person_new F
	citizen_apply rina
	staff_new rory admin
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

@test "health answers 200 read_only on a read-only database" {
	api GET /api/v1/health
	[ "$status" = 200 ]
	[ "$(jq -r .mode <<<"$body")" = read_only ]
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

# The answer to every write here: 503 maintenance, read-only's notice,
# Retry-After.
assert_read_only_refusal() {
	[ "$status" = 503 ]
	[ "$(error_code)" = maintenance ]
	[[ $(jq -r .error.message <<<"$body") == *read-only* ]]
	[ -n "$(header Retry-After)" ]
}

@test "a new application on a read-only database is 503 maintenance" {
	person_new M
	as_post rina /api/v1/applications "$(passport_json)"
	assert_read_only_refusal
}

@test "a cancel on a read-only database is 503 maintenance" {
	as rina POST "/api/v1/applications/$(citizen_app rina)/cancel"
	assert_read_only_refusal
}

@test "signing in or registering on a read-only database is 503 maintenance" {
	api_json POST /api/v1/sessions \
	    "$(credentials "$(citizen_email rina)" "$CITIZEN_PASSWORD")"
	assert_read_only_refusal
	api_json POST /api/v1/accounts \
	    "$(credentials "ro.$RANDOM@example.test" "$CITIZEN_PASSWORD")"
	assert_read_only_refusal
}

@test "an admin's write on a read-only database is 503 maintenance" {
	as rory PUT /api/v1/admin/maintenance -H 'Content-Type: application/json' \
	    --data '{"mode":"normal"}'
	assert_read_only_refusal
}

@test "a write on a read-only database sends no statement that writes" {
	as_post rina /api/v1/applications "$(passport_json)"
	assert_read_only_refusal
	! grep -q 25006 "$E2E_LOG"
}
