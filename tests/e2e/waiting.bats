#!/usr/bin/env bats
# The waiting list against a script (migrations/0021): while a day's draw
# has entries waiting, a first-come booking is refused before it touches a
# lapsed hold, so a script asking for the slot as fast as it can does not
# keep the master's sweep from handing it to the next waiting entry.
#
# A stack of its own: the booking limits and the burst rule raised so that
# one account can ask hundreds of times a second (wrk), the master's round
# every second. The day is MDN's (tests/e2e/draw.bash).

load lib
load citizen
load draw

setup_file() {
	E2E_EXTRA_CONFIG=$'session_sweep_interval = 1\nworkers = 4
limit_bookings = 1000000\nflag_burst_count = 100000' stack_start
}

teardown_file() {
	stack_stop
}

# wrk's script: POST the booking of citizen NAME's application for DAY.
hammer_lua() { # NAME DAY
	local token
	token=$(awk '$6 == "permit_session" { print $7 }' "$(citizen_jar "$1")")
	cat <<LUA
wrk.method = "POST"
wrk.path = "/api/v1/applications/$(citizen_app "$1")/booking"
wrk.body = '{"date":"$2"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "permit_session=$token"
wrk.headers["X-CSRF-Token"] = "$(citizen_csrf "$1")"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() statuses = {} end
function response(status) statuses[status] = (statuses[status] or 0) + 1 end
function done()
	for _, t in ipairs(threads) do
		for s, n in pairs(t:get("statuses")) do
			io.write(string.format("status %d %d\\n", s, n))
		end
	end
end
LUA
}

# The day's holds not past pay_by.
live_holds() { # DAY
	sql "SELECT count(*) FROM bookings WHERE office = 'MDN' AND day = '$1'
	    AND state = 'held' AND pay_by > now()"
}

@test "lapsed holds reach the waiting entries within two rounds while a script books that day 16 connections wide" {
	local day=2027-09-01 i
	open_day "$day" 20
	enter_all w 40 "$day"
	run_draw "$day"
	[ "$(live_holds "$day")" = 20 ]

	mdn_citizen script
	hammer_lua script "$day" >"$BATS_TEST_TMPDIR/hammer.lua"
	wrk -t 2 -c 16 -d 8s -s "$BATS_TEST_TMPDIR/hammer.lua" "$PERMIT_URL" \
	    >"$BATS_TEST_TMPDIR/wrk.out" 2>&1 &
	sleep 2
	# Every hold lapses at once: their 20 slots are the 20 waiting
	# entries', which the master's round (every second) hands them.
	sql "UPDATE bookings SET pay_by = now() - interval '1 second'
	    WHERE office = 'MDN' AND day = '$day' AND state = 'held'" >/dev/null
	for i in $(seq 30); do
		[ "$(live_holds "$day")" = 20 ] && break
		sleep 0.1
	done
	wait
	cat "$BATS_TEST_TMPDIR/wrk.out" >&3
	[ "$(live_holds "$day")" = 20 ]
	[ "$(sql "SELECT count(*) FROM draw_entries WHERE office = 'MDN'
	    AND day = '$day' AND state = 'won'")" = 40 ]
	# The script asked, and got nothing but quota_exhausted.
	grep -q '^status 409 ' "$BATS_TEST_TMPDIR/wrk.out"
	! grep -q '^status 201 ' "$BATS_TEST_TMPDIR/wrk.out"
	[ "$(sql "SELECT count(*) FROM bookings WHERE application_id = '$(citizen_app script)'")" = 0 ]
}
