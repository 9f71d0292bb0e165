#!/usr/bin/env bats
# The pages under web/ in a real browser: Debian's Chromium driven by
# playwright-core through this file's nginx to its permitd. One driver
# (tests/browser/run.mjs) keeps one Chromium, and the admin and the
# reviewer signed in, for the whole file; each test asks it for the steps
# of its scenario (citizens get contexts of their own), and does between
# them what a browser cannot: open a day's draw and run it, stop the
# database. Every step also fails on a CSP violation, a page error or a
# string missing from a dictionary; axe-core checks the pages it passes at
# 360 px and desktop width, and screenshots go to var/test-artifacts/.
#
# The file's days are BDG's weekdays from 12 days ahead (no other file
# books BDG's coming days), one for each purpose; its stack runs the master
# every second (the draw), allows 2 booking attempts an hour per account
# (the 429) and any number of active applications (the reviewer's queue
# gets more than a page of them).

load lib
load citizen
load staff
DRAW_OFFICE=BDG
load draw

BROWSER_SOCKET=$E2E_DIR/browser.sock

setup_file() {
	E2E_EXTRA_CONFIG=$'session_sweep_interval = 1\nlimit_bookings = 2\nlimit_bookings_window = 3600\nmax_active_applications = 1000' \
	    stack_start
	staff_new ada admin
	staff_new rita reviewer BDG
	local -a d
	mapfile -t d < <(weekday_ahead 12 8)
	jq -n --arg a "${d[0]}" --arg b "${d[1]}" --arg c "${d[2]}" --arg e "${d[3]}" \
	    --arg f "${d[4]}" --arg g "${d[5]}" --arg h "${d[6]}" --arg i "${d[7]}" \
	    '{last_place: $a, free: $b, draw: $c, quota: $e, capacity: $f, closed: $g,
	      opening: $h, queue: $i}' >"$BATS_FILE_TMPDIR/days.json"
	# The booking test's day has one place.
	as ada PUT "/api/v1/admin/offices/BDG/days/${d[0]}" -H 'Content-Type: application/json' \
	    --data '{"capacity":1}'
	[ "$status" = 200 ] || { echo "capacity: $status $body" >&2; return 1; }
	local i
	for i in $(seq 24); do
		person_new "$([ $((i % 2)) = 0 ] && echo M || echo F)"
		applicant_json
	done | jq -s . >"$BATS_FILE_TMPDIR/people.json"
	# vera: a flagged citizen with a booking, for the admin to block.
	citizen_new vera
	person_new F
	citizen_apply_at vera BDG
	as_post vera "/api/v1/applications/$(citizen_app vera)/booking" "{\"date\":\"${d[1]}\"}"
	[ "$status" = 201 ] || { echo "vera's booking: $status $body" >&2; return 1; }
	psql_super -c "INSERT INTO account_flags (account_id, rule, detail)
	    VALUES ('$(citizen_id vera)', 'lapsed_holds', '2 holds lapsed within 30 days')" >/dev/null
	# The reviewer's queue: more than a page of submitted applications, and
	# pia's appointment alone on its day.
	citizen_new many
	for i in $(seq 21); do
		person_new M
		citizen_apply_at many BDG
	done
	citizen_new pia
	person_new F
	citizen_apply_at pia BDG
	as_post pia "/api/v1/applications/$(citizen_app pia)/booking" "{\"date\":\"${d[7]}\"}"
	[ "$status" = 201 ] || { echo "pia's booking: $status $body" >&2; return 1; }
	browser_start
}

teardown_file() {
	browser_stop
	pg_start || true
	admin_mode ada normal || true
	as ada PUT /api/v1/admin/offices/BDG -H 'Content-Type: application/json' \
	    --data '{"daily_quota":200}' || true
	stack_stop
}

# Starts the driver on BROWSER_SOCKET; returns once it listens.
browser_start() {
	local i
	PERMIT_PEOPLE=$BATS_FILE_TMPDIR/people.json \
	PERMIT_DAYS=$(cat "$BATS_FILE_TMPDIR/days.json") \
	PERMIT_PAY_KEY_HEX=$("$PERMITCTL" -c "$STACK_CONFIG" keys payment-key | base64 -d | xxd -p -c 64) \
	PERMIT_ADMIN=$(citizen_email ada) PERMIT_REVIEWER=$(citizen_email rita) \
	PERMIT_ARTIFACTS=$ROOT/var/test-artifacts \
	    node "$ROOT/tests/browser/run.mjs" serve "$BROWSER_SOCKET" \
	    >>"$E2E_DIR/browser.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	echo $! >"$BATS_FILE_TMPDIR/browser.pid"
	for i in $(seq 300); do
		[ -S "$BROWSER_SOCKET" ] && return 0
		kill -0 "$(cat "$BATS_FILE_TMPDIR/browser.pid")" 2>/dev/null || break
		sleep 0.1
	done
	echo "the browser driver did not start:" >&2
	tail -n 20 "$E2E_DIR/browser.log" >&2
	return 1
}

