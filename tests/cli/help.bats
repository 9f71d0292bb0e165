#!/usr/bin/env bats
# permitd and permitctl explain themselves: --help exits 0 and names every
# option the code accepts, --version prints the one version, a usage error
# exits 2. The options are read from the sources, so an option added
# without its help fails here.

setup() {
	: "${PERMITCTL:?}" "${PERMITD:?}" "${PERMIT_TEST_ROOT:?}"
}

# The options ("--name") a source file compares arguments with.
options_in() { # FILE...
	grep -ho '"--[a-z][a-z-]*"' "$@" | tr -d '"' | sort -u
}

# The version core/version.h declares.
declared_version() {
	sed -n 's/^#define PERMIT_VERSION "\(.*\)"$/\1/p' "$PERMIT_TEST_ROOT/core/version.h"
}

help_names_options() { # COMMAND FILE...
	local cmd=$1 o
	shift
	run "$PERMITCTL" "$cmd" --help
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: permitctl"* ]]
	for o in $(options_in "$@"); do
		[[ "$output" == *"$o"* ]] || { echo "permitctl $cmd --help omits $o"; return 1; }
	done
}

@test "permitctl db --help names every option" {
	help_names_options db "$PERMIT_TEST_ROOT/cli/db.c"
}

@test "permitctl migrate --help names every option" {
	help_names_options migrate "$PERMIT_TEST_ROOT"/cli/migrate.c
}

@test "permitctl keys --help names every option of keys, rewrap, retire and purge" {
	help_names_options keys "$PERMIT_TEST_ROOT"/cli/{keys,rewrap,retire,backup}.c
}

@test "permitctl reload --help names every option" {
	help_names_options reload "$PERMIT_TEST_ROOT/cli/reload.c"
}

@test "permitctl staff --help names every option" {
	help_names_options staff "$PERMIT_TEST_ROOT/cli/staff.c"
}

@test "permitctl maintenance --help names every option" {
	help_names_options maintenance "$PERMIT_TEST_ROOT/cli/maintenance.c"
}

@test "permitctl audit --help names every option" {
	help_names_options audit "$PERMIT_TEST_ROOT/cli/audit.c"
}

@test "permitctl draw --help names every option" {
	help_names_options draw "$PERMIT_TEST_ROOT/cli/draw.c"
}

@test "a subcommand's --help wins over its other arguments" {
	run "$PERMITCTL" keys rewrap --batch 5 --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--batch N"* ]]
}

@test "permitctl --help lists every command" {
	run "$PERMITCTL" --help
	[ "$status" -eq 0 ]
	for c in db migrate keys reload staff maintenance audit draw; do
		[[ "$output" =~ permitctl\ (\[-c\ CONFIG\]\ )?$c\  ]]
	done
}

@test "permitctl --version prints the declared version" {
	run "$PERMITCTL" --version
	[ "$status" -eq 0 ]
	[ "$output" = "permitctl $(declared_version)" ]
}

@test "a permitctl usage error exits 2 and points at --help" {
	run "$PERMITCTL" keys rewrap --bogus
	[ "$status" -eq 2 ]
	[[ "$output" == *"usage: permitctl keys"* ]]
	[[ "$output" == *"--help explains every option"* ]]
}

@test "permitd --help exits 0 and names every option" {
	run "$PERMITD" --help
	[ "$status" -eq 0 ]
	for o in -c -t --help --version SIGHUP SIGTERM; do
		[[ "$output" == *"$o"* ]]
	done
}

@test "permitd --version prints the declared version" {
	run "$PERMITD" --version
	[ "$status" -eq 0 ]
	[ "$output" = "permitd $(declared_version)" ]
}

@test "a permitd usage error exits 2" {
	run "$PERMITD" -x
	[ "$status" -eq 2 ]
	[[ "$output" == *"usage: permitd"* ]]
}
