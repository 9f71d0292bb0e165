#!/usr/bin/env bats
# An admin's acts: office quotas, days, flags, blocking and unblocking,
# and an application's audit trail. Each act is audited in its
# transaction; citizens and reviewers are 403 (staff.bats sweeps every
# admin route for that). Its days and bookings are at offices no other
# file books (JKT-PST, SBY's days, DPS; MKS's quota is put back).

load lib
load citizen
load staff

setup_file() {
	stack_start
	staff_new ada admin
	staff_new rio reviewer JKT-SEL
	export DAY DAY2
	DAY=$(weekday_ahead 11)
	DAY2=$(weekday_ahead 13)
}

teardown_file() {
	stack_stop
}


admin_put() { # PATH JSON
	as ada PUT "$1" -H 'Content-Type: application/json' --data "$2"
}

remaining() { # OFFICE DATE
	api GET "/api/v1/offices/$1/days?from=$2&to=$2"
	jq -r '.days[0].remaining' <<<"$body"
}

audit_count() { # ACTION
	psql_super -tA -c "SELECT count(*) FROM audit_log WHERE action = '$1'"
}

# Citizen NAME with a passport application at JKT-PST (this file's office
# for bookings) booked on DATE.
booked_citizen() { # NAME DATE
	citizen_new "$1"; person_new M; citizen_apply_at "$1" JKT-PST
	as_post "$1" "/api/v1/applications/$(citizen_app "$1")/booking" "{\"date\":\"$2\"}"
	[ "$status" = 201 ] || { echo "book $1: $status $body" >&2; return 1; }
}

@test "an office's quota: 200 with the office, audited; /days follows it" {
	local before
	before=$(audit_count admin.office_quota)
	admin_put /api/v1/admin/offices/MKS '{"daily_quota": 150}'
	[ "$status" = 200 ] || { echo "$body" >&2; false; }
	[ "$(jq -c .office <<<"$body")" = "$(jq -c '{code: "MKS", name: .office.name, city: .office.city, daily_quota: 150}' <<<"$body")" ]
	[ "$(audit_count admin.office_quota)" = $((before + 1)) ]
	[ "$(remaining MKS "$DAY")" = 150 ]
	admin_put /api/v1/admin/offices/MKS '{"daily_quota": 200}'
	[ "$status" = 200 ]
}

@test "a quota below a coming day's bookings is 409 and changes nothing" {
	local before
	psql_super -c "INSERT INTO office_days (office, day, booked) VALUES ('DPS', '$DAY', 3)"
	before=$(audit_count admin.office_quota)
	admin_put /api/v1/admin/offices/DPS '{"daily_quota": 2}'
	[ "$status" = 409 ] && assert_error_body conflict
	[ "$(psql_super -tA -c "SELECT daily_quota FROM offices WHERE code = 'DPS'")" = 200 ]
	[ "$(audit_count admin.office_quota)" = "$before" ]
}

@test "bad quota requests: 404 unknown office, 422 bad value, 400 no body" {
	admin_put /api/v1/admin/offices/XXX '{"daily_quota": 10}'
	[ "$status" = 404 ]
	admin_put /api/v1/admin/offices/MKS '{"daily_quota": -1}'
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = daily_quota ]
	admin_put /api/v1/admin/offices/MKS '{"daily_quota": "ten"}'
	[ "$status" = 422 ]
	admin_put /api/v1/admin/offices/MKS '{"quota": 10}'
	[ "$status" = 422 ]
	as ada PUT /api/v1/admin/offices/MKS
	[ "$status" = 400 ]
}

