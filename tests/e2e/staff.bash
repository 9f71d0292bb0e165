# shellcheck shell=bash
# Staff for end-to-end tests: admins and reviewers made with `permitctl
# staff add`, the way the first admin is made, then signed in like a
# citizen, so `as NAME` and `as_post NAME` work for them too. Load after
# lib and citizen; call after stack_start (it uses the file's config and
# its keyring).

# permitctl with this file's config, as the owner of the test database.
staff_ctl() { # COMMAND [ARGS...]
	"$PERMITCTL" -c "$STACK_CONFIG" "$@" --database "$PERMIT_TEST_OWNER_DSN"
}

# Makes staff member NAME (ROLE admin or reviewer, OFFICE for a reviewer)
# with CITIZEN_PASSWORD and signs it in; fails unless both succeed.
staff_new() { # NAME ROLE [OFFICE]
	local name=$1 role=$2 office=${3:-} email
	email="$name.$RANDOM$RANDOM@staff.example.test"
	echo "$email" >"$BATS_FILE_TMPDIR/$name.email"
	printf '%s\n' "$CITIZEN_PASSWORD" |
	    staff_ctl staff add --email "$email" --role "$role" \
	    ${office:+--office "$office"} >/dev/null ||
	    { echo "staff add $name failed" >&2; return 1; }
	citizen_signin "$name"
}

# Rows in accounts, counted as the superuser (RLS does not apply).
accounts_count() {
	psql_super -tA -c "SELECT count(*) FROM accounts"
}

# The service state as stored: "mode|message".
service_state() {
	psql_super -tA -c "SELECT mode || '|' || coalesce(message, '') FROM service_state"
}

# Admin NAME sets the mode (and MESSAGE) through the API; fails unless 200.
admin_mode() { # NAME MODE [MESSAGE]
	local json
	json=$(jq -nc --arg m "$2" --arg t "${3:-}" \
	    '{mode: $m} + (if $t == "" then {} else {message: $t} end)')
	as "$1" PUT /api/v1/admin/maintenance -H 'Content-Type: application/json' \
	    --data "$json"
	[ "$status" = 200 ] || { echo "set mode $2: $status $body" >&2; return 1; }
}

# permitctl's audit rows (actor_kind 'cli') with ACTION, counted as the
# superuser.
cli_audit_count() { # ACTION
	psql_super -tA -c "SELECT count(*) FROM audit_log
	    WHERE actor_kind = 'cli' AND action = '$1'"
}

# The last audit row: "actor_kind|actor|action|account|detail" (an absent
# account or detail empty).
audit_last() {
	psql_super -tA -c "SELECT actor_kind || '|' || actor || '|' || action
	    || '|' || coalesce(account_id::text, '') || '|' || coalesce(detail, '')
	    FROM audit_log ORDER BY seq DESC LIMIT 1"
}

# Rows of audit_log, all of them.
audit_total() {
	psql_super -tA -c "SELECT count(*) FROM audit_log"
}

# `permitctl audit verify` as the owner; fails unless the chain is whole.
audit_verify() {
	staff_ctl audit verify >/dev/null ||
	    { echo "audit verify failed" >&2; return 1; }
}

# Makes every insert into audit_log fail while it is in place (a check no
# row passes), as the superuser; audit_unbreak removes it.
audit_break() {
	psql_super -c "ALTER TABLE audit_log ADD CONSTRAINT test_no_row
	    CHECK (false) NOT VALID" >/dev/null
}
audit_unbreak() {
	psql_super -c "ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS
	    test_no_row" >/dev/null
}
