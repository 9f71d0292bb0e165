#!/usr/bin/env bats
# The citizen's applications through nginx: the whole flow, sealing at rest
# (a database dump holds no identity data), idempotent POSTs, and the
# one-active-application-per-NIK rule. Each test signs up its own citizen,
# so no test meets the account's bound (application_limits.bats tests it).

load lib
load citizen

setup_file() {
	# Debug lines too: none may carry identity data.
	E2E_EXTRA_CONFIG='log_level = debug' stack_start
}

setup() {
	citizen_new ana
}

teardown_file() {
	stack_stop
}

@test "the whole flow: create both kinds, list, read, cancel, sign out, old cookie refused" {
	person_new M
	local nik=$P_NIK name=$P_NAME npwp=$P_NPWP kk=$P_KK phone=$P_PHONE pid tid
	as_post ana /api/v1/applications "$(passport_json renewal A1234567)"
	[ "$status" = 201 ]
	pid=$(jq -r .application.id <<<"$body")
	[ "$(jq -r .application.kind <<<"$body")" = passport ]
	[ "$(jq -r .application.status <<<"$body")" = submitted ]
	[ "$(jq -r .application.passport.previous_number <<<"$body")" = A1234567 ]
	[ "$(jq -r .application.decision <<<"$body")" = null ]

	as_post ana /api/v1/applications "$(travel_json)"
	[ "$status" = 201 ]
	tid=$(jq -r .application.id <<<"$body")
	[ "$(jq -r .application.travel.destination <<<"$body")" = "Kuala Lumpur Zqv" ]
	[ "$(jq -r '.application | has("passport")' <<<"$body")" = false ]

	as ana GET /api/v1/applications
	[ "$status" = 200 ]
	[ "$(jq -r --arg id "$pid" '.applications[] | select(.id == $id) | .nik_last4' <<<"$body")" = "${nik: -4}" ]
	[ "$(jq -r --arg id "$tid" '.applications[] | select(.id == $id) | .kind' <<<"$body")" = travel_permit ]
	[ "$(jq -c '.applications[0] | keys' <<<"$body")" = '["appointment","created_at","id","kind","nik_last4","office","status"]' ]

	as ana GET "/api/v1/applications/$pid"
	[ "$status" = 200 ]
	[ "$(jq -r .application.applicant.full_name <<<"$body")" = "$name" ]
	[ "$(jq -r .application.applicant.nik <<<"$body")" = "$nik" ]
	[ "$(jq -r .application.applicant.kk_number <<<"$body")" = "$kk" ]
	[ "$(jq -r .application.applicant.npwp <<<"$body")" = "$npwp" ]
	[ "$(jq -r .application.applicant.phone <<<"$body")" = "$phone" ]
	[ "$(jq -r .application.applicant.sex <<<"$body")" = M ]
	[ "$(jq -r .application.office <<<"$body")" = JKT-SEL ]
	[ "$(jq -r .application.appointment <<<"$body")" = null ]
	[[ "$(jq -r .application.created_at <<<"$body")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]

	as ana POST "/api/v1/applications/$pid/cancel"
	[ "$status" = 200 ]
	[ "$(jq -r .application.status <<<"$body")" = cancelled ]
	[ "$(jq -r .application.applicant.nik <<<"$body")" = "$nik" ]
	as ana POST "/api/v1/applications/$pid/cancel"
	[ "$status" = 409 ]
	[ "$(error_code)" = conflict ]

	cp "$(citizen_jar ana)" "$BATS_TEST_TMPDIR/old.jar"
	as ana DELETE /api/v1/sessions/current
	[ "$status" = 204 ]
	api GET "/api/v1/applications/$tid" -b "$BATS_TEST_TMPDIR/old.jar"
	[ "$status" = 401 ]
	api GET /api/v1/applications -b "$BATS_TEST_TMPDIR/old.jar"
	[ "$status" = 401 ]
	citizen_signin ana
}

@test "a cancelled application frees its NIK for a new one of that kind" {
	person_new F
	as_post ana /api/v1/applications "$(passport_json)"
	[ "$status" = 201 ]
	as ana POST "/api/v1/applications/$(jq -r .application.id <<<"$body")/cancel"
	[ "$status" = 200 ]
	as_post ana /api/v1/applications "$(passport_json)"
	[ "$status" = 201 ]
	[ "$(jq -r .application.applicant.sex <<<"$body")" = F ]
}

@test "the same NIK may hold one active passport and one active travel permit" {
	person_new M
	as_post ana /api/v1/applications "$(passport_json)"
	[ "$status" = 201 ]
	as_post ana /api/v1/applications "$(travel_json)"
	[ "$status" = 201 ]
	as_post ana /api/v1/applications "$(travel_json)"
	[ "$status" = 409 ]
	[ "$(error_code)" = conflict ]
}

# Knowing a NIK is not owning it: a stranger who files with someone's NIK
# first neither locks its owner out of filing nor learns, from a 409,
# whether the NIK has an active application. Only one's own account's
# active application of the kind for the NIK is 409.
@test "another account's active application of the NIK neither blocks a filing nor shows" {
	citizen_new budi
	person_new M
	as_post budi /api/v1/applications "$(passport_json)"
	[ "$status" = 201 ]
	local before
	before=$(applications_count)
	as_post ana /api/v1/applications "$(passport_json)"
	[ "$status" = 201 ] || { echo "$body" >&2; false; }
	[ "$(jq -r .application.applicant.nik <<<"$body")" = "$P_NIK" ]
	[ "$(applications_count)" = $((before + 1)) ]
	as_post ana /api/v1/applications "$(passport_json)"
	[ "$status" = 409 ]
	[ "$(error_code)" = conflict ]
	[ "$(applications_count)" = $((before + 1)) ]
}

@test "the same Idempotency-Key twice creates one application, same status and id" {
	person_new M
	local json before first
	json=$(passport_json)
	before=$(applications_count)
	as_post ana /api/v1/applications "$json" -H 'Idempotency-Key: flow-key-1'
	[ "$status" = 201 ]
	first=$(jq -r .application.id <<<"$body")
	as_post ana /api/v1/applications "$json" -H 'Idempotency-Key: flow-key-1'
	[ "$status" = 201 ]
	[ "$(jq -r .application.id <<<"$body")" = "$first" ]
	[ "$(jq -r .application.applicant.nik <<<"$body")" = "$P_NIK" ]
	[ "$(applications_count)" = $((before + 1)) ]
}

@test "the same Idempotency-Key with another body is 409 and creates nothing" {
	person_new M
	local before
	as_post ana /api/v1/applications "$(passport_json)" -H 'Idempotency-Key: flow-key-2'
	[ "$status" = 201 ]
	before=$(applications_count)
	person_new F
	as_post ana /api/v1/applications "$(passport_json)" -H 'Idempotency-Key: flow-key-2'
	[ "$status" = 409 ]
	[ "$(error_code)" = conflict ]
	[ "$(applications_count)" = "$before" ]
}

@test "an Idempotency-Key of another account is its own: both create" {
	citizen_new cici
	person_new M
	as_post ana /api/v1/applications "$(passport_json)" -H 'Idempotency-Key: shared-key'
	[ "$status" = 201 ]
	person_new F
	as_post cici /api/v1/applications "$(passport_json)" -H 'Idempotency-Key: shared-key'
	[ "$status" = 201 ]
}

@test "a replayed cancel answers 200 again with the application" {
	person_new M
	as_post ana /api/v1/applications "$(travel_json)"
	[ "$status" = 201 ]
	local id
	id=$(jq -r .application.id <<<"$body")
	as ana POST "/api/v1/applications/$id/cancel" -H 'Idempotency-Key: cancel-1'
	[ "$status" = 200 ]
	as ana POST "/api/v1/applications/$id/cancel" -H 'Idempotency-Key: cancel-1'
	[ "$status" = 200 ]
	[ "$(jq -r .application.status <<<"$body")" = cancelled ]
}

@test "an Idempotency-Key over 64 characters is 400 and creates nothing" {
	person_new M
	local before
	before=$(applications_count)
	as_post ana /api/v1/applications "$(passport_json)" \
	    -H "Idempotency-Key: $(printf 'k%.0s' $(seq 65))"
	[ "$status" = 400 ]
	[ "$(error_code)" = bad_request ]
	[ "$(applications_count)" = "$before" ]
}

@test "a pg_dump after the flow holds none of the identity data sent" {
	citizen_new dewi
	local sent=() dump
	person_new F
	as_post dewi /api/v1/applications "$(passport_json renewal B7654321)"
	[ "$status" = 201 ]
	sent+=("$P_NAME" "$P_NIK" "$P_KK" "$P_NPWP" "$P_PHONE" "$P_ADDRESS"
	    "$P_MOTHER" "$P_PLACE" B7654321 "$(citizen_email dewi)")
	person_new M
	as_post dewi /api/v1/applications "$(travel_json)" -H 'Idempotency-Key: dump-key'
	[ "$status" = 201 ]
	sent+=("$P_NAME" "$P_NIK" "$P_KK" "$P_NPWP" "$P_PHONE" "$P_ADDRESS"
	    "$P_MOTHER" "$P_PLACE" "Kuala Lumpur Zqv" "Visiting family Zqv"
	    "$(citizen_email ana)")
	dump=$BATS_TEST_TMPDIR/dump.sql
	pg_dump "$PERMIT_TEST_SUPER_DSN" >"$dump"
	grep -q 'COPY public.applications' "$dump"
	assert_nowhere "$dump" "${sent[@]}"
}

@test "permitd's log, at debug level, holds none of the identity data sent" {
	local email
	citizen_new eka
	email=$(citizen_email eka)
	person_new F
	as_post eka /api/v1/applications "$(passport_json renewal C2468024)"
	[ "$status" = 201 ]
	as eka GET "/api/v1/applications/$(jq -r .application.id <<<"$body")"
	[ "$status" = 200 ]
	# The refusals too: a wrong password, an unknown email, a bad NIK.
	api_json POST /api/v1/sessions "$(credentials "$email" "not the password")"
	[ "$status" = 401 ]
	api POST /api/v1/sessions -H 'Content-Type: application/json' \
	    --data '{"email":"nobody.zq8@example.test","password":"whatever long"}'
	[ "$status" = 401 ]
	as_post eka /api/v1/applications "$(passport_json | jq -c '.applicant.nik = "3174059999990001"')"
	[ "$status" = 422 ]
	grep -q 'POST /api/v1/applications' "$E2E_LOG"
	assert_nowhere "$E2E_LOG" "$P_NAME" "$P_NIK" "$P_KK" "$P_NPWP" "$P_PHONE" \
	    "$P_ADDRESS" "$P_MOTHER" "$P_PLACE" C2468024 "$email" "${email%@*}" \
	    nobody.zq8 3174059999990001 "not the password"
}

@test "an Idempotency-Key is stored only as a keyed hash: the key is nowhere in a dump" {
	local key dump=$BATS_TEST_TMPDIR/idem.sql
	key="idem-marker-$RANDOM$RANDOM-zq"
	person_new M
	as_post ana /api/v1/applications "$(passport_json)" -H "Idempotency-Key: $key"
	[ "$status" = 201 ]
	pg_dump "$PERMIT_TEST_SUPER_DSN" >"$dump"
	grep -q idempotency_keys "$dump"
	! grep -qF "$key" "$dump"
}

@test "a used Idempotency-Key is judged before the body: 409, not 422" {
	person_new M
	as_post ana /api/v1/applications "$(passport_json)" -H 'Idempotency-Key: judged-first'
	[ "$status" = 201 ]
	# A replay must answer what the first request did whatever the body
	# now looks like, so the key is looked at before any validation.
	as_post ana /api/v1/applications '{"kind":"passport"}' -H 'Idempotency-Key: judged-first'
	[ "$status" = 409 ]
	[ "$(error_code)" = conflict ]
}
