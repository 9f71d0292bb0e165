#!/usr/bin/env bats
# The broker script, short (scripts/bench.sh runs it long): one account,
# then many accounts from one address, then as many from as many
# addresses, each filing as much as it can; then the same three each
# filing and booking one day of capacity 8 as much as they can. The limits
# hold: at most limit_registrations accounts per address, at most
# limit_submissions filings and limit_bookings bookings per account,
# whatever the number of accounts, and never more bookings than the day has
# places.

load lib
load citizen
load limits

setup_file() {
	export E2E_EXTRA_CONFIG="client_addr_header = X-Forwarded-For
trusted_proxies = 127.0.0.1
limit_registrations = 3
limit_registrations_window = 3600
limit_submissions = 4
limit_submissions_window = 86400
limit_bookings = 2
limit_bookings_window = 3600
max_active_applications = 1000"
	stack_start
}

teardown_file() {
	stack_stop
}

setup() {
	# shellcheck source=../bench/broker.bash
	. "$ROOT/tests/bench/broker.bash"
	export BROKER_URL=$PERMIT_URL BROKER_DIR=$BATS_FILE_TMPDIR
	export BROKER_DSN=$PERMIT_TEST_SUPER_DSN
}

# A day of capacity 8 of its own for booking scenario N, and the target:
# 25 days ahead and on, past the days bookings.bats books (one database).
book_day() { # N
	BROKER_TARGET=book
	broker_day "$(broker_weekday 25 "$1")" 8
}

@test "one account: 4 filings of 12 attempts" {
	broker_scenario one-account 1 1 12 >&3
	[ "$BROKER_REGISTERED" = 1 ]
	[ "$BROKER_GOT" = 4 ]
	[ "$BROKER_LIMITED" = 8 ]
	broker_held 1 1 3 4
}

@test "10 accounts from one address: 3 register, 4 filings each" {
	broker_scenario one-address 10 1 6 >&3
	[ "$BROKER_REGISTERED" = 3 ]
	[ "$BROKER_GOT" = 12 ]
	broker_held 10 1 3 4
}

@test "10 accounts from 10 addresses: all register, still 4 filings each" {
	broker_scenario ten-addresses 10 10 6 >&3
	[ "$BROKER_REGISTERED" = 10 ]
	[ "$BROKER_GOT" = 40 ]
	[ "$BROKER_MOST" = 4 ]
	broker_held 10 10 3 4
}

@test "booking, one account: 2 bookings of a day of 8" {
	book_day 1
	broker_scenario book-one-account 1 1 6 >&3
	[ "$BROKER_REGISTERED" = 1 ]
	[ "$BROKER_GOT" = 2 ]
	[ "$BROKER_MOST" = 2 ]
	broker_held 1 1 3 2
	broker_day_held 2
}

@test "booking, 10 accounts from one address: 3 register, 6 bookings of 8" {
	book_day 2
	broker_scenario book-one-address 10 1 4 >&3
	[ "$BROKER_REGISTERED" = 3 ]
	[ "$BROKER_GOT" = 6 ]
	broker_held 10 1 3 2
	broker_day_held 2
}

@test "booking, 10 accounts from 10 addresses: the day fills, never past 8" {
	book_day 3
	broker_scenario book-ten-addresses 10 10 4 >&3
	[ "$BROKER_REGISTERED" = 10 ]
	[ "$BROKER_GOT" = 8 ]
	[ "$BROKER_MOST" -le 2 ]
	api GET "/api/v1/offices/JKT-SEL/days?from=$BROKER_DAY&to=$BROKER_DAY"
	[ "$(jq -r '.days[0].remaining' <<<"$body")" = 0 ]
	broker_held 10 10 3 2
	broker_day_held 2
}
