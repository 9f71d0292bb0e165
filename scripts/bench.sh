#!/usr/bin/env bash
# `make bench`: measurements, never pass/fail.
#
#   1. the C micro-benchmarks (tests/bench/bench_*): crypto ns/op and ms/op
#   2. wrk through nginx, on a throwaway stack with the release build:
#      GET /api/v1/health (permitd + PostgreSQL) against a static file served
#      by the same nginx, with requests/s, latency percentiles and the ratio.
#
# BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 32) and
# BENCH_WORKERS (permitd workers, default 2) tune the run.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
BIN=$BUILD/release
STACK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/permitd-bench.XXXXXX")
chmod 0755 "$STACK_DIR"
SECONDS_=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-32}
STACK_WORKERS=${BENCH_WORKERS:-2}
STACK_LOG_LEVEL=warn
PG_PORT=0
HTTP_PORT=0
# shellcheck source=scripts/stack.bash
. "$ROOT/scripts/stack.bash"
PG_PORT=$(stack_pick_port $((30000 + RANDOM % 5000)))
HTTP_PORT=$(stack_pick_port $((35000 + RANDOM % 5000)))

cleanup() {
	stack_nginx_stop
	stack_permitd_stop || true
	stack_pg_down
	rm -rf "$STACK_DIR"
}
trap cleanup EXIT

echo "== micro-benchmarks (release build)"
for b in "$BIN"/tests/bench/bench_*; do
	[ -x "$b" ] && "$b"
done

echo
echo "== HTTP through nginx: wrk -t2 -c$CONNS -d${SECONDS_}s, permitd workers: $STACK_WORKERS"
stack_pg_up
stack_db_up 2>/dev/null
stack_config_write
stack_keyring 2>/dev/null
stack_permitd_start
stack_nginx_start
curl -fsS "http://127.0.0.1:$HTTP_PORT/api/v1/health" >/dev/null

# Prints "rps p50 p90 p99" for one URL.
bench_url() {
	local out
	out=$(wrk -t2 -c"$CONNS" -d"${SECONDS_}s" --latency "$1")
	awk '
		/Requests\/sec:/ { rps = $2 }
		/^ +50%/ { p50 = $2 } /^ +90%/ { p90 = $2 } /^ +99%/ { p99 = $2 }
		/Non-2xx/ { bad = $NF }
		END { printf "%s %s %s %s %s\n", rps, p50, p90, p99, bad + 0 }' <<<"$out"
}

read -r s_rps s_50 s_90 s_99 s_bad < <(bench_url "http://127.0.0.1:$HTTP_PORT/index.html")
read -r h_rps h_50 h_90 h_99 h_bad < <(bench_url "http://127.0.0.1:$HTTP_PORT/api/v1/health")

printf '%-28s %12s %10s %10s %10s %8s\n' target "requests/s" p50 p90 p99 non-2xx
printf '%-28s %12s %10s %10s %10s %8s\n' "static /index.html" "$s_rps" "$s_50" "$s_90" "$s_99" "$s_bad"
printf '%-28s %12s %10s %10s %10s %8s\n' "permitd /api/v1/health" "$h_rps" "$h_50" "$h_90" "$h_99" "$h_bad"
awk -v h="$h_rps" -v s="$s_rps" 'BEGIN { printf "health / static throughput ratio: %.3f\n", h / s }'
