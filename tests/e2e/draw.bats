#!/usr/bin/env bats
# The opening draw (migrations/0018): a day's seed committed by the master
# before its window opens, its hash public and the seed hidden until the
# draw; requests in the window are entries (202); at draw_at the master
# gives the first `capacity` entries holds in the order the seed gives and
# the rest wait; a slot freed on that day (an unbooking, a lapse, a block)
# goes to the next waiting entry before any first-come booking.
#
# The days are MDN's after 2027-07 (Asia/Jakarta), which no other file
# books; each test opens a day of its own with an admin's opens_at a few
# seconds ahead, and brings its draw_at forward to now once its entries
# are in (the master runs it within session_sweep_interval).

load lib
load citizen
load staff
load draw

setup_file() {
	E2E_EXTRA_CONFIG=$'session_sweep_interval = 1\nworkers = 4' stack_start
}

teardown_file() {
	stack_stop
}

# The names PREFIX1..PREFIXN whose entry is in STATE, in rank order.
names_in() { # PREFIX N STATE
	local i
	for i in $(seq "$2"); do
		[ "$(entry_state "$1$i")" = "$3" ] && echo "$(sql "SELECT rank FROM draw_entries
		    WHERE application_id = '$(citizen_app "$1$i")'") $1$i"
	done | sort -n | cut -d' ' -f2
}

# The order recomputed from the revealed seed: entry ids sorted by
# BLAKE2b-256 keyed with the seed over each id.
recomputed_order() { # SEEDHEX IDS...
	python3 - "$@" <<'PY'
import hashlib, sys
seed = bytes.fromhex(sys.argv[1])
ids = sys.argv[2:]
print("\n".join(sorted(ids, key=lambda i: (hashlib.blake2b(i.encode(), key=seed, digest_size=32).digest(), i))))
PY
}

