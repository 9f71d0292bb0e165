#!/usr/bin/env bats
# permitctl keys and reload against a running permitd: the key-encryption
# key is rotated, every data key re-wrapped, and the old KEK retired into
# the archive, and every step that would lose data is refused whatever
# order it is tried in. Tests build on each other in file order: one
# citizen's applications, one rotation from k1 to k2 and what follows it.

load ../e2e/lib
load ../e2e/citizen
load keys

KEYS_DB=permit_keys

setup_file() {
	local sex
	keys_setup_file
	citizen_new rina
	: >"$BATS_FILE_TMPDIR/ids"
	for sex in M F M; do
		person_new "$sex"
		as_post rina /api/v1/applications "$(passport_json)"
		[ "$status" = 201 ]
		jq -r .application.id <<<"$body" >>"$BATS_FILE_TMPDIR/ids"
	done
	person_new F
	as_post rina /api/v1/applications "$(travel_json)"
	[ "$status" = 201 ]
	jq -r .application.id <<<"$body" >>"$BATS_FILE_TMPDIR/ids"
	# What an old dump holds of one application: its row under k1.
	keys_psql -c "SELECT id, encode(dek_wrapped, 'hex'), kek_id FROM applications
	    ORDER BY id LIMIT 1" >"$BATS_FILE_TMPDIR/old_row"
}

teardown_file() {
	# The last test restarted permitd: stop that one.
	[ -f "$BATS_FILE_TMPDIR/permitd.pid" ] &&
	    PERMITD_PID=$(cat "$BATS_FILE_TMPDIR/permitd.pid")
	stack_stop
}

# Every application of rina opens through the API, and so does her list.
all_readable() {
	local id
	citizen_signin rina
	while read -r id; do
		as rina GET "/api/v1/applications/$id"
		[ "$status" = 200 ] || { echo "GET $id: $status" >&2; return 1; }
		[ "$(jq -r .application.id <<<"$body")" = "$id" ]
	done <"$BATS_FILE_TMPDIR/ids"
	as rina GET /api/v1/applications
	[ "$status" = 200 ]
	[ "$(jq '.applications | length' <<<"$body")" = 4 ]
}

kek_state() { # ID
	keys_psql -c "SELECT state FROM keks WHERE id = '$1'"
}

# Points the config at keyring FILE and reloads permitd.
use_keyring() { # FILE
	sed -i "s|^keyring = .*|keyring = $1|" "$STACK_CONFIG"
	reload_ctl >/dev/null
}

@test "retire refuses the keyring's active KEK and says to rotate first" {
	run keys_ctl retire k1
	[ "$status" -eq 1 ]
	[[ "$output" == *"kek k1 is the keyring's active kek"* ]]
	[[ "$output" == *"Rotate first (\`permitctl keys rotate\`)"* ]]
	[[ "$output" != *"run \`permitctl keys rewrap\` first"* ]]
	grep -q '^kek k1 ' "$KEYRING"
}

@test "retire refuses a KEK the keyring does not hold" {
	run keys_ctl retire no-such-kek
	[ "$status" -eq 1 ]
	[[ "$output" == *"no kek no-such-kek in $KEYRING"* ]]
}

@test "rewrap with a bad --batch is a usage error" {
	run keys_ctl rewrap --batch 0
	[ "$status" -eq 2 ]
}

@test "the running permitd tells the database which KEKs it holds and seals under" {
	[ "$(keys_psql -c "SELECT pid, sealing_keks, held_keks FROM live_instances")" = \
	    "$PERMITD_PID|{k1}|{k1}" ]
	[ "$(kek_state k1)" = active ]
}

@test "after rotate, retire refuses while the running permitd still seals under the old KEK" {
	run keys_ctl rotate
	[ "$status" -eq 0 ]
	[ "$(keyring_active)" = k2 ]
	run keys_ctl retire k1
	[ "$status" -eq 1 ]
	[[ "$output" == *"pid $PERMITD_PID"*"still wraps new data keys under kek k1"* ]]
	[[ "$output" == *"reload"* ]]
	grep -q '^kek k1 ' "$KEYRING"
	[ ! -e "$ARCHIVE" ]
	[ "$(kek_state k1)" = active ]
}

@test "rewrap refuses while the running permitd does not hold the new KEK" {
	run keys_ctl rewrap
	[ "$status" -eq 1 ]
	[[ "$output" == *"pid $PERMITD_PID"*"does not hold kek k2"* ]]
	[ "$(keys_psql -c "SELECT count(*) FROM applications WHERE kek_id = 'k2'")" = 0 ]
}

