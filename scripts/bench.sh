#!/usr/bin/env bash
# `make bench`: measurements, never pass/fail.
#
#   1. The C micro-benchmarks (tests/bench/bench_*): crypto ns/op and ms/op.
#   2. On a throwaway stack (scripts/stack.bash: private PostgreSQL, release
#      permitd, nginx) with BENCH_CITIZENS seeded citizens (each registered,
#      signed in once and holding one passport application), through nginx
#      with wrk (BENCH_CONNECTIONS connections, BENCH_SECONDS each):
#        - a static file, as the floor nginx alone sets;
#        - GET /api/v1/health;
#        - the owner-bound read GET /api/v1/applications/{id}, rotating over
#          the citizens' cookies and their own applications (tests/bench/
#          read.lua reads the `TOKEN CSRF APP_ID ACCOUNT_ID` lines that the
#          seeding writes);
#        - the submit POST /api/v1/applications (passport), with the CSRF
#          header and a new valid applicant, whose NIK no other request
#          shares, per request (tests/bench/submit.lua), its answers tallied
#          by status;
#      and pgbench, as permit_app, with the same client count and duration
#      and -M prepared, replaying the read's statements straight against
#      PostgreSQL as its ceiling: BEGIN, the session binding, the
#      application SELECT, COMMIT (BENCH_READ_TX below names them; their SQL
#      is taken from db/sql/*.def at run time, through db/stmt.c), each
#      client bound to one seeded session and its application.
#
# For each: requests/s (TPS for pgbench), p50, p99 (wrk's, or pgbench's
# per-transaction log) and errors (non-2xx or socket errors; failed or
# aborted transactions for pgbench); the CPU per request of
# permitd (master and workers), PostgreSQL (every process of the cluster)
# and nginx (master and workers), from utime+stime (+ cutime+cstime, which
# holds the CPU of children that ended, such as pgbench's backends) of
# /proc/PID/stat summed over each group before and after the run, divided
# by the requests completed (pgbench's PostgreSQL CPU includes starting its
# backends, a few ms in all); the CPU of everything else on the machine
# during the run (`other load`, in cores: /proc/stat's busy time less the
# three groups and the load generator), since a p99 means little on a busy
# machine. Database round trips per request come from a short separate pass
# of each route at log_level=info (permitd's access log ends with
# flights=N); the measured runs log at warn. Worker RSS is VmRSS of each
# permitd worker after the runs. The targets are printed beside the figures
# with met/not met; none fails the run. Exits non-zero only when the stack
# could not be set up.
#
# The bench's permitd config differs from a deployment's in: max_requests 0
# (a recycled worker's CPU would be lost), max_active_applications 1000 (so
# that submits do not hit the per-account bound), and Argon2id at its
# minimum (opslimit 1, memlimit 8 KiB) so that seeding is fast; sign-in is
# not measured here (the micro-benchmarks time Argon2id at the defaults).
#
# BENCH_DEBUG=1 also prints the pgbench script and the raw CPU snapshots.
# BENCH_ONLY=LIST runs only the sections named (comma-separated: http,
# book, sweep, broker, fairness; default all of them). BENCH_PROFILE=1 loads
# pg_stat_statements (tracking statements inside functions too) and prints,
# after each booking run, the statements that took PostgreSQL's time.
# BENCH_SANDBOX=false runs the workers without their seccomp filter
# (sandbox = false), to weigh what the filter costs against a run with it.
# BENCH_HOLD=FILE keeps the warmed-up stack for profiling (perf, wrk by
# hand) until FILE is removed.
# Tunables: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 32),
# BENCH_WORKERS (permitd workers, default 4), BENCH_CITIZENS (default 128,
# or BENCH_CONNECTIONS when more; 9999 at most). Each citizen holds at most
# 1000 active applications, so BENCH_CITIZENS × 999 submits fit in a run.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
BIN=$BUILD/release
SECONDS_=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-32}
STACK_WORKERS=${BENCH_WORKERS:-4}
CITIZENS=${BENCH_CITIZENS:-$((CONNS > 128 ? CONNS : 128))}
SANDBOX=${BENCH_SANDBOX:-true}
case $SANDBOX in
true|false) ;;
*) echo "bench: BENCH_SANDBOX must be true or false" >&2; exit 2 ;;
esac
for v in "$SECONDS_" "$CONNS" "$STACK_WORKERS" "$CITIZENS"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_* must be positive integers" >&2; exit 2; }
done
[ "$CITIZENS" -le 9999 ] || { echo "bench: BENCH_CITIZENS is at most 9999" >&2; exit 2; }
STACK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/permitd-bench.XXXXXX")
chmod 0755 "$STACK_DIR"
THREADS=$((CONNS < 2 ? CONNS : 2))   # wrk and pgbench threads
FLIGHT_SECONDS=1                     # each route of the round-trip pass
IDLE_TIMEOUT=1800                    # session_idle_timeout
TOUCH_INTERVAL=60                    # session_touch_interval, also pgbench's
HZ=$(getconf CLK_TCK)
PG_PORT=0
HTTP_PORT=0
# shellcheck source=scripts/stack.bash
. "$ROOT/scripts/stack.bash"
PG_PORT=$(stack_pick_port $((30000 + RANDOM % 5000)))
HTTP_PORT=$(stack_pick_port $((35000 + RANDOM % 5000)))
URL=http://127.0.0.1:$HTTP_PORT
CITIZENS_FILE=$STACK_DIR/citizens.txt
LUA=$ROOT/tests/bench

# The read's database work as pgbench replays it, one statement a line: its
# name in db/sql/*.def, the pgbench variable for each of its $1, $2, ... in
# order, then what pgbench does with the row (\gset: exactly one row is
# required, its columns become variables for the statements after it).
# :hash and :app are the client's seeded session and application, :touch the
# config's session_touch_interval. BEGIN READ ONLY and COMMIT are around it,
# as permitd sends them (in the same flight). This is the one place to change
# when permitd's read runs other statements.
BENCH_READ_TX=(
	'BIND :hash :touch \gset'
	'APP_GET :app \gset r_'
)

# Whether section $1 is to run (BENCH_ONLY).
bench_wants() { # SECTION
	[[ ,${BENCH_ONLY:-http,book,sweep,broker,fairness}, == *,$1,* ]]
}

