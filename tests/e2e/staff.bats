#!/usr/bin/env bats
# Staff (the back office's people): the first admin comes from permitctl,
# admins make more with POST /api/v1/admin/staff, staff sign in through
# /api/v1/sessions, and the admin routes are an admin's alone: a citizen
# or a reviewer gets 403, no session 401, and a refused request makes
# nothing.

load lib
load citizen
load staff
load routes

setup_file() {
	stack_start
	staff_new ada admin
	staff_new rey reviewer JKT-SEL
	citizen_new cid
}

teardown_file() {
	stack_stop
}

staff_json() { # EMAIL ROLE [OFFICE]
	jq -nc --arg e "$1" --arg p "$CITIZEN_PASSWORD" --arg r "$2" \
	    --arg o "${3:-}" \
	    '{email: $e, password: $p, role: $r} +
	     (if $o == "" then {} else {office: $o} end)'
}

new_email() { echo "staff.$RANDOM$RANDOM@Example.TEST"; }

# The admin routes of app/routes.c: METHOD PATTERN lines.
admin_routes() {
	routes_table | awk '$2 ~ "^/api/v1/admin/" { print $1, $2 }'
}

@test "the first admin, made by permitctl, signs in through /sessions" {
	api_json POST /api/v1/sessions \
	    "$(credentials "$(citizen_email ada)" "$CITIZEN_PASSWORD")"
	[ "$status" = 201 ]
	[ "$(jq -r .account.role <<<"$body")" = admin ]
	[ "$(jq -r .account.office <<<"$body")" = null ]
}

@test "an admin makes a reviewer of an office, who signs in with it" {
	local email norm
	email=$(new_email)
	norm=$(tr '[:upper:]' '[:lower:]' <<<"$email")
	as_post ada /api/v1/admin/staff "$(staff_json "$email" reviewer MKS)"
	[ "$status" = 201 ]
	[ "$(jq -r .account.role <<<"$body")" = reviewer ]
	[ "$(jq -r .account.office <<<"$body")" = MKS ]
	[ "$(jq -r .account.email <<<"$body")" = "$norm" ]
	api_json POST /api/v1/sessions "$(credentials "$email" "$CITIZEN_PASSWORD")" \
	    -c "$BATS_TEST_TMPDIR/jar"
	[ "$status" = 201 ]
	[ "$(jq -r .account.role <<<"$body")" = reviewer ]
	[ "$(jq -r .account.office <<<"$body")" = MKS ]
	api GET /api/v1/me -b "$BATS_TEST_TMPDIR/jar"
	[ "$status" = 200 ]
	[ "$(jq -r .account.office <<<"$body")" = MKS ]
}

@test "an admin makes an admin, who makes staff in turn" {
	local email
	email=$(new_email)
	as_post ada /api/v1/admin/staff "$(staff_json "$email" admin)"
	[ "$status" = 201 ]
	[ "$(jq -r .account.role <<<"$body")" = admin ]
	[ "$(jq -r .account.office <<<"$body")" = null ]
	echo "$email" >"$BATS_FILE_TMPDIR/ida.email"
	citizen_signin ida
	as_post ida /api/v1/admin/staff "$(staff_json "$(new_email)" reviewer SBY)"
	[ "$status" = 201 ]
}

# A body each admin route would accept from an admin, so a route that let
# the wrong principal through would change something.
admin_body() { # PATTERN
	case $1 in
	/api/v1/admin/maintenance) echo '{"mode":"closed"}' ;;
	*) staff_json "$(new_email)" admin ;;
	esac
}

# Every admin route answers NAME 403 forbidden, and nothing changes.
forbidden_everywhere() { # NAME
	local method pattern before state
	before=$(accounts_count)
	state=$(service_state)
	[ -n "$(admin_routes)" ]
	while read -r method pattern; do
		as_post "$1" "$(route_path "$pattern")" "$(admin_body "$pattern")" \
		    -X "$method"
		[ "$status" = 403 ] || { echo "$method $pattern: $status" >&2; return 1; }
		assert_error_body forbidden
	done < <(admin_routes)
	[ "$(accounts_count)" = "$before" ]
	[ "$(service_state)" = "$state" ]
}

@test "a citizen gets 403 on every admin route and changes nothing" {
	forbidden_everywhere cid
}

@test "a reviewer gets 403 on every admin route and changes nothing" {
	forbidden_everywhere rey
}

@test "without a session every admin route is 401" {
	local method pattern
	while read -r method pattern; do
		api_json "$method" "$(route_path "$pattern")" \
		    "$(admin_body "$pattern")"
		[ "$status" = 401 ] || { echo "$method $pattern: $status" >&2; return 1; }
		assert_error_body unauthorized
	done < <(admin_routes)
}

@test "an admin's POST without the CSRF token is 403 and makes nothing" {
	local before
	before=$(accounts_count)
	api_json POST /api/v1/admin/staff "$(staff_json "$(new_email)" admin)" \
	    -b "$(citizen_jar ada)"
	[ "$status" = 403 ]
	assert_error_body forbidden
	[ "$(accounts_count)" = "$before" ]
}

# Each refused body: STATUS FIELD JSON. Nothing may be made by any.
@test "bad staff bodies get the API's error naming the field and make nothing" {
	local taken before
	taken=$(citizen_email cid)
	before=$(accounts_count)
	while IFS='|' read -r want field json; do
		as_post ada /api/v1/admin/staff "$json"
		[ "$status" = "$want" ] || { echo "$json: $status $body" >&2; return 1; }
		[ "$(jq -r '.error.field // ""' <<<"$body")" = "$field" ] ||
		    { echo "$json: $body" >&2; return 1; }
	done <<EOF
422|role|$(staff_json "$(new_email)" citizen)
422|role|$(staff_json "$(new_email)" superuser)
422|role|$(jq -nc '{email: "a.b@example.test", password: "long enough pw", role: 7}')
422|office|$(staff_json "$(new_email)" reviewer)
422|office|$(staff_json "$(new_email)" reviewer XYZ)
422|office|$(staff_json "$(new_email)" reviewer jkt-sel)
422|office|$(staff_json "$(new_email)" admin JKT-SEL)
422|email|$(staff_json "not an email" admin)
422|password|$(jq -nc --arg e "$(new_email)" '{email: $e, password: "short", role: "admin"}')
422|role|$(jq -nc --arg e "$(new_email)" '{email: $e, password: "long enough pw"}')
422|extra|$(jq -nc --arg e "$(new_email)" '{email: $e, password: "long enough pw", role: "admin", extra: 1}')
409|email|$(staff_json "$taken" admin)
EOF
	as ada POST /api/v1/admin/staff -H 'Content-Type: application/json' \
	    --data 'not json'
	[ "$status" = 400 ]
	[ "$(accounts_count)" = "$before" ]
}

@test "a staff account's email is stored sealed, never as text" {
	local email
	email=$(new_email | tr '[:upper:]' '[:lower:]')
	as_post ada /api/v1/admin/staff "$(staff_json "$email" reviewer BDG)"
	[ "$status" = 201 ]
	psql_super -c "COPY (SELECT * FROM accounts WHERE id = '$(jq -r .account.id <<<"$body")') TO STDOUT" \
	    >"$BATS_TEST_TMPDIR/row"
	[ -s "$BATS_TEST_TMPDIR/row" ]
	assert_nowhere "$BATS_TEST_TMPDIR/row" "$email" "$CITIZEN_PASSWORD"
}
