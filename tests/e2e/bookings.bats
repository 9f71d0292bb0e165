#!/usr/bin/env bats
# Bookings of office days: holds, their errors, concurrency, lapses swept
# by the master, and the payment gateway's signed notifications.

load lib
load citizen
load payments

setup_file() {
	E2E_EXTRA_CONFIG=$'session_sweep_interval = 1\nworkers = 4' stack_start
	# A weekday 10 days ahead in WIB (JKT-SEL), open, and other open days.
	export DAY FAR_DAY CLOSED_DAY
	DAY=$(weekday_ahead 10)
	CLOSED_DAY=$(weekday_ahead 12)
	FAR_DAY=$(TZ=Asia/Jakarta date -d '+31 days' +%F)
	psql_super -c "INSERT INTO office_days (office, day, closed) VALUES
	    ('JKT-SEL', '$CLOSED_DAY', true)"
	citizen_new ana
	person_new M
	citizen_apply ana
	citizen_new budi
	person_new M
	citizen_apply budi
}

teardown_file() {
	stack_stop
}


# Everything a refusal must leave as it was: bookings, statuses, counts.
state() {
	psql_super -tA -c "SELECT (SELECT count(*) FROM bookings),
	    (SELECT string_agg(id || status, ',' ORDER BY id) FROM applications),
	    (SELECT string_agg(id || state, ',' ORDER BY id) FROM bookings),
	    (SELECT string_agg(office || day || booked, ',' ORDER BY office, day) FROM office_days),
	    (SELECT count(*) FROM payment_notifications),
	    (SELECT count(*) FROM booking_releases)"
}

book() { # NAME APP DATE [curl args...]
	local name=$1 app=$2 date=$3
	shift 3
	as_post "$name" "/api/v1/applications/$app/booking" "{\"date\":\"$date\"}" "$@"
}

remaining() { # OFFICE DATE
	api GET "/api/v1/offices/$1/days?from=$2&to=$2"
	jq -r '.days[0].remaining' <<<"$body"
}

@test "a booking is a hold: 201, booked, billing code, fee, pay_by; the day counts it" {
	local before booked
	before=$(remaining JKT-SEL "$DAY")
	book ana "$(citizen_app ana)" "$DAY"
	[ "$status" = 201 ] || { echo "$body" >&2; false; }
	[ "$(jq -r .application.status <<<"$body")" = booked ]
	[ "$(jq -r .application.appointment <<<"$body")" = "$DAY" ]
	[ "$(jq -r .application.booking.state <<<"$body")" = held ]
	[ "$(jq -r .application.booking.date <<<"$body")" = "$DAY" ]
	[ "$(jq -r .application.booking.amount <<<"$body")" = 350000 ]
	[[ "$(jq -r .application.booking.billing_code <<<"$body")" =~ ^[0-9A-F]{32}$ ]]
	[ -n "$(jq -r .application.booking.pay_by <<<"$body")" ]
	[ "$(jq -r .application.entry <<<"$body")" = null ]
	[ "$(remaining JKT-SEL "$DAY")" = $((before - 1)) ]
	booked=$body
	as ana GET "/api/v1/applications/$(citizen_app ana)"
	[ "$(jq -r .application.booking.state <<<"$body")" = held ]
	# The answer is the application read before the take with the hold
	# set on it (app_record_booked): the same object a read shows after.
	[ "$(jq -S . <<<"$booked")" = "$(jq -S . <<<"$body")" ] ||
	    { diff <(jq -S . <<<"$booked") <(jq -S . <<<"$body") >&2; false; }
}

