# shellcheck shell=bash
# Helpers for end-to-end tests: a real nginx in front of real permitd workers,
# on the throwaway PostgreSQL that scripts/test.sh started. Load with
#   load lib
# and call stack_start in setup_file, stack_stop in teardown_file.
#
# Environment from scripts/test.sh: PERMIT_TEST_ROOT, PERMIT_TEST_DIR,
# PERMIT_TEST_CONFIG, PERMIT_TEST_SUPER_DSN, PERMIT_TEST_PG_PORT, PERMITD,
# PERMITCTL.

ROOT=$PERMIT_TEST_ROOT
PG_PORT=$PERMIT_TEST_PG_PORT
BIN=$(dirname "$PERMITD")
# Each .bats file gets its own directory for permitd's socket, nginx and logs,
# sharing the cluster (and its socket directory) of the test run.
E2E_DIR=$PERMIT_TEST_DIR/e2e/$(basename "$BATS_TEST_FILENAME" .bats)

# shellcheck source=../../scripts/stack.bash
STACK_DIR=$PERMIT_TEST_DIR . "$ROOT/scripts/stack.bash"
STACK_CONFIG=$E2E_DIR/permitd.conf
STACK_SOCKET=$E2E_DIR/fcgi/permitd.sock
STACK_NGINX=$E2E_DIR/nginx
E2E_LOG=$E2E_DIR/permitd.log

# Starts permitd (config of the test run, own socket) and nginx on a free
# port; exports PERMIT_URL, PERMITD_PID, NGINX_PID for the file's tests.
stack_start() {
	mkdir -p "$E2E_DIR/fcgi" "$E2E_DIR/log" "$STACK_NGINX"
	if [ ! -f "$STACK_CONFIG" ]; then
		sed -e "s|^listen = .*|listen = unix:$STACK_SOCKET|" \
		    -e "s|^pid_file = .*|pid_file = $E2E_DIR/fcgi/permitd.pid|" \
		    "$PERMIT_TEST_CONFIG" >"$STACK_CONFIG"
		printf '%s\n' "${E2E_EXTRA_CONFIG:-}" | stack_config_set "$STACK_CONFIG"
	fi
	HTTP_PORT=$(stack_pick_port $((18000 + RANDOM % 10000)))
	e2e_permitd_start
	STACK_DIR=$E2E_DIR stack_nginx_start 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
	export PERMIT_URL=http://127.0.0.1:$HTTP_PORT PERMITD_PID NGINX_PID HTTP_PORT
}

e2e_permitd_start() {
	local i
	# Servers must not inherit bats' fd 3, or bats waits for them to exit.
	setsid "$PERMITD" -c "$STACK_CONFIG" 2>>"$E2E_LOG" \
	    3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	PERMITD_PID=$!
	for i in $(seq 200); do
		[ -S "$STACK_SOCKET" ] && [ "$(worker_pids | wc -l)" -gt 0 ] && return 0
		kill -0 "$PERMITD_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "permitd did not start:" >&2
	tail -n 20 "$E2E_LOG" >&2
	return 1
}

# Stops nginx and permitd; fails when permitd did not exit 0 or a sanitizer
# reported anything in its log.
stack_stop() {
	local rc=0
	stack_nginx_stop
	if [ -n "${PERMITD_PID:-}" ] && kill -0 "$PERMITD_PID" 2>/dev/null; then
		kill -TERM "$PERMITD_PID"
		wait_for_exit "$PERMITD_PID" 30 || rc=1
	fi
	sanitizer_clean || rc=1
	sandbox_clean || rc=1
	return "$rc"
}

# Restarts permitd alone (after a test stopped or killed it).
permitd_restart() {
	if [ -n "${PERMITD_PID:-}" ] && kill -0 "$PERMITD_PID" 2>/dev/null; then
		kill -TERM "$PERMITD_PID"
		wait_for_exit "$PERMITD_PID" 30
	fi
	e2e_permitd_start
	export PERMITD_PID
}

