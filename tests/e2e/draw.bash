# shellcheck shell=bash
# Helpers for end-to-end tests of a day's opening and its draw at MDN
# (Asia/Jakarta), whose days only the opening and draw files book, or at
# DRAW_OFFICE when a file sets it (browser.bats: BDG). Load after lib and
# citizen. open_day waits for the master to commit a seed and run_draw for
# it to draw: their stacks run the master every second
# (session_sweep_interval = 1).

DRAW_OFFICE=${DRAW_OFFICE:-MDN}

# Citizen NAME with a new person's passport application at MDN.
mdn_citizen() { # NAME
	citizen_new "$1"
	person_new M
	citizen_apply_at "$1" MDN
}

book() { # NAME DATE
	as_post "$1" "/api/v1/applications/$(citizen_app "$1")/booking" \
	    "{\"date\":\"$2\"}"
}

sql() { psql_super -tA -c "$1"; }

# Opens DAY at DRAW_OFFICE with CAPACITY a few seconds from now; returns once the
# master has committed its seed and the window has opened.
open_day() { # DAY CAPACITY
	local i
	sql "INSERT INTO office_days (office, day, capacity, opens_at)
	    VALUES ('$DRAW_OFFICE', '$1', $2, now() + interval '3 seconds')" >/dev/null
	for i in $(seq 100); do
		[ "$(sql "SELECT count(*) FROM draws WHERE office = '$DRAW_OFFICE' AND day = '$1'")" = 1 ] && break
		sleep 0.1
	done
	draw_get "$1"
	[ "$status" = 200 ] || { echo "no seed committed for $1: $status $body" >&2; return 1; }
	for i in $(seq 100); do
		[ "$(sql "SELECT opens_at <= now() FROM draws WHERE office = '$DRAW_OFFICE' AND day = '$1'")" = t ] && return 0
		sleep 0.1
	done
	return 1
}

draw_get() { # DAY
	api GET "/api/v1/offices/$DRAW_OFFICE/draws/$1"
}

# Brings DAY's draw_at to now and waits for the master to run it.
run_draw() { # DAY
	local i
	sql "UPDATE draws SET draw_at = now() WHERE office = '$DRAW_OFFICE' AND day = '$1'" >/dev/null
	for i in $(seq 100); do
		[ "$(sql "SELECT drawn_at IS NOT NULL FROM draws WHERE office = '$DRAW_OFFICE' AND day = '$1'")" = t ] && return 0
		sleep 0.1
	done
	echo "the draw of $1 did not run" >&2
	return 1
}

entry_state() { # NAME
	sql "SELECT state FROM draw_entries WHERE application_id = '$(citizen_app "$1")'
	    ORDER BY created_at DESC LIMIT 1"
}

# The hold of citizen NAME's application on DAY: held, or nothing.
hold_of() { # NAME
	sql "SELECT state FROM bookings WHERE application_id = '$(citizen_app "$1")'
	    AND state IN ('held', 'confirmed')"
}

# Waits until citizen NAME's application holds a slot, for at most
# TENTHS tenths of a second (100).
wait_hold() { # NAME [TENTHS]
	local i
	for i in $(seq "${2:-100}"); do
		[ "$(hold_of "$1")" = held ] && return 0
		sleep 0.1
	done
	echo "$1 got no hold" >&2
	return 1
}

# Citizens PREFIX1..PREFIXN, each entered into DAY's draw (202).
enter_all() { # PREFIX N DAY
	local i
	for i in $(seq "$2"); do
		mdn_citizen "$1$i"
		book "$1$i" "$3"
		[ "$status" = 202 ] || { echo "entry $1$i: $status $body at $(sql "SELECT now(), opens_at, draw_at, drawn_at FROM draws WHERE office = 'MDN' AND day = '$3'")" >&2; return 1; }
	done
}
