#!/usr/bin/env bats
# The review: a reviewer's queue, openings and decisions, scoped to its
# office (RLS and every statement), audited in the same transaction, and
# budgeted (review_open_limit, 5 here).

load lib
load citizen
load staff

setup_file() {
	local i
	E2E_EXTRA_CONFIG=$'review_open_limit = 5\nworkers = 4' stack_start
	staff_new rina reviewer YOG
	staff_new sam reviewer SBY
	staff_new ada admin
	# Passports to YOG (no other file's office), travel permits to SBY.
	for i in 1 2 3 4 5 6 7; do
		citizen_new "p$i"; person_new M; citizen_apply_at "p$i" YOG
	done
	citizen_new t1; person_new F
	as_post t1 /api/v1/applications "$(travel_json)"
	jq -r .application.id <<<"$body" >"$BATS_FILE_TMPDIR/t1.app"
	export DAY
	DAY=$(weekday_ahead 12)
}

teardown_file() {
	stack_stop
}


audit_rows() { # APPLICATION ACTION
	psql_super -tA -c "SELECT count(*) FROM audit_log
	    WHERE application_id = '$1' AND action = '$2'"
}

decide() { # REVIEWER APP OUTCOME [REASON]
	as_post "$1" "/api/v1/review/applications/$2/decision" \
	    "$(jq -nc --arg o "$3" --arg r "${4:-Checked at the counter.}" \
	    '{outcome: $o, reason: $r}')"
}

@test "the queue is the reviewer's office only, oldest first, paged without gaps or repeats" {
	local got="" after="" page want
	while :; do
		as rina GET "/api/v1/review/queue?limit=3${after:+&after=$after}"
		[ "$status" = 200 ] || { echo "$body" >&2; false; }
		[ "$(jq '.applications | length' <<<"$body")" -le 3 ]
		page=$(jq -r '.applications[].id' <<<"$body")
		got+="$page"$'\n'
		after=$(jq -r '.next // empty' <<<"$body")
		[ -n "$after" ] || break
	done
	want=$(psql_super -tA -c "SELECT id FROM applications WHERE office = 'YOG'
	    ORDER BY created_at, id")
	[ "$(grep -v '^$' <<<"$got")" = "$want" ]
	# Summaries only: nik_last4, no identity field.
	as rina GET "/api/v1/review/queue?limit=1"
	[ "$(jq -c '.applications[0] | keys' <<<"$body")" = '["appointment","created_at","id","kind","nik_last4","office","status"]' ]
	! grep -q "$(citizen_app t1)" <<<"$got"
}

@test "the queue filters by status and appointment day" {
	local app
	app=$(citizen_app p1)
	as_post p1 "/api/v1/applications/$app/booking" "{\"date\":\"$DAY\"}"
	[ "$status" = 201 ]
	as rina GET "/api/v1/review/queue?status=booked&date=$DAY"
	[ "$status" = 200 ]
	[ "$(jq -r '[.applications[].id] | join(",")' <<<"$body")" = "$app" ]
	as rina GET "/api/v1/review/queue?status=no_show"
	[ "$(jq '.applications | length' <<<"$body")" = 0 ]
	as rina GET "/api/v1/review/queue?status=sleeping"
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = status ]
	as rina GET "/api/v1/review/queue?limit=201"
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = limit ]
	as rina GET "/api/v1/review/queue?date=2026-13-01"
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = date ]
	as rina GET "/api/v1/review/queue?after=not-an-id"
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = after ]
	as rina GET "/api/v1/review/queue?sort=name"
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = sort ]
	as rina GET "/api/v1/review/queue?limit=%zz"
	[ "$status" = 400 ] && assert_error_body bad_request
}

@test "opening an application of the office: 200 with its identity data and exactly one audit row" {
	local app before
	app=$(citizen_app p2)
	before=$(audit_rows "$app" review.open)
	as rina GET "/api/v1/review/applications/$app"
	[ "$status" = 200 ] || { echo "$body" >&2; false; }
	[ "$(jq -r .application.id <<<"$body")" = "$app" ]
	[ "$(jq -r .application.applicant.nik <<<"$body" | wc -c)" = 17 ]
	[ "$(audit_rows "$app" review.open)" = $((before + 1)) ]
	[ "$(psql_super -tA -c "SELECT actor FROM audit_log WHERE application_id = '$app'
	    AND action = 'review.open' ORDER BY seq DESC LIMIT 1")" = "$(citizen_id rina)" ]
}

@test "another office's application is 404 to open and to decide, and no audit row is written" {
	local app before
	app=$(cat "$BATS_FILE_TMPDIR/t1.app")
	before=$(psql_super -tA -c "SELECT count(*) FROM audit_log")
	as rina GET "/api/v1/review/applications/$app"
	[ "$status" = 404 ] && assert_error_body not_found
	decide rina "$app" approved
	[ "$status" = 404 ]
	[ "$(psql_super -tA -c "SELECT count(*) FROM audit_log")" = "$before" ]
	[ "$(psql_super -tA -c "SELECT status FROM applications WHERE id = '$app'")" = submitted ]
}

