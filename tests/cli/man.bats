#!/usr/bin/env bats
# The man pages (man/*.scd, scdoc): `make man` builds them and groff renders
# each without a warning; and they name what the code has. permitd.conf(5)
# has an entry for every key of core/config.c's table, with the range the
# table allows and the default conf/permitd.conf shows; permitctl(8) a
# section for every command, and every subcommand and option of cli/*.c in
# it; permitd(8) every option and signal of fcgi/. Keys, commands and
# options are read from the sources, so one added without its page fails
# here.

setup() {
	: "${PERMIT_TEST_ROOT:?}"
	ROOT=$PERMIT_TEST_ROOT
	MAN=$ROOT/man
}

# The paragraph of key KEY's entry (a line `*KEY* = ...`) in PAGE, its
# indented lines joined by blanks; empty when there is no such entry.
entry() { # PAGE KEY
	awk -v e="*$2* = " '
	found && /^\t/ { sub(/^\t+/, ""); printf " %s", $0; next }
	found { exit }
	index($0, e) == 1 { found = 1; printf "%s", $0 }
	' "$1"
}

# The text of section `## NAME` of PAGE, up to the next section.
section() { # PAGE NAME
	awk -v s="## $2" '
	$0 == s { on = 1; next }
	on && /^##? / { exit }
	on { print }
	' "$1"
}

# The keys of core/config.c's table, one `name TYPE min max` a line.
config_keys() {
	local name type min max
	sed -En 's/^[[:space:]]*KEY\(([a-z_]+), CONFIG_T_([A-Z]+), ([^,]+), (.+)\),$/\1 \2 \3 \4/p' \
	    "$ROOT/core/config.c" | while read -r name type min max; do
		printf '%s %s %s %s\n' "$name" "$type" "$min" "${max// /}"
	done
}

# The size of a string key's buffer (core/config.h), its NUL included.
config_str() {
	sed -n 's/^#define CONFIG_STR \([0-9]*\).*/\1/p' "$ROOT/core/config.h"
}

# A bound of the table as a number (LONG_MAX stays a word).
bound() { # EXPR
	case $1 in
	LONG_MAX) echo LONG_MAX ;;
	*) echo $(( ${1//LL/} )) ;;
	esac
}

# The options ("--name", "-c") a source file compares arguments with.
options_in() { # FILE...
	grep -ho '"--\?[a-z][a-z-]*"' "$@" | tr -d '"' | sort -u
}

@test "make man builds the three pages, and groff renders each without a warning" {
	local build=$BATS_TEST_TMPDIR/build page
	run make -s -C "$ROOT" BUILD="$build" man
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	for page in permitd.8 permitctl.8 permitd.conf.5; do
		[ -s "$build/man/$page" ] || { echo "no $page"; return 1; }
		run groff -t -man -Tutf8 -ww -z "$build/man/$page"
		[ "$status" -eq 0 ] && [ -z "$output" ] ||
		    { echo "$page: $output"; return 1; }
	done
}

@test "permitd.conf(5) has an entry for every key of core/config.c, with its range" {
	local name type min max text n=0 want
	while read -r name type min max; do
		n=$((n + 1))
		text=$(entry "$MAN/permitd.conf.5.scd" "$name")
		[ -n "$text" ] || { echo "permitd.conf(5) has no entry for $name"; return 1; }
		case $type in
		INT | LONG | SIZE | ULL)
			if [ "$(bound "$max")" = LONG_MAX ]; then
				want="Range: $(bound "$min") or more."
			else
				want="Range: $(bound "$min") to $(bound "$max")."
			fi ;;
		OCTAL) want=$(printf 'Range: %04o to %04o.' "$min" "$max") ;;
		STR) want="At most $(($(config_str) - 1)) characters." ;;
		*) want= ;;
		esac
		# A string of a few words (log_level) names them instead.
		[[ "$text" == *"$want"* ]] ||
		    { [ "$type" = STR ] && [[ "$text" == *"One of "* ]]; } ||
		    { echo "$name: the entry does not say \`$want'"; return 1; }
	done < <(config_keys)
	[ "$n" -gt 40 ]   # the table was read
}

