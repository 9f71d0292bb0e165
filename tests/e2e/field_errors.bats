#!/usr/bin/env bats
# A 422 names every field at fault at once (docs/API.md, Errors): each entry's
# field, its reason (the stable word pages translate) and a message that
# states the rule; error.field and error.message are the first entry's.
# Nothing is written by a 422. (lib.bash's api checks the shape of every
# 422 any test gets; these check what the entries say.)

load lib
load citizen
load staff

setup_file() {
	stack_start
	citizen_new vera
	person_new M
	citizen_apply vera
	staff_new rina reviewer YOG
	staff_new ada admin
}

teardown_file() {
	stack_stop
}

setup() {
	person_new M
}

# The entries of the 422 in $body, one "field reason" a line.
entries() { jq -r '.error.errors[] | "\(.field) \(.reason)"' <<<"$body"; }

# The message of the entry for FIELD.
message_of() { # FIELD
	jq -r --arg f "$1" '.error.errors[] | select(.field == $f) | .message' <<<"$body"
}

# Everything a 422 must leave as it was.
stored() {
	psql_super -tA -c "SELECT (SELECT count(*) FROM applications),
	    (SELECT count(*) FROM accounts), (SELECT count(*) FROM bookings),
	    (SELECT string_agg(code || daily_quota, ',' ORDER BY code) FROM offices),
	    (SELECT mode || coalesce(message, '') FROM service_state)"
}

@test "a bad NIK, a bad phone and an unknown field: three entries, the first is the field" {
	local before
	before=$(stored)
	as_post vera /api/v1/applications "$(passport_json | jq -c '
	    .applicant.nik = "2074051705900001" | .applicant.phone = "12345678" |
	    .foo = 1')"
	[ "$status" = 422 ]
	[ "$(error_code)" = invalid ]
	[ "$(entries)" = $'foo unknown_field\napplicant.nik province\napplicant.phone format' ]
	[ "$(jq -r .error.field <<<"$body")" = foo ]
	[ "$(jq -r .error.message <<<"$body")" = "not a field of this request" ]
	[ "$(message_of applicant.phone)" = "+62 or 0, then 8–13 digits" ]
	[ "$(message_of applicant.nik)" = "begins with a province code in use: 11–19, 21, 31–36, 51–53, 61–65, 71–76, 81–82 or 91–96" ]
	[ "$(stored)" = "$before" ]
}

