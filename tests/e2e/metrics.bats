#!/usr/bin/env bats
# GET /metrics on metrics_listen (fcgi/exporter.h): the master's own
# listener, never nginx's. Requests counted by route and status as they
# are made, the latency histogram, worker restarts, rate limits, bookings
# and the database's state; the listener's strictness; and that no
# client stalls the master.

load lib
load citizen
load limits
load payments

# A unix socket: no port to race other runs for (tcp: is the same listener
# code as the FastCGI socket's, fcgi/listen.h).
METRICS_SOCKET=$E2E_DIR/metrics.sock

setup_file() {
	export E2E_EXTRA_CONFIG="$LIMITS_CONFIG
session_sweep_interval = 1
metrics_listen = unix:$METRICS_SOCKET"
	stack_start
}

teardown_file() {
	"$PERMITCTL" -c "$STACK_CONFIG" maintenance normal \
	    --database "$PERMIT_TEST_OWNER_DSN" >/dev/null 2>&1 || true
	stack_stop
}

# curl to the metrics listener.
metrics_curl() { # [curl args...]
	curl -sS --max-time 5 --unix-socket "$METRICS_SOCKET" "$@" \
	    http://localhost/metrics
}

# The exposition, into $BATS_TEST_TMPDIR/scrape.
scrape() {
	metrics_curl -o "$BATS_TEST_TMPDIR/scrape"
}

# The value of SERIES (name and labels, exactly) in the last scrape; 0
# when it is not there.
value() { # SERIES
	awk -v s="$1" 'index($0, s " ") == 1 { v = $NF } END { print v + 0 }' \
	    "$BATS_TEST_TMPDIR/scrape"
}

