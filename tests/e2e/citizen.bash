# shellcheck shell=bash
# Citizens for end-to-end tests of the applications resource. Load after lib:
#   load lib
#   load citizen
#
# A citizen is a name; its cookie jar and CSRF token live in files under
# $BATS_FILE_TMPDIR, so one made in setup_file serves every test of the file.
# Identity data is made up per run (random serials), so a test can grep a
# database dump for exactly what it sent.

CITIZEN_PASSWORD='correct horse battery'

citizen_jar() { echo "$BATS_FILE_TMPDIR/$1.jar"; }
citizen_csrf() { cat "$BATS_FILE_TMPDIR/$1.csrf"; }
citizen_email() { cat "$BATS_FILE_TMPDIR/$1.email"; }
citizen_id() { cat "$BATS_FILE_TMPDIR/$1.id"; }

# Registers and signs in citizen NAME; fails unless both answer 201.
citizen_new() { # NAME
	local name=$1 email
	email="$name.$RANDOM$RANDOM@example.test"
	echo "$email" >"$BATS_FILE_TMPDIR/$name.email"
	api_json POST /api/v1/accounts "$(credentials "$email" "$CITIZEN_PASSWORD")"
	[ "$status" = 201 ] || { echo "register $name: $status $body" >&2; return 1; }
	citizen_signin "$name"
}

# Signs citizen NAME in again (a new cookie and CSRF token).
citizen_signin() { # NAME
	local name=$1
	rm -f "$(citizen_jar "$name")"
	api_json POST /api/v1/sessions \
	    "$(credentials "$(citizen_email "$name")" "$CITIZEN_PASSWORD")" \
	    -c "$(citizen_jar "$name")"
	[ "$status" = 201 ] || { echo "sign in $name: $status $body" >&2; return 1; }
	jq -r .csrf_token <<<"$body" >"$BATS_FILE_TMPDIR/$name.csrf"
	jq -r .account.id <<<"$body" >"$BATS_FILE_TMPDIR/$name.id"
}

# api as citizen NAME: its cookie, its CSRF token on every request.
as() { # NAME METHOD PATH [curl args...]
	local name=$1 method=$2 path=$3
	shift 3
	api "$method" "$path" -b "$(citizen_jar "$name")" \
	    -H "X-CSRF-Token: $(citizen_csrf "$name")" "$@"
}

# POST a JSON body as citizen NAME.
as_post() { # NAME PATH JSON [curl args...]
	local name=$1 path=$2 json=$3
	shift 3
	as "$name" POST "$path" -H 'Content-Type: application/json' \
	    --data "$json" "$@"
}

# Citizen NAME submits a passport application for the current person
# (person_new) and keeps its id for citizen_app; fails unless it answers 201.
citizen_apply() { # NAME
	as_post "$1" /api/v1/applications "$(passport_json)"
	[ "$status" = 201 ] || { echo "apply as $1: $status $body" >&2; return 1; }
	jq -r .application.id <<<"$body" >"$BATS_FILE_TMPDIR/$1.app"
}

# citizen_apply at OFFICE instead of JKT-SEL (a file that books or counts
# days of its own, out of other files' way: they share one database).
citizen_apply_at() { # NAME OFFICE
	as_post "$1" /api/v1/applications "$(passport_json | jq -c --arg o "$2" '.office = $o')"
	[ "$status" = 201 ] || { echo "apply as $1: $status $body" >&2; return 1; }
	jq -r .application.id <<<"$body" >"$BATS_FILE_TMPDIR/$1.app"
}

# The first COUNT (1) Monday-to-Friday dates at least N days after WIB's
# today, one a line.
weekday_ahead() { # N [COUNT]
	local n=$1 left=${2:-1} d
	while :; do
		d=$(TZ=Asia/Jakarta date -d "+$n days" +%F)
		if [ "$(date -d "$d" +%u)" -le 5 ]; then
			echo "$d"
			left=$((left - 1))
			[ "$left" -gt 0 ] || return 0
		fi
		n=$((n + 1))
	done
}

# The id of the application citizen_apply made for citizen NAME.
citizen_app() { cat "$BATS_FILE_TMPDIR/$1.app"; }

