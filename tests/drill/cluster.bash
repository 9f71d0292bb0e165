# shellcheck shell=bash
# A PostgreSQL formation managed by pg_auto_failover, private to the
# failover drill: a monitor and two nodes (a primary and its synchronous
# standby), each under $DRILL_PG, on its own port of 127.0.0.1, their unix
# sockets in $DRILL_PG/run. Nothing here touches a system-wide cluster or
# anything outside $DRILL_PG; pg_autoctl keeps its configuration, state
# and pid files there too (XDG_* below). As root, every program runs as
# the cluster user (scripts/pg.sh run).
#
# Callers set ROOT (the repository) and DRILL_PG (absolute directory for
# the formation, created here) before sourcing, and DRILL_PORT (the
# monitor's port; the nodes take the next two, drill_pick_ports) before
# calling anything.
#
# What pg_auto_failover is told, and why (the operations docs, README
# "Failover", show the same for production, with its timings):
#   - both nodes --replication-quorum true: the primary's
#     synchronous_standby_names names the standby, so a commit is
#     acknowledged only once the standby has it;
#   - the monitor's health checks and timeouts in about a second each
#     (DRILL_MONITOR_SETTINGS), so the monitor promotes the standby within
#     seconds instead of its defaults' half a minute;
#   - the keeper's network_partition_timeout below primary_demote_timeout,
#     so a primary cut off from the monitor and the standby stops accepting
#     writes before the standby is promoted.

DRILL_RUN=$DRILL_PG/run
DRILL_MONITOR=$DRILL_PG/monitor

DRILL_MONITOR_SETTINGS="
pgautofailover.health_check_period = 1000
pgautofailover.health_check_timeout = 1000
pgautofailover.health_check_max_retries = 1
pgautofailover.health_check_retry_delay = 500
pgautofailover.node_considered_unhealthy_timeout = 2000
pgautofailover.primary_demote_timeout = 3000
pgautofailover.startup_grace_period = 1000"
DRILL_NETWORK_PARTITION_TIMEOUT=2

# Every cluster of the formation: its socket, and a small memory footprint
# (pg_autoctl otherwise sizes shared_buffers for a machine of its own).
DRILL_PG_SETTINGS="
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DRILL_RUN'
unix_socket_permissions = 0777
shared_buffers = '32MB'
work_mem = '4MB'
maintenance_work_mem = '16MB'
effective_cache_size = '256MB'"

# A free port P of 127.0.0.1 with P+1 and P+2 free too, at or above FROM.
drill_pick_ports() { # FROM
	local p=$1
	until stack_port_free "$p" && stack_port_free $((p + 1)) &&
	    stack_port_free $((p + 2)); do
		p=$((p + 3))
	done
	echo "$p"
}

drill_monitor_uri() {
	echo "postgres://autoctl_node@127.0.0.1:$DRILL_PORT/pg_auto_failover?sslmode=disable"
}

drill_node_dir() { echo "$DRILL_PG/$1"; }          # NAME
drill_node_port() {                                 # NAME
	case $1 in
	monitor) echo "$DRILL_PORT" ;;
	node1) echo $((DRILL_PORT + 1)) ;;
	node2) echo $((DRILL_PORT + 2)) ;;
	esac
}

# A command as the cluster user, with pg_autoctl's files under $DRILL_PG,
# and libpq's defaults the formation's socket directory and superuser
# (initdb's, whoever runs it).
drill_as_cluster() {
	"$ROOT/scripts/pg.sh" run env XDG_CONFIG_HOME="$DRILL_PG/xdg/config" \
	    XDG_DATA_HOME="$DRILL_PG/xdg/data" XDG_RUNTIME_DIR="$DRILL_PG/xdg/run" \
	    TMPDIR="$DRILL_PG/tmp" PGHOST="$DRILL_RUN" PGUSER=postgres "$@"
}

