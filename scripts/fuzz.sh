#!/usr/bin/env bash
# Runs every built fuzz target for a bounded time.
#
#   scripts/fuzz.sh SECONDS [BUILD]
#
# Each target in $BUILD/fuzz/tests/fuzz (default build) runs for SECONDS,
# starting from a copy of its checked-in seed corpus, tests/fuzz/corpus/
# <target>/, in a temporary directory: what a run adds is never written into
# the repository, and runs never depend on each other. Prints one line per
# target with its executions, then the totals of executions and crashes.
# Exits non-zero if any target crashes, leaks, hangs or fails an invariant,
# leaving its log and the input that did it in the kept temporary directory.
set -uo pipefail

seconds=${1:?usage: scripts/fuzz.sh SECONDS [BUILD]}
build=${2:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$build/fuzz/tests/fuzz"

case $seconds in
	''|*[!0-9]*) echo "fuzz: SECONDS must be a whole number" >&2; exit 2 ;;
esac
if [ ! -d "$dir" ]; then
	echo "fuzz: no $dir; build the targets first (make fuzz)" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/permitd-fuzz.XXXXXX")
failed=0
ran=0
total=0
crashes=0
for target in "$dir"/fuzz_*; do
	[ -f "$target" ] && [ -x "$target" ] || continue
	name=$(basename "$target")
	mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
	seeds=0
	if [ -d "$root/tests/fuzz/corpus/$name" ]; then
		cp -R "$root/tests/fuzz/corpus/$name/." "$work/$name/corpus/"
		seeds=$(find "$work/$name/corpus" -type f | wc -l)
	fi
	ran=$((ran + 1))
	# -timeout: one input taking over 10 s counts as a hang.
	"$target" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
	    -artifact_prefix="$work/$name/artifacts/" "$work/$name/corpus" \
	    >"$work/$name/log" 2>&1
	rc=$?
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' \
	    "$work/$name/log" | grep -o '[0-9]*$' | tail -n 1)
	found=$(find "$work/$name/artifacts" -type f | wc -l)
	total=$((total + ${runs:-0}))
	crashes=$((crashes + found))
	if [ "$rc" -eq 0 ] && [ "$found" -eq 0 ]; then
		printf 'fuzz: %-18s ok  %10s executions in %ss, %s seeds, 0 crashes\n' \
		    "$name" "${runs:-?}" "$seconds" "$seeds"
	else
		failed=1
		[ "$found" -gt 0 ] || crashes=$((crashes + 1))
		printf 'fuzz: %-18s FAILED after %s executions; log and input in %s\n' \
		    "$name" "${runs:-?}" "$work/$name" >&2
		grep -m 5 -E 'ERROR|SUMMARY|runtime error|deadly signal|invariant' \
		    "$work/$name/log" >&2
	fi
done

if [ "$ran" -eq 0 ]; then
	echo "fuzz: no targets in $dir" >&2
	rm -rf "$work"
	exit 2
fi
printf 'fuzz: %d targets, %d executions in all, %d crashes\n' \
    "$ran" "$total" "$crashes"
[ "$failed" -eq 0 ] && rm -rf "$work"
exit "$failed"
