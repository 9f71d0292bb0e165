#!/usr/bin/env bats
# Citizen-facing days are the office's own, told by the database: a travel
# permit may depart on its office's today but not its yesterday, and an
# office's days start at its today. DJJ (Jayapura, scripts/demo.sql) is WIT,
# UTC+9: from 15:00 to 24:00 UTC its day is already UTC's next one, and only
# then can these tests tell the office's day from UTC's. The integration test
# test_office_today pins instants on either side of each zone's midnight.

load lib
load citizen

WIT=Asia/Jayapura

setup_file() {
	stack_start
	citizen_new wendy
}

teardown_file() {
	stack_stop
}

setup() {
	person_new F
}

# The calendar day in ZONE, DAYS (default 0) from today.
zone_day() { # ZONE [DAYS]
	TZ=$1 date -d "${2:-0} days" +%F
}

# Skips when ZONE's day is no longer DAY: the answer may be either day's.
still_day() { # ZONE DAY
	[ "$(zone_day "$1")" = "$2" ] || skip "the day turned in $1 during the test"
}

# GET DJJ's days, with `to` TO days from WIT's today when given; $TODAY is
# that today. Skips the test when WIT's day turns meanwhile.
wit_days() { # [TO]
	TODAY=$(zone_day $WIT)
	if [ $# -gt 0 ]; then
		api GET "/api/v1/offices/DJJ/days?to=$(zone_day $WIT "$1")"
	else
		api GET /api/v1/offices/DJJ/days
	fi
	still_day $WIT "$TODAY"
}

# A travel permit to DJJ departing on DEPART, back ten days later.
djj_travel_json() { # DEPART
	travel_json | jq -c --arg d "$1" --arg r "$(date -d "$1 + 10 days" +%F)" \
	    '.office = "DJJ" | .travel.depart_on = $d | .travel.return_on = $r'
}

@test "a travel permit may depart on its WIT office's today" {
	local today
	today=$(zone_day $WIT)
	as_post wendy /api/v1/applications "$(djj_travel_json "$today")"
	still_day $WIT "$today"
	[ "$status" = 201 ]
	[ "$(jq -r .application.office <<<"$body")" = DJJ ]
	[ "$(jq -r .application.travel.depart_on <<<"$body")" = "$today" ]
	as wendy POST "/api/v1/applications/$(jq -r .application.id <<<"$body")/cancel"
	[ "$status" = 200 ]
}

@test "a travel permit may not depart on its WIT office's yesterday" {
	local today before
	today=$(zone_day $WIT)
	before=$(applications_count)
	as_post wendy /api/v1/applications "$(djj_travel_json "$(zone_day $WIT -1)")"
	still_day $WIT "$today"
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = travel.depart_on ]
	[ "$(applications_count)" = "$before" ]
}

@test "a WIT office's days start at its today" {
	wit_days
	[ "$status" = 200 ]
	[ "$(jq -r '[.days[].date] | join(",")' <<<"$body")" = "$TODAY" ]
}

@test "to without from runs from the office's today" {
	wit_days 2
	[ "$status" = 200 ]
	[ "$(jq -r '[.days[].date] | join(",")' <<<"$body")" = "$TODAY,$(zone_day $WIT 1),$(zone_day $WIT 2)" ]
}

@test "to without from before the office's today is 422 naming to" {
	wit_days -1
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = to ]
}

@test "to without from spans at most 62 days from the office's today" {
	wit_days 61
	[ "$status" = 200 ]
	[ "$(jq -r '.days | length' <<<"$body")" = 62 ]
	wit_days 62
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = to ]
}

# The office is looked up before the body is read, for its today; the body's
# own faults are still told first, as before, and an unknown office last.
@test "an unknown office is refused after the body's own faults" {
	as_post wendy /api/v1/applications "$(passport_json | jq -c '.office = "XYZ" | .kind = "visa"')"
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = kind ]
	as_post wendy /api/v1/applications "$(passport_json | jq -c '.office = "XYZ" | .applicant.nik = "3174051805900001"')"
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = applicant.nik ]
	as_post wendy /api/v1/applications "$(passport_json | jq -c '.office = "XYZ"')"
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = office ]
	[ "$(jq -r .error.message <<<"$body")" = "the code of an office" ]
	# All at once: the body's faults, then the unknown office.
	as_post wendy /api/v1/applications "$(passport_json | jq -c '.office = "XYZ" | .applicant.phone = "1"')"
	[ "$status" = 422 ]
	[ "$(jq -r '[.error.errors[] | "\(.field) \(.reason)"] | join(",")' <<<"$body")" = "applicant.phone format,office not_found" ]
}
