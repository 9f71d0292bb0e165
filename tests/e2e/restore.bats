#!/usr/bin/env bats
# The move to another data centre in an emergency, as a drill: a database
# dump and the keyring's sealed backup (permitctl keys backup) are all that
# crosses over. They are restored into a new PostgreSQL cluster and a new
# keyring, a new permitd serves behind a new nginx, and every citizen signs
# in and reads their applications exactly as before. Each step is timed and
# printed.

load lib
load citizen

PASSPHRASE='an escrow passphrase, kept apart'
CITIZENS="ani budi citra"

setup_file() {
	stack_start
}

teardown_file() {
	stack_stop
}

# Seconds since the epoch, to the millisecond.
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

@test "a dump and the keyring backup restore into a new cluster where every citizen's data opens" {
	local c dc=$PERMIT_TEST_DIR/restore-dc2 t0 t step_dump step_backup step_pg step_load step_keys step_serve port2
	for c in $CITIZENS; do
		person_new F
		citizen_new "$c"
		citizen_apply "$c"
		as "$c" GET "/api/v1/applications/$(citizen_app "$c")"
		echo "$body" >"$BATS_TEST_TMPDIR/$c.before"
	done

	# In the lost data centre, before the loss: the nightly dump and the
	# backup kept off-site.
	t0=$(now); t=$t0
	pg_dump -Fc -f "$BATS_TEST_TMPDIR/permit.dump" "$PERMIT_TEST_SUPER_DSN dbname=permit"
	step_dump=$(took "$t"); t=$(now)
	exec 5< <(printf '%s\n' "$PASSPHRASE")
	"$PERMITCTL" -c "$STACK_CONFIG" keys backup --out "$BATS_TEST_TMPDIR/keyring.backup" \
		--passphrase-fd 5 >/dev/null
	exec 5<&-
	step_backup=$(took "$t")
	! grep -q "^kek " "$BATS_TEST_TMPDIR/keyring.backup"

	# In the new data centre: a new cluster, the roles, the dump.
	t=$(now)
	port2=$(stack_pick_port $((PG_PORT + 100)))
	"$ROOT/scripts/pg.sh" init "$dc" "$port2" >/dev/null
	"$ROOT/scripts/pg.sh" start "$dc" >/dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
	step_pg=$(took "$t"); t=$(now)
	dsn2() { printf 'host=%s port=%s user=%s dbname=%s' "$dc/run" "$port2" "$1" "$2"; }
	"$PERMITCTL" db init --database "$(dsn2 postgres postgres)" >/dev/null
	pg_restore --exit-on-error -d "$(dsn2 postgres permit)" "$BATS_TEST_TMPDIR/permit.dump"
	step_load=$(took "$t"); t=$(now)

	# The keyring, from the backup and its passphrase only.
	mkdir -p "$dc/fcgi" "$dc/nginx"
	sed -e "s|^listen = .*|listen = unix:$dc/fcgi/permitd.sock|" \
	    -e "s|^pid_file = .*|pid_file = $dc/fcgi/permitd.pid|" \
	    -e "s|^keyring = .*|keyring = $dc/keyring|" \
	    -e "s|^database = .*|database = $(dsn2 permit_app permit)|" \
	    "$STACK_CONFIG" >"$dc/permitd.conf"
	exec 5< <(printf '%s\n' "$PASSPHRASE")
	"$PERMITCTL" -c "$dc/permitd.conf" keys restore --backup "$BATS_TEST_TMPDIR/keyring.backup" \
		--passphrase-fd 5 >/dev/null
	exec 5<&-
	step_keys=$(took "$t"); t=$(now)
	"$PERMITD" -t -c "$dc/permitd.conf" 2>/dev/null

	# A new permitd behind a new nginx.
	(
		STACK_DIR=$dc STACK_CONFIG=$dc/permitd.conf STACK_SOCKET=$dc/fcgi/permitd.sock \
		    STACK_NGINX=$dc/nginx HTTP_PORT=$(stack_pick_port $((HTTP_PORT + 1)))
		mkdir -p "$dc/log"
		stack_permitd_start 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
		stack_nginx_start 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
		echo "http://127.0.0.1:$HTTP_PORT $PERMITD_PID $NGINX_PID" >"$dc/up"
	)
	read -r url2 pid2 nginx2 <"$dc/up"
	local old_url=$PERMIT_URL rc=0
	PERMIT_URL=$url2
	for c in $CITIZENS; do
		citizen_signin "$c" || rc=1
		as "$c" GET "/api/v1/applications/$(citizen_app "$c")"
		[ "$status" = 200 ] || rc=1
		echo "$body" >"$BATS_TEST_TMPDIR/$c.after"
		cmp -s "$BATS_TEST_TMPDIR/$c.before" "$BATS_TEST_TMPDIR/$c.after" || rc=1
	done
	step_serve=$(took "$t")
	PERMIT_URL=$old_url
	kill -QUIT "$nginx2" 2>/dev/null || true
	kill -TERM "$pid2" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$pid2" 2>/dev/null || break; sleep 0.05; done
	"$ROOT/scripts/pg.sh" stop "$dc" >/dev/null 2>&1 || true
	printf 'restore drill: dump %ss, keys backup %ss, new cluster %ss, roles and dump loaded %ss, keyring restored %ss, permitd serving and %s citizens read back %ss; %ss in all\n' \
	    "$step_dump" "$step_backup" "$step_pg" "$step_load" "$step_keys" \
	    "$(wc -w <<<"$CITIZENS")" "$step_serve" "$(took "$t0")" >&3
	[ "$rc" -eq 0 ]
}

@test "keys restore never writes over an existing keyring" {
	exec 5< <(printf '%s\n' "$PASSPHRASE")
	"$PERMITCTL" -c "$STACK_CONFIG" keys backup --out "$BATS_TEST_TMPDIR/k.backup" --passphrase-fd 5 >/dev/null
	exec 5< <(printf '%s\n' "$PASSPHRASE")
	run "$PERMITCTL" -c "$STACK_CONFIG" keys restore --backup "$BATS_TEST_TMPDIR/k.backup" --passphrase-fd 5
	exec 5<&-
	[ "$status" -eq 1 ]
	[[ "$output" == *"already exists, not overwritten"* ]]
}

@test "keys restore with a wrong passphrase writes nothing" {
	local conf=$BATS_TEST_TMPDIR/other.conf
	exec 5< <(printf '%s\n' "$PASSPHRASE")
	"$PERMITCTL" -c "$STACK_CONFIG" keys backup --out "$BATS_TEST_TMPDIR/k.backup" --passphrase-fd 5 >/dev/null
	printf 'keyring = %s\n' "$BATS_TEST_TMPDIR/new-keyring" >"$conf"
	exec 5< <(printf '%s\n' "not the passphrase at all")
	run "$PERMITCTL" -c "$conf" keys restore --backup "$BATS_TEST_TMPDIR/k.backup" --passphrase-fd 5
	exec 5<&-
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not open"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/new-keyring" ]
}

@test "keys backup never takes the passphrase from the command line" {
	run "$PERMITCTL" -c "$STACK_CONFIG" keys backup --out "$BATS_TEST_TMPDIR/k.backup" --passphrase "$PASSPHRASE"
	[ "$status" -eq 2 ]
	[ ! -e "$BATS_TEST_TMPDIR/k.backup" ]
}
