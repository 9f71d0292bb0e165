#!/usr/bin/env bats
# The workers' sandbox (fcgi/sandbox.h) on the real stack: every worker
# serves inside its seccomp filter; a forbidden call made by a live worker
# (execve, injected with gdb) kills it with SIGSYS, the master says so and
# starts a sandboxed replacement; a worker that cannot install its filter
# does not serve; `sandbox = false` serves unconfined, and says so.
#
# Every other e2e file proves the allow-list complete: stack_stop fails
# the file when any worker died of SIGSYS (sandbox_clean). This file kills
# workers on purpose and lists them in $SIGSYS_FILE.

load lib

# Tests run in separate processes: the master of the moment and the
# workers killed on purpose are kept in files.
PID_FILE=$BATS_FILE_TMPDIR/permitd.pid
SIGSYS_FILE=$BATS_FILE_TMPDIR/sigsys

setup_file() {
	stack_start
	echo "$PERMITD_PID" >"$PID_FILE"
	: >"$SIGSYS_FILE"
}

teardown_file() {
	PERMITD_PID=$(cat "$PID_FILE")
	E2E_SIGSYS_EXPECTED=$(cat "$SIGSYS_FILE") stack_stop
}

setup() {
	PERMITD_PID=$(cat "$PID_FILE")
}

# Starts permitd again, as `PREFIX... permitd -c CONFIG` (default: this
# file's config, no prefix), after stopping the running one.
permitd_as() { # CONFIG [PREFIX...]
	local conf=$1
	shift
	kill -TERM "$PERMITD_PID"
	wait_for_exit "$PERMITD_PID" 30
	setsid "$@" "$PERMITD" -c "$conf" 2>>"$E2E_LOG" \
	    3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	PERMITD_PID=$!
	echo "$PERMITD_PID" >"$PID_FILE"
}

# The log's lines after line FROM (default: all).
log_since() { # [FROM]
	tail -n "+$((${1:-0} + 1))" "$E2E_LOG"
}

# Waits until the log has a line matching REGEX after line FROM (up to 10 s).
wait_for_log() { # REGEX [FROM]
	local i
	for i in $(seq 100); do
		log_since "${2:-0}" | grep -qE "$1" && return 0
		sleep 0.1
	done
	return 1
}

# Succeeds when process PID is in a seccomp filter (mode 2).
sandboxed() { # PID
	grep -qE '^Seccomp:[[:space:]]+2$' "/proc/$1/status" &&
	    grep -qE '^Seccomp_filters:[[:space:]]+[1-9]' "/proc/$1/status"
}

@test "every worker serves inside its seccomp filter; the master is not in one" {
	local w
	wait_for_workers 2
	for w in $(worker_pids); do
		sandboxed "$w"
	done
	grep -qE '^Seccomp:[[:space:]]+0$' "/proc/$PERMITD_PID/status"
	api GET /api/v1/health
	[ "$status" = 200 ]
}

@test "a worker told to stop leaves its sandbox cleanly (exit 0) and is replaced" {
	local victim
	wait_for_workers 2
	victim=$(worker_pids | head -n1)
	kill -TERM "$victim"
	# Exit 0 is "recycled": in the ASan build, LeakSanitizer's check at
	# exit ran inside the sandbox too.
	wait_for_log "worker $victim recycled"
	wait_for_workers 2
	! grep -q "worker $victim killed" "$E2E_LOG"
}

@test "execve in a live worker kills it with SIGSYS; the master logs it and starts a sandboxed one" {
	local victim w
	command -v gdb >/dev/null || skip "gdb is not installed (scripts/deps.sh)"
	[ "$(id -u)" = 0 ] || skip "attaching to a non-dumpable worker takes root"
	wait_for_workers 2
	victim=$(worker_pids | head -n1)
	echo "$victim" >>"$SIGSYS_FILE"
	# The worker itself calls execve, as code running in it would.
	timeout 60 gdb -q -nx -batch -iex 'set debuginfod enabled off' \
	    -p "$victim" -ex 'call (int)execve("/bin/true", (char **)0, (char **)0)' \
	    >"$BATS_TEST_TMPDIR/gdb.out" 2>&1 || true
	wait_for_exit "$victim" 10
	wait_for_log "worker $victim killed by SIGSYS: it made a system call its sandbox forbids"
	wait_for_workers 2
	for w in $(worker_pids); do
		[ "$w" != "$victim" ]
		sandboxed "$w"
	done
	api GET /api/v1/health
	[ "$status" = 200 ]
}

@test "a worker that cannot install its filter does not serve" {
	local from
	from=$(wc -l <"$E2E_LOG")
	permitd_as "$STACK_CONFIG" /usr/bin/python3 "$ROOT/tests/e2e/seccomp_refused.py"
	wait_for_log "no sandbox, not serving" "$from"
	wait_for_log "worker [0-9]+ exited with status 1" "$from"
	wait_for_log "workers die on start" "$from"
	# Workers keep dying at start (with backoff), none ever accepts.
	sleep 1
	[ "$(log_since "$from" | grep -c "no sandbox, not serving")" -ge 2 ]
	kill -0 "$PERMITD_PID"
	run curl -sS --max-time 2 -o /dev/null -w '%{http_code}' "$PERMIT_URL/api/v1/health"
	[ "$output" != 200 ]
	permitd_as "$STACK_CONFIG"
	wait_for_workers 2
	api GET /api/v1/health
	[ "$status" = 200 ]
}

@test "sandbox = false: workers serve without the filter and the master warns" {
	local conf=$BATS_TEST_TMPDIR/unsandboxed.conf w
	{ cat "$STACK_CONFIG"; echo "sandbox = false"; } >"$conf"
	permitd_as "$conf"
	wait_for_workers 2
	for w in $(worker_pids); do
		grep -qE '^Seccomp:[[:space:]]+0$' "/proc/$w/status"
	done
	grep -q "sandbox = false: workers serve without their seccomp filter" "$E2E_LOG"
	api GET /api/v1/health
	[ "$status" = 200 ]
	permitd_as "$STACK_CONFIG"
	wait_for_workers 2
}