@test "booking errors change nothing" {
	local s app
	app=$(citizen_app budi)
	s=$(state)
	book budi "$app" "$(TZ=Asia/Jakarta date +%F)"; [ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = date ]
	book budi "$app" "2020-01-06"; [ "$status" = 422 ]
	book budi "$app" "$FAR_DAY"; [ "$status" = 422 ]
	book budi "$app" "$CLOSED_DAY"; [ "$status" = 422 ]
	[ "$(state)" = "$s" ]
	book budi "$app" "$(weekday_ahead 5)"
	[ "$status" = 201 ] || { echo "$body" >&2; false; }
	s=$(state)
	book budi "$app" "$DAY"; [ "$status" = 409 ]
	[ "$(error_code)" = conflict ]
	book budi "$app" "2027-02-30"; [ "$status" = 422 ]
	book budi "$app" "not a date"; [ "$status" = 422 ]
	as_post budi "/api/v1/applications/$app/booking" '{"date":"'"$DAY"'","x":1}'
	[ "$status" = 422 ]
	book budi "$(citizen_app ana)" "$DAY"; [ "$status" = 404 ]
	book budi 00000000-0000-4000-8000-000000000000 "$DAY"; [ "$status" = 404 ]
	[ "$(state)" = "$s" ]
}

@test "the database itself refuses a booking for the office's today, past permitd's check" {
	local app s
	citizen_new tono; person_new M; citizen_apply tono
	app=$(citizen_app tono)
	s=$(state)
	run psql_super -c "BEGIN;
	    SELECT set_config('permit.account_id',
	        (SELECT account_id::text FROM applications WHERE id = '$app'), true);
	    SELECT permit_booking_take(id, permit_office_today(office, now()),
	        repeat('A', 32), 1, 10) FROM applications WHERE id = '$app';
	    COMMIT;"
	[ "$status" -ne 0 ]
	[[ $output == *"after the office's today"* ]] || { echo "$output" >&2; false; }
	[ "$(state)" = "$s" ]
}

@test "a travel permit needs no appointment: 409 conflict, nothing changed" {
	local s app
	citizen_new tari
	person_new F
	as_post tari /api/v1/applications "$(travel_json)"
	[ "$status" = 201 ]
	app=$(jq -r .application.id <<<"$body")
	s=$(state)
	book tari "$app" "$DAY"
	[ "$status" = 409 ]
	[ "$(error_code)" = conflict ]
	[ "$(state)" = "$s" ]
}

@test "unbook gives the slot back; cancel of a booked application too" {
	local app before
	citizen_new cici
	person_new M
	citizen_apply cici
	app=$(citizen_app cici)
	before=$(remaining JKT-SEL "$DAY")
	book cici "$app" "$DAY"; [ "$status" = 201 ]
	as cici DELETE "/api/v1/applications/$app/booking"
	[ "$status" = 200 ]
	[ "$(jq -r .application.status <<<"$body")" = submitted ]
	[ "$(jq -r .application.booking <<<"$body")" = null ]
	[ "$(remaining JKT-SEL "$DAY")" = "$before" ]
	as cici DELETE "/api/v1/applications/$app/booking"
	[ "$status" = 409 ]
	book cici "$app" "$DAY"; [ "$status" = 201 ]
	as cici POST "/api/v1/applications/$app/cancel"
	[ "$status" = 200 ]
	[ "$(jq -r .application.status <<<"$body")" = cancelled ]
	[ "$(remaining JKT-SEL "$DAY")" = "$before" ]
	[ "$(psql_super -tA -c "SELECT string_agg(reason, ',' ORDER BY at) FROM booking_releases
	    WHERE application_id = '$app'")" = unbook,cancel ]
}

@test "a booking with an Idempotency-Key replays its answer" {
	local app
	citizen_new dodi
	person_new M
	citizen_apply dodi
	app=$(citizen_app dodi)
	book dodi "$app" "$DAY" -H 'Idempotency-Key: book-1'
	[ "$status" = 201 ]
	book dodi "$app" "$DAY" -H 'Idempotency-Key: book-1'
	[ "$status" = 201 ]
	[ "$(psql_super -tA -c "SELECT count(*) FROM bookings WHERE application_id = '$app'")" = 1 ]
}

# 60 citizens, each with an application, for the concurrency tests.
crowd() { # N PREFIX
	local i
	for i in $(seq "$1"); do
		citizen_new "$2$i" && person_new M && citizen_apply "$2$i" || return 1
	done
}