cleanup() {
	local rc=$?
	[ "$rc" -eq 0 ] || [ ! -s "$STACK_DIR/setup.log" ] ||
		{ echo "bench: the stack could not be set up:" >&2; tail -n 20 "$STACK_DIR/setup.log" >&2; }
	stack_nginx_stop
	stack_permitd_stop || true
	stack_pg_down
	rm -rf "$STACK_DIR"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------
# CPU accounting

# Clock ticks used by PID and by its children that ended (utime, stime,
# cutime, cstime: /proc/PID/stat fields 14 to 17); 0 when PID is gone.
proc_ticks() { # PID
	local line f
	read -r line 2>/dev/null <"/proc/$1/stat" || { echo 0; return; }
	read -ra f <<<"${line##*) }"   # f[0] is field 3
	echo $((f[11] + f[12] + f[13] + f[14]))
}

# Ticks of MASTER and its live children.
group_ticks() { # MASTER_PID
	local pid sum=0
	for pid in "$1" $(pgrep -P "$1" || true); do
		sum=$((sum + $(proc_ticks "$pid")))
	done
	echo "$sum"
}

pg_master() { head -n 1 "$STACK_DIR/pg/postmaster.pid"; }

# Busy ticks of the whole machine (/proc/stat: all but idle and iowait).
machine_ticks() {
	local _cpu user nice sys _idle _iowait irq soft steal _rest
	read -r _cpu user nice sys _idle _iowait irq soft steal _rest </proc/stat
	echo $((user + nice + sys + irq + soft + steal))
}

# "permitd postgres nginx loadgen machine wall": ticks, wall in ns. The load
# generator (wrk, pgbench) descends from this shell: its CPU is in the
# shell's cutime+cstime once it has ended.
cpu_snapshot() {
	echo "$(group_ticks "$PERMITD_PID") $(group_ticks "$(pg_master)")" \
	    "$(group_ticks "$NGINX_PID") $(proc_ticks $$) $(machine_ticks)" \
	    "$(date +%s%N)"
}

# Backends end after their clients; the postmaster reaps them (and so
# counts their CPU) soon after. Waits until it has, for at most 2 s.
pg_settle() { # BACKENDS_BEFORE
	local i
	for i in $(seq 40); do
		[ "$(pgrep -P "$(pg_master)" | wc -l)" -le "$1" ] && return 0
		sleep 0.05
	done
}

# Sets COST[LABEL]: "permitd_us postgres_us nginx_us other_cores" per
# request from two snapshots and the requests completed.
cost_record() { # LABEL BEFORE AFTER REQUESTS
	local label=$1
	[ -z "${BENCH_DEBUG:-}" ] || echo "cost $label: $2 -> $3, $4 requests" >&2
	COST[$label]=$(awk -v b="$2" -v a="$3" -v n="$4" -v hz="$HZ" '
		BEGIN {
			split(b, x); split(a, y)
			for (i = 1; i <= 6; i++) d[i] = y[i] - x[i]
			wall = d[6] / 1e9
			other = (d[5] - d[1] - d[2] - d[3] - d[4]) / hz / wall
			if (other < 0) other = 0
			if (n <= 0) { printf "- - - %.2f\n", other; exit }
			us = 1e6 / hz / n
			printf "%.1f %.1f %.1f %.2f\n", d[1] * us, d[2] * us, d[3] * us, other
		}')
}

# ---------------------------------------------------------------------------
# Stack and seeding

bench_config() { # LOG_LEVEL
	STACK_LOG_LEVEL=$1 stack_config_write
	stack_config_set "$STACK_CONFIG" <<EOF
# scripts/bench.sh: workers are never recycled mid-run, submits stay under
# the per-account bound and the rate limits (all from 127.0.0.1), seeding's
# Argon2id is cheap.
max_requests = 0
max_active_applications = 1000
limit_registrations = 1000000
limit_signin_failures = 1000000
limit_submissions = 1000000
# Bookings are measured from one address at rates no citizen reaches: the
# booking limit and the flag rules would otherwise refuse them.
limit_bookings = 1000000
flag_burst_count = 100000
flag_registrations_per_address = 100000
booking_days_ahead = 90
pwhash_opslimit = 1
pwhash_memlimit = 8192
session_idle_timeout = $IDLE_TIMEOUT
session_touch_interval = $TOUCH_INTERVAL
sandbox = $SANDBOX
EOF
	# The fairness runs: the default limits and flag rules, each client
	# named by its own loopback address (REMOTE_ADDR); the master's round
	# every second, so lapses reach the waiting list at once; a draw or none.
	if [ -n "${BENCH_FAIRNESS:-}" ]; then
		bench_default_limits
		printf 'session_sweep_interval = 1\ndraw_minutes = %s\n' "$BENCH_FAIRNESS"
	fi | stack_config_set "$STACK_CONFIG"
	# The broker's pass: the default limits, 127.0.0.1 naming the client.
	if [ -n "${BENCH_BROKER:-}" ]; then
		bench_default_limits
		printf 'client_addr_header = X-Forwarded-For\ntrusted_proxies = 127.0.0.1\n'
	fi | stack_config_set "$STACK_CONFIG"
}

# The limits, flag thresholds and booking horizon bench_config raises, at
# their defaults again.
bench_default_limits() {
	printf '%s\n' 'limit_registrations = 5' 'limit_submissions = 10' \
	    'limit_bookings = 20' 'flag_burst_count = 5' \
	    'flag_registrations_per_address = 3' 'booking_days_ahead = 30'
}

# The broker script (tests/bench/broker.bash) at the default limits: one
# account, 100 accounts from one address, 100 from 100 addresses, each
# trying BROKER_ATTEMPTS filings; then the same three each filing and
# booking, every application on one day of BROKER_CAPACITY places (its own
# day per scenario, capacity set in SQL). Prints each one's share; 1 when a
# limit did not hold.
run_broker() {
	local attempts=${BROKER_ATTEMPTS:-30} capacity=${BROKER_CAPACITY:-200} rc=0 s
	local -a scen=("one-account 1 1" "100-accounts-one-address 100 1"
	    "100-accounts-100-addresses 100 100")
	BROKER_URL=$URL BROKER_DIR=$STACK_DIR/broker BROKER_DSN=$(stack_dsn postgres)
	mkdir -p "$BROKER_DIR"
	# citizen.bash keeps its NIK counter under the test run's directory.
	PERMIT_TEST_DIR=$BROKER_DIR
	# shellcheck source=../tests/e2e/citizen.bash
	. "$ROOT/tests/e2e/citizen.bash"
	# shellcheck source=../tests/bench/broker.bash
	. "$ROOT/tests/bench/broker.bash"
	for s in "${scen[@]}"; do
		set -- $s
		BROKER_TARGET=submit broker_scenario "$1" "$2" "$3" "$attempts"
		broker_held "$2" "$3" 5 10 || rc=1
	done
	BROKER_TARGET=book
	for s in "${!scen[@]}"; do
		set -- ${scen[s]}
		broker_day "$(broker_weekday 25 $((s + 1)))" "$capacity"
		broker_scenario "book-$1" "$2" "$3" "$attempts"
		broker_held "$2" "$3" 5 20 || rc=1
		broker_day_held 20 || rc=1
	done
	BROKER_TARGET=submit
	if [ "$rc" = 0 ]; then
		echo "limits held: at most 5 accounts per address, 10 filings and 20 bookings per account, no day past its $capacity places"
	else
		echo "LIMITS DID NOT HOLD"
	fi
	return "$rc"
}

# permitd again with log level LEVEL; waits for its workers.
permitd_restart() { # LEVEL
	local i
	stack_permitd_stop || true
	bench_config "$1"
	rm -f "$STACK_SOCKET"
	stack_permitd_start
	for i in $(seq 100); do
		[ "$(pgrep -P "$PERMITD_PID" | wc -l)" -ge "$STACK_WORKERS" ] && return 0
		sleep 0.05
	done
	stack_die "permitd's workers did not start"
}

# Registers, signs in and submits one application for citizen N; prints
# `TOKEN CSRF APP_ID ACCOUNT_ID`. Its applicant is born 1 January 1960 with
# serial N (the runs' applicants are born later).
seed_one() { # N
	local n=$1 email cred out token csrf account app body serial
	email="bench$n@example.test"
	cred=$(printf '{"email":"%s","password":"correct horse battery"}' "$email")
	curl -fsS -o /dev/null -H 'Content-Type: application/json' \
	    --data "$cred" "$URL/api/v1/accounts" || return 1
	out=$(curl -fsS -D - -H 'Content-Type: application/json' \
	    --data "$cred" "$URL/api/v1/sessions") || return 1
	token=$(sed -n 's/^set-cookie: permit_session=\([^;]*\);.*/\1/Ip' <<<"$out")
	csrf=$(tail -n 1 <<<"$out" | jq -r .csrf_token)
	account=$(tail -n 1 <<<"$out" | jq -r .account.id)
	serial=$(printf '%04d' "$n")
	body='{"kind":"passport","office":"JKT-SEL","applicant":{'
	body+='"full_name":"Siti Rahayu Seed","nik":"317405010160'$serial'",'
	body+='"kk_number":"3174010112340000","npwp":"123456782'$serial'07",'
	body+='"birth_date":"1960-01-01","birth_place":"Bogor","sex":"M",'
	body+='"phone":"08120000'$serial'","address":"Jalan Kemang Raya No. 12",'
	body+='"mother_name":"Dewi Lestari"},"passport":{"type":"new"}}'
	app=$(curl -fsS -b "permit_session=$token" -H "X-CSRF-Token: $csrf" \
	    -H 'Content-Type: application/json' --data "$body" \
	    "$URL/api/v1/applications" | jq -r .application.id) || return 1
	[ -n "$token" ] && [ -n "$app" ] && [ "$app" != null ] || return 1
	printf '%s %s %s %s\n' "$token" "$csrf" "$app" "$account"
}

seed() {
	export URL
	export -f seed_one
	seq 1 "$CITIZENS" | xargs -P 4 -n 1 bash -c 'seed_one "$1"' _ >"$CITIZENS_FILE" ||
		stack_die "seeding failed (log: $STACK_DIR/log/permitd.log)"
	[ "$(wc -l <"$CITIZENS_FILE")" -eq "$CITIZENS" ] ||
		stack_die "seeded $(wc -l <"$CITIZENS_FILE") of $CITIZENS citizens"
}

# ---------------------------------------------------------------------------
# Runs

declare -A RPS P50 P99 ERRS NOTE COST FLIGHTS CODES SECS

# The value of KEY in a `BENCH key=value ...` line.
kv() { # LINE KEY
	sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"
}

ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }

# A measured wrk run of BENCH_SECONDS: records its figures under LABEL.
run_wrk() { # LABEL PATH [SCRIPT [SCRIPT ARGS...]]
	local label=$1 path=$2 script=${3:-report.lua} before after out line st
	shift 3 || shift $#
	before=$(cpu_snapshot)
	out=$(wrk -t"$THREADS" -c"${WRK_CONNS:-$CONNS}" -d"${SECONDS_}s" -s "$LUA/$script" \
	    "$URL$path" -- "$@" 2>&1) || true
	after=$(cpu_snapshot)
	line=$(grep '^BENCH ' <<<"$out" || true)
	if [ -z "$line" ]; then
		NOTE[$label]="wrk failed: $(tail -n 3 <<<"$out" | tr '\n' ' ')"
		return 0
	fi
	RPS[$label]=$(kv "$line" rps)
	P50[$label]=$(ms "$(kv "$line" p50_us)")
	P99[$label]=$(ms "$(kv "$line" p99_us)")
	ERRS[$label]=$(($(kv "$line" non2xx) + $(kv "$line" socket_errors)))
	st=$(kv "$line" statuses)
	[ -z "$st" ] || NOTE[$label]="statuses $st ($(tr ',' '\n' <<<"$st" |
	    awk -F: '{ n += $2; if ($1 ~ /^2/) ok += $2 }
		END { printf "%.1f %% 2xx", n ? 100 * ok / n : 0 }'))"
	CODES[$label]=$(kv "$line" codes)
	SECS[$label]=$(kv "$line" seconds)
	line=$(sed -n 's/^BENCH_SAMPLE //p' <<<"$out")
	[ -z "$line" ] || NOTE[$label]+="; first non-2xx: $line"
	cost_record "$label" "$before" "$after" "$(kv "$(grep '^BENCH ' <<<"$out")" requests)"
}

# An unmeasured wrk run (warm-up, the round-trip pass).
wrk_quiet() { # SECONDS CONNECTIONS PATH SCRIPT [ARGS...]
	local s=$1 c=$2 path=$3 script=$4
	shift 4
	wrk -t1 -c"$c" -d"${s}s" -s "$LUA/$script" "$URL$path" -- "$@" >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------------------
# pgbench

# `NAME NPARAMS SQL` for every statement permitd prepares, one a line (the
# SQL holds no newline), from db/stmt.c itself: compiled here, since the
# SQL is C string literals and macros.
stmt_dump() {
	local prog=$STACK_DIR/stmt-dump
	printf '%s\n' '#include <stdio.h>' '#include "db/stmt.h"' \
	    'int main(void) {' \
	    '	for (int i = 0; i < DB_STMT_COUNT; i++) {' \
	    '		const struct db_stmt_def *d = db_stmt_def((enum db_stmt)i);' \
	    '		printf("%s %d %s\n", d->name, d->nparams, d->sql);' \
	    '	}' \
	    '	return 0;' '}' >"$prog.c"
	"${CC:-cc}" -std=c11 -I"$ROOT" -o "$prog" "$prog.c" "$ROOT/db/stmt.c" && "$prog"
}

# pgbench reads :NAME as a variable even inside a string literal, and
# to_char formats hold HH24:MI:SS. `":"` in a format is a literal colon
# too, so the formats are rewritten to HH24":"MI":"SS, which formats alike.
pgb_escape_formats() {
	# \x27 is a single quote: to_char(ARG, 'FORMAT'), ARG free of parentheses.
	# shellcheck disable=SC2016
	perl -pe 's{(to_char\([^()\x27]*(?:\x27[^\x27]*\x27[^()\x27]*)*,\s*\x27)([^\x27]*)}
	    {my ($head, $format) = ($1, $2); $format =~ s/:(?=\w)/":"/g; $head . $format}gex'
}

# Writes the pgbench script to FILE: a once-per-client look-up of its
# session and application, then the transaction of BENCH_READ_TX. Returns
# non-zero (with a reason on stderr) when the statements do not fit.
pgb_script() { # FILE
	local file=$1 stmts entry name params extra sql want i vars
	stmts=$(stmt_dump) || { echo "could not read db/stmt.c" >&2; return 1; }
	{
		echo "-- Generated by scripts/bench.sh from BENCH_READ_TX and db/sql/*.def."
		echo "-- Each client takes one seeded session and its application."
		echo '\if :bench_ready = 0'
		echo 'SELECT s.hash, s.app FROM (VALUES'
		awk 'NR > 1 { printf ",\n" } { printf "\t(%d, '\''\\x%s'\'', '\''%s'\'')", NR - 1, $2, $1 }
		    END { printf "\n" }' "$STACK_DIR/pgb-sessions.txt"
		echo ") AS s (n, hash, app) WHERE s.n = :client_id % $(wc -l <"$STACK_DIR/pgb-sessions.txt") \gset"
		echo '\set bench_ready 1'
		echo '\endif'
		echo 'BEGIN READ ONLY;'
	} >"$file"
	vars=" hash app touch "
	for entry in "${BENCH_READ_TX[@]}"; do
		read -r name extra <<<"$entry"
		params=()
		while [[ $extra == :* ]]; do
			params+=("${extra%% *}")
			extra=${extra#"${params[-1]}"}
			extra=${extra# }
		done
		sql=$(grep -m 1 "^$name " <<<"$stmts") ||
			{ echo "no statement $name in db/sql/*.def" >&2; return 1; }
		sql=${sql#"$name "}
		want=${sql%% *}
		sql=${sql#* }
		[ "$want" -eq "${#params[@]}" ] ||
			{ echo "$name takes $want parameters, BENCH_READ_TX gives ${#params[@]}" >&2; return 1; }
		for ((i = ${#params[@]}; i >= 1; i--)); do
			sql=${sql//\$$i/${params[i - 1]}}
			vars+="${params[i - 1]#:} "
		done
		printf '%s %s\n' "$(pgb_escape_formats <<<"$sql")" "$extra" >>"$file"
		# Columns a \gset without prefix turns into variables.
		if [ "$extra" = '\gset' ]; then
			vars+=$(sed -n 's/^SELECT \(.*\) FROM .*/\1/p' <<<"$sql" | tr -d ' ' | tr ',' ' ')" "
		fi
	done
	echo 'COMMIT;' >>"$file"
	# Any :NAME left over that is not one of ours would become a parameter.
	for i in $(grep -v '^--' "$file" | grep -oE '(^|[^:]):[A-Za-z_][A-Za-z0-9_]*' |
	    sed 's/.*://' | sort -u); do
		[[ $vars == *" $i "* || $i == client_id || $i == bench_ready ]] ||
			{ echo "the statements hold :$i, which pgbench would take for a variable" >&2; return 1; }
	done
}

pgb_sessions() {
	# Each seeded citizen signed in once: its session, and its first application.
	psql -X -q -tA -F ' ' -v ON_ERROR_STOP=1 "$(stack_dsn postgres)" -c "
	    SELECT DISTINCT ON (s.account_id) a.id, encode(s.token_hash, 'hex')
	    FROM sessions s JOIN applications a ON a.account_id = s.account_id
	    ORDER BY s.account_id, a.created_at" >"$STACK_DIR/pgb-sessions.txt"
	[ -s "$STACK_DIR/pgb-sessions.txt" ]
}

# How pgbench's clients map onto the seeded sessions.
pgb_sharing() {
	if [ "$CITIZENS" -ge "$CONNS" ]; then
		echo "one seeded session per client"
	else
		echo "$CONNS clients share $CITIZENS seeded sessions"
	fi
}

PGB_ARGS=()
pgb_prepare() {
	local script=$STACK_DIR/read.pgbench out why
	if ! pgb_sessions || ! why=$(pgb_script "$script" 2>&1); then
		NOTE[pgbench]="not run: ${why:-no seeded sessions}"
		return 1
	fi
	[ -z "${BENCH_DEBUG:-}" ] || cat "$script" >&2
	PGB_ARGS=(-n -M prepared -f "$script" -D bench_ready=0 -D "touch=$TOUCH_INTERVAL")
	# One transaction first: \gset fails it unless each statement gives a row.
	if ! out=$(pgbench "${PGB_ARGS[@]}" -c 1 -t 1 "$(stack_dsn permit_app)" 2>&1) ||
	    ! grep -q 'actually processed: 1/1' <<<"$out"; then
		NOTE[pgbench]="not run: $(grep -m 2 -i 'error' <<<"$out" | tr '\n' ' ')"
		return 1
	fi
}

# pgbench for BENCH_SECONDS with BENCH_CONNECTIONS clients.
run_pgbench() {
	local before after out n failed aborted backends
	pgb_prepare || return 0
	backends=$(pgrep -P "$(pg_master)" | wc -l)
	before=$(cpu_snapshot)
	out=$(pgbench "${PGB_ARGS[@]}" -c "$CONNS" -j "$THREADS" -T "$SECONDS_" \
	    -l --log-prefix="$STACK_DIR/pgb" "$(stack_dsn permit_app)" 2>&1) || true
	pg_settle "$backends"
	after=$(cpu_snapshot)
	n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out")
	failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
	aborted=$(grep -c 'aborted in command' <<<"$out" || true)
	if [ -z "$n" ]; then
		NOTE[pgbench]="failed: $(tail -n 3 <<<"$out" | tr '\n' ' ')"
		return 0
	fi
	RPS[pgbench]=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out" |
	    awk '{ printf "%.1f", $1 }')
	read -r "P50[pgbench]" "P99[pgbench]" < <(cat "$STACK_DIR"/pgb.* | awk '{ print $3 }' |
	    sort -n | awk '{ v[NR] = $1 }
		function at(p,  i) { i = int(p * NR); if (i < p * NR) i++; return i < 1 ? v[1] : v[i] }
		END { if (NR == 0) print "- -"; else printf "%.2f %.2f\n", at(0.5) / 1000, at(0.99) / 1000 }')
	ERRS[pgbench]=$((${failed:-0} + aborted))
	[ "$aborted" -eq 0 ] || NOTE[pgbench]="$aborted clients aborted: $(grep -m 1 'aborted' <<<"$out")"
	cost_record pgbench "$before" "$after" "$n"
	FLIGHTS[pgbench]="$((2 + ${#BENCH_READ_TX[@]})).00"
}

# ---------------------------------------------------------------------------
# Round trips: a short pass of each route at log_level=info.

# Mean flights=N per route of the access log lines after byte OFFSET.
flights_read() { # OFFSET
	tail -c +"$(($1 + 1))" "$STACK_DIR/log/permitd.log" |
	    sed -nE 's/.* ([A-Z]+) (\/[^ ]*) 2[0-9][0-9] [0-9.]+ms flights=([0-9]+)( argon2=[0-9]+)?( rid=[0-9a-f]+)?$/\1 \2 \3/p' |
	    awk '{ if ($2 ~ /\/[0-9a-f]+-[0-9a-f-]+$/) sub(/\/[^\/]+$/, "/{id}", $2)
		n[$1 " " $2]++; s[$1 " " $2] += $3 }
		END { for (k in n) printf "%s %.2f\n", k, s[k] / n[k] }'
}

flights_pass() {
	local offset out
	offset=$(stat -c %s "$STACK_DIR/log/permitd.log")
	wrk_quiet "$FLIGHT_SECONDS" 2 /api/v1/health report.lua
	wrk_quiet "$FLIGHT_SECONDS" 2 /api/v1/applications read.lua "$CITIZENS_FILE" 1
	wrk_quiet "$FLIGHT_SECONDS" 2 /api/v1/applications submit.lua "$CITIZENS_FILE" 1 1985
	sleep 0.2   # a worker logs after it answers
	out=$(flights_read "$offset")
	FLIGHTS[health]=$(sed -n 's|^GET /api/v1/health ||p' <<<"$out")
	FLIGHTS[read]=$(sed -n 's|^GET /api/v1/applications/{id} ||p' <<<"$out")
	FLIGHTS[submit]=$(sed -n 's|^POST /api/v1/applications ||p' <<<"$out")
	FLIGHTS[static]=0.00
}

# ---------------------------------------------------------------------------
# Report

worker_rss() { # -> "max_mib mean_mib count"
	local pid
	for pid in $(pgrep -P "$PERMITD_PID"); do
		sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status"
	done | awk '{ s += $1; if ($1 > m) m = $1 }
		END { if (NR) printf "%.1f %.1f %d\n", m / 1024, s / NR / 1024, NR; else print "- - 0" }'
}

conditions() {
	local commit pgv
	commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
	[ -z "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ] || commit+=" (with local changes)"
	pgv=$(psql -X -tA "$(stack_dsn postgres)" -c "SELECT current_setting('server_version') || ', fsync ' || current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit') || ', shared_buffers ' || current_setting('shared_buffers')")
	printf '%-12s %s\n' \
	    date "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" \
	    commit "$commit" \
	    cores "$(nproc) (load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs)" \
	    permitd "release build, $STACK_WORKERS workers, max_requests 0, sandbox $SANDBOX, log_level warn (info in the round-trip pass)" \
	    "" "bench config: max_active_applications 1000; Argon2id lowered to opslimit 1, memlimit 8 KiB (seeding)" \
	    "" "bench config: limit_registrations, limit_signin_failures, limit_submissions, limit_bookings 1000000; flag_burst_count, flag_registrations_per_address 100000; booking_days_ahead 90 (all from 127.0.0.1; the broker pass restores the defaults)" \
	    nginx "$(sed -n 's/^worker_processes \([0-9]*\);/\1/p' "$STACK_NGINX/nginx.conf") worker processes, access log on" \
	    PostgreSQL "$pgv" \
	    wrk "$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f2): $THREADS threads, $CONNS connections, ${SECONDS_} s per route" \
	    pgbench "$CONNS clients, $THREADS threads, ${SECONDS_} s, -M prepared, as permit_app, $(pgb_sharing)" \
	    seeded "$CITIZENS citizens (one session, one passport application each)" \
	    "round trips" "a ${FLIGHT_SECONDS} s pass per route, 2 connections, log_level info"
}

LABELS=(static health read submit pgbench)
declare -A TITLE=(
	[static]="static /index.html"
	[health]="GET /api/v1/health"
	[read]="GET /api/v1/applications/{id}"
	[submit]="POST /api/v1/applications"
	[pgbench]="pgbench: the read's SQL (TPS)"
	[book_hot]="bookings, one hot day"
	[book_30]="bookings, 30 days at once"
)

# CELL padded to WIDTH characters (not bytes: µ, ≤ and ≥ are wider in
# UTF-8), on the left when WIDTH is negative. Several CELL WIDTH pairs make
# a row.
row() { # CELL WIDTH [CELL WIDTH ...]
	local LC_ALL=C.UTF-8 out="" cell w pad
	while [ $# -ge 2 ]; do
		cell=$1 w=$2
		shift 2
		pad=$(( (w < 0 ? -w : w) - ${#cell} ))
		((pad > 0)) || pad=0
		if ((w < 0)); then
			out+="$cell$(printf '%*s' "$pad" '') "
		else
			out+="$(printf '%*s' "$pad" '')$cell "
		fi
	done
	out="${out%"${out##*[! ]}"}"
	printf '%s\n' "$out"
}

report_runs() {
	local l c
	echo
	echo "== throughput and latency ($CONNS connections, ${SECONDS_} s each; times in ms)"
	row "" -34 requests/s 12 p50 8 p99 8 errors 8
	for l in "${LABELS[@]}"; do
		row "${TITLE[$l]}" -34 "${RPS[$l]:--}" 12 "${P50[$l]:--}" 8 \
		    "${P99[$l]:--}" 8 "${ERRS[$l]:--}" 8
	done
	echo
	echo "== cost per request (CPU µs per request; other load: cores busy with anything else)"
	row "" -34 permitd 9 PostgreSQL 11 nginx 7 "round trips" 12 "other load" 11
	for l in "${LABELS[@]}"; do
		read -r -a c <<<"${COST[$l]:-- - - -}"
		[ "$l" != pgbench ] || c[0]=- c[2]=-
		[ "$l" != static ] || c[0]=- c[1]=-
		row "${TITLE[$l]}" -34 "${c[0]}" 9 "${c[1]}" 11 "${c[2]}" 7 \
		    "${FLIGHTS[$l]:--}" 12 "${c[3]}" 11
	done
	for l in "${LABELS[@]}"; do
		[ -z "${NOTE[$l]:-}" ] || printf '%s: %s\n' "${TITLE[$l]}" "${NOTE[$l]}"
	done
}

# met / not met / n/a for FIGURE OP LIMIT (OP: le or ge).
verdict() { # FIGURE OP LIMIT
	awk -v f="$1" -v op="$2" -v t="$3" 'BEGIN {
		if (f == "" || f == "-") { print "n/a"; exit }
		ok = op == "le" ? f + 0 <= t + 0 : f + 0 >= t + 0
		print ok ? "met" : "not met" }'
}

target_row() { # WHAT FIGURE TARGET VERDICT
	row "$1" -44 "$2" 24 "$3" 10 "$4" -7
}

# "VALUE UNIT", or "-" when VALUE was not measured.
unit() { # VALUE UNIT
	case $1 in "" | -) echo - ;; *) echo "$1 $2" ;; esac
}

report_targets() {
	local ratio rss pg_read pg_tx l v at=""
	[ "$CONNS" -eq 32 ] || at=" ($CONNS conns)"
	read -r -a rss <<<"$(worker_rss)"
	echo
	echo "== worker RSS: max ${rss[0]} MiB, mean ${rss[1]} MiB over ${rss[2]} workers (after the runs)"
	echo
	echo "== targets (ratios and per-request costs, as the machine is shared)"
	target_row "" figure target ""
	ratio=$(awk -v r="${RPS[read]:-}" -v p="${RPS[pgbench]:-}" 'BEGIN {
		if (r == "" || p == "" || p + 0 == 0) print "-"; else printf "%.1f", 100 * r / p }')
	target_row "owner-bound read / pgbench TPS" "$(unit "$ratio" %)" "≥ 65 %" "$(verdict "$ratio" ge 65)"
	v=$(cut -d' ' -f1 <<<"${COST[read]:--}")
	target_row "permitd CPU per read" "$(unit "$v" µs)" "≤ 50 µs" "$(verdict "$v" le 50)"
	v=$(cut -d' ' -f1 <<<"${COST[health]:--}")
	target_row "permitd CPU per health" "$(unit "$v" µs)" "≤ 20 µs" "$(verdict "$v" le 20)"
	pg_read=$(cut -d' ' -f2 <<<"${COST[read]:--}")
	pg_tx=$(cut -d' ' -f2 <<<"${COST[pgbench]:--}")
	v=$(awk -v r="$pg_read" -v t="$pg_tx" 'BEGIN {
		if (r == "-" || t == "-" || r == "" || t == "" || t + 0 == 0) print "-"
		else printf "%.2f", r / t }')
	target_row "PostgreSQL CPU per read / per pgbench tx" "$(unit "$v" "($pg_read / $pg_tx µs)")" "≤ 1" \
	    "$(verdict "$v" le 1)"
	target_row "permitd worker RSS (max)" "$(unit "${rss[0]}" MiB)" "≤ 10 MiB" "$(verdict "${rss[0]}" le 10)"
	for l in read health submit; do
		target_row "p99 ${TITLE[$l]}$at" "$(unit "${P99[$l]:--}" ms)" "≤ 5 ms" "$(verdict "${P99[$l]:--}" le 5)"
	done
	echo "(p99 ≤ 5 ms is stated at 32 connections on an otherwise idle machine: see other load)"
}

# ---------------------------------------------------------------------------
# Bookings: the booking path on one hot day and on 30 days at once, and the
# lapse sweep.

BOOK_CONNS=${BENCH_BOOK_CONNECTIONS:-500}
BOOK_CAPACITY=100000          # each measured day's capacity, set in SQL
BOOK_POOL=$STACK_DIR/pool.txt
BOOK_POOL_NEED=$((3000 * SECONDS_))   # applications a run may book
BOOK_YEAR=1990                # birth years of the pool's top-up submits
SWEEP_HOLDS=${BENCH_SWEEP_HOLDS:-100000}
SWEEP_BATCH=20000             # the config's lapse_sweep_batch default
BOOK_OFFICE=JKT-SEL           # the seeded applications' office
declare -A BOOKED OVER QUOTA

su_psql() {
	psql -X -q -tA -v ON_ERROR_STOP=1 "$(stack_dsn postgres)" "$@"
}

# BENCH_PROFILE: pg_stat_statements loaded (a restart), statements inside
# functions tracked too.
profile_setup() {
	su_psql -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" \
	    -c "ALTER SYSTEM SET track_functions = 'pl'"
	"$ROOT/scripts/pg.sh" stop "$STACK_DIR" >/dev/null
	"$ROOT/scripts/pg.sh" start "$STACK_DIR" >/dev/null
	su_psql -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" \
	    -c "ALTER SYSTEM SET pg_stat_statements.track = 'all'" \
	    -c "SELECT pg_reload_conf()" >/dev/null
}

profile_reset() {
	[ -z "${BENCH_PROFILE:-}" ] ||
	    su_psql -c "SELECT pg_stat_statements_reset(), pg_stat_reset()" >/dev/null
}

# BENCH_PROFILE: the 20 statements that took the most of PostgreSQL's time
# since profile_reset (nested ones counted within their callers too), and
# the functions' own time.
profile_report() { # LABEL
	[ -n "${BENCH_PROFILE:-}" ] || return 0
	echo "-- profile of $1: statements by total time (ms; calls; ms per call; rows; top-level)"
	su_psql -F ' | ' -c "SELECT round(total_exec_time::numeric, 0), calls,
	    round((total_exec_time / nullif(calls, 0))::numeric, 3), rows, toplevel,
	    left(regexp_replace(query, '\s+', ' ', 'g'), 110)
	    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 20"
	echo "-- tables: updates, of which HOT (no index touched), dead rows"
	su_psql -F ' | ' -c "SELECT relname, n_tup_upd, n_tup_hot_upd, n_dead_tup
	    FROM pg_stat_user_tables WHERE relname IN ('office_days', 'bookings',
	    'applications', 'rate_limits') ORDER BY relname"
	echo "-- functions: calls, total ms, self ms"
	su_psql -F ' | ' -c "SELECT funcname, calls, round(total_time::numeric, 0),
	    round(self_time::numeric, 0) FROM pg_stat_user_functions
	    ORDER BY total_time DESC LIMIT 12"
}

# N weekdays of the office (its time zone), from AHEAD days after its today,
# comma-separated.
weekdays() { # AHEAD N
	local n=$1 left=$2 d out=""
	while [ "$left" -gt 0 ]; do
		d=$(TZ=Asia/Jakarta date -d "+$n days" +%F)
		if [ "$(date -d "$d" +%u)" -le 5 ]; then
			out+="${out:+,}$d"
			left=$((left - 1))
		fi
		n=$((n + 1))
	done
	echo "$out"
}

# The pool book.lua reads: every seeded citizen's passport application
# still submitted and not booked, `TOKEN CSRF APP_ID`, in random order; BOOK_POOL_N its
# size.
book_pool() {
	su_psql -F ' ' -c "SELECT account_id, id FROM applications a
	    WHERE kind = 'passport' AND status = 'submitted' AND office = '$BOOK_OFFICE'
	        AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.application_id = a.id
	            AND b.state IN ('held', 'confirmed'))
	    ORDER BY random()" |
	    awk 'NR == FNR { c[$4] = $1 " " $2; next } ($1 in c) { print c[$1], $2 }' \
	    "$CITIZENS_FILE" - >"$BOOK_POOL"
	BOOK_POOL_N=$(wc -l <"$BOOK_POOL")
}

# The pool topped up to BOOK_POOL_NEED with unmeasured submits.
book_pool_fill() {
	local i
	for i in $(seq 30); do
		book_pool
		[ "$BOOK_POOL_N" -lt "$BOOK_POOL_NEED" ] || return 0
		BOOK_YEAR=$((BOOK_YEAR + 1))
		wrk_quiet 5 "$CONNS" /api/v1/applications submit.lua "$CITIZENS_FILE" 1 "$BOOK_YEAR"
	done
}

# A measured booking run over the days DATES (comma-separated), each of
# capacity BOOK_CAPACITY: bookings/s (201s per second), quota_exhausted,
# and over-bookings (the days' taken count less their live bookings, plus
# any day past its capacity).
run_book() { # LABEL DATES
	local label=$1 dates=$2 arr taken live over n201 offset logged
	arr="ARRAY['${dates//,/\',\'}']::date[]"
	su_psql -c "INSERT INTO office_days (office, day, capacity)
	    SELECT '$BOOK_OFFICE', d, $BOOK_CAPACITY FROM unnest($arr) d
	    ON CONFLICT (office, day) DO UPDATE SET capacity = EXCLUDED.capacity"
	book_pool_fill
	offset=$(stat -c %s "$STACK_DIR/log/permitd.log")
	profile_reset
	WRK_CONNS=$BOOK_CONNS run_wrk "$label" /api/v1/applications book.lua \
	    "$BOOK_POOL" "$THREADS" "$dates"
	profile_report "$label"
	IFS='|' read -r taken live over < <(su_psql -c "
	    SELECT (SELECT coalesce(sum(booked), 0) FROM office_days
	            WHERE office = '$BOOK_OFFICE' AND day = ANY ($arr)),
	        (SELECT count(*) FROM bookings WHERE office = '$BOOK_OFFICE'
	            AND day = ANY ($arr) AND state IN ('held', 'confirmed')),
	        (SELECT count(*) FROM office_days WHERE office = '$BOOK_OFFICE'
	            AND day = ANY ($arr) AND booked > capacity)")
	n201=$(sed -n 's/.*statuses \([^ ]*\).*/\1/p' <<<"${NOTE[$label]:-}" |
	    tr ',' '\n' | sed -n 's/^201://p')
	BOOKED[$label]=$(awk -v n="${n201:-0}" -v s="${SECS[$label]:-0}" \
	    'BEGIN { if (s + 0 > 0) printf "%.1f", n / s; else print "-" }')
	QUOTA[$label]=$(tr ',' '\n' <<<"${CODES[$label]:-}" | sed -n 's/^quota_exhausted://p')
	QUOTA[$label]=${QUOTA[$label]:-0}
	OVER[$label]=$((taken - live + over))
	[ "$live" = "${n201:-0}" ] ||
	    NOTE[$label]+="; $live live bookings, ${n201:-0} 201s counted (wrk stops with up to $BOOK_CONNS requests in flight)"
	logged=$(tail -c +"$((offset + 1))" "$STACK_DIR/log/permitd.log" | grep -v ' flights=' |
	    sed 's/^[^ ]* [^ ]* //' | sort | uniq -c | sort -rn | head -n 3 | tr -s ' ' | tr '\n' ';' || true)
	[ -z "$logged" ] || NOTE[$label]+="; permitd logged (count, line): $logged"
	NOTE[$label]+="; taken $taken, live bookings $live, pool $BOOK_POOL_N applications"
}

# The sweep over SWEEP_HOLDS held bookings past pay_by, inserted in SQL as
# the superuser (copies of one seeded application, each with a blind index
# of its own, on 50 days far ahead whose taken counts include them), then
# permit_bookings_sweep(SWEEP_BATCH) run directly until it finds none, each
# call its own transaction as the master runs it. permitd is stopped first:
# its master's own sweep would take them.
SWEEP_MS=- SWEEP_ROWS=- SWEEP_CALLS=-
run_sweep() {
	local out lapses_before lapses_after left calls
	stack_permitd_stop || true
	su_psql -c "BEGIN;
	    CREATE TEMP TABLE sweep_apps ON COMMIT DROP AS
	    SELECT r AS app, DATE '2031-01-06' + i % 50 AS day FROM applications t
	    CROSS JOIN generate_series(1, $SWEEP_HOLDS) i
	    CROSS JOIN LATERAL jsonb_populate_record(t, jsonb_build_object(
	        'id', gen_random_uuid(), 'status', 'submitted',
	        'nik_bidx', '\\x' || encode(sha256(('sweep' || i)::bytea), 'hex'),
	        'created_at', now(), 'updated_at', now())) r
	    WHERE t.id = (SELECT id FROM applications WHERE kind = 'passport'
	        AND office = '$BOOK_OFFICE' ORDER BY created_at LIMIT 1);
	    INSERT INTO applications SELECT (app).* FROM sweep_apps;
	    INSERT INTO office_days (office, day, capacity, booked)
	    SELECT (app).office, day, $SWEEP_HOLDS, count(*) FROM sweep_apps GROUP BY 1, 2
	    ON CONFLICT (office, day) DO UPDATE SET booked = office_days.booked + EXCLUDED.booked,
	        capacity = EXCLUDED.capacity;
	    INSERT INTO bookings (application_id, account_id, office, day,
	        billing_code, amount, pay_by, created_at)
	    SELECT (app).id, (app).account_id, (app).office, day, upper(md5((app).id::text)),
	        350000, now() - interval '1 minute', now() - interval '121 minutes'
	    FROM sweep_apps;
	    COMMIT;" -c "VACUUM ANALYZE bookings, applications, office_days" \
	    >"$STACK_DIR/sweep-insert.log" 2>&1 ||
	    { NOTE[sweep]="not run: the holds could not be inserted: $(head -c 300 "$STACK_DIR/sweep-insert.log")"; return 0; }
	lapses_before=$(su_psql -c "SELECT count(*) FROM bookings WHERE state = 'lapsed'")
	calls=$((SWEEP_HOLDS / SWEEP_BATCH + 1))
	# One session, \timing per call: the calls' own time, no connecting.
	out=$( { echo '\timing on'
		for _ in $(seq "$calls"); do echo "SELECT permit_bookings_sweep($SWEEP_BATCH);"; done
	    } | su_psql 2>&1) || { NOTE[sweep]="failed: $(tail -n 2 <<<"$out" | tr '\n' ' ')"; return 0; }
	SWEEP_MS=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | awk '{ s += $1 } END { printf "%.0f", s }')
	SWEEP_ROWS=$(awk '/^[0-9]+$/ { s += $1 } END { print s + 0 }' <<<"$out")
	SWEEP_CALLS=$calls
	lapses_after=$(su_psql -c "SELECT count(*) FROM bookings WHERE state = 'lapsed'")
	left=$(su_psql -c "SELECT count(*) FROM bookings WHERE state = 'held' AND pay_by <= now()")
	[ "$((lapses_after - lapses_before))" = "$SWEEP_ROWS" ] && [ "$left" = 0 ] ||
	    NOTE[sweep]="swept $SWEEP_ROWS, lapses recorded $((lapses_after - lapses_before)), $left still held past pay_by"
}

report_bookings() {
	local l rps secs
	echo
	echo "== bookings ($BOOK_CONNS connections, ${SECONDS_} s each; times in ms)"
	echo "conditions: each day's capacity $BOOK_CAPACITY (set in SQL), so the day never fills and the"
	echo "  measure is the booking path; every request books a different seeded citizen's submitted"
	echo "  passport application (book.lua over a pool of up to $BOOK_POOL_NEED, topped up by unmeasured"
	echo "  submits); rate limits and flag rules raised (limit_bookings, limit_submissions 1000000,"
	echo "  flag_burst_count, flag_registrations_per_address 100000) so that they do not shape the figure"
	row "" -28 bookings/s 11 requests/s 11 p50 8 p99 8 quota_exh 10 other_non2xx 12 over-booked 12
	for l in book_hot book_30; do
		row "${TITLE[$l]}" -28 "${BOOKED[$l]:--}" 11 "${RPS[$l]:--}" 11 "${P50[$l]:--}" 8 \
		    "${P99[$l]:--}" 8 "${QUOTA[$l]:--}" 10 \
		    "$(( ${ERRS[$l]:-0} - ${QUOTA[$l]:-0} ))" 12 "${OVER[$l]:--}" 12
	done
	for l in book_hot book_30; do
		[ -z "${NOTE[$l]:-}" ] || printf '%s: %s\n' "${TITLE[$l]}" "${NOTE[$l]}"
		[ -z "${COST[$l]:-}" ] || printf '%s: CPU µs per request: permitd %s, PostgreSQL %s, nginx %s; other load %s cores\n' \
		    "${TITLE[$l]}" ${COST[$l]}
	done
	echo
	secs=$(awk -v m="$SWEEP_MS" 'BEGIN { if (m == "-") print "-"; else printf "%.2f", m / 1000 }')
	rps=$(awk -v m="$SWEEP_MS" -v n="$SWEEP_ROWS" 'BEGIN { if (m == "-" || m + 0 == 0) print "-"; else printf "%.0f", n / (m / 1000) }')
	echo "== lapse sweep: $SWEEP_ROWS of $SWEEP_HOLDS held bookings past pay_by settled in $secs s ($rps rows/s);"
	echo "   permit_bookings_sweep($SWEEP_BATCH) called $SWEEP_CALLS times in one psql session as the superuser, permitd stopped"
	[ -z "${NOTE[sweep]:-}" ] || echo "lapse sweep: ${NOTE[sweep]}"
	echo
	echo "== booking targets"
	target_row "" figure target ""
	target_row "bookings/s, one hot day ($BOOK_CONNS conns)" "$(unit "${BOOKED[book_hot]:--}" /s)" "≥ 1500/s" \
	    "$(verdict "${BOOKED[book_hot]:--}" ge 1500)"
	for l in book_hot book_30; do
		target_row "over-bookings, ${TITLE[$l]}" "${OVER[$l]:--}" "0" "$(verdict "${OVER[$l]:--}" le 0)"
	done
	target_row "sweep of $SWEEP_HOLDS lapsed holds" "$(unit "$secs" s)" "≤ 2 s" "$(verdict "$secs" le 2)"
}

# ---------------------------------------------------------------------------
# The opening draw's fairness: tests/bench/fairness.mjs (its header says
# how people and the broker behave) run four times, a broker that pays for
# nothing and one that pays for FAIR_PAYS of its holds, each against a day
# that opens first-come and one that opens with a draw. Each run has a day
# of its own at FAIR_OFFICE and addresses and NIKs of its own. The hold is
# shortened to FAIR_HOLD_S seconds by a trigger on this cluster's bookings
# of FAIR_OFFICE, and the draw window to FAIR_WINDOW_S in SQL: the
# simulation plays many holds' worth of lapses in two minutes.

FAIR_OFFICE=SBY
FAIR_CAPACITY=${BENCH_FAIR_CAPACITY:-200}
FAIR_GENUINE=${BENCH_FAIR_GENUINE:-200}
FAIR_BROKER=${BENCH_FAIR_BROKER:-1000}
FAIR_PAYS=0.1
FAIR_HOLD_S=4
FAIR_WINDOW_S=20
FAIR_END_S=${BENCH_FAIR_END_S:-240}
FAIR_POLL_MS=1000
FAIR_SPEEDUP=100
declare -A FAIR

fair_short_holds() {
	su_psql -c "CREATE FUNCTION bench_short_hold() RETURNS trigger
	    LANGUAGE plpgsql AS \$\$ BEGIN
	        NEW.pay_by := now() + make_interval(secs => $FAIR_HOLD_S);
	        RETURN NEW; END \$\$" \
	    -c "CREATE TRIGGER bench_short_hold BEFORE INSERT ON bookings
	        FOR EACH ROW WHEN (NEW.office = '$FAIR_OFFICE')
	        EXECUTE FUNCTION bench_short_hold()" >/dev/null
}

# One run: LABEL, draw or first-come, the share the broker pays for, the
# day, the run's number (addresses and NIKs of its own).
run_fairness() { # LABEL MODE PAYS DAY N
	local out
	BENCH_FAIRNESS=$([ "$2" = draw ] && echo 30 || echo 0) permitd_restart warn
	out=$(FAIR_URL=$URL FAIR_DSN=$(stack_dsn postgres) FAIR_OFFICE=$FAIR_OFFICE \
	    FAIR_DAY=$4 FAIR_CAPACITY=$FAIR_CAPACITY FAIR_MODE=$2 \
	    FAIR_GENUINE=$FAIR_GENUINE FAIR_BROKER=$FAIR_BROKER FAIR_PAYS=$3 \
	    FAIR_NET=$((20 + 2 * $5)) FAIR_SERIES=$((10 + $5)) \
	    FAIR_WINDOW_S=$FAIR_WINDOW_S FAIR_HOLD_S=$FAIR_HOLD_S FAIR_END_S=$FAIR_END_S \
	    FAIR_POLL_MS=$FAIR_POLL_MS FAIR_SPEEDUP=$FAIR_SPEEDUP \
	    FAIR_PAY_KEY=$("$PERMITCTL" -c "$STACK_CONFIG" keys payment-key) \
	    FAIR_FEE=350000 node "$LUA/fairness.mjs" 2>&1) || true
	FAIR[$1]=$(sed -n 's/^FAIR //p' <<<"$out")
	[ -n "${FAIR[$1]}" ] || FAIR[$1]="failed: $(tail -n 3 <<<"$out" | tr '\n' ' ')"
	echo "$1: ${FAIR[$1]}"
}

# The figure KEY of run LABEL.
fair() { kv " ${FAIR[$1]:-}" "$2"; }

report_fairness() {
	local l pays mode s
	echo
	echo "== the opening draw's fairness: $FAIR_GENUINE citizens and a broker with $FAIR_BROKER accounts"
	echo "   on as many addresses race for one day of $FAIR_CAPACITY places"
	echo "conditions: default limits and flag rules; holds of $FAIR_HOLD_S s, a draw window of $FAIR_WINDOW_S s"
	echo "  (both shortened in SQL), the master's round every second; people look every ~$FAIR_POLL_MS ms"
	echo "  and arrive in the first $((FAIR_WINDOW_S / 2)) s; the broker's script ${FAIR_SPEEDUP}× as often. A race is settled"
	echo "  when every citizen's place or every place of the day is confirmed (at most $FAIR_END_S s); fair"
	echo "  share: citizens / (citizens + places the broker paid for); unused: places not confirmed at the"
	echo "  end while a citizen has none"
	row broker -14 opening -11 "citizens confirmed" 19 "fair share" 11 "broker paid" 12 \
	    "unused, citizen waiting" 24 "citizens rate-limited" 22 "broker requests" 16 "settled at" 11
	for l in nopay_fc nopay_draw pay_fc pay_draw; do
		case $l in nopay*) pays="pays nothing" ;; *) pays="pays 10 %" ;; esac
		case $l in *draw) mode=draw ;; *) mode=first-come ;; esac
		if [[ ${FAIR[$l]:-} != *genuine_confirmed=* ]]; then
			echo "$pays, $mode: ${FAIR[$l]:-not run}"
			continue
		fi
		s=$(fair "$l" settled_s)
		row "$pays" -14 "$mode" -11 \
		    "$(fair "$l" genuine_confirmed) ($(fair "$l" genuine_share) %)" 19 \
		    "$(fair "$l" fair_share) %" 11 "$(fair "$l" broker_confirmed)" 12 \
		    "$(fair "$l" unused_while_waiting)" 24 "$(fair "$l" genuine_rate_limited)" 22 \
		    "$(fair "$l" broker_requests)" 16 "$([ "$s" = - ] && echo never || echo "$s s")" 11
	done
	echo
	echo "== fairness targets (the draw)"
	target_row "" figure target ""
	s=$(fair nopay_draw genuine_share)
	target_row "citizens' share, broker paying nothing" "$(unit "$s" %)" "≥ 95 %" "$(verdict "$s" ge 95)"
	s=$(fair nopay_draw unused_while_waiting)
	target_row "places unused while a citizen waits" "${s:--}" "0" "$(verdict "${s:--}" le 0)"
	s=$(awk -v g="$(fair pay_draw genuine_share)" -v f="$(fair pay_draw fair_share)" \
	    'BEGIN { if (g == "" || f == "") print "-"; else printf "%.1f", (f > g ? f - g : g - f) }')
	target_row "citizens' share vs fair share, paying broker" "$(unit "$s" points)" "≤ 5 points" "$(verdict "$s" le 5)"
	# The nearest any opening can come: with every place used, citizens
	# hold capacity − P (README, "Benchmarks").
	awk -v p="$(fair pay_draw broker_confirmed)" -v c="$FAIR_CAPACITY" -v g="$FAIR_GENUINE" \
	    'BEGIN { if (p != "") printf "  (the broker paid for %d: with every place used no order of entries brings citizens nearer than %.1f points)\n", p, 100 * (g / (g + p) - (c - p) / c) }'
	s=$(awk -v a="$(fair nopay_draw genuine_rate_limited)" -v b="$(fair pay_draw genuine_rate_limited)" \
	    'BEGIN { if (a == "" || b == "") print "-"; else print a + b }')
	target_row "citizens refused by a rate limit (draw runs)" "$s" "0" "$(verdict "$s" le 0)"
}

# ---------------------------------------------------------------------------

echo "== micro-benchmarks (release build)"
for b in "$BIN"/tests/bench/bench_*; do
	[ -x "$b" ] && "$b"
done

echo
echo "== HTTP through nginx and pgbench: setting up a throwaway stack"
stack_pg_up 2>"$STACK_DIR/setup.log"
stack_db_up 2>>"$STACK_DIR/setup.log"
[ -z "${BENCH_PROFILE:-}" ] || profile_setup 2>>"$STACK_DIR/setup.log"
bench_config info
stack_keyring 2>>"$STACK_DIR/setup.log"
stack_permitd_start
stack_nginx_start
curl -fsS "$URL/api/v1/health" >/dev/null || stack_die "the stack does not answer"
seed
flights_pass
permitd_restart warn
wrk_quiet 1 "$CONNS" /api/v1/applications read.lua "$CITIZENS_FILE" 1   # warm-up
sleep 1

# BENCH_HOLD=FILE keeps the warmed-up stack for profiling: writes to FILE
# what a load generator needs and waits until FILE is removed.
if [ -n "${BENCH_HOLD:-}" ]; then
	printf 'URL=%s\nCITIZENS_FILE=%s\nLUA=%s\nPERMITD_PID=%s\nSTACK_DIR=%s\n' \
	    "$URL" "$CITIZENS_FILE" "$LUA" "$PERMITD_PID" "$STACK_DIR" >"$BENCH_HOLD"
	echo "bench: holding the stack until $BENCH_HOLD is removed"
	while [ -e "$BENCH_HOLD" ]; do sleep 1; done
fi

echo
echo "== conditions"
conditions
if bench_wants http; then
	run_wrk static /index.html
	run_wrk health /api/v1/health
	run_wrk read /api/v1/applications read.lua "$CITIZENS_FILE" "$THREADS"
	run_pgbench
	run_wrk submit /api/v1/applications submit.lua "$CITIZENS_FILE" "$THREADS" 1970
	report_runs
	report_targets
fi

if bench_wants book; then
	echo
	echo "== bookings: filling the pool and booking"
	run_book book_hot "$(weekdays 5 1)"
	run_book book_30 "$(weekdays 35 30)"
fi
bench_wants sweep && run_sweep
if bench_wants book || bench_wants sweep; then
	report_bookings
fi

if bench_wants fairness; then
	echo
	echo "== the opening draw's fairness: four races (tests/bench/fairness.mjs)"
	fair_short_holds
	IFS=, read -r -a FAIR_DAYS <<<"$(weekdays 8 4)"
	run_fairness nopay_fc first-come 0 "${FAIR_DAYS[0]}" 0
	run_fairness nopay_draw draw 0 "${FAIR_DAYS[1]}" 1
	run_fairness pay_fc first-come "$FAIR_PAYS" "${FAIR_DAYS[2]}" 2
	run_fairness pay_draw draw "$FAIR_PAYS" "${FAIR_DAYS[3]}" 3
	report_fairness
fi

if bench_wants broker; then
	echo
	echo "== the broker (default limits; 127.0.0.1 trusted to name the client)"
	BENCH_BROKER=1 permitd_restart warn
	run_broker || exit 1
fi
exit 0
