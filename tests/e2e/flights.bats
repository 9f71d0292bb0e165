#!/usr/bin/env bats
# Round trips to PostgreSQL per route are what the README's "The database
# path" table says: the access log's flights=N counts them for each request
# (db_flights(): every batch sent and waited for is one).

load lib
load citizen
load staff

setup_file() {
	stack_start
	staff_new adi admin
	citizen_new rina
	person_new F
	citizen_apply rina
}

teardown_file() {
	stack_stop
}

# Fails unless the last request, METHOD PATH, answered STATUS in FLIGHTS
# round trips.
took() { # FLIGHTS METHOD PATH STATUS
	[ "$status" = "$4" ] || { echo "$2 $3: $status, not $4" >&2; return 1; }
	[ "$(access_field flights "$2" "$3" "$4")" = "$1" ]
}

@test "GET /api/v1/health: one round trip" {
	api GET /api/v1/health
	took 1 GET /api/v1/health 200
}

@test "an owner-bound read, GET /api/v1/applications/{id}: one round trip" {
	local app
	app=$(citizen_app rina)
	as rina GET "/api/v1/applications/$app"
	took 1 GET "/api/v1/applications/$app" 200
}

@test "the owner's list and /me: one round trip each" {
	as rina GET /api/v1/applications
	took 1 GET /api/v1/applications 200
	as rina GET /api/v1/me
	took 1 GET /api/v1/me 200
}

@test "the offices and an office's days: one round trip each" {
	api GET /api/v1/offices
	took 1 GET /api/v1/offices 200
	api GET /api/v1/offices/JKT-SEL/days
	took 1 GET /api/v1/offices/JKT-SEL/days 200
}

@test "a refused read (no session) costs the one round trip of the binding" {
	api GET /api/v1/applications
	took 1 GET /api/v1/applications 401
}

@test "a submit, POST /api/v1/applications: two round trips" {
	person_new M
	as_post rina /api/v1/applications "$(passport_json)"
	took 2 POST /api/v1/applications 201
}

@test "a submit with an Idempotency-Key: three (the claim is decided on its own)" {
	person_new F
	as_post rina /api/v1/applications "$(passport_json)" \
	    -H "Idempotency-Key: flights-$RANDOM"
	took 3 POST /api/v1/applications 201
}

@test "a cancel: two round trips" {
	local id
	person_new M
	as_post rina /api/v1/applications "$(passport_json)"
	id=$(jq -r .application.id <<<"$body")
	as rina POST "/api/v1/applications/$id/cancel"
	took 2 POST "/api/v1/applications/$id/cancel" 200
}

@test "registering, signing in and out: two round trips each" {
	local email="flights.$RANDOM@example.test"
	api_json POST /api/v1/accounts "$(credentials "$email" "$CITIZEN_PASSWORD")"
	took 2 POST /api/v1/accounts 201
	api_json POST /api/v1/sessions "$(credentials "$email" "$CITIZEN_PASSWORD")" \
	    -c "$BATS_TEST_TMPDIR/jar"
	took 2 POST /api/v1/sessions 201
	api DELETE /api/v1/sessions/current -b "$BATS_TEST_TMPDIR/jar" \
	    -H "X-CSRF-Token: $(jq -r .csrf_token <<<"$body")"
	took 2 DELETE /api/v1/sessions/current 204
}

@test "the admin's routes: reading the mode one round trip; setting it and making staff two" {
	as adi GET /api/v1/admin/maintenance
	took 1 GET /api/v1/admin/maintenance 200
	as adi PUT /api/v1/admin/maintenance -H 'Content-Type: application/json' \
	    --data '{"mode":"normal"}'
	took 2 PUT /api/v1/admin/maintenance 200
	as_post adi /api/v1/admin/staff "$(jq -nc --arg e "flights.$RANDOM$RANDOM@example.test" \
	    '{email: $e, password: "long enough pw", role: "reviewer", office: "SBY"}')"
	took 2 POST /api/v1/admin/staff 201
}

@test "the admin's flags, each with its account's block and reason: one round trip" {
	citizen_new flo
	psql_super -c "INSERT INTO account_flags (account_id, rule, detail)
	    VALUES ('$(citizen_id flo)', 'booking_burst', '5 bookings within 60 s')" >/dev/null
	as_post adi "/api/v1/admin/accounts/$(citizen_id flo)/block" '{"reason":"Burst."}'
	[ "$status" = 200 ]
	as adi GET /api/v1/admin/flags
	[ "$(jq -r --arg a "$(citizen_id flo)" '.flags[] | select(.account_id == $a) | .blocked.reason' <<<"$body")" = Burst. ]
	took 1 GET /api/v1/admin/flags 200
}
