#!/usr/bin/env bats
# permitd's process model under signals: a killed worker is replaced, SIGTERM
# drains in-flight requests and exits 0, SIGHUP replaces the workers.

load lib

# Tests run in separate processes: the master of the moment is kept in a
# file, so a test that stopped permitd leaves the next one to restart it.
PID_FILE=$BATS_FILE_TMPDIR/permitd.pid

setup_file() {
	stack_start
	echo "$PERMITD_PID" >"$PID_FILE"
}

teardown_file() {
	PERMITD_PID=$(cat "$PID_FILE")
	stack_stop
}

setup() {
	PERMITD_PID=$(cat "$PID_FILE")
	if ! kill -0 "$PERMITD_PID" 2>/dev/null; then
		e2e_permitd_start >/dev/null
		echo "$PERMITD_PID" >"$PID_FILE"
	fi
}

# Restarts permitd as a child of this test, so the test can `wait` for its
# exit status.
own_permitd() {
	permitd_restart >/dev/null
	echo "$PERMITD_PID" >"$PID_FILE"
}

@test "a worker killed with SIGKILL is replaced and requests keep succeeding" {
	local before victim after n
	wait_for_workers 2
	before=$(worker_pids)
	n=$(wc -l <<<"$before")
	victim=$(head -n1 <<<"$before")
	kill -KILL "$victim"
	wait_for_workers "$n"
	after=$(worker_pids)
	! grep -qx "$victim" <<<"$after"
	[ "$after" != "$before" ]
	for _ in 1 2 3 4 5 6; do
		api GET /api/v1/health
		[ "$status" = 200 ]
	done
	kill -0 "$PERMITD_PID"
}

@test "SIGTERM while a request is in flight: it completes with 200, then permitd exits 0" {
	local lock_pid curl_pid out=$BATS_TEST_TMPDIR/inflight rc=0
	own_permitd
	# Hold service_state so a request blocks in the database for ~1.2 s,
	# within db_lock_timeout (2 s) and db_deadline (3 s).
	psql_super -c "BEGIN; LOCK TABLE service_state IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(1.2); COMMIT;" &
	lock_pid=$!
	sleep 0.3
	curl -sS --max-time 10 -o "$out" -w '%{http_code}' "$PERMIT_URL/api/v1/offices" >"$out.code" &
	curl_pid=$!
	sleep 0.3
	kill -TERM "$PERMITD_PID"
	wait "$curl_pid"
	wait "$lock_pid"
	wait "$PERMITD_PID" || rc=$?
	[ "$(cat "$out.code")" = 200 ]
	[ "$(jq '.offices | length' "$out")" -gt 0 ]
	[ "$rc" -eq 0 ]
	[ ! -e "$STACK_SOCKET" ]
}

@test "SIGTERM with idle workers: permitd exits 0 at once and removes its socket" {
	local rc=0 start
	own_permitd
	start=$(date +%s)
	kill -TERM "$PERMITD_PID"
	wait "$PERMITD_PID" || rc=$?
	[ "$rc" -eq 0 ]
	[ $(($(date +%s) - start)) -le 3 ]
	[ ! -e "$STACK_SOCKET" ]
}

@test "SIGHUP replaces every worker and requests keep succeeding" {
	local before after
	wait_for_workers 2
	before=$(worker_pids)
	kill -HUP "$PERMITD_PID"
	for _ in $(seq 50); do
		after=$(worker_pids)
		[ "$(comm -12 <(echo "$before") <(echo "$after") | wc -l)" -eq 0 ] &&
		    [ "$(wc -l <<<"$after")" -eq 2 ] && break
		sleep 0.1
	done
	[ "$(comm -12 <(echo "$before") <(echo "$after") | wc -l)" -eq 0 ]
	[ "$(wc -l <<<"$after")" -eq 2 ]
	api GET /api/v1/health
	[ "$status" = 200 ]
}

@test "SIGHUP with a broken config keeps the running one" {
	local conf=$STACK_CONFIG saved=$BATS_TEST_TMPDIR/saved.conf before
	wait_for_workers 2
	before=$(worker_pids)
	cp "$conf" "$saved"
	echo 'no_such_key = 1' >>"$conf"
	kill -HUP "$PERMITD_PID"
	sleep 0.5
	cp "$saved" "$conf"
	grep -q 'reload refused' "$E2E_LOG"
	[ "$(worker_pids)" = "$before" ]
	api GET /api/v1/health
	[ "$status" = 200 ]
}

@test "permitd -t accepts the test config and refuses a keyring readable by others" {
	local kr=$BATS_TEST_TMPDIR/keyring conf=$BATS_TEST_TMPDIR/bad.conf
	"$PERMITD" -t -c "$STACK_CONFIG"
	cp "$(sed -n 's/^keyring = //p' "$STACK_CONFIG")" "$kr"
	chmod 0644 "$kr"
	sed -e "s|^keyring = .*|keyring = $kr|" "$STACK_CONFIG" >"$conf"
	run "$PERMITD" -t -c "$conf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$kr"* ]]
}

@test "permitd -t and permitctl refuse a keyring another user owns (as root)" {
	local kr=$BATS_TEST_TMPDIR/keyring conf=$BATS_TEST_TMPDIR/other.conf
	[ "$(id -u)" = 0 ] || skip "making a file another user owns takes root"
	cp "$(sed -n 's/^keyring = //p' "$STACK_CONFIG")" "$kr"
	chmod 0600 "$kr"
	chown 65534 "$kr"
	sed -e "s|^keyring = .*|keyring = $kr|" "$STACK_CONFIG" >"$conf"
	run "$PERMITD" -t -c "$conf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$kr: owned by uid 65534, must be owned by the user"* ]]
	run "$PERMITCTL" -c "$conf" keys list
	[ "$status" -ne 0 ]
	[[ "$output" == *"$kr: owned by uid 65534"* ]]
}

@test "a second permitd on the same socket refuses to start" {
	run "$PERMITD" -c "$STACK_CONFIG"
	[ "$status" -eq 1 ]
	[[ "$output" == *"running server"* ]]
	[ -S "$STACK_SOCKET" ]
	api GET /api/v1/health
	[ "$status" = 200 ]
}

@test "permitd not running: nginx answers 503 unavailable JSON with Retry-After and the headers" {
	kill -TERM "$PERMITD_PID"
	wait_for_exit "$PERMITD_PID" 30
	api GET /api/v1/health
	[ "$status" = 503 ]
	[ "$(error_code)" = unavailable ]
	[ -n "$(header Retry-After)" ]
	[ "$(header Cache-Control)" = "no-store" ]
	[ "$(header Vary)" = "Cookie" ]
	[ "$(header X-Content-Type-Options)" = "nosniff" ]
	[ "$(header Content-Security-Policy)" = "default-src 'none'; frame-ancestors 'none'" ]
	[ "$(header Content-Type)" = "application/json; charset=utf-8" ]
}

@test "workers can write no core file: core size limit 0" {
	local w
	wait_for_workers 2
	for w in $(worker_pids); do
		grep -E '^Max core file size +0 +0 ' "/proc/$w/limits"
	done
}