@test "a day's capacity, closing and opening: 200 with the day, /days shows it" {
	admin_put "/api/v1/admin/offices/SBY/days/$DAY" '{"capacity": 1600, "opens_at": "2026-12-01T08:00:00+07:00"}'
	[ "$status" = 200 ] || { echo "$body" >&2; false; }
	[ "$(jq -r .day.capacity <<<"$body")" = 1600 ]
	[ "$(jq -r .day.remaining <<<"$body")" = 1600 ]
	[ "$(jq -r .day.opens_at <<<"$body")" = 2026-12-01T01:00:00Z ]
	[ "$(remaining SBY "$DAY")" = 1600 ]
	admin_put "/api/v1/admin/offices/SBY/days/$DAY" '{"closed": true}'
	[ "$status" = 200 ]
	[ "$(jq -r .day.closed <<<"$body")" = true ]
	[ "$(jq -r .day.capacity <<<"$body")" = 1600 ]
	[ "$(remaining SBY "$DAY")" = 0 ]
	admin_put "/api/v1/admin/offices/SBY/days/$DAY" '{"closed": null, "capacity": null}'
	[ "$status" = 200 ]
	[ "$(jq -r .day.closed <<<"$body")" = false ]
	[ "$(jq -r .day.capacity <<<"$body")" = 200 ]
}

@test "a day's capacity below its bookings is 409 and changes nothing" {
	booked_citizen bea "$DAY2"
	booked_citizen ben "$DAY2"
	admin_put "/api/v1/admin/offices/JKT-PST/days/$DAY2" '{"capacity": 1}'
	[ "$status" = 409 ] && assert_error_body conflict
	[ "$(psql_super -tA -c "SELECT coalesce(capacity::text, 'none') FROM office_days
	    WHERE office = 'JKT-PST' AND day = '$DAY2'")" = none ]
	admin_put "/api/v1/admin/offices/JKT-PST/days/$DAY2" '{"capacity": 2}'
	[ "$status" = 200 ]
	[ "$(jq -r .day.remaining <<<"$body")" = 0 ]
}

@test "bad day requests: 404, 422 per field, 422 for nothing to set" {
	admin_put "/api/v1/admin/offices/XXX/days/$DAY" '{"closed": true}'
	[ "$status" = 404 ]
	admin_put "/api/v1/admin/offices/SBY/days/2026-02-30" '{"closed": true}'
	[ "$status" = 404 ]
	admin_put "/api/v1/admin/offices/SBY/days/$DAY" '{"capacity": -5}'
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = capacity ]
	admin_put "/api/v1/admin/offices/SBY/days/$DAY" '{"closed": "yes"}'
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = closed ]
	admin_put "/api/v1/admin/offices/SBY/days/$DAY" '{"opens_at": "tomorrow"}'
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = opens_at ]
	# An offset no zone has, which PostgreSQL refuses past 15:59 (found by
	# tests/fuzz/fuzz_bodies.c: it was a 500).
	admin_put "/api/v1/admin/offices/SBY/days/$DAY" '{"opens_at": "2026-12-01T08:00:00+18:00"}'
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = opens_at ]
	admin_put "/api/v1/admin/offices/SBY/days/$DAY" '{}'
	[ "$status" = 422 ]
}

@test "the open flags are listed" {
	citizen_new fifi
	psql_super -c "INSERT INTO account_flags (account_id, rule, detail)
	    VALUES ('$(citizen_id fifi)', 'booking_burst', '5 bookings within 60 s')"
	as ada GET /api/v1/admin/flags
	[ "$status" = 200 ]
	[ "$(jq -r --arg a "$(citizen_id fifi)" '.flags[] | select(.account_id == $a) | .rule' <<<"$body")" = booking_burst ]
	[ "$(jq -c '.flags[0] | keys' <<<"$body")" = '["account_id","at","blocked","detail","rule"]' ]
	[ "$(jq -c --arg a "$(citizen_id fifi)" '.flags[] | select(.account_id == $a) | .blocked' <<<"$body")" = null ]
}

# Citizen NAME, flagged (rule late_give_ups).
flagged_citizen() { # NAME
	citizen_new "$1"
	psql_super -c "INSERT INTO account_flags (account_id, rule, detail)
	    VALUES ('$(citizen_id "$1")', 'late_give_ups', '2 bookings given up within 30 days')" >/dev/null
}

