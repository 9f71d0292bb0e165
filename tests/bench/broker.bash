# shellcheck shell=bash
# The broker: accounts made as fast as the service lets one client make
# them, each then repeating one request (the target) as often as it can.
# Sourced by tests/e2e/broker.bats (short) and scripts/bench.sh (long);
# both run permitd trusting 127.0.0.1 to name the client in
# X-Forwarded-For, which is how one machine plays many addresses.
#
# Needs BROKER_URL (nginx), BROKER_DIR (scratch), jq, curl, and the body
# helpers of tests/e2e/citizen.bash (person_new, passport_json); the `book`
# target also BROKER_DSN (a superuser's conninfo: it sets the day's
# capacity and reads the day's rows) and psql.
#
# BROKER_TARGET names the request repeated: `submit` (POST
# /api/v1/applications) or `book` (file an application, then book it on
# BROKER_DAY). Another target is one more broker_target_<name> function
# taking ADDR JAR CSRF and printing the status code it got.

BROKER_PASSWORD=${BROKER_PASSWORD:-'broker password 123'}
BROKER_TARGET=${BROKER_TARGET:-submit}

# curl through nginx; prints the status code.
broker_curl() { # METHOD PATH ADDR [curl args...]
	local method=$1 path=$2 addr=$3
	shift 3
	curl -sS -o "$BROKER_DIR/body" -w '%{http_code}' -X "$method" \
	    -H "X-Forwarded-For: $addr" "$@" "$BROKER_URL$path"
}

# One filing: a fresh applicant, as the account of JAR and CSRF.
broker_target_submit() { # ADDR JAR CSRF
	person_new F
	broker_curl POST /api/v1/applications "$1" -b "$2" -H "X-CSRF-Token: $3" \
	    -H 'Content-Type: application/json' --data "$(passport_json)"
}

# One booking: a fresh application filed, then booked on BROKER_DAY at
# BROKER_OFFICE; the filing's code when it was refused, else the booking's.
broker_target_book() { # ADDR JAR CSRF
	local code app
	code=$(broker_target_submit "$@")
	[ "$code" = 201 ] || { echo "$code"; return; }
	app=$(jq -r .application.id "$BROKER_DIR/body")
	broker_curl POST "/api/v1/applications/$app/booking" "$1" -b "$2" \
	    -H "X-CSRF-Token: $3" -H 'Content-Type: application/json' \
	    --data "{\"date\":\"$BROKER_DAY\"}"
}

BROKER_OFFICE=JKT-SEL   # passport_json's office
BROKER_TZ=Asia/Jakarta  # its time zone, which judges its days

broker_psql() {
	psql -X -q -tA -v ON_ERROR_STOP=1 "$BROKER_DSN" "$@"
}

# The Nth weekday (N from 1) counted from AHEAD days after the office's
# today: distinct N give distinct days.
broker_weekday() { # AHEAD N
	local n=$1 left=$2 d
	while :; do
		d=$(TZ=$BROKER_TZ date -d "+$n days" +%F)
		if [ "$(date -d "$d" +%u)" -le 5 ]; then
			left=$((left - 1))
			[ "$left" -gt 0 ] || { echo "$d"; return; }
		fi
		n=$((n + 1))
	done
}

# Sets BROKER_DAY to DAY and its capacity to CAPACITY, in SQL.
broker_day() { # DAY CAPACITY
	BROKER_DAY=$1 BROKER_CAPACITY=$2
	broker_psql -c "INSERT INTO office_days (office, day, capacity)
	    VALUES ('$BROKER_OFFICE', '$1', $2)
	    ON CONFLICT (office, day) DO UPDATE SET capacity = EXCLUDED.capacity" >/dev/null
}

# Registers and signs in account EMAIL from ADDR: 0 with its cookie jar
# and CSRF token saved under BROKER_DIR, 1 when registration was refused.
broker_account() { # ADDR EMAIL
	local addr=$1 email=$2 creds code
	creds=$(jq -nc --arg e "$email" --arg p "$BROKER_PASSWORD" \
	    '{email: $e, password: $p}')
	code=$(broker_curl POST /api/v1/accounts "$addr" \
	    -H 'Content-Type: application/json' --data-binary "$creds")
	[ "$code" = 201 ] || return 1
	code=$(broker_curl POST /api/v1/sessions "$addr" -c "$BROKER_DIR/$email.jar" \
	    -H 'Content-Type: application/json' --data-binary "$creds")
	[ "$code" = 201 ] || return 1
	jq -r .csrf_token "$BROKER_DIR/body" >"$BROKER_DIR/$email.csrf"
}