# Citizens PREFIX{FIRST..LAST} send METHOD .../booking (DATE) at once, each a
# background curl waiting on one fifo, released together: prints each
# answer's "status code" (code: the error's, or "-").
crowd_send() { # METHOD FIRST LAST PREFIX DATE
	local method=$1 i dir=$BATS_TEST_TMPDIR/crowd.$1
	rm -rf "$dir"
	mkdir -p "$dir"
	mkfifo "$dir/go"
	for i in $(seq "$2" "$3"); do
		(read -r _ <"$dir/go"; curl -s -X "$method" -o "$dir/$i.body" \
		    -w '%{http_code}' \
		    -b "$(citizen_jar "$4$i")" -H "X-CSRF-Token: $(citizen_csrf "$4$i")" \
		    -H 'Content-Type: application/json' --data "{\"date\":\"$5\"}" \
		    "$PERMIT_URL/api/v1/applications/$(citizen_app "$4$i")/booking" \
		    >"$dir/$i.status") &
	done
	sleep 1
	# Opening the fifo for writing releases every waiting reader at once.
	exec 5>"$dir/go"; exec 5>&-
	wait
	for i in $(seq "$2" "$3"); do
		if [ "$method" = DELETE ]; then
			echo "$(cat "$dir/$i.status") -"
		else
			echo "$(cat "$dir/$i.status") $(jq -r '.error.code // "-"' "$dir/$i.body")"
		fi
	done
}

crowd_book() { crowd_send POST 1 "$1" "$2" "$3"; }

@test "60 citizens at once on a day of capacity 20: exactly 20 holds" {
	local day out
	day=$(weekday_ahead 15)
	psql_super -c "INSERT INTO office_days (office, day, capacity) VALUES ('JKT-SEL', '$day', 20)"
	crowd 60 c
	out=$(crowd_book 60 c "$day")
	[ "$(grep -c '^201 -$' <<<"$out")" = 20 ] || { sort <<<"$out" | uniq -c >&2; false; }
	[ "$(grep -c '^409 quota_exhausted$' <<<"$out")" = 40 ]
	[ "$(remaining JKT-SEL "$day")" = 0 ]
	[ "$(psql_super -tA -c "SELECT booked FROM office_days WHERE office = 'JKT-SEL' AND day = '$day'")" = \
	  "$(psql_super -tA -c "SELECT count(*) FROM bookings WHERE office = 'JKT-SEL' AND day = '$day' AND (state = 'confirmed' OR (state = 'held' AND pay_by > now()))")" ]
}

# The day's booked count against the applications booked on it.
day_consistent() { # DATE
	[ "$(psql_super -tA -c "SELECT booked FROM office_days WHERE office = 'JKT-SEL' AND day = '$1'")" = \
	  "$(psql_super -tA -c "SELECT count(*) FROM bookings WHERE office = 'JKT-SEL' AND day = '$1' AND (state = 'confirmed' OR (state = 'held' AND pay_by > now()))")" ]
}

@test "half unbook while the other half re-book at once: still exactly capacity" {
	local day out i holders=() others=()
	day=$(weekday_ahead 16)
	psql_super -c "INSERT INTO office_days (office, day, capacity) VALUES ('JKT-SEL', '$day', 20)"
	# c1..c60 exist from the previous test; let them give up DAY-15 first.
	for i in $(seq 60); do
		as "c$i" DELETE "/api/v1/applications/$(citizen_app "c$i")/booking" >/dev/null
	done
	out=$(crowd_book 60 c "$day")
	[ "$(grep -c '^201 -$' <<<"$out")" = 20 ]
	# The 20 holders of the first 30 unbook while the other 30 book.
	(crowd_send DELETE 1 30 c "$day" >"$BATS_TEST_TMPDIR/del") &
	out=$(crowd_send POST 31 60 c "$day")
	wait
	day_consistent "$day"
	[ "$(remaining JKT-SEL "$day")" -ge 0 ]
	[ "$(psql_super -tA -c "SELECT count(*) FROM bookings WHERE office = 'JKT-SEL' AND day = '$day' AND (state = 'confirmed' OR (state = 'held' AND pay_by > now()))")" -le 20 ]
	# Whatever is free now is taken by the first 30 again, no more.
	out=$(crowd_book 30 c "$day")
	day_consistent "$day"
	[ "$(remaining JKT-SEL "$day")" = 0 ]
	[ "$(psql_super -tA -c "SELECT count(*) FROM bookings WHERE office = 'JKT-SEL' AND day = '$day' AND (state = 'confirmed' OR (state = 'held' AND pay_by > now()))")" = 20 ]
}

