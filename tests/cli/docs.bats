#!/usr/bin/env bats
# The documentation in docs/ stays the code's and the repository's own:
# docs/API.md names every route of app/routes.c and every reason of
# core/rule.h; every invariant a comment cites is one of docs/DESIGN.md's
# ten, cited by its path; a file names docs/DESIGN.md and docs/API.md by
# their path, and nothing outside the repository; and every relative link of the
# README and docs/ names a file that exists. Routes, reasons and citations
# are read from the sources, so one added without its documentation fails
# here.

setup() {
	: "${PERMIT_TEST_ROOT:?}"
	ROOT=$PERMIT_TEST_ROOT
	cd "$ROOT" || return 1
}

# The source and documentation files a citation may be in: everything but
# the applied migrations (never edited), docs/ itself, built and fetched
# files and the fuzz corpus.
cited_files() {
	find app cli conf core crypto db fcgi man pipe scripts tests web \
	    Makefile README.md -type f \
	    -not -path '*/node_modules/*' -not -path 'tests/fuzz/corpus/*' \
	    -not -name '*.png'
}

@test "docs/API.md's route table names every route of app/routes.c" {
	local method path n=0
	while read -r method path; do
		n=$((n + 1))
		grep -qF "| \`$method ${path#/api/v1}\` |" docs/API.md ||
		    { echo "docs/API.md does not name $method $path"; return 1; }
	done < <(tr '\n' ' ' <app/routes.c |
	    grep -oE '\.method = "[A-Z]+",[[:space:]]*\.pattern = "[^"]+"' |
	    sed -E 's/\.method = "([A-Z]+)",[[:space:]]*\.pattern = "([^"]+)"/\1 \2/')
	[ "$n" -ge 27 ]
}

@test "docs/API.md names every reason of core/rule.h" {
	local word n=0
	for word in $(sed -n '/^#define RULE_REASONS/,/^$/s/.*X([A-Z_]*, *"\([a-z_]*\)").*/\1/p' core/rule.h); do
		n=$((n + 1))
		grep -qF "| \`$word\` |" docs/API.md ||
		    { echo "docs/API.md's reasons lack $word"; return 1; }
	done
	[ "$n" -ge 20 ]
}

@test "every invariant a file cites is one of docs/DESIGN.md's, by its path" {
	local bad
	# A citation `invariant N` follows `docs/DESIGN.md ` on its line, or
	# starts a line whose predecessor ends with `docs/DESIGN.md`.
	# README.md keeps its own list of the ten, with the same numbers.
	bad=$(cited_files | grep -vx README.md | xargs awk '
	FNR == 1 { prev = "" }
	{
		line = $0; rest = line; off = 0
		while (match(rest, /[Ii]nvariants? [0-9]+/)) {
			before = substr(line, 1, off + RSTART - 1)
			n = substr(rest, RSTART, RLENGTH); sub(/^[^0-9]*/, "", n); n += 0
			ok = before ~ /docs\/DESIGN\.md $/ ||
			    (before ~ /^[[:space:]#*\/]*\(?$/ && prev ~ /docs\/DESIGN\.md$/)
			if (!ok || n < 1 || n > 10)
				print FILENAME ":" FNR ": " line
			off += RSTART + RLENGTH - 1
			rest = substr(rest, RSTART + RLENGTH)
		}
		prev = line
	}')
	[ -z "$bad" ] || { echo "$bad"; return 1; }
	for n in 1 2 3 4 5 6 7 8 9 10; do
		grep -q "^### $n\. " docs/DESIGN.md ||
		    { echo "docs/DESIGN.md has no invariant $n"; return 1; }
	done
}

@test "docs/DESIGN.md and docs/API.md are named by their path, and nothing outside the repository" {
	local bad up=..
	bad=$(cited_files | xargs grep -noE '[[:alnum:]_./-]*(DESIGN|API)\.md' |
	    grep -vE ':(docs/DESIGN|docs/API)\.md$' || true)
	[ -z "$bad" ] || { echo "$bad"; return 1; }
	# A clone has nothing beside it: no document outside it may be named.
	bad=$( (cited_files; ls docs/*.md) | xargs grep -nF "$up/shared" || true)
	[ -z "$bad" ] || { echo "$bad"; return 1; }
}

@test "every relative link of README.md and docs/ names a file of the repository" {
	local md target n=0
	for md in README.md docs/*.md; do
		for target in $(grep -oE '\]\([^)#]+' "$md" | sed 's/^](//' |
		    grep -vE '^[a-z]+:'); do
			n=$((n + 1))
			[ -e "$(dirname "$md")/$target" ] ||
			    { echo "$md links to $target, which does not exist"; return 1; }
		done
	done
	[ "$n" -ge 5 ]
}
