#!/usr/bin/env bats
# Every read bound to its owner (docs/DESIGN.md invariants 3 and 4):
# another citizen's application is a 404 byte-identical to a nonexistent one's,
# state changes need the CSRF token, and ciphertext moved between rows does
# not open (fails closed, never the other owner's plaintext).

load lib
load citizen

setup_file() {
	stack_start
	citizen_new alice
	citizen_new bob
	person_new F
	citizen_apply alice
	person_new M
	P_NAME="Bob Plaintext Zzq$RANDOM"
	echo "$P_NAME" >"$BATS_FILE_TMPDIR/bob.name"
	citizen_apply bob
}

teardown_file() {
	stack_stop
}

alice_app() { citizen_app alice; }
bob_app() { citizen_app bob; }

# The 404 body of an id that exists nowhere.
random_404() { # METHOD SUFFIX
	as bob "$1" "/api/v1/applications/$(cat /proc/sys/kernel/random/uuid)$2"
	[ "$status" = 404 ]
	echo "$body"
}

@test "reading another citizen's application is 404, byte-identical to a random id's" {
	local want
	want=$(random_404 GET "")
	as bob GET "/api/v1/applications/$(alice_app)"
	[ "$status" = 404 ]
	[ "$body" = "$want" ]
	[ "$(error_code)" = not_found ]
}

@test "a malformed id is the same 404" {
	local want
	want=$(random_404 GET "")
	as bob GET "/api/v1/applications/not-a-uuid"
	[ "$status" = 404 ]
	[ "$body" = "$want" ]
	as bob GET "/api/v1/applications/$(alice_app | tr a-f A-F)"
	[ "$status" = 404 ]
	[ "$body" = "$want" ]
}

@test "cancelling another citizen's application is the same 404 and changes nothing" {
	local want
	want=$(random_404 POST /cancel)
	as bob POST "/api/v1/applications/$(alice_app)/cancel"
	[ "$status" = 404 ]
	[ "$body" = "$want" ]
	[ "$(psql_super -tA -c "SELECT status FROM applications WHERE id = '$(alice_app)'")" = submitted ]
}

@test "listing shows only one's own applications" {
	as bob GET /api/v1/applications
	[ "$status" = 200 ]
	[ "$(jq -r --arg id "$(alice_app)" '[.applications[] | select(.id == $id)] | length' <<<"$body")" = 0 ]
	[ "$(jq -r --arg id "$(bob_app)" '[.applications[] | select(.id == $id)] | length' <<<"$body")" = 1 ]
}

@test "a write without X-CSRF-Token is 403 and changes nothing" {
	local before
	before=$(applications_count)
	person_new M
	api POST /api/v1/applications -b "$(citizen_jar alice)" \
	    -H 'Content-Type: application/json' --data "$(passport_json)"
	[ "$status" = 403 ]
	[ "$(error_code)" = forbidden ]
	api POST "/api/v1/applications/$(alice_app)/cancel" -b "$(citizen_jar alice)"
	[ "$status" = 403 ]
	[ "$(applications_count)" = "$before" ]
	[ "$(psql_super -tA -c "SELECT status FROM applications WHERE id = '$(alice_app)'")" = submitted ]
}

@test "a write with a wrong X-CSRF-Token (bob's) is 403 and changes nothing" {
	local before
	before=$(applications_count)
	person_new M
	api POST /api/v1/applications -b "$(citizen_jar alice)" \
	    -H "X-CSRF-Token: $(citizen_csrf bob)" \
	    -H 'Content-Type: application/json' --data "$(passport_json)"
	[ "$status" = 403 ]
	api POST "/api/v1/applications/$(alice_app)/cancel" -b "$(citizen_jar alice)" \
	    -H "X-CSRF-Token: $(citizen_csrf bob)"
	[ "$status" = 403 ]
	[ "$(applications_count)" = "$before" ]
	[ "$(psql_super -tA -c "SELECT status FROM applications WHERE id = '$(alice_app)'")" = submitted ]
}

@test "without a session the resource is 401" {
	api GET /api/v1/applications
	[ "$status" = 401 ]
	api GET "/api/v1/applications/$(alice_app)"
	[ "$status" = 401 ]
}