# Closes the browser and waits for the driver to exit (killed after 10 s).
browser_stop() {
	local pid
	pid=$(cat "$BATS_FILE_TMPDIR/browser.pid" 2>/dev/null) || return 0
	curl -sS --max-time 10 --unix-socket "$BROWSER_SOCKET" -X POST http://browser/quit >/dev/null 2>&1 || true
	wait_for_exit "$pid" 10 || kill "$pid" 2>/dev/null || true
}

# Runs step NAME of the driver with the JSON object PARAMS; fails with what
# went wrong unless it passed.
step() { # NAME [PARAMS]
	local out code params='{}'
	[ -z "${2:-}" ] || params=$2
	out=$(curl -sS --max-time 150 --unix-socket "$BROWSER_SOCKET" -X POST \
	    -H 'Content-Type: application/json' --data "$params" \
	    -w '\n%{http_code}' "http://browser/step/$1") ||
	    { echo "step $1: no answer from the driver (curl $?); its log:" >&2; tail -n 30 "$E2E_DIR/browser.log" >&2; return 1; }
	code=${out##*$'\n'}
	[ "$code" = 200 ] || { echo "step $1: ${out%$'\n'*}" >&2; return 1; }
}

day_of() { jq -r ".$1" "$BATS_FILE_TMPDIR/days.json"; }

vera() { jq -nc --arg a "$(citizen_id vera)" --arg d "$(citizen_id ada)" '{account: $a, admin: $d}'; }

@test "browser: a citizen books a day's last place and sees the hold; another, who had chosen it too, is told it is full; paid, it reads confirmed" {
	step booking
}

@test "browser: an invalid NIK is shown beside its field, focus moves there, nothing is stored" {
	step invalid_nik
}

@test "browser: a hold is given back after its question (turning the question down keeps it)" {
	step unbook
}

@test "browser: an application is cancelled after its question: its hold is given back and nothing more is offered" {
	step cancel
}

@test "browser: two citizens enter a day's opening draw from its calendar and see their entries, the seed's hash and not the seed" {
	open_day "$(day_of draw)" 1
	step draw_enter
}

@test "browser: after the draw one entrant holds the day's place and the other waits, with the seed revealed" {
	run_draw "$(day_of draw)"
	step draw_outcome
}

@test "browser: the entrant who waits withdraws from the draw after its question" {
	step draw_withdraw
}

@test "browser: over limit_bookings the citizen is told in how many minutes and at what time to try again (Retry-After), and nothing is booked" {
	step rate_limited
}

@test "browser: with the database down a submit says the service is unavailable and when to try again, the banner too; back up, it goes through" {
	local rc=0
	step unavailable_ready
	pg_stop
	step unavailable_refused || rc=$?
	pg_start
	wait_for_health 200
	[ "$rc" = 0 ]
	step unavailable_back
}

@test "browser: read_only with a message: the banner, reads work, a submit shows the message; normal again" {
	step maintenance
}

@test "browser: a reviewer opens and approves; the citizen reads it in Indonesian, then English" {
	step review
}

@test "browser: the reviewer's queue pages 20 at a time, forward and back, and filters by status and by day" {
	step queue
}

@test "browser: an admin's block of a flagged account is asked first; going back blocks nothing" {
	step block_back "$(vera)"
	as vera GET /api/v1/me
	[ "$status" = 200 ]
	[ "$(hold_of vera)" = held ]
}

@test "browser: an admin blocks a flagged account, a reason required: its session ends, its booking is given back, its application cancelled; the flag shows the block, its admin and reason" {
	step block "$(vera)"
	as vera GET /api/v1/me
	[ "$status" = 401 ]
	[ -z "$(hold_of vera)" ]
	[ "$(sql "SELECT status FROM applications WHERE id = '$(citizen_app vera)'")" = cancelled ]
	[ "$(audit_last | cut -d'|' -f3,4)" = "admin.block|$(citizen_id vera)" ]
}

@test "browser: an admin unblocks an account by its id after its question; the flag shows it unblocked; it signs in again" {
	step unblock "$(vera)"
	citizen_signin vera
}

@test "browser: an admin saves BDG's daily quota: the calendar's days follow it; then it is put back" {
	step quota
}

@test "browser: an admin saves a day's own capacity; 'set' without a number is refused beside its field first" {
	step day_capacity
}

@test "browser: an admin closes a day: the calendar says closed" {
	step day_closed
}

@test "browser: an admin sets when a day opens: the calendar marks it, and a citizen who had chosen it is told when it opens" {
	step day_opening
}

@test "browser: an admin makes a reviewer account, which then signs in" {
	step staff
}

@test "browser: an application's audit trail shows the reviewer's opening and decision, in order, by whom" {
	step audit
}

@test "browser: every main page passes axe-core at 360 px and desktop width without overflowing, keeps the CSP, and is photographed" {
	step pages
}

@test "browser: both dictionaries have the same keys, among them every key the pages name" {
	step dictionaries
}