@test "entries in the window are 202; the draw gives exactly capacity holds, the rest wait; the order is the revealed seed's" {
	local day=2027-08-02 hash seed
	open_day "$day" 3
	draw_get "$day"
	hash=$(jq -r .draw.seed_hash <<<"$body")
	[[ "$hash" =~ ^[0-9a-f]{64}$ ]]
	[ "$(jq -r .draw.seed <<<"$body")" = null ]
	[ "$(jq -r .draw.opens_at <<<"$body")" != null ]
	enter_all e 7 "$day"
	[ "$(jq -r .application.status <<<"$body")" = submitted ]
	[ "$(jq -r .application.booking <<<"$body")" = null ]
	[ "$(jq -r .application.entry.date <<<"$body")" = "$day" ]
	[ "$(jq -r .application.entry.draw_at <<<"$body")" != null ]
	# No slot was taken by an entry.
	[ "$(sql "SELECT count(*) FROM bookings WHERE office = 'MDN' AND day = '$day'")" = 0 ]
	draw_get "$day"
	[ "$(jq -r .draw.entries <<<"$body")" = 7 ]
	[ "$(jq -r .draw.seed <<<"$body")" = null ]

	run_draw "$day"
	[ "$(sql "SELECT count(*) FROM bookings WHERE office = 'MDN' AND day = '$day' AND state = 'held'")" = 3 ]
	[ "$(sql "SELECT booked FROM office_days WHERE office = 'MDN' AND day = '$day'")" = 3 ]
	[ "$(names_in e 7 won | wc -l)" = 3 ]
	[ "$(names_in e 7 waiting | wc -l)" = 4 ]
	draw_get "$day"
	seed=$(jq -r .draw.seed <<<"$body")
	[ "$(jq -r .draw.seed_hash <<<"$body")" = "$hash" ]
	[ "$(jq -r .draw.waiting <<<"$body")" = 4 ]
	# The published hash is the revealed seed's.
	[ "$(python3 -c "import hashlib,sys; print(hashlib.blake2b(bytes.fromhex(sys.argv[1]), digest_size=32).hexdigest())" "$seed")" = "$hash" ]
	# The stored order is the one the seed gives.
	[ "$(sql "SELECT id FROM draw_entries WHERE office = 'MDN' AND day = '$day' ORDER BY rank")" = \
	    "$(recomputed_order "$seed" $(sql "SELECT id FROM draw_entries WHERE office = 'MDN' AND day = '$day'"))" ]
	# The draw's audit row, as permitd itself: the day, the counts, the hash.
	[ "$(sql "SELECT actor_kind || ' ' || actor || ' ' || detail FROM audit_log
	    WHERE action = 'draw.run' AND detail LIKE '%day=$day %'")" = \
	    "system permitd office=MDN day=$day entries=7 holds=3 waiting=4 seed_hash=$hash" ]
	run staff_ctl audit verify
	[ "$status" = 0 ] || { echo "$output" >&2; false; }
	# permitctl re-runs it from the seed and agrees; two places swapped, or
	# another seed, it names what differs.
	run staff_ctl draw verify MDN "$day"
	[ "$status" = 0 ] || { echo "$output" >&2; false; }
	[[ "$output" == *"7 entries in the order the seed gives"* ]]
	sql "UPDATE draw_entries SET rank = 100 WHERE office = 'MDN' AND day = '$day' AND rank = 1;
	    UPDATE draw_entries SET rank = 1 WHERE office = 'MDN' AND day = '$day' AND rank = 2;
	    UPDATE draw_entries SET rank = 2 WHERE office = 'MDN' AND day = '$day' AND rank = 100" >/dev/null
	run staff_ctl draw verify MDN "$day"
	[ "$status" = 1 ]
	[[ "$output" == *"place 1: entry"* ]]
	sql "UPDATE draw_entries SET rank = 100 WHERE office = 'MDN' AND day = '$day' AND rank = 1;
	    UPDATE draw_entries SET rank = 1 WHERE office = 'MDN' AND day = '$day' AND rank = 2;
	    UPDATE draw_entries SET rank = 2 WHERE office = 'MDN' AND day = '$day' AND rank = 100" >/dev/null
	run staff_ctl draw verify MDN "$day"
	[ "$status" = 0 ]
	sql "UPDATE draws SET seed = '\\x$(printf '%064d' 0)' WHERE office = 'MDN' AND day = '$day'" >/dev/null
	run staff_ctl draw verify MDN "$day"
	[ "$status" = 1 ]
	[[ "$output" == *"does not match the hash"* ]]
	# A winner's application is booked with its hold; a waiting one shows its entry.
	as "$(names_in e 7 won | head -n1)" GET "/api/v1/applications/$(citizen_app "$(names_in e 7 won | head -n1)")"
	[ "$(jq -r .application.status <<<"$body")" = booked ]
	[ "$(jq -r .application.booking.state <<<"$body")" = held ]
	as "$(names_in e 7 waiting | head -n1)" GET "/api/v1/applications/$(citizen_app "$(names_in e 7 waiting | head -n1)")"
	[ "$(jq -r .application.entry.state <<<"$body")" = waiting ]
	[ "$(jq -r .application.booking <<<"$body")" = null ]
}

# Whether citizen NAME's application has no draw entry at all.
no_entry() { # NAME
	[ "$(sql "SELECT count(*) FROM draw_entries WHERE application_id = '$(citizen_app "$1")'")" = 0 ]
}

# The first (in rank order) of PREFIX1..PREFIXN that holds a slot now.
first_holder() { # PREFIX N
	local n
	for n in $(names_in "$1" "$2" won); do
		[ "$(hold_of "$n")" = held ] && { echo "$n"; return 0; }
	done
	return 1
}