# A scenario: ACCOUNTS accounts from ADDRESSES addresses (account i from
# address i mod ADDRESSES), each trying the target ATTEMPTS times. Prints
# one line and sets BROKER_REGISTERED, BROKER_GOT (target answers 2xx),
# BROKER_LIMITED (429s), BROKER_MOST (most one account got).
broker_scenario() { # LABEL ACCOUNTS ADDRESSES ATTEMPTS
	local label=$1 accounts=$2 addresses=$3 attempts=$4 i j addr email code got
	local net
	# A /16 of its own per scenario (one counter under BROKER_DIR), so no
	# scenario's addresses meet another's registration limit.
	net=$(($(cat "$BROKER_DIR/net" 2>/dev/null || echo 19) + 1))
	echo "$net" >"$BROKER_DIR/net"
	BROKER_REGISTERED=0 BROKER_GOT=0 BROKER_LIMITED=0 BROKER_MOST=0
	for i in $(seq 0 $((accounts - 1))); do
		j=$((i % addresses))
		addr="100.$net.$((j / 250)).$((j % 250 + 1))"
		email="broker.$label.$net.$i@example.test"
		broker_account "$addr" "$email" || continue
		BROKER_REGISTERED=$((BROKER_REGISTERED + 1))
		got=0
		for j in $(seq "$attempts"); do
			code=$("broker_target_$BROKER_TARGET" "$addr" \
			    "$BROKER_DIR/$email.jar" "$(cat "$BROKER_DIR/$email.csrf")")
			case $code in
			2??) got=$((got + 1)) ;;
			429) BROKER_LIMITED=$((BROKER_LIMITED + 1)) ;;
			esac
		done
		BROKER_GOT=$((BROKER_GOT + got))
		[ "$got" -le "$BROKER_MOST" ] || BROKER_MOST=$got
	done
	printf '%-34s %4d of %4d accounts registered; %5d of %5d %s attempts got through (%5.1f%%), at most %d per account; %d answered 429\n' \
	    "$label" "$BROKER_REGISTERED" "$accounts" "$BROKER_GOT" \
	    "$((accounts * attempts))" "$BROKER_TARGET" \
	    "$(awk -v g="$BROKER_GOT" -v t="$((accounts * attempts))" \
	    'BEGIN { printf "%.1f", t ? 100 * g / t : 0 }')" \
	    "$BROKER_MOST" "$BROKER_LIMITED"
	[ "$BROKER_TARGET" != book ] || printf '%-34s took %d of the %d places of %s (%.1f%% of the day)\n' \
	    "" "$BROKER_GOT" "$BROKER_CAPACITY" "$BROKER_DAY" \
	    "$(awk -v g="$BROKER_GOT" -v c="$BROKER_CAPACITY" \
	    'BEGIN { printf "%.1f", c ? 100 * g / c : 0 }')"
}

# 0 when a scenario's figures are within the limits: at most REG_LIMIT
# registrations per address, at most TARGET_LIMIT target answers per
# account.
broker_held() { # ACCOUNTS ADDRESSES REG_LIMIT TARGET_LIMIT
	local most_reg=$(($2 * $3))
	[ "$most_reg" -le "$1" ] || most_reg=$1
	[ "$BROKER_REGISTERED" -le "$most_reg" ] &&
	    [ "$BROKER_MOST" -le "$4" ] &&
	    [ "$BROKER_GOT" -le $((BROKER_REGISTERED * $4)) ]
}

# After a `book` scenario: 0 when the day's rows agree with the limits and
# the answers. The day is never over capacity, its taken count is its live
# bookings, which are the 201s the broker got, and no account holds more
# than BOOK_LIMIT of them. Says what broke on stderr.
broker_day_held() { # BOOK_LIMIT
	local booked live most
	IFS='|' read -r booked live most < <(broker_psql -c "
	    WITH live AS (SELECT account_id FROM bookings
	        WHERE office = '$BROKER_OFFICE' AND day = '$BROKER_DAY'
	        AND state IN ('held', 'confirmed'))
	    SELECT (SELECT coalesce(sum(booked), 0) FROM office_days
	            WHERE office = '$BROKER_OFFICE' AND day = '$BROKER_DAY'),
	        (SELECT count(*) FROM live),
	        (SELECT coalesce(max(n), 0) FROM
	            (SELECT count(*) AS n FROM live GROUP BY account_id) a)")
	[ "$booked" -le "$BROKER_CAPACITY" ] ||
	    { echo "$BROKER_DAY: $booked taken of $BROKER_CAPACITY" >&2; return 1; }
	[ "$booked" = "$live" ] && [ "$live" = "$BROKER_GOT" ] ||
	    { echo "$BROKER_DAY: taken $booked, live bookings $live, 201s $BROKER_GOT" >&2; return 1; }
	[ "$most" -le "$1" ] ||
	    { echo "$BROKER_DAY: one account holds $most bookings" >&2; return 1; }
}
