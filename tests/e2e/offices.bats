#!/usr/bin/env bats
# Public office data: the list, and each day's capacity and what remains.

load lib

setup_file() {
	stack_start
}

teardown_file() {
	stack_stop
}

@test "the office list carries code, name, city and daily_quota" {
	api GET /api/v1/offices
	[ "$status" = 200 ]
	[ "$(jq -r '.offices[] | select(.code == "JKT-SEL") | .city' <<<"$body")" = Jakarta ]
	[ "$(jq -c '.offices[0] | keys' <<<"$body")" = '["city","code","daily_quota","name"]' ]
	[ "$(header Cache-Control)" = no-store ]
}

@test "days from..to lists every day with capacity and remaining" {
	api GET '/api/v1/offices/JKT-SEL/days?from=2027-02-27&to=2027-03-02'
	[ "$status" = 200 ]
	[ "$(jq -r '[.days[].date] | join(",")' <<<"$body")" = 2027-02-27,2027-02-28,2027-03-01,2027-03-02 ]
	[ "$(jq -r '.days[2].capacity' <<<"$body")" = 200 ]
	[ "$(jq -r '.days[2].remaining' <<<"$body")" = 200 ]
	[ "$(jq -r '.days[2].closed' <<<"$body")" = false ]
}

@test "weekends are closed by default: remaining 0" {
	api GET '/api/v1/offices/JKT-SEL/days?from=2027-02-27&to=2027-02-28'
	[ "$status" = 200 ]
	[ "$(jq -c '[.days[] | [.closed, .remaining, .capacity]]' <<<"$body")" = '[[true,0,200],[true,0,200]]' ]
}

@test "a day's own capacity and closure override the office's" {
	psql_super -c "INSERT INTO office_days (office, day, capacity, closed) VALUES
	    ('MDN', '2027-05-04', 12, NULL), ('MDN', '2027-05-05', NULL, true),
	    ('MDN', '2027-05-08', 30, false)"
	api GET '/api/v1/offices/MDN/days?from=2027-05-04&to=2027-05-08'
	[ "$status" = 200 ]
	[ "$(jq -c '[.days[] | [.closed, .remaining]]' <<<"$body")" = '[[false,12],[true,0],[false,200],[false,200],[false,30]]' ] || {
		echo "$body" >&2; false; }
}

@test "booked appointments lower remaining, never below zero" {
	psql_super -c "INSERT INTO office_days (office, day, booked) VALUES
	    ('BDG', '2027-04-01', 150), ('BDG', '2027-04-02', 250)"
	api GET '/api/v1/offices/BDG/days?from=2027-04-01&to=2027-04-02'
	[ "$status" = 200 ]
	[ "$(jq -r '[.days[].remaining] | join(",")' <<<"$body")" = 50,0 ]
}

@test "without from and to, the answer is the office's today alone" {
	local today
	today=$(TZ=Asia/Jakarta date +%F)   # SBY is WIB
	api GET /api/v1/offices/SBY/days
	[ "$(TZ=Asia/Jakarta date +%F)" = "$today" ] || skip "the day turned in WIB meanwhile"
	[ "$status" = 200 ]
	[ "$(jq -r '.days | length' <<<"$body")" = 1 ]
	[ "$(jq -r '.days[0].date' <<<"$body")" = "$today" ]
}

@test "62 days is the most one request spans" {
	api GET '/api/v1/offices/SBY/days?from=2027-01-01&to=2027-03-03'
	[ "$status" = 200 ]
	[ "$(jq -r '.days | length' <<<"$body")" = 62 ]
	api GET '/api/v1/offices/SBY/days?from=2027-01-01&to=2027-03-04'
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = to ]
}

@test "a range that runs backwards is 422 naming to" {
	api GET '/api/v1/offices/SBY/days?from=2027-01-05&to=2027-01-04'
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = to ]
}

@test "a date that is not a real day is 422 naming it" {
	api GET '/api/v1/offices/SBY/days?from=2027-02-29'
	[ "$status" = 422 ]
	[ "$(error_code)" = invalid ]
	[ "$(jq -r .error.field <<<"$body")" = from ]
}

@test "an unknown parameter is 422 naming it" {
	api GET '/api/v1/offices/SBY/days?from=2027-01-01&limit=5'
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = limit ]
}

@test "a malformed query string is 400 bad_request" {
	api GET '/api/v1/offices/SBY/days?from=%zz'
	[ "$status" = 400 ]
	[ "$(error_code)" = bad_request ]
}

# Found by tests/fuzz/fuzz_query.c: an unknown name that is not UTF-8 could
# not be named in a 422's JSON, and the worker aborted (502).
@test "a query string that is not UTF-8 is 400 bad_request" {
	api GET '/api/v1/offices/SBY/days?%FF=1'
	[ "$status" = 400 ]
	[ "$(error_code)" = bad_request ]
	api GET '/api/v1/offices/SBY/days?from=%C3%28'
	[ "$status" = 400 ]
}

@test "an unknown office and a malformed code are the same 404" {
	local unknown
	api GET /api/v1/offices/XYZ/days
	[ "$status" = 404 ]
	unknown=$body
	api GET "/api/v1/offices/jkt'--/days"
	[ "$status" = 404 ]
	[ "$body" = "$unknown" ]
}
