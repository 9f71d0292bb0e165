#!/usr/bin/env bats
# The README's rotation recipe on a running stack, with citizens creating
# and reading applications through nginx all the while, and the steps tried
# in the wrong orders first. Every step that would lose data is refused;
# no request in flight fails; and at the end every application created
# during the test still opens through the API, and so does every list.

load ../e2e/lib
load ../e2e/citizen
load keys

KEYS_DB=permit_rotation
LOAD_DIR=$BATS_FILE_TMPDIR/load

setup_file() {
	keys_setup_file
}

teardown_file() {
	stack_stop
}

# Citizens named TAG0, TAG1, ... at work until $LOAD_DIR/stop exists: each
# registers and files
# five applications (the per-account limit), reading each back and its
# list after it. Created ids go to $LOAD_DIR/created ("citizen id"); any
# answer but a success (or 409, a random NIK already taken) to
# $LOAD_DIR/bad. Runs in the background, with its own headers file.
citizens_at_work() { # TAG
	local n=0 c="" id
	set +e
	while [ ! -e "$LOAD_DIR/stop" ]; do
		if ((n % 5 == 0)); then
			c=$1$((n / 5))
			citizen_new "$c" 2>>"$LOAD_DIR/bad" || { sleep 0.2; continue; }
		fi
		person_new "$( ((RANDOM % 2)) && echo M || echo F)"
		as_post "$c" /api/v1/applications "$(passport_json)"
		case $status in
		201) id=$(jq -r .application.id <<<"$body") ;;
		409) continue ;;
		*) echo "POST as $c: $status $body" >>"$LOAD_DIR/bad"; continue ;;
		esac
		echo "$c $id" >>"$LOAD_DIR/created"
		n=$((n + 1))
		as "$c" GET "/api/v1/applications/$id"
		[ "$status" = 200 ] || echo "GET $id: $status" >>"$LOAD_DIR/bad"
		as "$c" GET /api/v1/applications
		[ "$status" = 200 ] || echo "list of $c: $status" >>"$LOAD_DIR/bad"
	done
}

# Puts citizens TAG0, TAG1, ... to work in the background.
load_start() { # TAG
	mkdir -p "$LOAD_DIR"
	rm -f "$LOAD_DIR/stop"
	(BATS_TEST_TMPDIR=$LOAD_DIR citizens_at_work "$1") 3>&- &
	LOAD_PID=$!
}

# Stops the citizens; fails, printing them, when any answer was not one
# they expect.
load_stop() {
	touch "$LOAD_DIR/stop"
	wait "$LOAD_PID"
	[ ! -s "$LOAD_DIR/bad" ] || { cat "$LOAD_DIR/bad" >&2; return 1; }
}

# Waits until the citizens have created N more applications (up to 60 s).
more_created() { # N
	local want i
	want=$(($(created) + $1))
	for i in $(seq 600); do
		[ "$(created)" -ge "$want" ] && return 0
		sleep 0.1
	done
	echo "the citizens stopped creating applications" >&2
	return 1
}

created() {
	[ -f "$LOAD_DIR/created" ] && wc -l <"$LOAD_DIR/created" || echo 0
}

# retire OLD, re-wrapping first as often as needed: rows a request held
# locked were skipped by the last rewrap. Fails after five refusals.
retire_after_rewrap() { # OLD
	local i
	for i in 1 2 3 4 5; do
		keys_ctl rewrap >/dev/null || return 1
		keys_ctl retire "$1" && return 0
	done
	return 1
}

# Every application in $LOAD_DIR/created opens for its citizen, and every
# citizen's list answers 200.
every_application_opens() {
	local c id last=""
	while read -r c id; do
		if [ "$c" != "$last" ]; then
			citizen_signin "$c"
			as "$c" GET /api/v1/applications
			[ "$status" = 200 ] || { echo "list of $c: $status" >&2; return 1; }
			last=$c
		fi
		as "$c" GET "/api/v1/applications/$id"
		[ "$status" = 200 ] || { echo "GET $id: $status" >&2; return 1; }
		[ "$(jq -r .application.id <<<"$body")" = "$id" ]
	done <"$LOAD_DIR/created"
}

@test "the recipe in the wrong orders, under load: each unsafe step refused, nothing lost" {
	load_start wrong
	more_created 3

	# rotate; then retire, rewrap and purge before any reload: refused.
	keys_ctl rotate
	[ "$(keyring_active)" = k2 ]
	run keys_ctl retire k1
	[ "$status" -eq 1 ]
	[[ "$output" == *"still wraps new data keys under kek k1"* ]]
	run keys_ctl rewrap
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not hold kek k2"* ]]
	run keys_ctl purge k1 --yes
	[ "$status" -eq 1 ]
	more_created 2

	# rotate a second time, still before reloading: k3 active, k2 unused.
	keys_ctl rotate
	[ "$(keyring_active)" = k3 ]
	run keys_ctl rewrap
	[ "$status" -eq 1 ]

	# reload; then retire k1 before re-wrapping: refused by its rows.
	reload_ctl
	more_created 3
	run keys_ctl retire k1
	[ "$status" -eq 1 ]
	[[ "$output" == *"kek k1 still wraps"* ]]

	# k2 was never anyone's active kek and wraps nothing: it may go now.
	keys_ctl retire k2

	# rewrap while the citizens write, then retire k1.
	retire_after_rewrap k1
	grep -q '^kek k1 ' "$ARCHIVE"
	reload_ctl
	more_created 3

	# the keyring's active kek is never retired.
	run keys_ctl retire k3
	[ "$status" -eq 1 ]
	[[ "$output" == *"Rotate first"* ]]

	load_stop
	[ "$(keys_psql -c "SELECT count(*) FROM applications WHERE kek_id <> 'k3'")" = 0 ]
	[ "$(keys_psql -c "SELECT count(*) FROM applications")" -eq "$(created)" ]
	every_application_opens
}

@test "the recipe in its own order, under load, ends with one KEK in the keyring" {
	load_start right
	more_created 2
	keys_ctl rotate
	reload_ctl
	retire_after_rewrap k3
	reload_ctl
	more_created 2
	load_stop
	[ "$(grep -c '^kek ' "$KEYRING")" = 1 ]
	grep -q '^kek k4 .* active$' "$KEYRING"
	[ "$(keys_ctl list | grep -c ' archived$')" = 3 ]
	every_application_opens
}
