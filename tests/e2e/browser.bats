#!/usr/bin/env bats
# The pages under web/ in a real browser: Debian's Chromium driven by
# playwright-core (tests/browser/run.mjs, one scenario per test) through
# this file's nginx to its permitd. Every scenario also fails on a CSP
# violation, a page error or a string missing from a dictionary; axe-core
# checks the pages it passes; screenshots go to var/test-artifacts/.

load lib
load citizen
load staff

setup_file() {
	stack_start
	staff_new ada admin
	staff_new rita reviewer BDG
	local day people=$BATS_FILE_TMPDIR/people.json i
	# A day of its own at BDG with one place: the booking test takes it.
	day=$(weekday_ahead 21)
	echo "$day" >"$BATS_FILE_TMPDIR/day"
	as ada PUT "/api/v1/admin/offices/BDG/days/$day" -H 'Content-Type: application/json' \
	    --data '{"capacity":1}'
	[ "$status" = 200 ] || { echo "capacity: $status $body" >&2; return 1; }
	for i in $(seq 0 9); do
		person_new "$([ $((i % 2)) = 0 ] && echo M || echo F)"
		applicant_json
	done | jq -s . >"$people"
	"$PERMITCTL" -c "$STACK_CONFIG" keys payment-key | base64 -d | xxd -p -c 64 \
	    >"$BATS_FILE_TMPDIR/paykey"
}

teardown_file() {
	admin_mode ada normal || true
	stack_stop
}

# Runs scenario NAME of tests/browser/run.mjs; its output on failure.
scenario() { # NAME
	PERMIT_PEOPLE=$BATS_FILE_TMPDIR/people.json \
	PERMIT_DAY=$(cat "$BATS_FILE_TMPDIR/day") \
	PERMIT_PAY_KEY_HEX=$(cat "$BATS_FILE_TMPDIR/paykey") \
	PERMIT_ADMIN=$(citizen_email ada) PERMIT_REVIEWER=$(citizen_email rita) \
	PERMIT_ARTIFACTS=$ROOT/var/test-artifacts \
	    run timeout 120 node "$ROOT/tests/browser/run.mjs" "$1"
	[ "$status" = 0 ] || { echo "$output" >&2; false; }
}

@test "browser: a citizen books a day's last place and sees the hold; another sees the day full; paid, it reads confirmed" {
	scenario booking
}

@test "browser: an invalid NIK is shown beside its field, focus moves there, nothing is stored" {
	scenario invalid_nik
}

@test "browser: a reviewer opens and approves; the citizen reads it in Indonesian, then English" {
	scenario review
}

@test "browser: read_only with a message: the banner, reads work, a submit shows the message; normal again" {
	scenario maintenance
}

@test "browser: two citizens never see each other's data; nothing personal after sign-out and back" {
	scenario isolation
}

@test "browser: every main page passes axe-core, keeps the CSP, and is photographed at 360 px and desktop width" {
	scenario pages
}
