# shellcheck shell=bash
# The failover drill, step by step: a pg_auto_failover formation
# (cluster.bash) bootstrapped and migrated as scripts/stack.bash does it,
# permitd behind nginx on both nodes' conninfo with
# target_session_attrs=read-write, the clients of load.mjs submitting, the
# primary killed mid-load, and the figures of figures.mjs. Load after
# ../e2e/lib and cluster. failover.bats runs it once (drill_setup) and
# asserts the figures one by one.
#
# Environment: DRILL_CLIENTS (6), DRILL_BEFORE_S (load before the kill,
# 4), DRILL_AFTER_S (load after the service is back, 4), DRILL_THINK_MS
# and DRILL_KEEP_ACTIVE (load.mjs), DRILL_WORKERS (permitd's, 4); `make
# drill` sets longer ones.

DRILL_FIGURES=$DRILL_DIR/figures.json
DRILL_ANSWERS=$DRILL_DIR/answers.jsonl
DRILL_STOP=$DRILL_DIR/stop

drill_now_ms() { date +%s%3N; }

# permitd's configuration: the two nodes, a read-write server wanted; 503s
# to be retried after a second; the limits out of the clients' way;
# Argon2id at its cheapest, so signing the clients in takes no time.
drill_config_write() {
	local p1 p2
	p1=$(drill_node_port node1)
	p2=$(drill_node_port node2)
	mkdir -p "$DRILL_DIR/fcgi"
	cat >"$PERMIT_TEST_CONFIG" <<-SHEOF
	listen = unix:$DRILL_DIR/fcgi/permitd.sock
	pid_file = $DRILL_DIR/fcgi/permitd.pid
	workers = ${DRILL_WORKERS:-4}
	database = host=$DRILL_RUN,$DRILL_RUN port=$p1,$p2 dbname=permit user=permit_app target_session_attrs=read-write
	keyring = $DRILL_DIR/keyring
	cookie_secure = false
	retry_after = 1
	pwhash_opslimit = 1
	pwhash_memlimit = 8192
	max_active_applications = 1000
	limit_registrations = 1000000
	limit_signin_failures = 1000000
	limit_submissions = 1000000
	flag_burst_count = 100000
	flag_registrations_per_address = 100000
	SHEOF
	"$PERMITCTL" -c "$PERMIT_TEST_CONFIG" keys init >/dev/null 2>&1
}

# Roles, database, migrations and the demo offices on the primary, exactly
# as scripts/stack.bash makes them (its stack_dsn points at the primary's
# socket and port here); the standby gets them by replication.
drill_db_up() {
	# shellcheck disable=SC2034 # stack_db_up's (stack_dsn's) settings
	(STACK_DIR=$DRILL_PG PG_PORT=$(drill_node_port node1) && stack_db_up)
}

# Starts the clients in the background; sets DRILL_LOAD_PID.
drill_load_start() {
	rm -f "$DRILL_STOP"
	node "$BATS_TEST_DIRNAME/load.mjs" "$PERMIT_URL" "${DRILL_CLIENTS:-6}" \
	    "$DRILL_ANSWERS" "$DRILL_STOP" >>"$DRILL_DIR/load.log" 2>&1 \
	    3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	DRILL_LOAD_PID=$!
	export DRILL_LOAD_PID
}

# Tells the clients to stop and waits for them (a client finishing its
# key gives up after a minute); fails when they did not end well.
drill_load_stop() {
	local rc=0
	[ -n "${DRILL_LOAD_PID:-}" ] || return 0
	touch "$DRILL_STOP"
	if ! drill_wait 90 drill_exited "$DRILL_LOAD_PID"; then
		kill -KILL "$DRILL_LOAD_PID" 2>/dev/null
		rc=1
	fi
	wait "$DRILL_LOAD_PID" 2>/dev/null || rc=1
	DRILL_LOAD_PID=
	return "$rc"
}

drill_exited() { ! kill -0 "$1" 2>/dev/null; }   # PID

# Succeeds when permitd's health says it serves writes (mode normal).
drill_writable() {
	[ "$(curl -sS --max-time 2 "$PERMIT_URL/api/v1/health" 2>/dev/null |
	    jq -r '.mode // empty' 2>/dev/null)" = normal ]
}

