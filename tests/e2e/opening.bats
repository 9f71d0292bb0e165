#!/usr/bin/env bats
# A day's opening (migrations/0018): open_hour office time,
# booking_days_ahead days before the day, or the opens_at an admin set.
# Before it, a booking is 422 naming when the day opens, and changes
# nothing. The days are MDN's (Asia/Jakarta), which no other file books
# this close; the settings differ from the defaults so that a default
# written into the code would fail here.

load lib
load citizen
load draw

setup_file() {
	E2E_EXTRA_CONFIG=$'open_hour = 5\nbooking_days_ahead = 40' stack_start
}

teardown_file() {
	stack_stop
}

# Everything a refusal must leave as it was.
state() {
	psql_super -tA -c "SELECT (SELECT count(*) FROM bookings WHERE office = 'MDN'),
	    (SELECT string_agg(day || ':' || booked, ',' ORDER BY day) FROM office_days
	     WHERE office = 'MDN')"
}

# 05:00 in Jakarta on DAY, as RFC 3339 UTC.
jakarta_five() { # DAY
	date -u -d "TZ=\"Asia/Jakarta\" $1 05:00" +%FT%TZ
}

@test "a day past booking_days_ahead is 422 naming when it opens: open_hour office time, that many days before" {
	local day s
	mdn_citizen far
	day=$(weekday_ahead 41)
	s=$(state)
	book far "$day"
	[ "$status" = 422 ] || { echo "$status $body" >&2; false; }
	[ "$(jq -r .error.code <<<"$body")" = invalid ]
	[ "$(jq -r .error.field <<<"$body")" = date ]
	[ "$(jq -r .error.opens_at <<<"$body")" = \
	    "$(jakarta_five "$(date -d "$day - 40 days" +%F)")" ]
	[ "$(jq -r .error.errors[0].reason <<<"$body")" = not_open ]
	[ "$(jq -r .error.message <<<"$body")" = "a day open for booking; this one opens at opens_at" ]
	[ "$(state)" = "$s" ]
}

@test "a day within booking_days_ahead that opened is booked first-come" {
	mdn_citizen near
	book near "$(weekday_ahead 33)"
	[ "$status" = 201 ] || { echo "$status $body" >&2; false; }
	[ "$(jq -r .application.booking.state <<<"$body")" = held ]
}

@test "an admin's opens_at in the past opens a day long before booking_days_ahead" {
	mdn_citizen festival
	psql_super -c "INSERT INTO office_days (office, day, capacity, opens_at)
	    VALUES ('MDN', '2027-07-05', 1600, now() - interval '1 hour')"
	book festival 2027-07-05
	[ "$status" = 201 ] || { echo "$status $body" >&2; false; }
	[ "$(jq -r .application.booking.date <<<"$body")" = 2027-07-05 ]
}

@test "an admin's opens_at in the future holds a near day back: 422 naming it, nothing changed" {
	local day s
	mdn_citizen early
	day=$(weekday_ahead 6)
	psql_super -c "INSERT INTO office_days (office, day, opens_at)
	    VALUES ('MDN', '$day', '2030-01-02T03:04:05Z')"
	s=$(state)
	book early "$day"
	[ "$status" = 422 ] || { echo "$status $body" >&2; false; }
	[ "$(jq -r .error.opens_at <<<"$body")" = 2030-01-02T03:04:05Z ]
	[ "$(state)" = "$s" ]
}

@test "/days names when each day opens: open_hour office time booking_days_ahead days before, or an admin's opens_at" {
	local day=$(weekday_ahead 42) held
	api GET "/api/v1/offices/MDN/days?from=$day&to=$day"
	[ "$status" = 200 ]
	[ "$(jq -r '.days[0].opens_at' <<<"$body")" = \
	    "$(jakarta_five "$(date -d "$day - 40 days" +%F)")" ]
	[ "$(jq -r '.days[0].draw_at' <<<"$body")" = null ]
	held=$(weekday_ahead 7)
	psql_super -c "INSERT INTO office_days (office, day, opens_at)
	    VALUES ('MDN', '$held', '2030-01-02T03:04:05Z')
	    ON CONFLICT (office, day) DO UPDATE SET opens_at = EXCLUDED.opens_at" >/dev/null
	api GET "/api/v1/offices/MDN/days?from=$held&to=$held"
	[ "$(jq -r '.days[0].opens_at' <<<"$body")" = 2030-01-02T03:04:05Z ]
}