@test "an unbooking, a lapse and a block each hand the slot to the next waiting entry; first-come meanwhile gets quota_exhausted" {
	local day=2027-08-03 next gone
	open_day "$day" 2
	enter_all w 6 "$day"
	run_draw "$day"
	[ "$(names_in w 6 won | wc -l)" = 2 ]
	mdn_citizen fc
	book fc "$day"
	[ "$status" = 409 ]
	[ "$(jq -r .error.code <<<"$body")" = quota_exhausted ]

	# An unbooking: its slot goes to the first waiting entry at once.
	gone=$(names_in w 6 won | head -n1)
	next=$(names_in w 6 waiting | head -n1)
	as "$gone" DELETE "/api/v1/applications/$(citizen_app "$gone")/booking"
	[ "$status" = 200 ]
	[ "$(hold_of "$next")" = held ]
	[ "$(entry_state "$next")" = won ]
	book fc "$day"
	[ "$(jq -r .error.code <<<"$body")" = quota_exhausted ]

	# A lapse: settled by the master's sweep, the slot to the next in line.
	gone=$(first_holder w 6)
	next=$(names_in w 6 waiting | head -n1)
	sql "UPDATE bookings SET pay_by = now() - interval '1 second'
	    WHERE application_id = '$(citizen_app "$gone")' AND state = 'held'" >/dev/null
	book fc "$day"
	[ "$(jq -r .error.code <<<"$body")" = quota_exhausted ]
	wait_hold "$next"
	[ "$(sql "SELECT state FROM bookings WHERE application_id = '$(citizen_app "$gone")'")" = lapsed ]

	# A block: the blocked account's slot to the next in line.
	gone=$(first_holder w 6)
	next=$(names_in w 6 waiting | head -n1)
	staff_new ada admin
	as_post ada "/api/v1/admin/accounts/$(citizen_id "$gone")/block" '{"reason":"Broker pattern."}'
	[ "$status" = 200 ] || { echo "$status $body" >&2; false; }
	[ "$(hold_of "$next")" = held ]
	book fc "$day"
	[ "$(jq -r .error.code <<<"$body")" = quota_exhausted ]
	[ "$(names_in w 6 waiting | wc -l)" = 1 ]
	[ "$(sql "SELECT booked FROM office_days WHERE office = 'MDN' AND day = '$day'")" = 2 ]
	[ "$(sql "SELECT count(*) FROM bookings WHERE office = 'MDN' AND day = '$day' AND state = 'held'")" = 2 ]
}

@test "one entry per NIK and day across accounts; one per application; a flagged account cannot enter; unbooking withdraws an entry" {
	local day=2027-08-04 s
	open_day "$day" 5
	mdn_citizen n1
	book n1 "$day"
	[ "$status" = 202 ]
	book n1 "$day"
	[ "$status" = 409 ]
	[ "$(jq -r .error.code <<<"$body")" = conflict ]
	# The same person, through another account once the first application
	# is cancelled (which withdraws its entry): still one entry per NIK.
	as_post n1 "/api/v1/applications/$(citizen_app n1)/cancel" '{}'
	[ "$status" = 200 ]
	[ "$(entry_state n1)" = withdrawn ]
	citizen_new n2
	citizen_apply_at n2 MDN
	book n2 "$day"
	[ "$status" = 409 ]
	[ "$(jq -r .error.code <<<"$body")" = conflict ]
	no_entry n2
	# The same person on two accounts at once, which filing allows
	# (migrations/0023): the second account's application gets no entry.
	mdn_citizen m1
	book m1 "$day"
	[ "$status" = 202 ]
	citizen_new m2
	citizen_apply_at m2 MDN
	book m2 "$day"
	[ "$status" = 409 ]
	no_entry m2

	mdn_citizen flagged
	sql "INSERT INTO account_flags (account_id, rule, detail)
	    VALUES ('$(citizen_id flagged)', 'submission_burst', 'test')" >/dev/null
	book flagged "$day"
	[ "$status" = 409 ]
	[ "$(jq -r .error.code <<<"$body")" = conflict ]
	no_entry flagged

	mdn_citizen u1
	book u1 "$day"
	[ "$status" = 202 ]
	as u1 DELETE "/api/v1/applications/$(citizen_app u1)/booking"
	[ "$status" = 200 ]
	[ "$(jq -r .application.entry <<<"$body")" = null ]
	[ "$(entry_state u1)" = withdrawn ]
	s=$(sql "SELECT count(*) FROM draw_entries WHERE day = '$day'")
	as u1 DELETE "/api/v1/applications/$(citizen_app u1)/booking"
	[ "$status" = 409 ]
	[ "$(sql "SELECT count(*) FROM draw_entries WHERE day = '$day'")" = "$s" ]
}

