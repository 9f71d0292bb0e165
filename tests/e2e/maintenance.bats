#!/usr/bin/env bats
# Maintenance never changes who sees what (docs/DESIGN.md invariant 7):
# read_only serves reads, still bound to their owner, and answers writes 503;
# closed answers only health and an admin's routes; both bodies are static.
# The mode lives in the database, so every worker agrees at once. The sweeps
# take every route of app/routes.c, so a route added there is held to the same
# rule with no change here.

load lib
load citizen
load staff
load routes

setup_file() {
	stack_start
	citizen_new mira
	citizen_new nico
	staff_new ana admin
	person_new F
	citizen_apply mira
	echo "$P_NAME" >"$BATS_FILE_TMPDIR/mira.name"
}

teardown_file() {
	set_mode normal
	stack_stop
}

teardown() {
	set_mode normal
}

set_mode() { psql_super -c "UPDATE service_state SET mode = '$1'"; }
mira_app() { citizen_app mira; }

assert_maintenance() {
	[ "$status" = 503 ]
	[ "$(error_code)" = maintenance ]
	[ -n "$(header Retry-After)" ]
	[ "$(header Cache-Control)" = no-store ]
}

@test "read_only: the owner still reads her application" {
	set_mode read_only
	as mira GET "/api/v1/applications/$(mira_app)"
	[ "$status" = 200 ]
	[ "$(jq -r .application.applicant.full_name <<<"$body")" = "$(cat "$BATS_FILE_TMPDIR/mira.name")" ]
}

@test "read_only: another citizen still gets 404 for her application" {
	set_mode read_only
	as nico GET "/api/v1/applications/$(mira_app)"
	[ "$status" = 404 ]
	! grep -qF "$(cat "$BATS_FILE_TMPDIR/mira.name")" <<<"$body"
}

@test "read_only: a new application is 503 maintenance and nothing is stored" {
	local before
	before=$(applications_count)
	set_mode read_only
	person_new M
	as_post nico /api/v1/applications "$(passport_json)"
	assert_maintenance
	[ "$(applications_count)" = "$before" ]
}

@test "read_only: cancelling is 503 maintenance and the status is unchanged" {
	set_mode read_only
	as mira POST "/api/v1/applications/$(mira_app)/cancel"
	assert_maintenance
	[ "$(psql_super -tA -c "SELECT status FROM applications WHERE id = '$(mira_app)'")" = submitted ]
}

@test "read_only: registration is 503 maintenance" {
	set_mode read_only
	api POST /api/v1/accounts -H 'Content-Type: application/json' \
	    --data '{"email":"ro.'$RANDOM'@example.test","password":"long enough pw"}'
	assert_maintenance
}

@test "closed: a citizen's own read is 503 maintenance, health still answers" {
	set_mode closed
	as mira GET "/api/v1/applications/$(mira_app)"
	assert_maintenance
	api GET /api/v1/health
	[ "$status" = 200 ]
	[ "$(jq -r .mode <<<"$body")" = closed ]
}

@test "closed: the maintenance body is static, the same for owner and stranger" {
	local owner stranger anonymous
	set_mode closed
	as mira GET "/api/v1/applications/$(mira_app)"
	owner=$body
	as nico GET "/api/v1/applications/$(mira_app)"
	stranger=$body
	api GET /api/v1/applications
	anonymous=$body
	[ "$owner" = "$stranger" ]
	[ "$owner" = "$anonymous" ]
}

@test "back to normal: writes are served again without a restart" {
	set_mode read_only
	set_mode normal
	person_new M
	as_post nico /api/v1/applications "$(passport_json)"
	[ "$status" = 201 ]
}

sessions_count() { psql_super -tA -c "SELECT count(*) FROM sessions"; }

@test "closed: a citizen's sign-in with the right password is 503 and opens no session" {
	local before
	before=$(sessions_count)
	set_mode closed
	api_json POST /api/v1/sessions "$(credentials "$(citizen_email mira)" "$CITIZEN_PASSWORD")"
	assert_maintenance
	[ "$(sessions_count)" = "$before" ]
}

@test "closed: a wrong password gets the same 503 as the right one" {
	local right
	set_mode closed
	api_json POST /api/v1/sessions "$(credentials "$(citizen_email mira)" "$CITIZEN_PASSWORD")"
	right=$body
	api_json POST /api/v1/sessions "$(credentials "$(citizen_email mira)" "wrong password!")"
	assert_maintenance
	[ "$body" = "$right" ]
}

@test "read_only: a citizen's sign-in is 503 maintenance" {
	set_mode read_only
	api_json POST /api/v1/sessions "$(credentials "$(citizen_email nico)" "$CITIZEN_PASSWORD")"
	assert_maintenance
}

@test "closed: a citizen's /me is 503 maintenance" {
	set_mode closed
	as mira GET /api/v1/me
	assert_maintenance
	! grep -qF "$(citizen_email mira)" <<<"$body"
}

