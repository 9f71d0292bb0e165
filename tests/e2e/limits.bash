# shellcheck shell=bash
# Helpers for the rate-limit and flag tests. Load after lib and citizen.
# The stack trusts 127.0.0.1 as a proxy that names the client in
# X-Forwarded-For, so a test plays any number of client addresses.

# The stack's limits: short windows (GCRA: one request per window/N
# seconds, a burst of N).
LIMITS_CONFIG='client_addr_header = X-Forwarded-For
trusted_proxies = 127.0.0.1
limit_registrations = 3
limit_registrations_window = 6
limit_signin_failures = 3
limit_signin_failures_window = 6
limit_submissions = 3
limit_submissions_window = 6
max_active_applications = 1000'

# A client address no other call of this file's run has used.
addr_new() {
	local n
	n=$(($(cat "$BATS_FILE_TMPDIR/addr_n" 2>/dev/null || echo 0) + 1))
	echo "$n" >"$BATS_FILE_TMPDIR/addr_n"
	echo "10.$((BATS_TEST_NUMBER % 250)).$((n / 250)).$((n % 250 + 1))"
}

# curl arguments that make the request come from ADDR via the proxy.
from() { # ADDR
	printf '%s\n' -H "X-Forwarded-For: $1"
}

# Registers EMAIL from ADDR; $status and $body as api's.
register_from() { # ADDR EMAIL
	api_json POST /api/v1/accounts "$(credentials "$2" "$CITIZEN_PASSWORD")" \
	    -H "X-Forwarded-For: $1"
}

# Signs EMAIL in from ADDR with PASSWORD.
signin_from() { # ADDR EMAIL PASSWORD
	api_json POST /api/v1/sessions "$(credentials "$2" "$3")" \
	    -H "X-Forwarded-For: $1"
}

# The last answer is the HTTP API's 429: the error body, Retry-After within
# 1..MAX seconds, and docs/DESIGN.md invariant 6's headers.
assert_rate_limited() { # MAX
	[ "$status" = 429 ] || { echo "status $status, not 429: $body" >&2; return 1; }
	assert_error_body rate_limited
	local ra
	ra=$(header Retry-After)
	[[ $ra =~ ^[0-9]+$ ]] && [ "$ra" -ge 1 ] && [ "$ra" -le "$1" ] ||
	    { echo "Retry-After '$ra' not within 1..$1" >&2; return 1; }
	assert_security_headers
}

# "P passed, L limited": of the status codes that N requests wrote to
# $BATS_TEST_TMPDIR/code.1..N, how many were PASSED (default 201: the
# limit let them through) and how many 429.
tally_codes() { # N [PASSED]
	local i pass=0 limited=0
	for i in $(seq "$1"); do
		case $(cat "$BATS_TEST_TMPDIR/code.$i") in
		"${2:-201}") pass=$((pass + 1)) ;;
		429) limited=$((limited + 1)) ;;
		esac
	done
	echo "$pass passed, $limited limited" >&2
	echo "$pass passed, $limited limited"
}

# Sleeps the Retry-After of the last answer.
wait_retry_after() {
	sleep "$(header Retry-After)"
}

# Open flags of RULE on account ID, counted as the superuser.
flags_of() { # ID RULE
	psql_super -At -c "SELECT count(*) FROM account_flags
	    WHERE account_id = '$1' AND rule = '$2' AND resolved_at IS NULL"
}

# citizen_new, registered from ADDR (a household of its own: 127.0.0.1
# registers every other file's citizens).
citizen_new_from() { # NAME ADDR
	local email="$1.$RANDOM$RANDOM@example.test"
	echo "$email" >"$BATS_FILE_TMPDIR/$1.email"
	register_from "$2" "$email"
	[ "$status" = 201 ] || { echo "register $1: $status $body" >&2; return 1; }
	citizen_signin "$1"
}