@test "every field that can be judged on its own is reported, in the form's order" {
	local before
	before=$(stored)
	as_post vera /api/v1/applications "$(travel_json | jq -c '
	    .applicant.full_name = ("x" * 101) | del(.applicant.birth_place) |
	    .applicant.sex = "F" | .applicant.address = "Jl. A\u0007" |
	    .travel.depart_on = "2020-01-01" | .travel.return_on = "2019-12-31"')"
	[ "$status" = 422 ]
	[ "$(entries)" = "applicant.full_name too_long
applicant.nik sex_mismatch
applicant.birth_place required
applicant.address control_character
travel.depart_on past
travel.return_on too_early" ]
	[ "$(jq -r .error.field <<<"$body")" = applicant.full_name ]
	[ "$(message_of applicant.full_name)" = "at most 100 characters" ]
	[ "$(message_of travel.depart_on)" = "today or later" ]
	[ "$(message_of travel.return_on)" = "depart_on or later" ]
	[ "$(stored)" = "$before" ]
}

# Each row: KIND (P passport, T travel)|FIELD|REASON|jq FILTER|MESSAGE (or
# empty: any). One body per row, one entry, nothing stored.
@test "each rule of an application names its reason, and its message states the rule" {
	local before bad_npwp kind field reason filter want json
	bad_npwp=${P_NPWP:0:8}$(((${P_NPWP:8:1} + 1) % 10))${P_NPWP:9}
	before=$(stored)
	while IFS='|' read -r kind field reason filter want; do
		[ -n "$kind" ] || continue
		if [ "$kind" = T ]; then json=$(travel_json); else json=$(passport_json); fi
		as_post vera /api/v1/applications "$(jq -c --arg npwp "$bad_npwp" "$filter" <<<"$json")"
		if [ "$status" != 422 ] || [ "$(entries)" != "$field $reason" ] ||
		    { [ -n "$want" ] && [ "$(message_of "$field")" != "$want" ]; }; then
			echo "$field $reason: got $status $body" >&2
			return 1
		fi
	done <<'EOT'
P|applicant.full_name|required|del(.applicant.full_name)|required
P|applicant.mother_name|too_long|.applicant.mother_name = ("x" * 101)|at most 100 characters
P|applicant.address|too_long|.applicant.address = ("x" * 301)|at most 300 characters
T|travel.purpose|too_long|.travel.purpose = ("x" * 501)|at most 500 characters
P|applicant.address|control_character|.applicant.address = "Jl. A\u0085"|
P|applicant.phone|format|.applicant.phone = "0812-3456-789"|+62 or 0, then 8–13 digits
P|applicant.nik|format|.applicant.nik = "317405170590001"|16 digits
P|applicant.nik|province|.applicant.nik = "2074051705900001"|
P|applicant.kk_number|province|.applicant.kk_number = "2074010101000001"|
P|applicant.nik|serial|.applicant.nik = "3174051705900000"|the last four digits are not 0000
P|applicant.nik|date_mismatch|.applicant.nik = "3174051805900001"|digits 7–12 are birth_date as DDMMYY, with 40 added to the day when sex is F
P|applicant.nik|sex_mismatch|.applicant.sex = "F"|
P|applicant.npwp|checksum|.applicant.npwp = $npwp|the 9th digit is the Luhn check digit of the first 8
P|applicant.npwp|format|.applicant.npwp = "1234567890123456"|
P|applicant.birth_date|future|.applicant.birth_date = "2999-01-01"|a day before today
P|applicant.birth_date|too_early|.applicant.birth_date = "1899-12-31"|1900-01-01 or later
P|applicant.birth_date|no_such_day|.applicant.birth_date = "1990-02-30"|
P|applicant.birth_date|format|.applicant.birth_date = "17-05-1990"|a date written YYYY-MM-DD
P|applicant.sex|choice|.applicant.sex = "m"|M or F
P|applicant.foo|unknown_field|.applicant.foo = "x"|
P|applicant.phone|type|.applicant.phone = 812345678|a string
P|passport.previous_number|not_allowed|.passport.previous_number = "A1234567"|only for a renewal
P|office|not_found|.office = "XYZ"|the code of an office
T|travel.depart_on|past|.travel.depart_on = "2020-01-01"|today or later
EOT
	[ "$(stored)" = "$before" ]
}

@test "registration: a bad email, a short password and an unknown field at once" {
	local before
	before=$(stored)
	api_json POST /api/v1/accounts '{"email":"no-at-sign","password":"short","x":1}'
	[ "$status" = 422 ]
	[ "$(entries)" = $'x unknown_field\nemail format\npassword too_short' ]
	[ "$(message_of password)" = "at least 10 characters" ]
	api_json POST /api/v1/accounts '{"email":"ok.'"$RANDOM"'@example.test","password":"123456789"}'
	[ "$status" = 422 ]
	[ "$(entries)" = "password too_short" ]
	[ "$(jq -r .error.field <<<"$body")" = password ]
	[ "$(jq -r .error.message <<<"$body")" = "at least 10 characters" ]
	[ "$(stored)" = "$before" ]
}

@test "a booking's date: its shape and an unknown field at once; a day too soon names why" {
	local before app
	app=$(citizen_app vera)
	before=$(stored)
	as_post vera "/api/v1/applications/$app/booking" '{"date":"31-12-2030","x":1}'
	[ "$status" = 422 ]
	[ "$(entries)" = $'x unknown_field\ndate format' ]
	as_post vera "/api/v1/applications/$app/booking" \
	    "{\"date\":\"$(TZ=Asia/Jakarta date +%F)\"}"
	[ "$status" = 422 ]
	[ "$(entries)" = "date too_early" ]
	[ "$(message_of date)" = "the office's tomorrow or later" ]
	[ "$(stored)" = "$before" ]
}

@test "a review decision: a bad outcome, a reason with a control character and an unknown field" {
	local before
	before=$(stored)
	as_post rina /api/v1/review/applications/00000000-0000-4000-8000-000000000000/decision \
	    '{"outcome":"maybe","reason":"a\u0001b","x":1}'
	[ "$status" = 422 ]
	[ "$(entries)" = $'x unknown_field\noutcome choice\nreason control_character' ]
	[ "$(message_of outcome)" = "approved, rejected or no_show" ]
	[ "$(stored)" = "$before" ]
}

@test "admin bodies and queries: every field at fault" {
	local before
	before=$(stored)
	as ada PUT /api/v1/admin/offices/JKT-SEL -H 'Content-Type: application/json' \
	    --data '{"daily_quota":-1,"x":1}'
	[ "$status" = 422 ]
	[ "$(entries)" = $'x unknown_field\ndaily_quota range' ]
	as ada PUT "/api/v1/admin/offices/JKT-SEL/days/$(weekday_ahead 20)" \
	    -H 'Content-Type: application/json' --data '{}'
	[ "$status" = 422 ]
	[ "$(entries)" = $'capacity required\nclosed required\nopens_at required' ]
	as ada PUT "/api/v1/admin/offices/JKT-SEL/days/$(weekday_ahead 20)" \
	    -H 'Content-Type: application/json' \
	    --data '{"capacity":"5","closed":1,"opens_at":"soon"}'
	[ "$status" = 422 ]
	[ "$(entries)" = $'capacity range\nclosed type\nopens_at format' ]
	as_post ada /api/v1/admin/staff \
	    '{"email":"bad","password":"short","role":"citizen","x":1}'
	[ "$status" = 422 ]
	[ "$(entries)" = $'x unknown_field\nemail format\npassword too_short\nrole choice' ]
	as ada PUT /api/v1/admin/maintenance -H 'Content-Type: application/json' \
	    --data '{"mode":"off","message":"two\nlines"}'
	[ "$status" = 422 ]
	[ "$(entries)" = $'mode choice\nmessage control_character' ]
	as ada GET '/api/v1/admin/audit?application=42&y=1'
	[ "$status" = 422 ]
	[ "$(entries)" = $'y unknown_field\napplication format' ]
	api GET '/api/v1/offices/JKT-SEL/days?from=x&to=2026-02-30&z=1'
	[ "$status" = 422 ]
	[ "$(entries)" = $'z unknown_field\nfrom format\nto no_such_day' ]
	as rina GET '/api/v1/review/queue?status=open&limit=0&date=x'
	[ "$status" = 422 ]
	[ "$(entries)" = $'status choice\ndate format\nlimit range' ]
	[ "$(stored)" = "$before" ]
}
