#!/usr/bin/env bats
# The leak test: no maintenance mode, crash or bug shows one citizen's data
# to another. 20 citizens, each with one application whose full name and
# NIK (its canaries) no one else has, read their own application through
# nginx over and over, at least LEAK_REQUESTS in all (2000 here; `make
# leak` runs 20000) and on until the modes have cycled twice, while the
# mode cycles normal -> read_only -> closed -> normal every ~100 ms and a
# worker is SIGKILLed every ~0.5 s. Every answer must
# be 200 with the reader's own canaries and no one else's, or 503 with code
# maintenance or unavailable.

load lib
load citizen

LEAK_CITIZENS=20

setup_file() {
	local i
	E2E_EXTRA_CONFIG='workers = 4' stack_start
	for i in $(seq "$LEAK_CITIZENS"); do
		citizen_new "leak$i"
		person_new M
		P_NAME="Canary Leak$i Zq$RANDOM"
		citizen_apply "leak$i"
		printf '%s\n%s\n' "$P_NAME" "$P_NIK" >"$BATS_FILE_TMPDIR/leak$i.canary"
	done
}

teardown_file() {
	set_mode normal
	stack_stop
}

set_mode() { psql_super -c "UPDATE service_state SET mode = '$1'" >/dev/null; }

# The mode cycling every ~100 ms until killed, on one connection (so each
# change is at once); `cycled` exists once two whole cycles are done.
cycle_modes() {
	local m n=0
	while :; do
		for m in normal read_only closed normal; do
			echo "UPDATE service_state SET mode = '$m';"
			sleep 0.1
		done
		n=$((n + 1))
		[ "$n" -lt 2 ] || touch "$BATS_FILE_TMPDIR/cycled"
	done | psql_super -q >/dev/null 2>&1
}

# A worker SIGKILLed every ~0.5 s until killed (the master starts another).
kill_workers() {
	local pids
	while :; do
		sleep 0.5
		mapfile -t pids < <(worker_pids)
		[ "${#pids[@]}" -eq 0 ] || kill -KILL "${pids[RANDOM % ${#pids[@]}]}" 2>/dev/null
	done
}

# Citizen I reads its application at least COUNT times, 50 on a
# connection, and on until the modes have cycled twice: each answer's
# body, then a line `@@STATUS`, in leakI.out.
reads() { # I COUNT
	local i=$1 n=$2 url k done=0
	url="$PERMIT_URL/api/v1/applications/$(citizen_app "leak$i")"
	for k in $(seq 50); do printf 'url = "%s"\n' "$url"; done >"$BATS_FILE_TMPDIR/leak$i.urls"
	: >"$BATS_FILE_TMPDIR/leak$i.out"
	while [ "$done" -lt "$n" ] || [ ! -f "$BATS_FILE_TMPDIR/cycled" ]; do
		curl -sS -K "$BATS_FILE_TMPDIR/leak$i.urls" -b "$(citizen_jar "leak$i")" \
		    --max-time 10 -w '\n@@%{http_code}\n' >>"$BATS_FILE_TMPDIR/leak$i.out" 2>/dev/null || true
		done=$((done + 50))
	done
}

# Citizen I's answers counted: `own maintenance unavailable other foreign`,
# where own is a 200 holding both of its canaries, other any answer that
# is neither own nor a 503 maintenance/unavailable, and foreign an answer
# holding another citizen's canary.
judge() { # I
	local i=$1 j name nik out=$BATS_FILE_TMPDIR/leak$1.out
	local -a others=()
	{ read -r name; read -r nik; } <"$BATS_FILE_TMPDIR/leak$i.canary"
	for j in $(seq "$LEAK_CITIZENS"); do
		[ "$j" = "$i" ] || others+=("$BATS_FILE_TMPDIR/leak$j.canary")
	done
	awk -v name="$name" -v nik="$nik" -v answers="$out" '
		FILENAME != answers { if ($0 != "") foreign[$0] = 1; next }
		/^@@[0-9]+$/ {
			st = substr($0, 3)
			if (st == "200" && index(b, name) && index(b, nik)) own++
			else if (st == "503" && index(b, "\"code\":\"maintenance\"")) mt++
			else if (st == "503" && index(b, "\"code\":\"unavailable\"")) un++
			else { other++; print "unexpected " st ": " substr(b, 1, 200) >"/dev/stderr" }
			for (c in foreign)
				if (index(b, c)) { fo++; print "FOREIGN canary: " st >"/dev/stderr"; break }
			b = ""; next
		}
		{ b = b $0 "\n" }
		END { printf "%d %d %d %d %d\n", own, mt, un, other, fo }
	' "${others[@]}" "$out"
}

@test "no answer ever holds another citizen's data while modes cycle and workers die" {
	local total=${LEAK_REQUESTS:-2000} per i cyc kil own=0 mt=0 un=0 other=0 fo=0
	local -a readers=() c
	per=$(((total + LEAK_CITIZENS - 1) / LEAK_CITIZENS))
	cycle_modes 3>&- &
	cyc=$!
	kill_workers 3>&- &
	kil=$!
	for i in $(seq "$LEAK_CITIZENS"); do
		reads "$i" "$per" 3>&- &
		readers+=($!)
	done
	wait "${readers[@]}"
	kill "$kil"
	pkill -P "$cyc" 2>/dev/null || true
	kill "$cyc" 2>/dev/null || true
	wait "$cyc" "$kil" 2>/dev/null || true
	set_mode normal
	for i in $(seq "$LEAK_CITIZENS"); do
		read -r -a c <<<"$(judge "$i")"
		own=$((own + c[0])) mt=$((mt + c[1])) un=$((un + c[2]))
		other=$((other + c[3])) fo=$((fo + c[4]))
	done
	echo "leak: $((own + mt + un + other)) answers: $own own 200, $mt maintenance, $un unavailable, $other other, $fo with another's data" >&3
	[ "$fo" = 0 ]
	[ "$other" = 0 ]
	[ "$((own + mt + un))" -ge "$total" ]
	# The modes did cycle: both reads and maintenance answers were seen.
	[ "$own" -gt 0 ]
	[ "$mt" -gt 0 ]
}

@test "after the storm every citizen reads exactly its own application" {
	local i name
	for i in $(seq "$LEAK_CITIZENS"); do
		name=$(head -n 1 "$BATS_FILE_TMPDIR/leak$i.canary")
		as "leak$i" GET "/api/v1/applications/$(citizen_app "leak$i")"
		[ "$status" = 200 ]
		[ "$(jq -r .application.applicant.full_name <<<"$body")" = "$name" ]
	done
}
