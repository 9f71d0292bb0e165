#!/usr/bin/env bats
# permitctl staff add: how the first admin comes to be. The password comes
# from standard input and never from the command line; a reviewer needs an
# existing office and an admin has none; whatever is refused makes
# nothing. What it makes signs in through /api/v1/sessions like anyone.
# Each account made writes one audit row in its transaction, by the role
# permitctl runs as, and the chain stays whole; a refusal writes none, and
# an account whose row cannot be written is not made. Also make run's demo
# staff (scripts/stack.bash), made the same way.

load ../e2e/lib
load ../e2e/citizen
load ../e2e/staff

setup_file() {
	stack_start
}

teardown_file() {
	stack_stop
}

new_email() { echo "ctl.$RANDOM$RANDOM@example.test"; }

# staff add with PASSWORD on standard input.
add() { # PASSWORD ARGS...
	local pw=$1
	shift
	printf '%s\n' "$pw" | staff_ctl staff add "$@"
}

signin_role() { # EMAIL PASSWORD -> "role office" of the signed-in account
	api_json POST /api/v1/sessions "$(credentials "$1" "$2")"
	[ "$status" = 201 ] || { echo "sign in: $status $body" >&2; return 1; }
	jq -r '"\(.account.role) \(.account.office)"' <<<"$body"
}

@test "staff add makes an admin, who signs in through /sessions" {
	local email
	email=$(new_email)
	run add "$CITIZEN_PASSWORD" --email "$email" --role admin
	[ "$status" = 0 ]
	[[ $output =~ ^staff\ add:\ admin\ [0-9a-f-]{36}\ created$ ]]
	[ "$(signin_role "$email" "$CITIZEN_PASSWORD")" = "admin null" ]
}

@test "staff add makes a reviewer of an office, who signs in with it" {
	local email
	email=$(new_email)
	run add "$CITIZEN_PASSWORD" --email "$email" --role reviewer --office DPS
	[ "$status" = 0 ]
	[[ $output == *", office DPS" ]]
	[ "$(signin_role "$email" "$CITIZEN_PASSWORD")" = "reviewer DPS" ]
}

@test "the email is normalised as sign-in normalises it" {
	local email
	email=$(new_email)
	run add "$CITIZEN_PASSWORD" --email "  ${email^^}  " --role admin
	[ "$status" = 0 ]
	[ "$(signin_role "$email" "$CITIZEN_PASSWORD")" = "admin null" ]
}

@test "nothing it prints or logs holds the email or the password" {
	local email
	email=$(new_email)
	run add "$CITIZEN_PASSWORD" --email "$email" --role admin
	[ "$status" = 0 ]
	[[ $output != *"$email"* ]]
	[[ $output != *"$CITIZEN_PASSWORD"* ]]
}

@test "a reviewer without --office is refused and nothing is made" {
	local before
	before=$(accounts_count)
	run add "$CITIZEN_PASSWORD" --email "$(new_email)" --role reviewer
	[ "$status" = 2 ]
	[[ $output == *"a reviewer needs --office"* ]]
	[ "$(accounts_count)" = "$before" ]
}

@test "a role other than reviewer or admin is refused and nothing is made" {
	local before role
	before=$(accounts_count)
	for role in citizen superuser Admin ''; do
		run add "$CITIZEN_PASSWORD" --email "$(new_email)" --role "$role"
		[ "$status" = 2 ] || { echo "role '$role': $status $output" >&2; return 1; }
		[[ $output == *"--role must be reviewer or admin"* ]]
	done
	run add "$CITIZEN_PASSWORD" --email "$(new_email)"
	[ "$status" = 2 ]
	[ "$(accounts_count)" = "$before" ]
}

@test "an admin with an office, an unknown office or a bad email is refused" {
	local before
	before=$(accounts_count)
	run add "$CITIZEN_PASSWORD" --email "$(new_email)" --role admin --office SBY
	[ "$status" = 2 ]
	run add "$CITIZEN_PASSWORD" --email "$(new_email)" --role reviewer --office XYZ
	[ "$status" = 1 ]
	[[ $output == *"there is no office XYZ"* ]]
	run add "$CITIZEN_PASSWORD" --email 'not an email' --role admin
	[ "$status" = 2 ]
	[ "$(accounts_count)" = "$before" ]
}

@test "a password on the command line is impossible: refused, and nothing is made" {
	local before email
	before=$(accounts_count)
	email=$(new_email)
	run add "$CITIZEN_PASSWORD" --email "$email" --role admin --password 'argv password!'
	[ "$status" = 2 ]
	[[ $output == *"read from standard input"* ]]
	run add "$CITIZEN_PASSWORD" --email "$email" --role admin --password='argv password!'
	[ "$status" = 2 ]
	run add "$CITIZEN_PASSWORD" --email "$email" --role admin 'argv password!'
	[ "$status" = 2 ]
	run add "$CITIZEN_PASSWORD" --email "$email" --role admin -p 'argv password!'
	[ "$status" = 2 ]
	[ "$(accounts_count)" = "$before" ]
	# Not even with nothing on standard input.
	run staff_ctl staff add --email "$email" --role admin --password 'argv password!' </dev/null
	[ "$status" = 2 ]
	[ "$(accounts_count)" = "$before" ]
}