# The Luhn check digit of a digit string (doubling from the rightmost).
luhn_digit() { # DIGITS
	local s=$1 i v sum=0 n=${#1}
	for ((i = 0; i < n; i++)); do
		v=${s:n-1-i:1}
		if ((i % 2 == 0)); then v=$((v * 2)); ((v > 9)) && v=$((v - 9)); fi
		sum=$((sum + v))
	done
	echo $(((10 - sum % 10) % 10))
}

# The next of the test run's NIK serials, 1000 to 9999: one counter for the
# whole run (every file shares one database, where a NIK may hold one
# active application of a kind), taken under a lock so that people made at
# once in the background never share one. Past 9999 it wraps, by then to
# serials whose applications the run has long finished with.
nik_serial() {
	local file=$PERMIT_TEST_DIR/nik.serial n
	(
		flock 9
		n=$(cat "$file" 2>/dev/null || echo 999)
		n=$((n >= 9999 ? 1000 : n + 1))
		echo "$n" >"$file"
		echo "$n"
	) 9>>"$file.lock"
}

# Fresh identity data in shell variables: the run's next serial makes the
# NIK (born 1990-05-17 in DKI Jakarta, day + 40 when F), KK, NPWP and phone
# unique to this call.
person_new() { # SEX (M|F)
	local serial head
	P_SEX=${1:-M}
	serial=$(nik_serial)
	if [ "$P_SEX" = F ]; then
		P_NIK=317405570590$serial
	else
		P_NIK=317405170590$serial
	fi
	P_BIRTH=1990-05-17
	P_KK=31740101${serial}${RANDOM:0:1}000
	P_KK=${P_KK:0:16}
	head=$(printf '%08d' $((RANDOM * 3 + 10000000)))
	P_NPWP=$head$(luhn_digit "$head")${serial}07
	P_NPWP=${P_NPWP:0:15}
	P_PHONE=0812$(printf '%04d' $RANDOM)$serial
	P_NAME="Siti Rahayu Zxq$serial"
	P_MOTHER="Dewi Lestari Qvw$serial"
	P_ADDRESS="Jalan Kemang Raya No. $serial Jakarta Selatan"
	P_PLACE="Bogorzq$serial"
}

# The applicant object of the current person_new.
applicant_json() {
	jq -nc --arg n "$P_NAME" --arg nik "$P_NIK" --arg kk "$P_KK" \
	    --arg npwp "$P_NPWP" --arg b "$P_BIRTH" --arg bp "$P_PLACE" \
	    --arg s "$P_SEX" --arg ph "$P_PHONE" --arg a "$P_ADDRESS" \
	    --arg m "$P_MOTHER" \
	    '{full_name: $n, nik: $nik, kk_number: $kk, npwp: $npwp,
	      birth_date: $b, birth_place: $bp, sex: $s, phone: $ph,
	      address: $a, mother_name: $m}'
}

# A valid passport application body for the current person.
passport_json() { # [TYPE [PREVIOUS]]
	local type=${1:-new} prev=${2:-}
	jq -nc --argjson ap "$(applicant_json)" --arg t "$type" --arg p "$prev" \
	    '{kind: "passport", office: "JKT-SEL", applicant: $ap,
	      passport: ({type: $t} + (if $p == "" then {} else {previous_number: $p} end))}'
}

# A valid travel permit body for the current person.
travel_json() {
	local dep ret
	dep=$(date -u -d '+30 days' +%F)
	ret=$(date -u -d '+40 days' +%F)
	jq -nc --argjson ap "$(applicant_json)" --arg d "$dep" --arg r "$ret" \
	    '{kind: "travel_permit", office: "SBY", applicant: $ap,
	      travel: {origin: "Jakarta Zqv", destination: "Kuala Lumpur Zqv",
	               depart_on: $d, return_on: $r,
	               purpose: "Visiting family Zqv"}}'
}

# Rows in applications, counted as the superuser (RLS does not apply).
applications_count() {
	psql_super -tA -c "SELECT count(*) FROM applications"
}

# Fails, naming the value, when FILE holds any VALUE as text or as the hex
# in which pg_dump writes bytea (plaintext in a bytea column shows only so).
assert_nowhere() { # FILE VALUE...
	local file=$1 v hex
	shift
	for v in "$@"; do
		hex=$(printf %s "$v" | od -An -tx1 | tr -d ' \n')
		if grep -qF -- "$v" "$file" || grep -qiF -- "$hex" "$file"; then
			echo "found in $file: $v" >&2
			return 1
		fi
	done
}

# Holds citizen NAME's account row locked, as the superuser in the
# background, until unlock_account (or 30 s); returns once the lock is held.
lock_account() { # NAME
	local i
	PGAPPNAME=permit_test_locker psql_super -c "BEGIN; SELECT 1 FROM accounts
	    WHERE id = '$(citizen_id "$1")' FOR UPDATE; SELECT pg_sleep(30);
	    COMMIT" >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	echo $! >"$BATS_FILE_TMPDIR/locker.pid"
	for i in $(seq 50); do
		[ "$(psql_super -tA -c "SELECT count(*) FROM pg_stat_activity
		    WHERE application_name = 'permit_test_locker'
		    AND query LIKE '%pg_sleep%' AND state = 'active'")" = 1 ] && return 0
		sleep 0.1
	done
	echo "the lock was not taken" >&2
	return 1
}

# Ends lock_account's transaction (its backend, not only its client).
unlock_account() {
	psql_super -tA -c "SELECT count(pg_terminate_backend(pid))
	    FROM pg_stat_activity WHERE application_name = 'permit_test_locker'" \
	    >/dev/null
	if [ -f "$BATS_FILE_TMPDIR/locker.pid" ]; then
		kill "$(cat "$BATS_FILE_TMPDIR/locker.pid")" 2>/dev/null || true
		rm -f "$BATS_FILE_TMPDIR/locker.pid"
	fi
}