# When, after KILL_MS, the monitor made node NAME primary (its goal state
# wait_primary: promoted, no standby yet), in ms since the epoch; nothing
# before. Until then the node refuses writes: a standby, then (in
# stop_replication) promoted with default_transaction_read_only on, which
# its keeper lifts only after this.
drill_promoted_ms() { # NAME KILL_MS
	drill_psql monitor pg_auto_failover -tA -c "
	    SELECT (extract(epoch FROM min(eventtime)) * 1000)::bigint
	    FROM pgautofailover.event
	    WHERE nodename = '$1' AND goalstate IN ('wait_primary', 'primary')
	      AND eventtime > to_timestamp($2 / 1000.0)"
}

drill_promoted() { [ -n "$(drill_promoted_ms "$@")" ]; }   # NAME KILL_MS

# The load, the kill and the figures: the primary (node1) killed after
# DRILL_BEFORE_S of load; the load goes on until the monitor has promoted
# node2 and permitd serves writes again (health normal), and DRILL_AFTER_S
# more; then every application on the new primary is read and the figures
# made.
drill_exercise() {
	local kill_ms gone_ms promoted_ms
	drill_load_start
	sleep "${DRILL_BEFORE_S:-4}"
	kill -0 "$DRILL_LOAD_PID" || { echo "the clients stopped early" >&2; return 1; }
	drill_synchronous ||
	    { echo "node1 is not a primary with a synchronous standby" >&2; drill_events >&2; return 1; }
	kill_ms=$(drill_now_ms)
	drill_kill node1 || { echo "node1 was not killed" >&2; return 1; }
	gone_ms=$(drill_now_ms)
	drill_wait 60 drill_promoted node2 "$kill_ms" ||
	    { echo "the monitor promoted no standby" >&2; drill_events >&2; return 1; }
	drill_wait 30 drill_writable ||
	    { echo "permitd did not serve writes again" >&2; return 1; }
	sleep "${DRILL_AFTER_S:-4}"
	drill_load_stop || { echo "the clients failed:" >&2; tail -n 5 "$DRILL_DIR/load.log" >&2; return 1; }
	promoted_ms=$(drill_promoted_ms node2 "$kill_ms")
	drill_psql node2 permit -tA -F ' ' -c "SELECT account_id, id FROM applications" \
	    >"$DRILL_DIR/rows" || return 1
	node "$BATS_TEST_DIRNAME/figures.mjs" "$DRILL_ANSWERS" "$kill_ms" "$gone_ms" \
	    "$promoted_ms" "$DRILL_DIR/rows" >"$DRILL_FIGURES"
}

# The figures as lines for the test run's output.
drill_report() {
	jq -r '
	    "drill: \(.clients) clients, \(.acknowledged) acknowledged submissions (\(.sent_again) of them sent again, \(.cancelled) cancelled since), \(.lost) lost, \(.duplicates) duplicates, \(.unsettled) unsettled",
	    "drill: the primary gone \(.gone_after_ms / 1000) s after the kill, promoted by the monitor after \(.promoted_after_ms / 1000) s; writes served again after \(.back_after_ms / 1000) s",
	    "drill: in flight at the kill: \(.in_flight | tojson)",
	    "drill: while no primary: reads \(.window.reads | tojson), health \(.window.health | tojson), writes \(.window.writes | tojson)",
	    "drill: all answers: \(.answers | tojson)",
	    "drill: unexpected answers: \(.unexpected | tojson)"' "$DRILL_FIGURES"
}

drill_setup() {
	mkdir -p "$DRILL_DIR"
	DRILL_PORT=$(drill_pick_ports $((31000 + RANDOM % 3000)))
	export DRILL_PORT
	drill_formation_up ||
	    { echo "the formation did not form:" >&2; drill_states >&2; drill_events >&2; return 1; }
	drill_db_up >"$DRILL_DIR/db.log" 2>&1 || { cat "$DRILL_DIR/db.log" >&2; return 1; }
	drill_config_write
	stack_start
	drill_exercise
	drill_report >&3
}

# Everything started is stopped, whatever failed.
drill_teardown() {
	local rc=0
	drill_load_stop || rc=1
	stack_stop || rc=1
	drill_formation_down
	return "$rc"
}

# A figure of the drill (jq path).
figure() { jq -c "$1" "$DRILL_FIGURES"; }