@test "under RLS a reviewer's transaction sees its office's rows only" {
	local n
	n=$(psql -X -tA "$PERMIT_TEST_APP_DSN" -c BEGIN \
	    -c "SELECT set_config('permit.account_id', '$(citizen_id sam)', true),
	        set_config('permit.role', 'reviewer', true)" \
	    -c "SELECT count(*) FILTER (WHERE office = 'SBY') || '/' ||
	        count(*) FILTER (WHERE office <> 'SBY') FROM applications" \
	    -c COMMIT | grep '^[0-9]*/[0-9]*$')
	[ "${n%/*}" -ge 1 ]
	[ "${n#*/}" = 0 ]
}

@test "a decision: one audit row, the citizen sees outcome and reason; a second is 409" {
	local app before
	app=$(cat "$BATS_FILE_TMPDIR/t1.app")
	before=$(audit_rows "$app" review.decide)
	decide sam "$app" approved "All documents in order."
	[ "$status" = 200 ] || { echo "$body" >&2; false; }
	[ "$(jq -r .application.status <<<"$body")" = approved ]
	[ "$(audit_rows "$app" review.decide)" = $((before + 1)) ]
	as t1 GET "/api/v1/applications/$app"
	[ "$(jq -r .application.decision.outcome <<<"$body")" = approved ]
	[ "$(jq -r .application.decision.reason <<<"$body")" = "All documents in order." ]
	decide sam "$app" rejected
	[ "$status" = 409 ] && assert_error_body conflict
	[ "$(audit_rows "$app" review.decide)" = $((before + 1)) ]
}

# The citizen reads the reason as it was written, unsealed: an email
# address in it is refused, and the application keeps its state.
@test "a decision whose reason holds an email address is 422 identity_data and changes nothing" {
	local app before
	app=$(citizen_app p3)
	before=$(psql_super -tA -c "SELECT count(*) FROM audit_log")
	decide rina "$app" rejected "Sent to applicant.name@example.co.id, no reply"
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = reason ]
	[ "$(jq -r '.error.errors[0].reason' <<<"$body")" = identity_data ]
	[ "$(psql_super -tA -c "SELECT status FROM applications WHERE id = '$app'")" = submitted ]
	[ "$(psql_super -tA -c "SELECT count(*) FROM audit_log")" = "$before" ]
}

@test "illegal transitions are 409 and change nothing" {
	local app before
	# A passport with no booking can be neither approved nor a no-show.
	app=$(citizen_app p3)
	before=$(psql_super -tA -c "SELECT count(*) FROM audit_log")
	decide rina "$app" approved
	[ "$status" = 409 ]
	decide rina "$app" no_show
	[ "$status" = 409 ]
	# A held (unpaid) booking can be a no-show, not approved.
	app=$(citizen_app p1)
	decide rina "$app" approved
	[ "$status" = 409 ]
	[ "$(psql_super -tA -c "SELECT count(*) FROM audit_log")" = "$before" ]
	[ "$(psql_super -tA -c "SELECT status FROM applications WHERE id = '$app'")" = submitted ]
	decide rina "$app" no_show
	[ "$status" = 200 ]
	[ "$(jq -r .application.status <<<"$body")" = no_show ]
	decide rina "$app" bogus
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = outcome ]
	app=$(citizen_app p3)
	before=$(psql_super -tA -c "SELECT count(*) FROM audit_log")
	decide rina "$app" rejected "$(printf 'bad\001reason')"
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = reason ]
	as_post rina "/api/v1/review/applications/$app/decision" '{"outcome":"rejected","extra":1}'
	[ "$status" = 422 ]
	[ "$(jq -r .error.field <<<"$body")" = extra ]
	[ "$(psql_super -tA -c "SELECT status FROM applications WHERE id = '$app'")" = submitted ]
	[ "$(psql_super -tA -c "SELECT count(*) FROM audit_log")" = "$before" ]
}

@test "the opening over review_open_limit within the window is 429 and flags the reviewer" {
	local i
	staff_new rudi reviewer YOG
	for i in 1 2 3 4 5; do
		as rudi GET "/api/v1/review/applications/$(citizen_app "p$i")"
		[ "$status" = 200 ] || { echo "opening $i: $status $body" >&2; false; }
	done
	[ "$(psql_super -tA -c "SELECT count(*) FROM account_flags
	    WHERE account_id = '$(citizen_id rudi)'")" = 0 ]
	as rudi GET "/api/v1/review/applications/$(citizen_app p6)"
	[ "$status" = 429 ] && assert_error_body rate_limited
	[ -n "$(header Retry-After)" ]
	[ "$(psql_super -tA -c "SELECT rule FROM account_flags
	    WHERE account_id = '$(citizen_id rudi)' AND resolved_at IS NULL")" = review_openings ]
	[ "$(audit_rows "$(citizen_app p6)" review.open)" = 0 ] ||
	    [ "$(psql_super -tA -c "SELECT count(*) FROM audit_log WHERE actor = '$(citizen_id rudi)'
	        AND application_id = '$(citizen_app p6)'")" = 0 ]
}

@test "citizens and admins are 403 on review routes" {
	as p4 GET /api/v1/review/queue
	[ "$status" = 403 ]
	as ada GET /api/v1/review/queue
	[ "$status" = 403 ]
	as ada GET "/api/v1/review/applications/$(citizen_app p4)"
	[ "$status" = 403 ]
}

@test "opening asks for the CSRF token" {
	api GET "/api/v1/review/applications/$(citizen_app p5)" -b "$(citizen_jar rina)"
	[ "$status" = 403 ]
}

@test "when the audit row cannot be written, the opening answers no identity data" {
	local app
	app=$(citizen_app p7)
	psql_super -c "REVOKE INSERT ON audit_log FROM permit_app"
	as rina GET "/api/v1/review/applications/$app"
	psql_super -c "GRANT INSERT ON audit_log TO permit_app"
	[ "$status" = 500 ] && assert_error_body internal
	! grep -q '"applicant"' <<<"$body"
	[ "$(audit_rows "$app" review.open)" = 0 ]
}
