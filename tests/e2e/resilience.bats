#!/usr/bin/env bats
# The database failing while a request is in flight, through a real nginx to
# real permitd workers: the answer is 503 unavailable (the server is gone),
# never 500, and the worker serves the next request without a restart.

load lib
load citizen

setup_file() {
	stack_start
	citizen_new rina
}

teardown_file() {
	unlock_account
	stack_stop
}

# The pid of a permitd backend waiting on a row lock (up to 5 s), or fails.
waiting_backend() {
	local i pid
	for i in $(seq 50); do
		pid=$(psql_super -tA -c "SELECT pid FROM pg_stat_activity
		    WHERE application_name = 'permitd' AND wait_event_type = 'Lock'
		    LIMIT 1")
		[ -n "$pid" ] && { echo "$pid"; return 0; }
		sleep 0.1
	done
	return 1
}

@test "the connection lost in the middle of a request is 503 unavailable, not 500" {
	local out=$BATS_TEST_TMPDIR/create backend
	person_new F
	lock_account rina
	# The create queues behind the lock on its own account row...
	{
		as_post rina /api/v1/applications "$(passport_json)"
		printf '%s\n%s\n' "$body" "$status" >"$out"
	} 3>&- &
	local client=$!
	backend=$(waiting_backend)
	# ...and its backend is terminated while it waits.
	psql_super -tA -c "SELECT pg_terminate_backend($backend)" >/dev/null
	wait "$client"
	unlock_account

	[ "$(tail -n1 "$out")" = 503 ] || { cat "$out"; false; }
	[ "$(head -n -1 "$out" | jq -r .error.code)" = unavailable ]
}

@test "after a lost connection the worker serves the next request" {
	local i ok=0
	# Every worker: more requests than workers, all must succeed.
	for i in $(seq 8); do
		as rina GET /api/v1/applications
		[ "$status" = 200 ] && ok=$((ok + 1))
	done
	[ "$ok" = 8 ]
}