@test "permitctl reload signals the master, not a worker: the workers are replaced" {
	local before
	before=$(worker_pids)
	[ "$(wc -l <<<"$before")" -eq 2 ]
	run reload_ctl
	[ "$status" -eq 0 ]
	[[ "$output" == *"permitd (pid $PERMITD_PID) reloaded"* ]]
	kill -0 "$PERMITD_PID"
	workers_replaced "$before" 2
	grep -q "configuration reloaded" "$E2E_LOG"
	[ "$(keys_psql -c "SELECT sealing_keks, held_keks FROM live_instances")" = \
	    "{k2}|{k1,k2}" ]
	all_readable
}

@test "retire refuses while rows still name the old KEK" {
	run keys_ctl retire k1
	[ "$status" -eq 1 ]
	[[ "$output" == *"kek k1 still wraps 5 data keys (accounts 1, applications 4)"* ]]
	[[ "$output" == *"run \`permitctl keys rewrap\` first"* ]]
	grep -q '^kek k1 ' "$KEYRING"
	[ "$(kek_state k1)" = active ]
}

@test "rewrap moves every data key under the new KEK and changes no sealed field" {
	local before after
	before=$(keys_psql -c "SELECT md5(string_agg(s_full_name::text || s_nik::text, ',' ORDER BY id)) FROM applications")
	run keys_ctl rewrap --batch 2
	[ "$status" -eq 0 ]
	[[ "$output" == *"5/5"* ]]
	[[ "$output" == *"5 data keys re-wrapped under kek k2"* ]]
	[ "$(keys_psql -c "SELECT count(*) FROM applications WHERE kek_id <> 'k2'")" = 0 ]
	[ "$(keys_psql -c "SELECT count(*) FROM accounts WHERE kek_id <> 'k2'")" = 0 ]
	after=$(keys_psql -c "SELECT md5(string_agg(s_full_name::text || s_nik::text, ',' ORDER BY id)) FROM applications")
	[ "$before" = "$after" ]
	run keys_ctl rewrap
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 data keys re-wrapped"* ]]
}

@test "retire then moves the KEK from the keyring to a 0600 archive and retires it in the database" {
	run keys_ctl retire k1
	[ "$status" -eq 0 ]
	[[ "$output" == *"kek k1 retired: moved from $KEYRING to $ARCHIVE"* ]]
	! grep -q '^kek k1 ' "$KEYRING"
	grep -q '^kek k1 ' "$ARCHIVE"
	[ "$(stat -c %a "$ARCHIVE")" = 600 ]
	[ "$(kek_state k1)" = retired ]
	keys_ctl list | grep -qx 'kek k1 archived'
	keys_ctl list | grep -qx 'kek k2 active'
	run keys_ctl retire k1
	[ "$status" -eq 1 ]
	[[ "$output" == *"kek k1 is already retired"* ]]
	reload_ctl
	all_readable
}

@test "a permitd reloaded with a keyring whose active KEK is retired stores nothing new, loudly" {
	local kr=$BATS_TEST_TMPDIR/keyring.edited n st
	# An operator's hand-edit: k1 back from the archive, marked active.
	{ sed 's/ active$//' "$KEYRING"; sed -n 's/^kek k1 .*/& active/p' "$ARCHIVE"; } >"$kr"
	chmod 0600 "$kr"
	use_keyring "$kr"
	n=$(keys_psql -c "SELECT count(*) FROM applications")
	citizen_signin rina
	person_new M
	as_post rina /api/v1/applications "$(passport_json)"
	st=$status
	use_keyring "$KEYRING"
	[ "$st" = 500 ]
	[ "$(keys_psql -c "SELECT count(*) FROM applications")" = "$n" ]
	grep -q "kek k1 is retired in the database, but workers wrap new data keys under it" "$E2E_LOG"
	grep -q "kek k1 is retired: no data key may be wrapped under it" "$E2E_LOG"
	all_readable
}

