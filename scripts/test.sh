#!/usr/bin/env bash
# `make test`: every test, on a throwaway stack, ending with `N passed, N failed`.
#
#   1. unit tests (cmocka), release and ASan builds
#   2. a private PostgreSQL in a temporary directory, bootstrapped and migrated
#   3. integration tests (cmocka + libpq) against it, ASan build
#   4. permitctl tests and end-to-end tests (bats) through a real nginx to real
#      permitd workers, ASan build (sanitizer reports fail the file)
#   5. the failover drill (tests/drill/): a pg_auto_failover formation of
#      its own, its primary killed under load (`make drill` runs it longer)
#   6. the fuzz targets for a short bounded time, when clang is present
#
# Leaves nothing running and nothing behind (set PERMIT_KEEP_TEST_DIR=1 to keep
# the directory for a post-mortem). Exits non-zero on any failure.
# PERMIT_TEST_ONLY='maintenance test_seal' runs only the test files whose path
# contains one of the words (the stack is set up all the same).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
VARIANT=${PERMIT_TEST_VARIANT:-asan}
BIN=$BUILD/$VARIANT
STACK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/permitd-test.XXXXXX")
chmod 0755 "$STACK_DIR"   # the cluster user must be able to traverse it
PG_PORT=$(
	# shellcheck source=scripts/stack.bash
	. "$ROOT/scripts/stack.bash"; stack_pick_port $((25000 + RANDOM % 5000)))
HTTP_PORT=0
# shellcheck source=scripts/stack.bash
. "$ROOT/scripts/stack.bash"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0
failed=0
failures=()
LOG=$STACK_DIR/log
mkdir -p "$LOG"

cleanup() {
	stack_pg_down
	pkill -TERM -f "$STACK_DIR/" 2>/dev/null || true
	if [ "${PERMIT_KEEP_TEST_DIR:-0}" = 1 ]; then
		echo "test directory kept: $STACK_DIR" >&2
	else
		rm -rf "$STACK_DIR"
	fi
}
trap cleanup EXIT

# 0 when FILE is selected by PERMIT_TEST_ONLY (or nothing is filtered).
selected() { # FILE
	local w
	[ -n "${PERMIT_TEST_ONLY:-}" ] || return 0
	for w in $PERMIT_TEST_ONLY; do
		[[ $1 == *"$w"* ]] && return 0
	done
	return 1
}

count() { # NAME PASSED FAILED
	passed=$((passed + $2))
	failed=$((failed + $3))
	[ "$3" -eq 0 ] || failures+=("$1")
}

# A cmocka program: its summary lines give the counts; a crash before the
# summary (an ASan report, say) counts as one failure.
run_cmocka() { # PROGRAM
	local prog=$1 name out p f rc
	name=${prog#"$BUILD"/}
	out=$LOG/$(echo "$name" | tr / _).log
	# A hung program (a lock left by a failed assertion, say) is a failure,
	# never a hung `make test`.
	timeout -k 5 "${PERMIT_TEST_TIMEOUT:-300}" "$prog" >"$out" 2>&1
	rc=$?
	[ "$rc" -ne 124 ] || echo "timed out after ${PERMIT_TEST_TIMEOUT:-300}s" >>"$out"
	# One summary per cmocka group: sum them all.
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{ n += $1 } END { print n + 0 }')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{ n += $1 } END { print n + 0 }')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	printf '%-58s %3d passed, %d failed\n' "$name" "$p" "$f"
	[ "$f" -eq 0 ] || sed -n '/FAILED\|ERROR\|runtime error\|Sanitizer/p' "$out" | head -n 20
	count "$name" "$p" "$f"
}

