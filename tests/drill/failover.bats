#!/usr/bin/env bats
# The failover drill: a primary and its synchronous standby managed by
# pg_auto_failover, permitd on both with target_session_attrs=read-write,
# clients submitting with Idempotency-Keys and trying 503s again; the
# primary killed mid-load and the standby promoted by the monitor. The
# drill runs once (setup_file, drill.bash); each test asserts one of its
# figures, which the run's output lists. `make test` runs a short drill,
# `make drill` a long one.
#
# Environment from scripts/test.sh (also for `make drill`): PERMIT_TEST_ROOT,
# PERMIT_TEST_DIR (a directory the cluster user can traverse), PERMITD,
# PERMITCTL.

DRILL_DIR=$PERMIT_TEST_DIR/drill
DRILL_PG=$DRILL_DIR/pg
export PERMIT_TEST_CONFIG=$DRILL_DIR/permitd.conf

load ../e2e/lib
load cluster
load drill

setup_file() {
	drill_setup
}

teardown_file() {
	drill_teardown
}

@test "the drill acknowledged submissions on both sides of the failover" {
	[ "$(figure .acknowledged)" -gt 0 ]
	[ "$(figure .back_after_ms)" != null ]
}

@test "no acknowledged submission is lost" {
	[ "$(figure .lost)" = 0 ]
}

@test "no Idempotency-Key tried again made a second application" {
	[ "$(figure .sent_again)" -gt 0 ]
	[ "$(figure .duplicates)" = 0 ]
}

@test "every submission and cancellation ended acknowledged" {
	[ "$(figure .unsettled)" = 0 ]
}

@test "writes are served again within 10 s of the kill" {
	[ "$(figure .back_after_ms)" -le 10000 ]
}

@test "every request in flight at the kill was answered, 503 when not served" {
	# Some were in flight, so the next line has something to judge.
	[ "$(figure '.in_flight | length')" -gt 0 ]
	[ "$(figure '.in_flight | keys - ["200", "201"] | map(select(startswith("503") | not))')" = '[]' ]
}

@test "no answer but 200, 201 and 503 in the whole drill" {
	[ "$(figure .unexpected)" = '{}' ]
}

@test "while no primary exists, owner-bound reads are served from the standby" {
	[ "$(figure '.window.reads | keys')" = '["200"]' ]
}

@test "while no primary exists, health says read_only" {
	[ "$(figure '.window.health | keys')" = '["read_only"]' ]
}

@test "while no primary exists, writes are answered 503 maintenance" {
	[ "$(figure '.window.writes | keys')" = '["503 maintenance"]' ]
}