# The "blocked" of NAME's flag in GET /admin/flags, compact JSON.
flag_blocked() { # NAME
	as ada GET /api/v1/admin/flags
	[ "$status" = 200 ] || { echo "flags: $status $body" >&2; return 1; }
	jq -c --arg a "$(citizen_id "$1")" '.flags[] | select(.account_id == $a) | .blocked' <<<"$body"
}

@test "a blocked account's flag shows its block: since when, by which admin, why" {
	local blocked at
	flagged_citizen lena
	as_post ada "/api/v1/admin/accounts/$(citizen_id lena)/block" '{"reason":"Gave up 2 days, twice."}'
	[ "$status" = 200 ]
	blocked=$(flag_blocked lena)
	[ "$(jq -c '{by, reason}' <<<"$blocked")" = "$(jq -nc --arg by "$(citizen_id ada)" '{by: $by, reason: "Gave up 2 days, twice."}')" ]
	at=$(psql_super -tA -c "SELECT to_char(blocked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
	    FROM accounts WHERE id = '$(citizen_id lena)'")
	[ "$(jq -r .at <<<"$blocked")" = "$at" ]
}

@test "after an unblock the account's flag shows blocked null again" {
	flagged_citizen mona
	as_post ada "/api/v1/admin/accounts/$(citizen_id mona)/block" '{"reason":"Check."}'
	[ "$status" = 200 ]
	[ "$(flag_blocked mona | jq -r .reason)" = Check. ]
	as_post ada "/api/v1/admin/accounts/$(citizen_id mona)/unblock" '{"reason":"Cleared."}'
	[ "$status" = 200 ]
	[ "$(flag_blocked mona)" = null ]
}

@test "block: sessions stop, the day's slots come back, applications cancelled, sign-in refused; counts match" {
	local rem before app2
	booked_citizen gus "$DAY"
	person_new M; citizen_apply_at gus JKT-PST; app2=$(citizen_app gus)
	rem=$(remaining JKT-PST "$DAY")
	before=$(audit_count admin.block)
	as_post ada "/api/v1/admin/accounts/$(citizen_id gus)/block" '{"reason":"Broker pattern."}'
	[ "$status" = 200 ] || { echo "$body" >&2; false; }
	[ "$(jq -cS . <<<"$body")" = '{"cancelled_applications":2,"released_bookings":1,"revoked_sessions":1}' ]
	[ "$(audit_count admin.block)" = $((before + 1)) ]
	[ "$(remaining JKT-PST "$DAY")" = $((rem + 1)) ]
	as gus GET "/api/v1/applications/$app2"
	[ "$status" = 401 ]
	api_json POST /api/v1/sessions "$(credentials "$(citizen_email gus)" "$CITIZEN_PASSWORD")"
	[ "$status" = 401 ]
	[ "$(psql_super -tA -c "SELECT string_agg(DISTINCT status, ',') FROM applications
	    WHERE account_id = '$(citizen_id gus)'")" = cancelled ]
}

@test "unblock restores sign-in only: the old session stays revoked" {
	citizen_new hana
	cp "$(citizen_jar hana)" "$BATS_FILE_TMPDIR/hana.old.jar"
	as_post ada "/api/v1/admin/accounts/$(citizen_id hana)/block" '{"reason":"Check."}'
	[ "$status" = 200 ]
	as_post ada "/api/v1/admin/accounts/$(citizen_id hana)/unblock" '{"reason":"Cleared."}'
	[ "$status" = 200 ] || { echo "$body" >&2; false; }
	[ "$(jq -r .account.id <<<"$body")" = "$(citizen_id hana)" ]
	api GET /api/v1/me -b "$BATS_FILE_TMPDIR/hana.old.jar"
	[ "$status" = 401 ]
	citizen_signin hana
	as hana GET /api/v1/me
	[ "$status" = 200 ]
}

@test "block refusals: 404 unknown, 409 oneself, 422 no reason; nothing changes" {
	as_post ada /api/v1/admin/accounts/00000000-0000-4000-8000-000000000000/block '{"reason":"x"}'
	[ "$status" = 404 ]
	as_post ada "/api/v1/admin/accounts/$(citizen_id ada)/block" '{"reason":"x"}'
	[ "$status" = 409 ]
	[ "$(psql_super -tA -c "SELECT blocked_at IS NULL FROM accounts WHERE id = '$(citizen_id ada)'")" = t ]
	citizen_new ivo
	as_post ada "/api/v1/admin/accounts/$(citizen_id ivo)/block" '{}'
	[ "$status" = 422 ]
	[ "$(psql_super -tA -c "SELECT blocked_at IS NULL FROM accounts WHERE id = '$(citizen_id ivo)'")" = t ]
}

# A reason is stored and shown unsealed: a NIK pasted into it is refused
# with the reason the pages translate, and the account stays as it was.
@test "a block whose reason holds a NIK is 422 identity_data and blocks nothing" {
	citizen_new uma
	as_post ada "/api/v1/admin/accounts/$(citizen_id uma)/block" \
	    '{"reason":"Same person as NIK 3171015507900001"}'
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = reason ]
	[ "$(jq -r '.error.errors[0].reason' <<<"$body")" = identity_data ]
	[ "$(psql_super -tA -c "SELECT blocked_at IS NULL FROM accounts WHERE id = '$(citizen_id uma)'")" = t ]
	[ "$(psql_super -tA -c "SELECT count(*) FROM account_blocks WHERE account_id = '$(citizen_id uma)'")" = 0 ]
}