run_bats() { # FILE
	local file=$1 name out p f
	name=${file#"$ROOT"/}
	out=$LOG/$(echo "$name" | tr / _).tap
	timeout -k 5 "${PERMIT_TEST_TIMEOUT:-300}" bats --tap "$file" >"$out" 2>&1 ||
		[ $? -ne 124 ] || echo "not ok - timed out after ${PERMIT_TEST_TIMEOUT:-300}s" >>"$out"
	p=$(grep -c '^ok ' "$out")
	f=$(grep -c '^not ok ' "$out")
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	printf '%-58s %3d passed, %d failed\n' "$name" "$p" "$f"
	# What a test reports on fd 3 (the broker's shares, the leak test's
	# counts): every line that is not TAP.
	grep -vE '^(ok |not ok |1\.\.[0-9]|#)' "$out" | sed 's/^/    /' || true
	[ "$f" -eq 0 ] || grep -A12 '^not ok ' "$out" | head -n 60
	count "$name" "$p" "$f"
}

# A test binary whose source is gone (a test removed or moved since it was
# built) is not run: what is counted is the tree's tests, as a fresh clone
# counts them.
has_source() { # BINARY
	local rel=${1#"$BUILD"/*/}
	[ -f "$ROOT/$rel.c" ]
}

echo "== unit tests"
for v in release asan; do
	for t in "$BUILD/$v"/tests/unit/*/test_*; do
		[ -x "$t" ] && has_source "$t" && selected "$t" && run_cmocka "$t"
	done
done

echo "== PostgreSQL (private, throwaway) on port $PG_PORT"
if ! (stack_pg_up && stack_db_up) >"$LOG/setup.log" 2>&1; then
	cat "$LOG/setup.log" >&2
	count "stack setup" 0 1
else
	stack_config_write
	# Every test file registers, signs in, submits and books from
	# 127.0.0.1 into one database: the rate limits and the request flag
	# rules are out of their way, and the files that test one set theirs
	# (E2E_EXTRA_CONFIG).
	stack_config_set "$STACK_CONFIG" <<-EOF
	limit_registrations = 1000000
	limit_signin_failures = 1000000
	limit_submissions = 1000000
	limit_bookings = 1000000
	flag_burst_count = 100000
	flag_registrations_per_address = 100000
	EOF
	stack_keyring 2>>"$LOG/setup.log" || count "keyring" 0 1
	export PERMIT_TEST_ROOT=$ROOT PERMIT_TEST_DIR=$STACK_DIR PERMIT_TEST_PG_DIR=$STACK_DIR
	export PERMIT_TEST_PG_PORT=$PG_PORT PERMIT_TEST_CONFIG=$STACK_CONFIG
	export PERMIT_TEST_SUPER_DSN PERMIT_TEST_OWNER_DSN PERMIT_TEST_APP_DSN
	PERMIT_TEST_SUPER_DSN=$(stack_dsn postgres)
	PERMIT_TEST_OWNER_DSN=$(stack_dsn permit_owner)
	PERMIT_TEST_APP_DSN=$(stack_dsn permit_app)
	export PERMITD PERMITCTL BIN

	echo "== integration tests ($VARIANT)"
	for t in "$BIN"/tests/integration/test_*; do
		[ -x "$t" ] && has_source "$t" && selected "$t" && run_cmocka "$t"
	done

	echo "== permitctl and end-to-end tests through nginx ($VARIANT permitd)"
	for f in "$ROOT"/tests/cli/*.bats "$ROOT"/tests/e2e/*.bats; do
		[ -f "$f" ] && selected "$f" && run_bats "$f"
	done

	echo "== failover drill ($VARIANT permitd, pg_auto_failover)"
	for f in "$ROOT"/tests/drill/*.bats; do
		[ -f "$f" ] && selected "$f" && run_bats "$f"
	done
fi

# One pass per target, each from its seed corpus for PERMIT_FUZZ_SECONDS
# (5: the twelve targets take about a minute and a half, their build
# some seconds more).
if command -v clang >/dev/null && selected fuzz; then
	echo "== fuzz (bounded)"
	if make -s -C "$ROOT" -j"$(nproc)" BUILD="$BUILD" fuzz-built >"$LOG/fuzz-build.log" 2>&1 &&
	    "$ROOT/scripts/fuzz.sh" "${PERMIT_FUZZ_SECONDS:-5}" "$BUILD" >"$LOG/fuzz.log" 2>&1; then
		n=$(grep -c '^fuzz: fuzz_[a-z_]* *ok ' "$LOG/fuzz.log")
		printf '%-58s %3d passed, %d failed\n' "fuzz targets" "$n" 0
		sed 's/^fuzz: /    /' "$LOG/fuzz.log"
		count fuzz "$n" 0
	else
		tail -n 30 "$LOG/fuzz-build.log" "$LOG/fuzz.log" 2>/dev/null
		count fuzz 0 1
	fi
fi

echo
[ "${#failures[@]}" -eq 0 ] || printf 'failed: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