@test "a password standard input does not give, or one too short, is refused" {
	local before
	before=$(accounts_count)
	run staff_ctl staff add --email "$(new_email)" --role admin </dev/null
	[ "$status" = 1 ]
	[[ $output == *"no password read from standard input"* ]]
	run add 'short' --email "$(new_email)" --role admin
	[ "$status" = 1 ]
	[[ $output == *"password is too short"* ]]
	run add "$(head -c 1100 /dev/zero | tr '\0' x)" --email "$(new_email)" --role admin
	[ "$status" = 1 ]
	[ "$(accounts_count)" = "$before" ]
}

# On a terminal (script(1) gives it one) the password is asked for twice.
on_a_terminal() { # INPUT ARGS...
	local input=$1
	shift
	printf '%s' "$input" | script -qec "$(printf '%q ' "$PERMITCTL" -c \
	    "$STACK_CONFIG" staff add "$@" --database "$PERMIT_TEST_OWNER_DSN")" /dev/null
}

@test "on a terminal the password is asked twice, and two that differ make nothing" {
	local before email
	command -v script >/dev/null || skip "no script(1)"
	before=$(accounts_count)
	email=$(new_email)
	run on_a_terminal $'first password!\nother password!\n' --email "$email" --role admin
	[ "$status" = 1 ]
	[[ $output == *"again: "* ]]
	[ "$(accounts_count)" = "$before" ]
	run on_a_terminal "$CITIZEN_PASSWORD"$'\n'"$CITIZEN_PASSWORD"$'\n' --email "$email" --role admin
	[ "$status" = 0 ]
	[ "$(signin_role "$email" "$CITIZEN_PASSWORD")" = "admin null" ]
}

@test "a taken email is refused and makes no second account" {
	local before email
	email=$(new_email)
	add "$CITIZEN_PASSWORD" --email "$email" --role admin >/dev/null
	before=$(accounts_count)
	run add 'another password' --email "$email" --role admin
	[ "$status" = 1 ]
	[[ $output == *"already exists"* ]]
	[ "$(accounts_count)" = "$before" ]
	[ "$(signin_role "$email" "$CITIZEN_PASSWORD")" = "admin null" ]
}

@test "staff add writes one audit row of the act, by the role it runs as, and the chain verifies" {
	local email before total id
	email=$(new_email)
	before=$(cli_audit_count cli.staff_add)
	total=$(audit_total)
	run add "$CITIZEN_PASSWORD" --email "$email" --role reviewer --office JKT-SEL
	[ "$status" = 0 ]
	id=$(sed -n 's/^staff add: reviewer \([0-9a-f-]*\) created.*/\1/p' <<<"$output")
	[ -n "$id" ]
	[ "$(cli_audit_count cli.staff_add)" = $((before + 1)) ]
	[ "$(audit_total)" = $((total + 1)) ]
	[ "$(audit_last)" = "cli|permit_owner|cli.staff_add|$id|role=reviewer office=JKT-SEL" ]
	[ "$(psql_super -tA -c "SELECT count(*) FROM audit_log WHERE detail LIKE '%${email%%@*}%'")" = 0 ]
	run add "$CITIZEN_PASSWORD" --email "$(new_email)" --role admin
	[ "$status" = 0 ]
	[[ $(audit_last) == "cli|permit_owner|cli.staff_add|"*"|role=admin office=-" ]]
	audit_verify
}

@test "a refused staff add writes no audit row" {
	local email total
	email=$(new_email)
	add "$CITIZEN_PASSWORD" --email "$email" --role admin >/dev/null
	total=$(audit_total)
	run add 'another password' --email "$email" --role admin
	[ "$status" = 1 ]
	[[ $output == *"already exists"* ]]
	run add "$CITIZEN_PASSWORD" --email "$(new_email)" --role reviewer --office XYZ
	[ "$status" = 1 ]
	run add 'short' --email "$(new_email)" --role admin
	[ "$status" = 1 ]
	[ "$(audit_total)" = "$total" ]
	audit_verify
}

@test "a staff add whose audit row cannot be written makes no account" {
	local before total
	before=$(accounts_count)
	total=$(audit_total)
	audit_break
	run add "$CITIZEN_PASSWORD" --email "$(new_email)" --role admin
	audit_unbreak
	[ "$status" = 1 ]
	[[ $output != *created* ]]
	[ "$(accounts_count)" = "$before" ]
	[ "$(audit_total)" = "$total" ]
	audit_verify
}

@test "make run's demo staff: an admin and a reviewer per office in a 0600 file, kept by the next run" {
	local file=$BATS_FILE_TMPDIR/demo-credentials offices before role email pw office
	offices=$(psql_super -tA -c "SELECT count(*) FROM offices")
	STACK_DIR=$PERMIT_TEST_DIR stack_demo_staff "$file"
	[ "$(stat -c %a "$file")" = 600 ]
	[ "$(wc -l <"$file")" = $((offices + 1)) ]
	[ "$(grep -c '^admin [^ ]* [^ ]* -$' "$file")" = 1 ]
	[ "$(grep -c '^reviewer [^ ]* [^ ]* [A-Z-]*$' "$file")" = "$offices" ]
	# A second run keeps them: the same file, no new account.
	cp "$file" "$BATS_FILE_TMPDIR/first"
	before=$(accounts_count)
	STACK_DIR=$PERMIT_TEST_DIR stack_demo_staff "$file"
	cmp "$file" "$BATS_FILE_TMPDIR/first"
	[ "$(accounts_count)" = "$before" ]
	# Every line signs in as what it says.
	while read -r role email pw office; do
		[ "$office" = - ] && office=null
		[ "$(signin_role "$email" "$pw")" = "$role $office" ] ||
		    { echo "$role $email does not sign in as such" >&2; return 1; }
	done <"$file"
}