@test "a hold past pay_by: free at once, taken by another, settled by the master" {
	local day app code
	day=$(weekday_ahead 17)
	psql_super -c "INSERT INTO office_days (office, day, capacity) VALUES ('JKT-SEL', '$day', 1)"
	citizen_new eka; person_new M; citizen_apply eka
	citizen_new fajar; person_new M; citizen_apply fajar
	app=$(citizen_app eka)
	book eka "$app" "$day"; [ "$status" = 201 ]
	code=$(jq -r .application.booking.billing_code <<<"$body")
	echo "$code" >"$BATS_FILE_TMPDIR/lapsed.code"
	book fajar "$(citizen_app fajar)" "$day"
	[ "$status" = 409 ]
	[ "$(error_code)" = quota_exhausted ]
	psql_super -c "UPDATE bookings SET pay_by = now() - interval '1 second' WHERE billing_code = '$code'"
	[ "$(remaining JKT-SEL "$day")" = 1 ]
	book fajar "$(citizen_app fajar)" "$day"
	[ "$status" = 201 ] || { echo "$body" >&2; false; }
	[ "$(remaining JKT-SEL "$day")" = 0 ]
	as eka GET "/api/v1/applications/$app"
	[ "$(jq -r .application.status <<<"$body")" = submitted ]
	[ "$(jq -r .application.booking <<<"$body")" = null ]
	[ "$(psql_super -tA -c "SELECT count(*) FROM bookings WHERE application_id = '$app' AND day = '$day' AND state = 'lapsed'")" = 1 ]
	day_consistent "$day"
}

@test "the master's sweep settles a lapsed hold with no request" {
	local day app code i
	day=$(weekday_ahead 18)
	citizen_new gita; person_new M; citizen_apply gita
	app=$(citizen_app gita)
	book gita "$app" "$day"; [ "$status" = 201 ]
	code=$(jq -r .application.booking.billing_code <<<"$body")
	psql_super -c "UPDATE bookings SET pay_by = now() - interval '1 second' WHERE billing_code = '$code'"
	for i in $(seq 60); do
		[ "$(psql_super -tA -c "SELECT state FROM bookings WHERE billing_code = '$code'")" = lapsed ] && break
		sleep 0.1
	done
	[ "$(psql_super -tA -c "SELECT state FROM bookings WHERE billing_code = '$code'")" = lapsed ]
	[ "$(psql_super -tA -c "SELECT status FROM applications WHERE id = '$app'")" = submitted ]
	[ "$(psql_super -tA -c "SELECT count(*) FROM bookings WHERE application_id = '$app' AND state = 'lapsed'")" = 1 ]
	day_consistent "$day"
}

# A fresh hold: its application's citizen and billing code in PAY_APP, PAY_CODE.
fresh_hold() { # NAME
	citizen_new "$1"; person_new M; citizen_apply "$1"
	PAY_APP=$(citizen_app "$1")
	book "$1" "$PAY_APP" "$(weekday_ahead 19)"
	[ "$status" = 201 ] || return 1
	PAY_CODE=$(jq -r .application.booking.billing_code <<<"$body")
}

