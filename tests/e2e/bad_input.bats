#!/usr/bin/env bats
# Bad input to POST /api/v1/applications gets the HTTP API's status, code and
# field, and changes nothing (docs/DESIGN.md invariant 8): one row per rule of
# the HTTP API's validation, each followed by a count of the applications table.

load lib
load citizen

setup_file() {
	stack_start
	citizen_new vera
}

teardown_file() {
	stack_stop
}

setup() {
	person_new M
	BEFORE=$(applications_count)
}

# Posts BODY (or @FILE) as vera with CONTENT_TYPE; asserts STATUS, CODE and, when
# given, FIELD; and that no row was added. LABEL names the row on failure.
expect() { # LABEL STATUS CODE FIELD BODY [CONTENT_TYPE]
	local label=$1 want_status=$2 want_code=$3 want_field=$4 data=$5
	local ctype=${6:-application/json}
	as vera POST /api/v1/applications -H "Content-Type: $ctype" --data-binary "$data"
	if [ "$status" != "$want_status" ] || [ "$(error_code)" != "$want_code" ] ||
	    { [ -n "$want_field" ] && [ "$(jq -r .error.field <<<"$body")" != "$want_field" ]; } ||
	    [ "$(applications_count)" != "$BEFORE" ]; then
		echo "$label: got $status $body (want $want_status $want_code $want_field)" >&2
		return 1
	fi
}

# A 422 invalid naming FIELD, for the passport body changed by jq FILTER.
invalid() { # FIELD FILTER [LABEL]
	expect "${3:-$1}" 422 invalid "$1" "$(jq -c "$2" <<<"$(passport_json)")"
}

# The same, for the travel permit body.
invalid_travel() { # FIELD FILTER [LABEL]
	expect "${3:-$1}" 422 invalid "$1" "$(jq -c "$2" <<<"$(travel_json)")"
}

long() { printf "%${1}s" '' | tr ' ' x; }

@test "the valid bodies the rows below change are accepted" {
	as_post vera /api/v1/applications "$(passport_json)"
	[ "$status" = 201 ]
	as vera POST "/api/v1/applications/$(jq -r .application.id <<<"$body")/cancel"
	[ "$status" = 200 ]
}

@test "a body that is not JSON, not an object, not UTF-8 or not application/json is 400" {
	expect "not JSON" 400 bad_request "" '{"kind": "passport",'
	expect "an array" 400 bad_request "" '[1, 2]'
	expect "invalid UTF-8" 400 bad_request "" "$(printf '{"kind":"\xff\xfe"}')"
	expect "text/plain" 400 bad_request "" "$(passport_json)" text/plain
	expect "form" 400 bad_request "" "$(passport_json)" application/x-www-form-urlencoded
	expect "no body" 400 bad_request "" ""
}