@test "an application's audit trail lists its openings in order" {
	local app
	citizen_new joy; person_new F; citizen_apply joy
	app=$(citizen_app joy)
	as rio GET "/api/v1/review/applications/$app"
	[ "$status" = 200 ]
	as ada GET "/api/v1/admin/audit?application=$app"
	[ "$status" = 200 ]
	[ "$(jq -r '[.entries[] | .action + " " + .actor + " " + .application] | join(",")' <<<"$body")" = \
	  "review.open $(citizen_id rio) $app" ]
	as ada GET "/api/v1/admin/audit"
	[ "$status" = 422 ]
}

@test "making staff and setting the mode are audited; a refused act leaves no row" {
	local staff mode
	staff=$(audit_count admin.staff_create)
	mode=$(audit_count admin.maintenance)
	as_post ada /api/v1/admin/staff "$(jq -nc --arg e "kay.$RANDOM@staff.example.test" \
	    --arg p "$CITIZEN_PASSWORD" '{email: $e, password: $p, role: "reviewer", office: "BDG"}')"
	[ "$status" = 201 ]
	[ "$(audit_count admin.staff_create)" = $((staff + 1)) ]
	[ "$(psql_super -tA -c "SELECT account_id FROM audit_log WHERE action = 'admin.staff_create'
	    ORDER BY seq DESC LIMIT 1")" = "$(jq -r .account.id <<<"$body")" ]
	admin_put /api/v1/admin/maintenance '{"mode": "read_only"}'
	[ "$status" = 200 ]
	admin_put /api/v1/admin/maintenance '{"mode": "normal"}'
	[ "$status" = 200 ]
	[ "$(audit_count admin.maintenance)" = $((mode + 2)) ]
	admin_put /api/v1/admin/maintenance '{"mode": "asleep"}'
	[ "$status" = 422 ]
	[ "$(audit_count admin.maintenance)" = $((mode + 2)) ]
}

@test "a connection that calls itself admin reads no one else's audit rows" {
	local n
	citizen_new mallory
	n=$(psql -X -tA "$PERMIT_TEST_APP_DSN" -c BEGIN \
	    -c "SELECT set_config('permit.account_id', '$(citizen_id mallory)', true),
	        set_config('permit.role', 'admin', true)" \
	    -c "SELECT 'rows=' || count(*) FROM audit_log" -c COMMIT | sed -n 's/^rows=//p')
	[ "$n" = 0 ]
	[ "$(psql_super -tA -c "SELECT count(*) > 0 FROM audit_log")" = t ]
}