@test "a row of an old dump under the archived KEK: unreadable until restored, then re-wrapped" {
	local id hex kek
	IFS='|' read -r id hex kek <"$BATS_FILE_TMPDIR/old_row"
	[ "$kek" = k1 ]
	# A dump restored over the row: what it holds, guard and all.
	keys_psql -c "BEGIN; SET LOCAL session_replication_role = replica;
	    UPDATE applications SET dek_wrapped = decode('$hex', 'hex'), kek_id = 'k1'
	    WHERE id = '$id'; COMMIT;"
	citizen_signin rina
	as rina GET "/api/v1/applications/$id"
	[ "$status" != 200 ]
	run keys_ctl purge k1 --yes
	[ "$status" -eq 1 ]
	[[ "$output" == *"kek k1 still wraps 1 data keys"* ]]
	grep -q '^kek k1 ' "$ARCHIVE"
	run keys_ctl restore k1
	[ "$status" -eq 0 ]
	grep -q '^kek k1 ' "$KEYRING"
	! grep -q '^kek k1 ' "$ARCHIVE"
	[ "$(keyring_active)" = k2 ]
	reload_ctl
	all_readable
	run keys_ctl rewrap
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 data keys re-wrapped under kek k2"* ]]
	run keys_ctl retire k1
	[ "$status" -eq 0 ]
	grep -q '^kek k1 ' "$ARCHIVE"
	reload_ctl
	all_readable
}

@test "purge refuses without confirmation and destroys the archived KEK with one" {
	run keys_ctl purge k1 </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *"Type the kek id to confirm"* ]]
	[[ "$output" == *"not confirmed; nothing purged"* ]]
	grep -q '^kek k1 ' "$ARCHIVE"
	run keys_ctl purge k1 <<<"k2"
	[ "$status" -eq 1 ]
	grep -q '^kek k1 ' "$ARCHIVE"
	run keys_ctl purge k1 <<<"k1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"kek k1 destroyed"* ]]
	! grep -q '^kek k1 ' "$ARCHIVE"
	! keys_ctl list | grep -q '^kek k1'
	[ "$(stat -c %a "$ARCHIVE")" = 600 ]
	run keys_ctl purge k1 --yes
	[ "$status" -eq 1 ]
	[[ "$output" == *"no archived kek k1"* ]]
	all_readable
}

@test "purge refuses a KEK that is not archived" {
	run keys_ctl purge k2 --yes
	[ "$status" -eq 1 ]
	grep -q '^kek k2 .* active$' "$KEYRING"
}

@test "reload refuses a pid file that names another process, and signals nothing" {
	local before victim
	before=$(worker_pids)
	victim=$(head -n1 <<<"$before")
	echo "$victim" >"$PID_FILE"
	run reload_ctl
	echo "$PERMITD_PID" >"$PID_FILE"
	[ "$status" -eq 1 ]
	[[ "$output" == *"names pid $victim but pid $PERMITD_PID holds it; nothing signalled"* ]]
	sleep 0.5
	[ "$(worker_pids)" = "$before" ]
	! grep -q "worker $victim" "$E2E_LOG"
}

@test "reload without a running permitd says so" {
	local conf=$BATS_TEST_TMPDIR/other.conf
	sed -e "s|^pid_file = .*|pid_file = $BATS_TEST_TMPDIR/none.pid|" "$STACK_CONFIG" >"$conf"
	run "$PERMITCTL" -c "$conf" reload
	[ "$status" -eq 1 ]
	[[ "$output" == *"none.pid"*"is permitd running with this configuration?"* ]]
	: >"$BATS_TEST_TMPDIR/none.pid"
	run "$PERMITCTL" -c "$conf" reload
	[ "$status" -eq 1 ]
	[[ "$output" == *"no running permitd holds it"* ]]
}

@test "a second permitd with the same pid file refuses to start, naming the first" {
	local conf=$BATS_TEST_TMPDIR/second.conf
	sed -e "s|^listen = .*|listen = unix:$BATS_TEST_TMPDIR/second.sock|" "$STACK_CONFIG" >"$conf"
	run "$PERMITD" -c "$conf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$PID_FILE: held by a running permitd (pid $PERMITD_PID)"* ]]
	[ "$(cat "$PID_FILE")" = "$PERMITD_PID" ]
	[ ! -e "$BATS_TEST_TMPDIR/second.sock" ]
	kill -0 "$PERMITD_PID"
}

@test "a clean stop removes the pid file and the database forgets the instance" {
	kill -TERM "$PERMITD_PID"
	wait_for_exit "$PERMITD_PID" 30
	[ ! -e "$PID_FILE" ]
	[ "$(keys_psql -c "SELECT count(*) FROM instances")" = 0 ]
	e2e_permitd_start 3>&-
	[ "$(cat "$PID_FILE")" = "$PERMITD_PID" ]
	echo "$PERMITD_PID" >"$BATS_FILE_TMPDIR/permitd.pid"
}