@test "an account enters one application into a day's draws (draw_entries_per_account); its withdrawn entry does not count" {
	local day=2027-08-05 first
	open_day "$day" 5
	mdn_citizen fam
	first=$(citizen_app fam)
	book fam "$day"
	[ "$status" = 202 ]
	# A second applicant's application of the same account: refused,
	# nothing written.
	person_new F
	citizen_apply_at fam MDN
	book fam "$day"
	[ "$status" = 409 ]
	[ "$(jq -r .error.code <<<"$body")" = conflict ]
	[[ $(jq -r .error.message <<<"$body") == *"1 per account"* ]]
	no_entry fam
	# Once the first entry is withdrawn, the second may enter.
	as fam DELETE "/api/v1/applications/$first/booking"
	[ "$status" = 200 ]
	book fam "$day"
	[ "$status" = 202 ]
	[ "$(sql "SELECT count(*) FROM draw_entries WHERE day = '$day'
	    AND account_id = '$(citizen_id fam)' AND state <> 'withdrawn'")" = 1 ]
}

# permit_draw_enter as account ACCOUNT for application APP into DAY, in
# SQL as the function's caller would (its principal in permit.account_id),
# with billing code CODE; the statements for psql, without COMMIT.
enter_sql() { # ACCOUNT APP DAY CODE
	printf "BEGIN; SET LOCAL permit.account_id = '%s'; SET LOCAL lock_timeout = '10s';
	    SELECT permit_draw_enter(gen_random_uuid(), '%s', '%s', '%s', 1, 120, 1);\n" "$@"
}

@test "an account's second entry waits for its first to commit, then is refused: the bound holds whatever the concurrency" {
	local day=2027-08-06 a1 a2 b st
	open_day "$day" 5
	mdn_citizen rush
	a1=$(citizen_app rush)
	person_new M
	citizen_apply_at rush MDN
	a2=$(citizen_app rush)
	# The first entry made and left uncommitted.
	mkfifo "$BATS_TEST_TMPDIR/first"
	psql_super -tA <"$BATS_TEST_TMPDIR/first" >"$BATS_TEST_TMPDIR/first.out" 2>&1 &
	exec 7>"$BATS_TEST_TMPDIR/first"
	enter_sql "$(citizen_id rush)" "$a1" "$day" "$(printf 'A%.0s' {1..32})" >&7
	for _ in $(seq 50); do
		grep -q entered "$BATS_TEST_TMPDIR/first.out" && break
		sleep 0.1
	done
	grep -q entered "$BATS_TEST_TMPDIR/first.out"
	# The second, meanwhile: it must wait for the first.
	{ enter_sql "$(citizen_id rush)" "$a2" "$day" "$(printf 'B%.0s' {1..32})"
	  echo 'COMMIT;'; } | psql_super -tA >"$BATS_TEST_TMPDIR/second.out" 2>&1 &
	b=$!
	sleep 1
	kill -0 "$b"
	echo 'COMMIT;' >&7
	exec 7>&-
	# wait in this shell: `run wait` waits in a subshell, where the
	# psql is no child, so it returned at once (127) and the grep below
	# could read second.out before psql had written it.
	st=0
	wait "$b" || st=$?
	[ "$st" != 0 ]
	grep -q 'entries per account' "$BATS_TEST_TMPDIR/second.out"
	[ "$(sql "SELECT count(*) FROM draw_entries WHERE day = '$day'
	    AND account_id = '$(citizen_id rush)'")" = 1 ]
}

