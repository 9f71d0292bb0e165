#!/usr/bin/env bats
# Every wait on the database has a deadline, through a real nginx to real
# permitd workers: a hung database (its processes stopped, a row locked) is
# a 503 unavailable in seconds, never a stuck worker; a restarted one is
# served at once. Defaults of conf/permitd.conf: db_deadline 3000 ms,
# health_deadline 800 ms, db_lock_timeout 2000 ms.

load lib
load citizen

DB_DEADLINE=3
LOCK_TIMEOUT=2

setup_file() {
	stack_start
	citizen_new rina
	citizen_new budi
	person_new F
	citizen_apply rina
	# A second create of the same person is refused (409) while the
	# database answers: a write whose outcome needs the database.
	passport_json >"$BATS_FILE_TMPDIR/rina.body"
}

teardown_file() {
	pg_resume
	unlock_account
	stack_stop
}

# The test cluster's processes: the postmaster and its children.
pg_pids() {
	local pm
	pm=$(head -n1 "$PERMIT_TEST_DIR/pg/postmaster.pid" 2>/dev/null) || return 0
	echo "$pm"
	pgrep -P "$pm"
}

pg_suspend() { pg_pids | xargs -r kill -STOP; }
pg_resume() { pg_pids | xargs -r kill -CONT 2>/dev/null || true; }

# One request as rina: "STATUS SECONDS" on stdout.
timed() { # METHOD PATH [curl args...]
	local method=$1 path=$2
	shift 2
	curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 10 \
	    -X "$method" -b "$(citizen_jar rina)" \
	    -H "X-CSRF-Token: $(citizen_csrf rina)" "$@" "$PERMIT_URL$path"
}

# Fails, naming the line, unless every "STATUS SECONDS" line of FILE has a
# status among STATUSES and took at most MAX seconds.
all_within() { # FILE MAX STATUSES...
	local file=$1 max=$2 code secs
	shift 2
	[ -s "$file" ] || { echo "no requests in $file" >&2; return 1; }
	while read -r code secs; do
		[[ " $* " == *" $code "* ]] || { echo "status $code: $(cat "$file")" >&2; return 1; }
		awk -v s="$secs" -v m="$max" 'BEGIN { exit !(s <= m) }' ||
		    { echo "took ${secs}s > ${max}s" >&2; return 1; }
	done <"$file"
}

@test "PostgreSQL stopped for 10 s under load: every answer 503 within db_deadline + 1 s, health within 1 s, no worker stuck" {
	local load=$BATS_TEST_TMPDIR/load health=$BATS_TEST_TMPDIR/health
	local app before end
	app=$(citizen_app rina)
	before=$(worker_pids)
	pg_suspend
	end=$((SECONDS + 10))
	# One client of reads and writes keeps a worker busy...
	(
		while [ "$SECONDS" -lt "$end" ]; do
			timed GET "/api/v1/applications/$app"
			timed POST /api/v1/applications \
			    -H 'Content-Type: application/json' \
			    --data-binary "@$BATS_FILE_TMPDIR/rina.body"
		done >"$load"
	) 3>&- &
	local client=$!
	# ...while monitoring asks for health on the other.
	while [ "$SECONDS" -lt "$end" ]; do
		curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
		    --max-time 10 "$PERMIT_URL/api/v1/health" >>"$health"
		sleep 0.5
	done
	wait "$client"
	pg_resume
	all_within "$load" $((DB_DEADLINE + 1)) 200 409 503
	grep -q '^503 ' "$load"
	all_within "$health" 1 503
	# Back by itself within seconds: every worker answers again (a worker
	# that found the database down retries within a second), the same
	# workers as before.
	local i j ok=0
	for i in $(seq 25); do
		ok=0
		for j in $(seq 8); do
			as rina GET "/api/v1/applications/$app"
			[ "$status" = 200 ] && ok=$((ok + 1))
		done
		[ "$ok" = 8 ] && break
		sleep 0.2
	done
	[ "$ok" = 8 ]
	[ "$(worker_pids)" = "$before" ]
}


@test "a citizen's locked row: that citizen's write is 503 within lock_timeout + 1 s, other citizens are served" {
	local out
	lock_account rina
	person_new M
	out=$(timed POST /api/v1/applications -H 'Content-Type: application/json' \
	    --data-binary "$(passport_json)")
	unlock_account
	echo "$out" >"$BATS_TEST_TMPDIR/out"
	all_within "$BATS_TEST_TMPDIR/out" $((LOCK_TIMEOUT + 1)) 503
}

@test "while one citizen's row is locked, another citizen's write goes through" {
	lock_account rina
	person_new F
	as_post budi /api/v1/applications "$(passport_json)"
	unlock_account
	[ "$status" = 201 ]
}

@test "the database restarted: the next request of every worker succeeds" {
	local i app
	app=$(citizen_app rina)
	# Each worker has a live connection before the restart.
	for i in $(seq 6); do api GET /api/v1/health; done
	pg_stop
	pg_start
	# More requests than workers, none retried by the client: each
	# worker's first request after the restart is among them.
	for i in $(seq 6); do
		as rina GET "/api/v1/applications/$app"
		[ "$status" = 200 ] || { echo "request $i: $status $body" >&2; false; }
	done
}
