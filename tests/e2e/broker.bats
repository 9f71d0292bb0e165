#!/usr/bin/env bats
# The broker script, short (scripts/bench.sh runs it long): one account,
# then many accounts from one address, then as many from as many
# addresses, each filing as much as it can. The limits hold: at most
# limit_registrations accounts per address, at most limit_submissions
# filings per account, whatever the number of accounts.

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
}

@test "one account: 4 filings of 12 attempts" {
	broker_scenario one-account 1 1 12 >&3
	[ "$BROKER_REGISTERED" = 1 ] && [ "$BROKER_GOT" = 4 ] && [ "$BROKER_LIMITED" = 8 ]
	broker_held 1 1 3 4
}

@test "10 accounts from one address: 3 register, 4 filings each" {
	broker_scenario one-address 10 1 6 >&3
	[ "$BROKER_REGISTERED" = 3 ] && [ "$BROKER_GOT" = 12 ]
	broker_held 10 1 3 4
}

@test "10 accounts from 10 addresses: all register, still 4 filings each" {
	broker_scenario ten-addresses 10 10 6 >&3
	[ "$BROKER_REGISTERED" = 10 ] && [ "$BROKER_GOT" = 40 ] && [ "$BROKER_MOST" = 4 ]
	broker_held 10 10 3 4
}