@test "a valid notification confirms; a confirmed booking never lapses; a replay answers the same" {
	fresh_hold hana
	notify "$(notification n-hana "$PAY_CODE" 350000)"
	[ "$status" = 200 ] || { echo "$body" >&2; false; }
	[ "$(jq -r .status <<<"$body")" = confirmed ]
	as hana GET "/api/v1/applications/$PAY_APP"
	[ "$(jq -r .application.booking.state <<<"$body")" = confirmed ]
	local s
	s=$(state)
	notify "$(notification n-hana "$PAY_CODE" 350000)"
	[ "$status" = 200 ]
	[ "$(jq -r .status <<<"$body")" = confirmed ]
	[ "$(state)" = "$s" ]
	psql_super -c "UPDATE bookings SET pay_by = now() - interval '1 hour' WHERE billing_code = '$PAY_CODE'"
	sleep 2.5
	[ "$(psql_super -tA -c "SELECT state FROM bookings WHERE billing_code = '$PAY_CODE'")" = confirmed ]
	as hana GET "/api/v1/applications/$PAY_APP"
	[ "$(jq -r .application.status <<<"$body")" = booked ]
	[ "$(jq -r .application.booking.state <<<"$body")" = confirmed ]
}

@test "bad signatures, stale or future timestamps, missing headers: 401, nothing changed" {
	local s b other key
	fresh_hold iwan
	b=$(notification n-iwan "$PAY_CODE" 350000)
	s=$(state)
	notify "$b" "" "" 0000000000000000000000000000000000000000000000000000000000000000
	[ "$status" = 401 ]
	other=$(notification n-iwan "$PAY_CODE" 1)
	notify "$b" "$(date +%s)" "$other"
	[ "$status" = 401 ]
	# The key first, so the time the request takes is all that separates
	# the timestamp from permitd's clock: a few seconds past the window.
	key=$(pay_key_hex)
	notify "$b" $(($(date +%s) - 305)) "$b" "$key"
	[ "$status" = 401 ]
	notify "$b" $(($(date +%s) + 305)) "$b" "$key"
	[ "$status" = 401 ]
	api POST /api/v1/payments/notifications -H 'Content-Type: application/json' --data-binary "$b"
	[ "$status" = 401 ]
	api POST /api/v1/payments/notifications -H 'Content-Type: application/json' \
	    -H "X-Permit-Timestamp: $(date +%s)" --data-binary "$b"
	[ "$status" = 401 ]
	[ "$(error_code)" = unauthorized ]
	[ "$(state)" = "$s" ]
}

@test "unknown billing code 404, wrong amount 422: nothing changed" {
	local s
	fresh_hold joko
	s=$(state)
	notify "$(notification n-joko-1 0123456789ABCDEF0123456789ABCDEF 350000)"
	[ "$status" = 404 ]
	notify "$(notification n-joko-2 "$PAY_CODE" 349999)"
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = amount ]
	[ "$(state)" = "$s" ]
}

@test "a paid_at out of range is 422 on paid_at, not a database error: nothing changed" {
	local s t b
	fresh_hold wati
	s=$(state)
	for t in 2026-01-01T25:00:00Z 2026-01-01T10:61:00Z 2026-01-01T10:00:61Z \
	    2026-01-01T10:00:00+99:00 2026-01-01T10:00:00+05:75 2026-02-30T10:00:00Z; do
		b=$(jq -nc --arg c "$PAY_CODE" --arg t "$t" \
		    '{notification_id: "n-wati", billing_code: $c, amount: 350000, paid_at: $t}')
		notify "$b"
		[ "$status" = 422 ] || { echo "$t: $status $body" >&2; false; }
		[ "$(jq -r .error.field <<<"$body")" = paid_at ]
	done
	[ "$(state)" = "$s" ]
}

@test "a notification after the lapse: 409 conflict and a refund row" {
	local code
	code=$(cat "$BATS_FILE_TMPDIR/lapsed.code")
	notify "$(notification n-late "$code" 350000)"
	[ "$status" = 409 ]
	[ "$(error_code)" = conflict ]
	[ "$(psql_super -tA -c "SELECT outcome FROM payment_notifications WHERE notification_id = 'n-late'")" = refund ]
	[ "$(psql_super -tA -c "SELECT state FROM bookings WHERE billing_code = '$code'")" = lapsed ]
	notify "$(notification n-late "$code" 350000)"
	[ "$status" = 409 ]
	[ "$(psql_super -tA -c "SELECT count(*) FROM payment_notifications WHERE notification_id = 'n-late'")" = 1 ]
}