# Succeeds when PID has exited within SECONDS.
wait_for_exit() { # PID SECONDS
	local i
	for i in $(seq $(($2 * 20))); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# No AddressSanitizer, LeakSanitizer or UBSan report in permitd's log.
sanitizer_clean() {
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$E2E_LOG" 2>/dev/null; then
		echo "sanitizer report in $E2E_LOG:" >&2
		grep -A30 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$E2E_LOG" | head -n 60 >&2
		return 1
	fi
}

# The FIELD=N of the access log's newest line for "METHOD PATH STATUS" not
# read before by this test (flights, argon2): waits up to 2 s for it, since a
# worker logs after it answered.
access_field() { # FIELD METHOD PATH STATUS
	local i line
	for i in $(seq 40); do
		line=$(grep -F " $2 $3 $4 " "$E2E_LOG" | tail -n1)
		if [ -n "$line" ] && [ "$line" != "$(cat "$BATS_TEST_TMPDIR/seen" 2>/dev/null)" ]; then
			echo "$line" >"$BATS_TEST_TMPDIR/seen"
			sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$line"
			return 0
		fi
		sleep 0.05
	done
	echo "no log line for $2 $3 $4" >&2
	return 1
}

# No worker killed by its sandbox in permitd's log: the allow-list lacks
# nothing the file's tests made a worker do. E2E_SIGSYS_EXPECTED lists the
# pids a test killed on purpose (tests/e2e/sandbox.bats).
sandbox_clean() {
	local line pid
	while read -r line; do
		pid=$(sed -n 's/.* worker \([0-9]*\) killed by SIGSYS.*/\1/p' <<<"$line")
		grep -qxF "$pid" <<<"${E2E_SIGSYS_EXPECTED:-}" && continue
		echo "a worker died in its sandbox ($E2E_LOG):" >&2
		echo "$line" >&2
		return 1
	done < <(grep 'killed by SIGSYS' "$E2E_LOG" 2>/dev/null)
}

worker_pids() {
	pgrep -P "$PERMITD_PID" | sort
}

# Waits until the master has COUNT workers (up to 10 s).
wait_for_workers() { # COUNT
	local i
	for i in $(seq 100); do
		[ "$(worker_pids | wc -l)" -eq "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# Kills a worker with SIGKILL; returns once the master has replaced it
# (up to 10 s), failing if it has not.
kill_worker() {
	local victim n i
	n=$(worker_pids | wc -l)
	victim=$(worker_pids | head -n1)
	kill -KILL "$victim"
	for i in $(seq 100); do
		! worker_pids | grep -qx "$victim" &&
		    [ "$(worker_pids | wc -l)" -eq "$n" ] && return 0
		sleep 0.1
	done
	echo "worker $victim was not replaced" >&2
	return 1
}

pg_stop() { "$ROOT/scripts/pg.sh" stop "$PERMIT_TEST_DIR" >/dev/null; }
# The server outlives the test: it must hold none of bats' pipes (fd 3 and
# up), or bats waits for it to exit.
pg_start() {
	"$ROOT/scripts/pg.sh" start "$PERMIT_TEST_DIR" >/dev/null \
	    3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
}

psql_super() {
	psql -X -q -v ON_ERROR_STOP=1 "$PERMIT_TEST_SUPER_DSN" "$@"
}

# HTTP through nginx. api METHOD PATH [curl args...]: sets $status, $body and
# $headers (a file) for assertions.
api() {
	local method=$1 path=$2
	shift 2
	# setup_file has no per-test directory: use the file's.
	headers=${BATS_TEST_TMPDIR:-$BATS_FILE_TMPDIR}/headers
	body=$(curl -sS --max-time "${API_TIMEOUT:-5}" -X "$method" -D "$headers" \
	    -o - -w '\n%{http_code}' "$@" "$PERMIT_URL$path")
	status=${body##*$'\n'}
	body=${body%$'\n'*}
	if [ "$status" = 422 ] && ! invalid_shaped; then
		echo "$method $path: a 422 not of the HTTP API's shape: $body" >&2
		return 1
	fi
}

# Whether $body is a 422's: {"error":{"code":"invalid","message","field",
# "errors":[{"field","reason","message"},...]}} with at least one entry,
# field and message those of the first, each reason a lower-case word
# (and opens_at beside them, for a day not open yet). Every 422 any test
# gets is judged by it (api).
invalid_shaped() {
	jq -e '
	    (keys == ["error"]) and
	    (.error | keys - ["code", "errors", "field", "message", "opens_at"]
	        == [] and has("field") and has("message")) and
	    (.error.code == "invalid") and
	    (.error.errors | type == "array" and length > 0) and
	    (.error.field == .error.errors[0].field) and
	    (.error.message == .error.errors[0].message) and
	    all(.error.errors[]; keys == ["field", "message", "reason"] and
	        (.field | type == "string" and length > 0) and
	        (.reason | type == "string" and test("^[a-z_]+$")) and
	        (.message | type == "string" and length > 0))' \
	    <<<"$body" >/dev/null 2>&1
}

# api with a JSON body and its content type.
api_json() { # METHOD PATH JSON [curl args...]
	local method=$1 path=$2 data=$3
	shift 3
	api "$method" "$path" -H 'Content-Type: application/json' \
	    --data-binary "$data" "$@"
}

# The body of registration and sign-in.
credentials() { # EMAIL PASSWORD
	jq -nc --arg e "$1" --arg p "$2" '{email: $e, password: $p}'
}

# The value of response header NAME (case-insensitive), without CR.
header() {
	grep -i "^$1:" "$headers" | head -n1 | cut -d: -f2- | sed 's/^ *//; s/\r$//'
}

# The error code of an API error body.
error_code() { jq -r '.error.code' <<<"$body"; }

# Polls health until it answers STATUS (up to 10 s).
wait_for_health() { # STATUS
	local i
	for i in $(seq 50); do
		api GET /api/v1/health
		[ "$status" = "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

# Every header of docs/DESIGN.md invariant 6, on whatever $headers holds.
assert_security_headers() {
	[ "$(header Content-Type)" = "application/json; charset=utf-8" ]
	[ "$(header Cache-Control)" = "no-store" ]
	[ "$(header Vary)" = "Cookie" ]
	[ "$(header X-Content-Type-Options)" = "nosniff" ]
	[ "$(header Referrer-Policy)" = "no-referrer" ]
	[ "$(header Content-Security-Policy)" = "default-src 'none'; frame-ancestors 'none'" ]
	[ "$(header X-Frame-Options)" = "DENY" ]
}

# An API error body with exactly error.code and error.message.
assert_error_body() { # CODE
	[ "$(error_code)" = "$1" ]
	[ "$(jq -r '.error.message | type' <<<"$body")" = string ]
	[ "$(jq -c 'keys' <<<"$body")" = '["error"]' ]
}