# Copies column COL of bob's row into alice's row (as the superuser), runs
# alice's read, and restores the column.
swap_read() { # COL
	local col=$1 saved
	saved=$(psql_super -tA -c "SELECT encode($col, 'hex') FROM applications WHERE id = '$(alice_app)'")
	psql_super -c "UPDATE applications SET $col = (SELECT $col FROM applications WHERE id = '$(bob_app)') WHERE id = '$(alice_app)'"
	as alice GET "/api/v1/applications/$(alice_app)"
	psql_super -c "UPDATE applications SET $col = decode('$saved', 'hex') WHERE id = '$(alice_app)'"
}

@test "a sealed field copied from another owner's row fails closed" {
	swap_read s_full_name
	[ "$status" = 404 ] || [ "$status" = 500 ]
	[[ "$body" != *"$(cat "$BATS_FILE_TMPDIR/bob.name")"* ]]
	as alice GET "/api/v1/applications/$(alice_app)"
	[ "$status" = 200 ]
}

@test "a wrapped DEK copied from another owner's row fails closed" {
	swap_read dek_wrapped
	[ "$status" = 404 ] || [ "$status" = 500 ]
	[[ "$body" != *"$(cat "$BATS_FILE_TMPDIR/bob.name")"* ]]
	as alice GET "/api/v1/applications/$(alice_app)"
	[ "$status" = 200 ]
}

@test "the whole sealed row of another owner copied in fails closed" {
	local cols="dek_wrapped = b.dek_wrapped, s_full_name = b.s_full_name, s_nik = b.s_nik"
	psql_super -c "CREATE TABLE IF NOT EXISTS iso_saved AS SELECT * FROM applications WHERE id = '$(alice_app)'"
	psql_super -c "UPDATE applications a SET $cols FROM applications b WHERE a.id = '$(alice_app)' AND b.id = '$(bob_app)'"
	as alice GET "/api/v1/applications/$(alice_app)"
	local st=$status got=$body
	as alice GET /api/v1/applications
	local list_st=$status list=$body
	psql_super -c "UPDATE applications a SET $cols FROM iso_saved b WHERE a.id = b.id; DROP TABLE iso_saved"
	[ "$st" = 404 ] || [ "$st" = 500 ]
	[[ "$got" != *"$(cat "$BATS_FILE_TMPDIR/bob.name")"* ]]
	# The list does not fail whole: alice's row is listed unreadable,
	# nothing of bob's opened in it.
	[ "$list_st" = 200 ]
	[ "$(jq -c --arg id "$(alice_app)" '.applications[] | select(.id == $id) | [.unreadable, .nik_last4]' <<<"$list")" = '[true,null]' ]
	[[ "$list" != *"$(cat "$BATS_FILE_TMPDIR/bob.name")"* ]]
}

# Layer (c) of docs/DESIGN.md invariant 4 alone: the row is moved to alice, so
# the handler's filter and row-level security both admit it; only the seal,
# bound to bob as owner and opened with alice's session id, stands.
@test "another owner's row moved to alice's account still does not open for her" {
	local want st got list_st list
	want=$(random_404 GET "")
	psql_super -c "UPDATE applications SET account_id = '$(citizen_id alice)' WHERE id = '$(bob_app)'"
	as alice GET "/api/v1/applications/$(bob_app)"
	st=$status got=$body
	as alice GET /api/v1/applications
	list_st=$status list=$body
	psql_super -c "UPDATE applications SET account_id = '$(citizen_id bob)' WHERE id = '$(bob_app)'"
	[ "$st" = 404 ]
	[ "$got" = "$want" ]
	[[ "$list" != *"$(cat "$BATS_FILE_TMPDIR/bob.name")"* ]]
	# Filter and RLS now call the row alice's, so the list shows its
	# workflow data, marked unreadable; nothing sealed opens for her.
	[ "$list_st" = 200 ]
	[ "$(jq -c --arg id "$(bob_app)" '.applications[] | select(.id == $id) | [.unreadable, .nik_last4]' <<<"$list")" = '[true,null]' ]
}
