#!/usr/bin/env bats
# Under systemd (Type=notify), the master reports through $NOTIFY_SOCKET:
# READY=1 once its workers serve, RELOADING=1 then READY=1 again on
# SIGHUP, STOPPING=1 on SIGTERM. A datagram socket of the test stands in
# for systemd.

load lib

NOTIFY=$BATS_FILE_TMPDIR/notify
NOTIFY_SOCKET=$BATS_FILE_TMPDIR/notify.sock

setup_file() {
	# The listener appends each datagram as one line (newlines as '|').
	python3 - "$NOTIFY_SOCKET" "$NOTIFY" 3>&- <<'PYEOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(120)
with open(sys.argv[2], "a", buffering=1) as out:
    try:
        while True:
            out.write(s.recv(4096).decode().replace("\n", "|") + "\n")
    except socket.timeout:
        pass
PYEOF
	echo $! >"$BATS_FILE_TMPDIR/listener.pid"
	for _ in $(seq 50); do [ -S "$NOTIFY_SOCKET" ] && break; sleep 0.1; done
	export NOTIFY_SOCKET
	stack_start
	echo "$PERMITD_PID" >"$BATS_FILE_TMPDIR/permitd.pid"
}

teardown_file() {
	PERMITD_PID=$(cat "$BATS_FILE_TMPDIR/permitd.pid")
	stack_stop || true
	kill "$(cat "$BATS_FILE_TMPDIR/listener.pid")" 2>/dev/null || true
}

# Waits until a notification matching PATTERN arrived (COUNT of them).
notified() { # PATTERN [COUNT]
	for _ in $(seq 100); do
		[ "$(grep -c "$1" "$NOTIFY" 2>/dev/null)" -ge "${2:-1}" ] && return 0
		sleep 0.1
	done
	cat "$NOTIFY" >&2
	return 1
}

@test "the master says READY once its workers serve, with a status" {
	notified '^READY=1|STATUS=serving on unix:.* with [0-9]* workers$'
	api GET /api/v1/health
	[ "$status" = 200 ]
}

@test "SIGHUP: RELOADING, then READY again once the new workers serve" {
	PERMITD_PID=$(cat "$BATS_FILE_TMPDIR/permitd.pid")
	notified '^READY=1' 1
	kill -HUP "$PERMITD_PID"
	notified '^RELOADING=1'
	notified '^READY=1' 2
	[ "$(grep -n '^RELOADING=1' "$NOTIFY" | tail -n1 | cut -d: -f1)" -lt \
	  "$(grep -n '^READY=1' "$NOTIFY" | tail -n1 | cut -d: -f1)" ]
}

@test "SIGTERM: STOPPING while the workers drain" {
	PERMITD_PID=$(cat "$BATS_FILE_TMPDIR/permitd.pid")
	kill -TERM "$PERMITD_PID"
	wait_for_exit "$PERMITD_PID" 30
	notified '^STOPPING=1|STATUS=stopping: draining [0-9]* workers$'
}