@test "/days shows a day's draw_at while its draw is to come, and null once it has run" {
	local day=2027-08-18 at
	open_day "$day" 2
	at=$(sql "SELECT to_char(draw_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
	    FROM draws WHERE office = 'MDN' AND day = '$day'")
	api GET "/api/v1/offices/MDN/days?from=$day&to=$day"
	[ "$(jq -r '.days[0].draw_at' <<<"$body")" = "$at" ]
	run_draw "$day"
	api GET "/api/v1/offices/MDN/days?from=$day&to=$day"
	[ "$(jq -r '.days[0].draw_at' <<<"$body")" = null ]
}

@test "a day with no draw is 404; a malformed code or date too" {
	draw_get 2027-08-30
	[ "$status" = 404 ]
	api GET /api/v1/offices/mdn/draws/2027-08-02
	[ "$status" = 404 ]
	api GET /api/v1/offices/MDN/draws/2027-02-30
	[ "$status" = 404 ]
}

@test "two permitd masters on one database never run a day's draw twice" {
	local conf=$E2E_DIR/second.conf log=$E2E_DIR/second.log pid day i
	local days="2027-08-09 2027-08-10 2027-08-11 2027-08-12 2027-08-13" in
	in=$(printf "'%s'," $days)
	in=${in%,}
	sed -e "s|^listen = .*|listen = unix:$E2E_DIR/fcgi/second.sock|" \
	    -e "s|^pid_file = .*|pid_file = $E2E_DIR/fcgi/second.pid|" \
	    "$STACK_CONFIG" >"$conf"
	setsid "$PERMITD" -c "$conf" 2>>"$log" 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	pid=$!
	for day in $days; do
		sql "INSERT INTO office_days (office, day, capacity, opens_at)
		    VALUES ('MDN', '$day', 1, now() + interval '3 seconds')" >/dev/null
	done
	for i in $(seq 100); do
		[ "$(sql "SELECT count(*) FROM draws WHERE office = 'MDN' AND day IN ($in) AND opens_at <= now()")" = 5 ] && break
		sleep 0.1
	done
	for day in $days; do
		enter_all "m${day//-/}x" 3 "$day"
	done
	# Every draw due at once: both masters find all five ready.
	sql "UPDATE draws SET draw_at = now() WHERE office = 'MDN' AND day IN ($in)" >/dev/null
	for i in $(seq 100); do
		[ "$(sql "SELECT count(*) FROM draws WHERE office = 'MDN' AND day IN ($in) AND drawn_at IS NOT NULL")" = 5 ] && break
		sleep 0.1
	done
	# Two more rounds of both masters: a draw run twice would show by then.
	sleep 2
	kill -TERM "$pid"
	wait_for_exit "$pid" 30
	! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log"
	for day in $days; do
		[ "$(sql "SELECT count(*) FROM bookings WHERE office = 'MDN' AND day = '$day'")" = 1 ]
		[ "$(sql "SELECT string_agg(state || rank, ',' ORDER BY rank) FROM draw_entries WHERE office = 'MDN' AND day = '$day'")" = won1,waiting2,waiting3 ]
		[ "$(cat "$E2E_LOG" "$log" | grep -c "drew MDN $day")" = 1 ]
	done
}

@test "an admin's new opens_at: 409 once the draw has begun; before that the unseen seed is replaced for the new window" {
	local day=2027-08-16 old
	staff_new adm admin
	open_day "$day" 2
	as adm PUT "/api/v1/admin/offices/MDN/days/$day" -H 'Content-Type: application/json' \
	    --data '{"opens_at":"2027-01-04T01:00:00Z"}'
	[ "$status" = 409 ]
	[ "$(sql "SELECT count(*) FROM draws WHERE office = 'MDN' AND day = '$day'")" = 1 ]

	day=2027-08-17
	sql "INSERT INTO office_days (office, day, opens_at)
	    VALUES ('MDN', '$day', now() + interval '1 hour')" >/dev/null
	for i in $(seq 100); do
		old=$(sql "SELECT encode(seed_hash, 'hex') FROM draws WHERE office = 'MDN' AND day = '$day'")
		[ -n "$old" ] && break
		sleep 0.1
	done
	[ -n "$old" ]
	as adm PUT "/api/v1/admin/offices/MDN/days/$day" -H 'Content-Type: application/json' \
	    --data "{\"opens_at\":\"$(date -u -d '+2 hours' +%FT%TZ)\"}"
	[ "$status" = 200 ] || { echo "$status $body" >&2; false; }
	for i in $(seq 100); do
		[ "$(sql "SELECT opens_at > now() + interval '90 minutes' FROM draws WHERE office = 'MDN' AND day = '$day'")" = t ] && break
		sleep 0.1
	done
	[ "$(sql "SELECT opens_at > now() + interval '90 minutes' FROM draws WHERE office = 'MDN' AND day = '$day'")" = t ]
	[ "$(sql "SELECT encode(seed_hash, 'hex') FROM draws WHERE office = 'MDN' AND day = '$day'")" != "$old" ]
}