drill_autoctl() { drill_as_cluster pg_autoctl "$@"; }

# The pg_ctl of the PostgreSQL scripts/pg.sh runs (pg_autoctl would look
# for one on PATH, where Debian puts none).
drill_pg_ctl() { "$ROOT/scripts/pg.sh" run sh -c 'command -v pg_ctl'; }

# psql as the superuser on database DB of NAME (a node or the monitor).
drill_psql() { # NAME DB [PSQL ARGS...]
	local node=$1 db=$2
	shift 2
	psql -X -q -v ON_ERROR_STOP=1 -h "$DRILL_RUN" -p "$(drill_node_port "$node")" \
	    -U postgres -d "$db" "$@"
}

# A new cluster at DIR: initdb, the settings above, and only local
# connections in pg_hba.conf (pg_autoctl appends the TCP rules it needs,
# which initdb's own would shadow).
drill_initdb() { # DIR [EXTRA SETTINGS]
	"$ROOT/scripts/pg.sh" initdb "$1" >/dev/null
	printf '%s\n%s\n' "$DRILL_PG_SETTINGS" "${2:-}" |
	    drill_as_cluster tee -a "$1/postgresql.conf" >/dev/null
	printf 'local all all trust\nlocal replication all trust\n' |
	    drill_as_cluster tee "$1/pg_hba.conf" >/dev/null
}

# Starts `pg_autoctl run` for the cluster at DIR in a session of its own,
# its output in DIR.log. Servers must hold none of bats' pipes.
drill_run() { # DIR
	drill_as_cluster setsid pg_autoctl run --pgdata "$1" \
	    </dev/null >>"$1.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
}

# The pid of the `pg_autoctl run` of DIR (its pid file's first line), or
# nothing when it is not running.
drill_autoctl_pid() { # DIR
	local f pid
	f=$DRILL_PG/xdg/run/pg_autoctl$1/pg_autoctl.pid
	[ -f "$f" ] || return 0
	pid=$(head -n 1 "$f")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
	return 0
}

# Waits up to SECONDS for CMD to succeed.
drill_wait() { # SECONDS CMD...
	local until=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$until" ] || return 1
		sleep 0.1
	done
}

drill_monitor_up() {
	local dir=$DRILL_MONITOR
	drill_initdb "$dir" "$DRILL_MONITOR_SETTINGS"
	drill_autoctl create monitor --pgdata "$dir" --pgport "$DRILL_PORT" \
	    --hostname 127.0.0.1 --auth trust --no-ssl \
	    --pgctl "$(drill_pg_ctl)" \
	    >>"$dir.log" 2>&1 || return 1
	drill_autoctl config set --pgdata "$dir" postgresql.listen_addresses \
	    127.0.0.1 >/dev/null || return 1
	drill_run "$dir"
	drill_wait 30 drill_psql monitor pg_auto_failover -c 'SELECT 1' \
	    >/dev/null 2>&1
}

# Registers node NAME with the monitor (node1 from a cluster made here,
# node2 by pg_autoctl from a base backup of the primary) and runs it.
drill_node_up() { # NAME
	local name=$1 dir
	dir=$(drill_node_dir "$name")
	[ "$name" != node1 ] || drill_initdb "$dir"
	drill_autoctl create postgres --pgdata "$dir" \
	    --pgport "$(drill_node_port "$name")" --listen 127.0.0.1 \
	    --hostname 127.0.0.1 --name "$name" --dbname postgres \
	    --auth trust --no-ssl --monitor "$(drill_monitor_uri)" \
	    --pgctl "$(drill_pg_ctl)" \
	    --replication-quorum true --candidate-priority 50 \
	    >>"$dir.log" 2>&1 || return 1
	drill_autoctl config set --pgdata "$dir" timeout.network_partition_timeout \
	    "$DRILL_NETWORK_PARTITION_TIMEOUT" >/dev/null || return 1
	drill_run "$dir"
}