@test "permitd.conf(5) gives every key the default conf/permitd.conf shows" {
	local name type min max value text
	while read -r name type min max; do
		text=$(entry "$MAN/permitd.conf.5.scd" "$name")
		if value=$(sed -n "s/^$name = //p" "$ROOT/conf/permitd.conf") && [ -n "$value" ]; then
			[[ "$text" == *"Default: *$value*."* ]] ||
			    { echo "$name: not \`Default: *$value*.'"; return 1; }
		elif grep -q "^#$name = " "$ROOT/conf/permitd.conf"; then
			[[ "$text" == *"Default: unset."* ]] ||
			    { echo "$name: unset in conf/permitd.conf, not in the page"; return 1; }
		else
			echo "conf/permitd.conf does not show $name"
			return 1
		fi
	done < <(config_keys)
}

@test "permitctl(8) has a section for every command of cli/main.c" {
	local cmd n=0
	for cmd in $(sed -n 's/^[[:space:]]*{ "\([a-z]*\)",.*/\1/p' "$ROOT/cli/main.c"); do
		n=$((n + 1))
		grep -qx "## $cmd" "$MAN/permitctl.8.scd" ||
		    { echo "permitctl(8) has no section for $cmd"; return 1; }
	done
	[ "$n" -ge 8 ]
}

@test "permitctl(8) names every subcommand of cli/*.c in its command's section" {
	local cmd sub
	# keys: strcmp(sub, "init"); migrate: its cmds[]; the others: argv[1].
	while read -r cmd sub; do
		section "$MAN/permitctl.8.scd" "$cmd" | grep -qF "*$sub*" ||
		    { echo "permitctl(8), $cmd: no *$sub*"; return 1; }
	done < <(
		sed -n 's/.*strcmp(sub, "\([a-z-]*\)").*/keys \1/p' "$ROOT/cli/keys.c"
		sed -n 's/.*cmds\[\] = {\(.*\)};.*/\1/p' "$ROOT/cli/migrate.c" |
		    grep -o '"[a-z]*"' | tr -d '"' | sed 's/^/migrate /'
		for f in "$ROOT"/cli/*.c; do
			sed -n "s/.*strcmp(argv\[1\], \"\([a-z]*\)\").*/$(basename "$f" .c) \1/p" "$f"
		done
	)
}

# Every option of FILEs, in section CMD of permitctl(8).
section_names_options() { # CMD FILE...
	local cmd=$1 o text
	shift
	text=$(section "$MAN/permitctl.8.scd" "$cmd")
	for o in $(options_in "$@"); do
		case $o in -h | --help) continue ;; esac
		[[ "$text" == *"*$o*"* ]] ||
		    { echo "permitctl(8), $cmd: no *$o*"; return 1; }
	done
}

@test "permitctl(8) names every option of each command in its section" {
	section_names_options db "$ROOT/cli/db.c"
	section_names_options migrate "$ROOT/cli/migrate.c"
	section_names_options keys "$ROOT"/cli/{keys,rewrap,retire,backup}.c
	section_names_options reload "$ROOT/cli/reload.c"
	section_names_options staff "$ROOT/cli/staff.c"
	section_names_options maintenance "$ROOT/cli/maintenance.c"
	section_names_options audit "$ROOT/cli/audit.c"
	section_names_options draw "$ROOT/cli/draw.c"
}

@test "permitctl(8) names every option of cli/*.c" {
	local o
	for o in $(options_in "$ROOT"/cli/*.c); do
		grep -qF -- "*$o*" "$MAN/permitctl.8.scd" ||
		    { echo "permitctl(8) does not name $o"; return 1; }
	done
}

@test "permitd(8) names every option of fcgi/main.c and every signal the master handles" {
	local o s opts sigs
	opts=$(sed -n 's/.*getopt(argc, argv, "\([a-z:]*\)").*/\1/p' "$ROOT/fcgi/main.c" | tr -d :)
	[ -n "$opts" ]
	for o in $(grep -o . <<<"$opts" | sed 's/^/-/') $(options_in "$ROOT/fcgi/main.c"); do
		grep -qF -- "*$o*" "$MAN/permitd.8.scd" ||
		    { echo "permitd(8) does not name $o"; return 1; }
	done
	# The master's sigs[], however its lines are wrapped.
	sigs=$(tr '\n' ' ' <"$ROOT/fcgi/master.c" |
	    sed -n 's/.*sigs\[\] = {\([^}]*\)}.*/\1/p' | tr -d ,)
	[ "$(wc -w <<<"$sigs")" -ge 4 ]
	for s in $sigs; do
		[ "$s" = SIGCHLD ] && continue
		grep -qF "*$s*" "$MAN/permitd.8.scd" ||
		    { echo "permitd(8) does not name $s"; return 1; }
	done
}