@test "a 1 MiB body is 413 too_large" {
	# Exactly 1 MiB: nginx (client_max_body_size 1m) passes it on, and
	# permitd refuses it against body_limit (64 KiB) with the HTTP API's body.
	local big=$BATS_TEST_TMPDIR/big.json head='{"kind":"passport","applicant":{"address":"' tail='"}}'
	{ printf '%s' "$head"; long $((1048576 - ${#head} - ${#tail})); printf '%s' "$tail"; } >"$big"
	[ "$(stat -c %s "$big")" = 1048576 ]
	expect "1 MiB" 413 too_large "" "@$big"
}

@test "an unknown field anywhere is 422 naming its dotted path" {
	invalid foo '.foo = 1'
	invalid applicant.foo '.applicant.foo = "x"'
	invalid passport.foo '.passport.foo = true'
	invalid_travel travel.foo '.travel.foo = null'
}

@test "kind, office and the kind's own object are checked" {
	invalid kind 'del(.kind)' "kind missing"
	invalid kind '.kind = "visa"'
	invalid kind '.kind = 1' "kind not a string"
	invalid office '.office = "XYZ"' "unknown office"
	invalid office '.office = "JKT-SELATAN"' "office too long"
	invalid office '.office = 7' "office not a string"
	invalid applicant 'del(.applicant)'
	invalid applicant '.applicant = "x"' "applicant not an object"
	invalid passport 'del(.passport)' "passport missing"
	invalid travel '.travel = {}' "travel on a passport"
	invalid_travel passport '.passport = {type: "new"}' "passport on a travel permit"
	invalid_travel travel 'del(.travel)' "travel missing"
}

@test "names, places and address: required, at most their length, no control characters" {
	invalid applicant.full_name 'del(.applicant.full_name)' "full_name missing"
	invalid applicant.full_name '.applicant.full_name = ""' "full_name empty"
	invalid applicant.full_name ".applicant.full_name = \"$(long 101)\"" "full_name 101"
	invalid applicant.full_name '.applicant.full_name = "Ana\u0007"' "full_name control"
	invalid applicant.full_name '.applicant.full_name = "Ana\nB"' "full_name newline"
	invalid applicant.full_name '.applicant.full_name = 5' "full_name number"
	invalid applicant.mother_name ".applicant.mother_name = \"$(long 101)\""
	invalid applicant.birth_place ".applicant.birth_place = \"$(long 101)\""
	invalid applicant.address ".applicant.address = \"$(long 301)\""
	invalid applicant.address '.applicant.address = "Jl. A\u0085"' "address C1 control"
	invalid_travel travel.purpose ".travel.purpose = \"$(long 501)\""
	invalid_travel travel.origin '.travel.origin = ""'
	invalid_travel travel.destination 'del(.travel.destination)'
}

@test "the NIK: 16 digits, a province in use, a real date equal to birth_date (+40 for F), serial not 0000" {
	invalid applicant.nik 'del(.applicant.nik)' "nik missing"
	invalid applicant.nik '.applicant.nik = "317405170590001"' "15 digits"
	invalid applicant.nik '.applicant.nik = "31740517059000012"' "17 digits"
	invalid applicant.nik '.applicant.nik = "31740517059O0001"' "a letter"
	invalid applicant.nik '.applicant.nik = "2074051705900001"' "province 20"
	invalid applicant.nik '.applicant.nik = "3174051705900000"' "serial 0000"
	invalid applicant.nik '.applicant.nik = "3174053205900001"' "day 32"
	invalid applicant.nik '.applicant.nik = "3174051805900001"' "date is not birth_date"
	invalid applicant.nik '.applicant.nik = "3174051705910001"' "year is not birth_date's"
	invalid applicant.nik '.applicant.sex = "F"' "a male NIK for F"
	invalid applicant.nik '.applicant.nik = "3174055705900001"' "a female NIK for M"
}

@test "KK, NPWP and phone have their shapes" {
	local bad_npwp
	bad_npwp=${P_NPWP:0:8}$(((${P_NPWP:8:1} + 1) % 10))${P_NPWP:9}
	invalid applicant.kk_number '.applicant.kk_number = "317401010100001"' "kk 15 digits"
	invalid applicant.kk_number '.applicant.kk_number = "2074010101000001"' "kk province"
	invalid applicant.kk_number '.applicant.kk_number = "31740101010000x1"' "kk letter"
	invalid applicant.npwp ".applicant.npwp = \"$bad_npwp\"" "npwp check digit"
	invalid applicant.npwp '.applicant.npwp = "12345678901234"' "npwp 14 digits"
	invalid applicant.npwp '.applicant.npwp = "1234567890123456"' "npwp 16, not 0 nor the nik"
	invalid applicant.phone '.applicant.phone = "12345678"' "phone no prefix"
	invalid applicant.phone '.applicant.phone = "0812345"' "phone 7 digits"
	invalid applicant.phone '.applicant.phone = "+6281234567890123"' "phone 14 digits"
	invalid applicant.phone '.applicant.phone = "0812-3456-789"' "phone dashes"
}

@test "birth_date, sex and travel dates follow the HTTP API" {
	local yesterday
	yesterday=$(date -u -d '-1 day' +%F)
	invalid applicant.birth_date '.applicant.birth_date = "1899-12-31"' "before 1900"
	invalid applicant.birth_date ".applicant.birth_date = \"$(date -u -d '+1 day' +%F)\"" "future"
	invalid applicant.birth_date '.applicant.birth_date = "1990-02-30"' "no such day"
	invalid applicant.birth_date '.applicant.birth_date = "17-05-1990"' "shape"
	invalid applicant.sex '.applicant.sex = "X"'
	invalid applicant.sex '.applicant.sex = "m"' "lower-case sex"
	invalid_travel travel.depart_on ".travel.depart_on = \"$yesterday\"" "depart yesterday"
	invalid_travel travel.depart_on '.travel.depart_on = "2030/01/01"' "depart shape"
	invalid_travel travel.return_on '.travel.return_on = (.travel.depart_on | strptime("%Y-%m-%d") | mktime - 86400 | strftime("%Y-%m-%d"))' "return before depart"
}

@test "passport type and previous_number (renewal only)" {
	invalid passport.type '.passport.type = "old"'
	invalid passport.type 'del(.passport.type)' "type missing"
	invalid passport.previous_number '.passport.type = "renewal"' "renewal without previous_number"
	invalid passport.previous_number '.passport.previous_number = "A1234567"' "new with previous_number"
	invalid passport.previous_number '.passport = {type: "renewal", previous_number: ""}' "empty previous_number"
}

@test "a 422 names no value it refused" {
	invalid applicant.nik '.applicant.nik = "3174051805900001"'
	[[ "$body" != *3174051805900001* ]]
}