# The monitor's view: "NAME STATE" per node, reported and assigned states
# equal only when settled ("node1 primary", "node2 secondary").
drill_states() {
	drill_psql monitor pg_auto_failover -tA -F ' ' -c "
	    SELECT nodename, CASE WHEN reportedstate = goalstate
	                          THEN reportedstate::text
	                          ELSE reportedstate || '>' || goalstate END
	    FROM pgautofailover.node ORDER BY nodename" 2>/dev/null
}

# The monitor's last 20 events, oldest first: what to read when the
# formation did not do what was expected.
drill_events() {
	drill_psql monitor pg_auto_failover -tA -F ' ' -c "
	    SELECT * FROM (SELECT eventtime::time(1), nodename, reportedstate,
	                          goalstate, left(description, 100)
	                   FROM pgautofailover.event ORDER BY eventid DESC
	                   LIMIT 20) e ORDER BY 1" 2>/dev/null
}

# Succeeds when node1 is the formation's only node, settled.
drill_single() {
	[ "$(drill_states)" = "node1 single" ]
}

# Succeeds when node1 is primary, node2 its secondary, and node1 acknowledges
# a commit only once node2 has flushed it (a synchronous standby, and
# synchronous_commit on).
drill_synchronous() {
	[ "$(drill_states | tr '\n' ' ')" = "node1 primary node2 secondary " ] ||
	    return 1
	[ "$(drill_psql node1 postgres -tA -c "
	    SELECT count(*) FROM pg_stat_replication
	    WHERE sync_state IN ('sync', 'quorum')
	      AND current_setting('synchronous_commit') IN ('on', 'remote_apply')")" = 1 ]
}

# The whole formation: monitor, node1 primary, node2 its synchronous
# standby. Fails (logs under $DRILL_PG) when it is not so within a minute.
drill_formation_up() {
	"$ROOT/scripts/pg.sh" area "$DRILL_PG" || return 1
	drill_as_cluster mkdir -p "$DRILL_RUN" "$DRILL_PG/xdg/config" \
	    "$DRILL_PG/xdg/data" "$DRILL_PG/xdg/run" "$DRILL_PG/tmp" || return 1
	drill_monitor_up || return 1
	drill_node_up node1 || return 1
	drill_wait 60 drill_single || return 1
	drill_node_up node2 || return 1
	# Settled: still so a second later (a joining standby's state flaps).
	drill_wait 60 drill_synchronous && sleep 1 && drill_wait 30 drill_synchronous
}

# Node NAME gone as a host goes: its keeper, postgres and every backend
# killed at once (SIGKILL to the keeper's session); returns once none of
# them is left. The monitor, not the drill, then promotes the standby.
drill_kill() { # NAME
	local pid
	pid=$(drill_autoctl_pid "$(drill_node_dir "$1")")
	[ -n "$pid" ] || return 1
	kill -KILL -- "-$pid" || return 1
	drill_wait 10 drill_group_gone "$pid"
}

# Succeeds when process group PGID has no process left but zombies (a
# killed process lingers as one until its new parent reaps it).
drill_group_gone() { # PGID
	ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 }
	    END { exit found }'
}

# Stops every pg_autoctl of the formation (each stops its postgres), then
# kills what is left of their sessions. Never fails.
drill_formation_down() {
	local dir pid
	local -a pids=()
	for dir in "$DRILL_PG/node2" "$DRILL_PG/node1" "$DRILL_MONITOR"; do
		pid=$(drill_autoctl_pid "$dir")
		[ -n "$pid" ] || continue
		pids+=("$pid")
		drill_autoctl stop --pgdata "$dir" --fast >/dev/null 2>&1 || true
	done
	for pid in "${pids[@]}"; do
		drill_wait 20 drill_group_gone "$pid" ||
		    kill -KILL -- "-$pid" 2>/dev/null || true
	done
	return 0
}
