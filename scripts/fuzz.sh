#!/usr/bin/env bash
# Runs every built fuzz target for a bounded time.
#
#   scripts/fuzz.sh SECONDS [BUILD]
#
# Each executable in $BUILD/fuzz (default build/fuzz) runs for SECONDS with a
# fresh, empty corpus in a temporary directory (removed afterwards), so runs
# never depend on each other. Prints one line per target; exits non-zero if
# any target crashes, leaks or fails, leaving its log and crashing input in
# the kept temporary directory.
set -uo pipefail

seconds=${1:?usage: scripts/fuzz.sh SECONDS [BUILD]}
build=${2:-build}
dir="$build/fuzz"

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
for target in "$dir"/fuzz_*; do
	[ -f "$target" ] && [ -x "$target" ] || continue
	name=$(basename "$target")
	mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
	ran=$((ran + 1))
	# -timeout: one input taking over 10 s counts as a hang.
	if "$target" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
	    -artifact_prefix="$work/$name/artifacts/" "$work/$name/corpus" \
	    >"$work/$name/log" 2>&1; then
		runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' \
		    "$work/$name/log" | grep -o '[0-9]*$')
		echo "fuzz: $name ok (${runs:-?} runs in ${seconds}s)"
	else
		failed=1
		echo "fuzz: $name FAILED; log and input in $work/$name" >&2
		grep -m 5 -E 'ERROR|SUMMARY|runtime error|deadly signal' \
		    "$work/$name/log" >&2
	fi
done

if [ "$ran" -eq 0 ]; then
	echo "fuzz: no targets in $dir" >&2
	rm -rf "$work"
	exit 2
fi
[ "$failed" -eq 0 ] && rm -rf "$work"
exit "$failed"