@test "closed: an admin still signs in and reads /me" {
	citizen_new ada
	psql_super -c "UPDATE accounts SET role = 'admin' WHERE id = '$(citizen_id ada)'"
	set_mode closed
	citizen_signin ada
	as ada GET /api/v1/me
	[ "$status" = 200 ]
	[ "$(jq -r .account.role <<<"$body")" = admin ]
}

@test "no service_state row at all reads as closed: fail closed" {
	psql_super -c "CREATE TABLE mt_saved AS SELECT * FROM service_state; DELETE FROM service_state"
	as mira GET "/api/v1/applications/$(mira_app)"
	local st=$status code
	code=$(error_code)
	psql_super -c "INSERT INTO service_state SELECT * FROM mt_saved; DROP TABLE mt_saved"
	[ "$st" = 503 ]
	[ "$code" = maintenance ]
}

app_status() {
	psql_super -tA -c "SELECT status, updated_at FROM applications WHERE id = '$(mira_app)'"
}

# Every route of the table (of EFFECT, when given) as WHO (a signed-in
# name, or "-" for no session), with WHO's credentials as the body: one
# line per route, "METHOD PATTERN EFFECT SCOPE STATUS BODY" (the body
# without its "mode"). Sign-out is left out (it would end WHO's session);
# its own tests are above and below.
sweep() { # WHO [EFFECT]
	local method pattern effect scope access json path
	if [ "$1" = - ]; then
		json=$(credentials "$(citizen_email mira)" "$CITIZEN_PASSWORD")
	else
		json=$(credentials "$(citizen_email "$1")" "$CITIZEN_PASSWORD")
	fi
	while read -r method pattern effect scope access; do
		[ "$pattern" = /api/v1/sessions/current ] && continue
		[ -z "${2:-}" ] || [ "$effect" = "$2" ] || continue
		path=$(ROUTE_ID=$(mira_app) route_path "$pattern")
		if [ "$1" = - ]; then
			api_json "$method" "$path" "$json"
		else
			as "$1" "$method" "$path" -H 'Content-Type: application/json' \
			    --data "$json"
		fi
		printf '%s %s %s %s %s %s\n' "$method" "$pattern" "$effect" \
		    "$scope" "$status" "$(jq -c 'del(.mode)' <<<"$body" 2>/dev/null)"
	done < <(routes_table)
}

@test "read_only: every write route is 503 maintenance, for a citizen and for no session" {
	local state apps mine who method pattern effect scope st rest
	state=$(service_state)
	apps=$(applications_count)
	mine=$(app_status)
	set_mode read_only
	for who in mira -; do
		while read -r method pattern effect scope st rest; do
			[ "$effect" = WRITE ] || continue
			[ "$st" = 503 ] && [ "$(jq -r .error.code <<<"$rest")" = maintenance ] ||
			    { echo "$who $method $pattern: $st $rest" >&2; return 1; }
		done < <(sweep "$who" WRITE)
	done
	set_mode normal
	[ "$(applications_count)" = "$apps" ]
	[ "$(app_status)" = "$mine" ]
	[ "$(service_state)" = "$state" ]
	as mira GET /api/v1/me
	[ "$status" = 200 ]
}

@test "read_only: every read route answers as in normal, for a citizen and for no session" {
	local who
	for who in mira -; do
		sweep "$who" READ >"$BATS_TEST_TMPDIR/normal.$who"
		set_mode read_only
		sweep "$who" READ >"$BATS_TEST_TMPDIR/read_only.$who"
		set_mode normal
		[ -s "$BATS_TEST_TMPDIR/normal.$who" ]
		diff "$BATS_TEST_TMPDIR/normal.$who" "$BATS_TEST_TMPDIR/read_only.$who"
	done
	# The reads really were served: the owner's application is among them.
	grep -q "^GET /api/v1/applications/{id} READ NORMAL 200 " \
	    "$BATS_TEST_TMPDIR/read_only.mira"
}

@test "closed: only health answers a citizen or no session" {
	local who method pattern effect scope st rest
	set_mode closed
	for who in mira -; do
		while read -r method pattern effect scope st rest; do
			if [ "$pattern" = /api/v1/health ]; then
				[ "$st" = 200 ] || { echo "$who health: $st" >&2; return 1; }
				continue
			fi
			[ "$st" = 503 ] && [ "$(jq -r .error.code <<<"$rest")" = maintenance ] ||
			    { echo "$who $method $pattern: $st $rest" >&2; return 1; }
		done < <(sweep "$who")
	done
}

@test "closed: an admin's routes, health and sign-in answer an admin; every other route is 503" {
	local method pattern effect scope st rest state
	set_mode closed
	state=$(service_state)
	while read -r method pattern effect scope st rest; do
		case $scope in
		ADMIN | ALWAYS)
			[ "$st" != 503 ] || { echo "$method $pattern: 503" >&2; return 1; } ;;
		*)
			[ "$st" = 503 ] && [ "$(jq -r .error.code <<<"$rest")" = maintenance ] ||
			    { echo "$method $pattern: $st $rest" >&2; return 1; } ;;
		esac
	done < <(sweep ana)
	[ "$(service_state)" = "$state" ]
	as ana DELETE /api/v1/sessions/current
	[ "$status" = 204 ]
	citizen_signin ana
}
