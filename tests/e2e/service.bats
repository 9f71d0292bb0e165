#!/usr/bin/env bats
# permitd as a service manager and logrotate expect it: SIGUSR1 reopens
# the log_file and replaces the workers gently, SIGUSR2 changes nothing,
# and neither ever kills the master (both used to, leaving a stale socket).

load lib

# permitd writes its log_file where its stderr went before, so the
# sanitizer check of stack_stop reads them all.
E2E_LOG=$E2E_DIR/permitd-file.log
E2E_EXTRA_CONFIG="log_file = $E2E_LOG"
PID_FILE=$BATS_FILE_TMPDIR/permitd.pid

setup_file() {
	stack_start
	echo "$PERMITD_PID" >"$PID_FILE"
}

teardown_file() {
	PERMITD_PID=$(cat "$PID_FILE")
	# The rotated file too, for stack_stop's sanitizer check.
	[ ! -f "$E2E_LOG.1" ] || cat "$E2E_LOG.1" >>"$E2E_LOG"
	stack_stop
}

setup() {
	PERMITD_PID=$(cat "$PID_FILE")
}

# Waits until the master has COUNT workers none of which is in OLD.
wait_for_new_workers() { # COUNT OLD
	local i now
	for i in $(seq 100); do
		now=$(worker_pids)
		if [ "$(wc -l <<<"$now")" -eq "$1" ] && ! grep -qxF -f <(echo "$2") <<<"$now"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

@test "SIGUSR1 starts a new log file where logrotate moved the old one away, and new workers log there" {
	local before n
	api GET /api/v1/health
	before=$(worker_pids)
	n=$(wc -l <<<"$before")
	mv "$E2E_LOG" "$E2E_LOG.1"
	kill -USR1 "$PERMITD_PID"
	wait_for_new_workers "$n" "$before"
	kill -0 "$PERMITD_PID"
	[ -f "$E2E_LOG" ]
	grep -q "log file reopened; replacing workers" "$E2E_LOG"
	api GET /api/v1/health
	[ "$status" = 200 ]
	for _ in $(seq 20); do grep -q "GET /api/v1/health 200" "$E2E_LOG" && break; sleep 0.1; done
	grep -q "GET /api/v1/health 200" "$E2E_LOG"
}

@test "SIGUSR2 changes nothing: the master and its workers stay" {
	local before
	before=$(worker_pids)
	kill -USR2 "$PERMITD_PID"
	for _ in $(seq 20); do grep -q "SIGUSR2 does nothing" "$E2E_LOG" && break; sleep 0.1; done
	grep -q "SIGUSR2 does nothing" "$E2E_LOG"
	kill -0 "$PERMITD_PID"
	[ "$(worker_pids)" = "$before" ]
	api GET /api/v1/health
	[ "$status" = 200 ]
}

@test "a worker sent SIGUSR1 or SIGUSR2 by mistake keeps serving" {
	local before
	before=$(worker_pids)
	kill -USR1 $before
	kill -USR2 $before
	sleep 0.3
	[ "$(worker_pids)" = "$before" ]
	api GET /api/v1/health
	[ "$status" = 200 ]
}

@test "the pid file names the master, never a worker" {
	[ "$(cat "$E2E_DIR/fcgi/permitd.pid")" = "$PERMITD_PID" ]
}
