#!/usr/bin/env bats
# permitctl keys rewrap and retire over accounts and applications: after a
# rotation every DEK ends under the new KEK, every application still opens
# through the API, and a KEK is retired only once no DEK uses it.
#
# Rewrapping touches every row of a database, so this file has its own
# database (permit_keys) and its own copy of the keyring: the other files'
# data and keys are never disturbed.

load ../e2e/lib
load ../e2e/citizen

KEYS_DB=permit_keys

# The test cluster's conninfo for ROLE and DB (default KEYS_DB).
keys_dsn() { # ROLE [DB]
	sed -e "s/user=[^ ]*/user=$1/" -e "s/dbname=[^ ]*/dbname=${2:-$KEYS_DB}/" \
	    <<<"$PERMIT_TEST_SUPER_DSN"
}

# permitctl keys with this file's config; rewrap and retire connect as the
# owner of KEYS_DB.
keys_ctl() { # SUBCOMMAND [ARGS...]
	case $1 in
	rewrap | retire)
		"$PERMITCTL" -c "$STACK_CONFIG" keys "$@" \
		    --database "$(keys_dsn permit_owner)" ;;
	*) "$PERMITCTL" -c "$STACK_CONFIG" keys "$@" ;;
	esac
}

keys_psql() {
	psql -X -q -tA -v ON_ERROR_STOP=1 "$(keys_dsn postgres)" "$@"
}

setup_file() {
	mkdir -p "$E2E_DIR"
	"$PERMITCTL" db init --database "$(keys_dsn postgres postgres)" \
	    --name "$KEYS_DB" >/dev/null
	"$PERMITCTL" migrate up --database "$(keys_dsn permit_owner)" \
	    --dir "$ROOT/migrations" >/dev/null
	psql -X -q -v ON_ERROR_STOP=1 "$(keys_dsn permit_owner)" \
	    -f "$ROOT/scripts/demo.sql" >/dev/null
	cp "$PERMIT_TEST_DIR/keyring" "$E2E_DIR/keyring"
	chmod 0600 "$E2E_DIR/keyring"
	sed -e "s|^listen = .*|listen = unix:$E2E_DIR/fcgi/permitd.sock|" \
	    -e "s|^keyring = .*|keyring = $E2E_DIR/keyring|" \
	    -e "s|^database = .*|database = $(keys_dsn permit_app)|" \
	    "$PERMIT_TEST_CONFIG" >"$STACK_CONFIG"
	stack_start
}

teardown_file() {
	# A test restarted permitd: stop that one (the file's shell never
	# learnt its pid).
	[ -f "$BATS_FILE_TMPDIR/permitd.pid" ] &&
	    PERMITD_PID=$(cat "$BATS_FILE_TMPDIR/permitd.pid")
	stack_stop
}

@test "rotate then rewrap: every DEK under the new KEK, every application still readable" {
	local ids=() old new id
	citizen_new rina
	for sex in M F M; do
		person_new "$sex"
		as_post rina /api/v1/applications "$(passport_json)"
		[ "$status" = 201 ]
		ids+=("$(jq -r .application.id <<<"$body")")
	done
	person_new F
	as_post rina /api/v1/applications "$(travel_json)"
	[ "$status" = 201 ]
	ids+=("$(jq -r .application.id <<<"$body")")
	old=$(keys_psql -c "SELECT DISTINCT kek_id FROM applications")

	run keys_ctl rotate
	[ "$status" -eq 0 ]
	new=$(grep '^kek .* active$' <(keys_ctl list) | cut -d' ' -f2)
	[ -n "$new" ] && [ "$new" != "$old" ]

	run keys_ctl retire "$old"
	[ "$status" -ne 0 ]
	[[ "$output" == *"still wraps 5 data keys"* ]]   # 1 account + 4 applications

	run keys_ctl rewrap --batch 2
	[ "$status" -eq 0 ]
	[[ "$output" == *"5/5"* ]]
	[[ "$output" == *"5 data keys re-wrapped under kek $new"* ]]
	[ "$(keys_psql -c "SELECT count(*) FROM applications WHERE kek_id <> '$new'")" = 0 ]
	[ "$(keys_psql -c "SELECT count(*) FROM accounts WHERE kek_id <> '$new'")" = 0 ]

	run keys_ctl rewrap
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 data keys re-wrapped"* ]]

	run keys_ctl retire "$old"
	[ "$status" -eq 0 ]
	! grep -q "^kek $old " "$E2E_DIR/keyring"

	# The restarted permitd must not hold bats' output open (fd 3).
	permitd_restart >/dev/null 3>&-
	echo "$PERMITD_PID" >"$BATS_FILE_TMPDIR/permitd.pid"
	citizen_signin rina
	for id in "${ids[@]}"; do
		as rina GET "/api/v1/applications/$id"
		[ "$status" = 200 ]
		[ "$(jq -r .application.id <<<"$body")" = "$id" ]
	done
	as rina GET /api/v1/applications
	[ "$status" = 200 ]
	[ "$(jq '.applications | length' <<<"$body")" = 4 ]
}

@test "rewrap changes no sealed field, only the wrapped DEK and its kek_id" {
	local before after
	before=$(keys_psql -c "SELECT md5(string_agg(s_full_name::text || s_nik::text, ',' ORDER BY id)) FROM applications")
	run keys_ctl rotate
	[ "$status" -eq 0 ]
	run keys_ctl rewrap
	[ "$status" -eq 0 ]
	after=$(keys_psql -c "SELECT md5(string_agg(s_full_name::text || s_nik::text, ',' ORDER BY id)) FROM applications")
	[ "$before" = "$after" ]
}

@test "retire refuses the active KEK and an unknown one" {
	local active
	active=$(grep '^kek .* active$' <(keys_ctl list) | cut -d' ' -f2)
	run keys_ctl retire "$active"
	[ "$status" -ne 0 ]
	run keys_ctl retire no-such-kek
	[ "$status" -ne 0 ]
}

@test "rewrap with a bad --batch is a usage error" {
	run keys_ctl rewrap --batch 0
	[ "$status" -eq 2 ]
}