@test "nothing of a notification's body reaches the log" {
	! grep -q "$(cat "$BATS_FILE_TMPDIR/lapsed.code")" "$E2E_LOG"
	! grep -q 'n-late' "$E2E_LOG"
}

@test "a flagged account cannot book: 409 conflict, nothing changed" {
	local s app
	citizen_new hadi; person_new M; citizen_apply hadi
	app=$(citizen_app hadi)
	psql_super -c "INSERT INTO account_flags (account_id, rule, detail)
	    VALUES ('$(citizen_id hadi)', 'lapsed_holds', 'set by the test')"
	s=$(state)
	book hadi "$app" "$DAY"
	[ "$status" = 409 ]
	[ "$(error_code)" = conflict ]
	[[ $(jq -r .error.message <<<"$body") == *"under review"* ]]
	[ "$(state)" = "$s" ]
	# Once an admin has resolved it, the account books again.
	psql_super -c "UPDATE account_flags SET resolved_at = now()
	    WHERE account_id = '$(citizen_id hadi)'"
	book hadi "$app" "$DAY"
	[ "$status" = 201 ] || { echo "$body" >&2; false; }
}

# The open flags of citizen NAME with RULE, waiting up to 5 s for the
# master's housekeeping (every second in this file) to raise one.
flags_of() { # NAME RULE
	local i n
	for i in $(seq 50); do
		n=$(psql_super -tA -c "SELECT count(*) FROM account_flags
		    WHERE account_id = '$(citizen_id "$1")' AND rule = '$2'
		    AND resolved_at IS NULL")
		[ "$n" != 0 ] && break
		sleep 0.1
	done
	echo "$n"
}

# Records, as the lapse sweep and the give-up path do, one lapse (a
# lapsed booking) or one give-up of citizen NAME's application on DAY, at
# time AT.
record() { # lapse|release NAME DAY [AT]
	local at=${4:-now()}
	if [ "$1" = lapse ]; then
		psql_super -c "INSERT INTO bookings (application_id, account_id, office,
		    day, state, billing_code, amount, pay_by, ended_at)
		    VALUES ('$(citizen_app "$2")', '$(citizen_id "$2")', 'JKT-SEL', '$3',
		    'lapsed', upper(md5(random()::text)), 350000, $at, $at)"
	else
		psql_super -c "INSERT INTO booking_releases (account_id, application_id,
		    office, day, at, reason)
		    VALUES ('$(citizen_id "$2")', '$(citizen_app "$2")', 'JKT-SEL', '$3',
		    $at, 'unbook')"
	fi
}

@test "two lapsed holds within 30 days flag the account; one does not" {
	citizen_new indra; person_new M; citizen_apply indra
	citizen_new joko; person_new M; citizen_apply joko
	record lapse indra "$DAY"
	record lapse indra "$DAY" "now() - interval '10 days'"
	record lapse joko "$DAY"
	record lapse joko "$DAY" "now() - interval '40 days'"
	[ "$(flags_of indra lapsed_holds)" = 1 ]
	[ "$(flags_of joko lapsed_holds)" = 0 ]
}

@test "bookings given up shortly before their day flag the account; early ones do not" {
	local soon
	soon=$(TZ=Asia/Jakarta date -d '+1 day' +%F)
	citizen_new kiki; person_new M; citizen_apply kiki
	citizen_new lina; person_new M; citizen_apply lina
	record release kiki "$soon"
	record release kiki "$soon"
	record release lina "$DAY"
	record release lina "$DAY"
	[ "$(flags_of kiki late_give_ups)" = 1 ]
	[ "$(flags_of lina late_give_ups)" = 0 ]
}

@test "a burst of bookings flags the account, as a burst of submissions does" {
	citizen_new mira
	psql_super -tA -c "SELECT set_config('permit.account_id',
	    '$(citizen_id mira)', false), permit_flag_burst('booking', 2, 60),
	    permit_flag_burst('booking', 2, 60)" >/dev/null
	[ "$(flags_of mira booking_burst)" = 1 ]
}