# Scrapes until SERIES has VALUE (up to 10 s): the master reads the
# database's state on its own time.
wait_value() { # SERIES VALUE
	for _ in $(seq 100); do
		scrape && [ "$(value "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	echo "$1 is $(value "$1"), not $2" >&2
	return 1
}

@test "GET /metrics answers Prometheus' text format" {
	local ct
	ct=$(metrics_curl -o /dev/null -w '%{http_code} %{content_type}')
	[ "$ct" = "200 text/plain; version=0.0.4; charset=utf-8" ]
	scrape
	# For the record, not a limit: how big a scrape is, how long it took.
	metrics_curl -o /dev/null \
	    -w "scrape: %{size_download} bytes in %{time_total} s\n" >&3
	grep -q '^# TYPE permitd_http_requests_total counter$' "$BATS_TEST_TMPDIR/scrape"
	grep -q '^# TYPE permitd_http_request_duration_seconds histogram$' "$BATS_TEST_TMPDIR/scrape"
}

@test "a request is counted by its route and status once it is answered" {
	local ok='permitd_http_requests_total{route="GET /api/v1/offices",status="200"}'
	local miss='permitd_http_requests_total{route="unmatched",status="404"}'
	local before_ok before_miss
	scrape
	before_ok=$(value "$ok")
	before_miss=$(value "$miss")
	api GET /api/v1/offices
	[ "$status" = 200 ]
	scrape
	[ "$(value "$ok")" -eq $((before_ok + 1)) ]
	api GET /api/v1/nothing/here
	[ "$status" = 404 ]
	scrape
	[ "$(value "$miss")" -eq $((before_miss + 1)) ]
	[ "$(value "$ok")" -eq $((before_ok + 1)) ]
}

@test "the latency histogram: buckets cumulative, _count the route's requests" {
	local route='route="GET /api/v1/health"' prev=0 n b count requests
	for _ in 1 2 3; do
		api GET /api/v1/health
	done
	scrape
	n=0
	while read -r b; do
		[ "$b" -ge "$prev" ]
		prev=$b
		n=$((n + 1))
	done < <(grep "^permitd_http_request_duration_seconds_bucket{$route," \
	    "$BATS_TEST_TMPDIR/scrape" | awk '{ print $NF }')
	[ "$n" -eq 12 ]
	grep -q "^permitd_http_request_duration_seconds_bucket{$route,le=\"+Inf\"} $prev\$" \
	    "$BATS_TEST_TMPDIR/scrape"
	count=$(value "permitd_http_request_duration_seconds_count{$route}")
	requests=$(grep "^permitd_http_requests_total{$route," "$BATS_TEST_TMPDIR/scrape" |
	    awk '{ n += $NF } END { print n }')
	[ "$count" -eq "$prev" ]
	[ "$count" -eq "$requests" ]
	[ "$count" -ge 3 ]
	awk -v s="permitd_http_request_duration_seconds_sum{$route}" \
	    'index($0, s " ") == 1 && $NF > 0 { ok = 1 } END { exit !ok }' \
	    "$BATS_TEST_TMPDIR/scrape"
}

@test "a worker killed is counted as a restart, and replaced" {
	local died='permitd_worker_restarts_total{reason="died"}' before
	wait_for_workers 2
	scrape
	before=$(value "$died")
	[ "$(value permitd_workers)" = 2 ]
	kill_worker
	scrape
	[ "$(value "$died")" -eq $((before + 1)) ]
}

@test "a request refused by a rate limit is counted by its class" {
	local c='permitd_rate_limited_total{limit="registration"}' before addr i
	scrape
	before=$(value "$c")
	addr=$(addr_new)
	for i in 1 2 3 4; do
		register_from "$addr" "m$i.$RANDOM$RANDOM@example.test"
	done
	assert_rate_limited 2
	scrape
	[ "$(value "$c")" -eq $((before + 1)) ]
}

@test "bookings taken, confirmed and lapsed are counted" {
	local day code before_taken before_conf before_lapsed
	day=$(weekday_ahead 10)
	scrape
	before_taken=$(value permitd_bookings_taken_total)
	before_conf=$(value permitd_bookings_confirmed_total)
	before_lapsed=$(value permitd_bookings_lapsed_total)
	citizen_new mia
	person_new F
	citizen_apply_at mia DJJ   # no other file books at DJJ
	as_post mia "/api/v1/applications/$(citizen_app mia)/booking" "{\"date\":\"$day\"}"
	[ "$status" = 201 ]
	code=$(jq -r .application.booking.billing_code <<<"$body")
	notify "$(notification "n-$code" "$code" 350000)"
	[ "$status" = 200 ]
	citizen_new nia
	person_new F
	citizen_apply_at nia DJJ
	as_post nia "/api/v1/applications/$(citizen_app nia)/booking" "{\"date\":\"$day\"}"
	[ "$status" = 201 ]
	code=$(jq -r .application.booking.billing_code <<<"$body")
	psql_super -c "UPDATE bookings SET pay_by = now() - interval '1 second'
	    WHERE billing_code = '$code'" >/dev/null
	wait_value permitd_bookings_lapsed_total $((before_lapsed + 1))
	[ "$(value permitd_bookings_taken_total)" -eq $((before_taken + 2)) ]
	[ "$(value permitd_bookings_confirmed_total)" -eq $((before_conf + 1)) ]
}

@test "the mode, open flags and live holds are the database's" {
	local flags holds
	scrape
	[ "$(value permitd_db_state_up)" = 1 ]
	[ "$(value 'permitd_mode{mode="normal"}')" = 1 ]
	[ "$(value 'permitd_mode{mode="read_only"}')" = 0 ]
	"$PERMITCTL" -c "$STACK_CONFIG" maintenance read_only \
	    --database "$PERMIT_TEST_OWNER_DSN" >/dev/null
	flags=$(psql_super -tA -c "SELECT count(*) FROM account_flags WHERE resolved_at IS NULL")
	holds=$(psql_super -tA -c "SELECT count(*) FROM bookings WHERE state = 'held' AND pay_by > now()")
	# A reload reads the database's state at once.
	kill -HUP "$PERMITD_PID"
	wait_value 'permitd_mode{mode="read_only"}' 1
	[ "$(value 'permitd_mode{mode="normal"}')" = 0 ]
	[ "$(value permitd_flags_open)" = "$flags" ]
	[ "$(value permitd_bookings_held)" = "$holds" ]
	"$PERMITCTL" -c "$STACK_CONFIG" maintenance normal \
	    --database "$PERMIT_TEST_OWNER_DSN" >/dev/null
	kill -HUP "$PERMITD_PID"
	wait_value 'permitd_mode{mode="normal"}' 1
}

@test "/metrics is not reachable through nginx" {
	api GET /metrics
	[ "$status" = 404 ]
	! grep -q permitd_ <<<"$body"
	api GET /api/metrics
	[ "$status" = 404 ]
	api GET /api/v1/metrics
	[ "$status" = 404 ]
	! grep -q permitd_ <<<"$body"
}

# Sends REQUEST, raw, to the metrics listener and reads the answer into
# $BATS_TEST_TMPDIR/raw (CRs removed), its status into $status. curl
# cannot send most of these.
raw_metrics() { # REQUEST
	python3 - "$METRICS_SOCKET" "$1" <<'PYEOF' | tr -d '\r' >"$BATS_TEST_TMPDIR/raw"
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
try:
    s.sendall(sys.argv[2].encode("latin-1"))
except OSError:
    pass   # the listener may answer and close before all is sent
out = b""
while True:
    try:
        b = s.recv(65536)
    except OSError:
        break
    if not b:
        break
    out += b
sys.stdout.buffer.write(out)
PYEOF
	status=$(head -n1 "$BATS_TEST_TMPDIR/raw" | cut -d' ' -f2)
}

# A client that connects to the metrics listener, says nothing, and
# leaves when the listener closes the connection: in the background, its
# pid in $!. Once connected, it creates FILE.
silent_client() { # FILE
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
open(sys.argv[2], "w").close()
s.recv(1)' "$METRICS_SOCKET" "$1" 3>&- &
}

@test "the listener answers GET /metrics alone: 404, 405 and 400 otherwise" {
	raw_metrics $'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'
	[ "$status" = 200 ]
	grep -q '^Connection: close$' "$BATS_TEST_TMPDIR/raw"
	raw_metrics $'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n'
	[ "$status" = 404 ]
	raw_metrics $'POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n'
	[ "$status" = 405 ]
	grep -q '^Allow: GET$' "$BATS_TEST_TMPDIR/raw"
	raw_metrics $'GET /metrics HTTP/1.1\nHost: x\n\n'
	[ "$status" = 400 ]
	raw_metrics $'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
	[ "$status" = 400 ]
	raw_metrics "GET /metrics HTTP/1.1"$'\r\n'"X: $(head -c 5000 /dev/zero | tr '\0' a)"$'\r\n\r\n'
	[ "$status" = 400 ]
	! grep -q permitd_ "$BATS_TEST_TMPDIR/raw"
}

@test "clients that send nothing stall neither the master nor a scrape" {
	local silent=() i
	wait_for_workers 2
	# Three silent connections: one slot is left for the scrape.
	for i in 1 2 3; do
		silent_client "$BATS_TEST_TMPDIR/silent.$i"
		silent+=("$!")
	done
	for _ in $(seq 100); do
		[ "$(ls "$BATS_TEST_TMPDIR"/silent.* 2>/dev/null | wc -l)" -eq 3 ] && break
		sleep 0.1
	done
	scrape
	grep -q '^permitd_workers 2$' "$BATS_TEST_TMPDIR/scrape"
	kill_worker
	api GET /api/v1/health
	[ "$status" = 200 ]
	# The master closes a silent connection when its time is up.
	timeout 15 bash -c 'while kill -0 "$@" 2>/dev/null; do sleep 0.1; done' _ "${silent[@]}"
}
