# shellcheck shell=bash
# Helpers for permitctl's key tests. Rotating touches every row of a
# database and the keyring itself, so each file that loads this has its own
# database (KEYS_DB, set before loading), its own copy of the keyring
# (beside its own config) and its own permitd and nginx: the other files'
# data and keys are never disturbed. Load after ../e2e/lib and
# ../e2e/citizen.

KEYRING=$E2E_DIR/keyring
ARCHIVE=$KEYRING.archive
PID_FILE=$E2E_DIR/fcgi/permitd.pid

# The test cluster's conninfo for ROLE and DB (default KEYS_DB).
keys_dsn() { # ROLE [DB]
	sed -e "s/user=[^ ]*/user=$1/" -e "s/dbname=[^ ]*/dbname=${2:-$KEYS_DB}/" \
	    <<<"$PERMIT_TEST_SUPER_DSN"
}

# permitctl keys with this file's config; the database commands connect as
# the owner of KEYS_DB.
keys_ctl() { # SUBCOMMAND [ARGS...]
	case $1 in
	rewrap | retire | purge)
		"$PERMITCTL" -c "$STACK_CONFIG" keys "$@" \
		    --database "$(keys_dsn permit_owner)" ;;
	*) "$PERMITCTL" -c "$STACK_CONFIG" keys "$@" ;;
	esac
}

reload_ctl() {
	"$PERMITCTL" -c "$STACK_CONFIG" reload "$@"
}

# SQL on KEYS_DB as the superuser (RLS and grants do not apply).
keys_psql() {
	psql -X -q -tA -v ON_ERROR_STOP=1 "$(keys_dsn postgres)" "$@"
}

keyring_active() {
	keys_ctl list | sed -n 's/^kek \(.*\) active$/\1/p'
}

# KEYS_DB made and migrated, demo offices, this file's keyring and config,
# then permitd and nginx.
keys_setup_file() {
	mkdir -p "$E2E_DIR/fcgi"
	"$PERMITCTL" db init --database "$(keys_dsn postgres postgres)" \
	    --name "$KEYS_DB" >/dev/null
	"$PERMITCTL" migrate up --database "$(keys_dsn permit_owner)" \
	    --dir "$ROOT/migrations" >/dev/null
	psql -X -q -v ON_ERROR_STOP=1 "$(keys_dsn permit_owner)" \
	    -f "$ROOT/scripts/demo.sql" >/dev/null
	cp "$PERMIT_TEST_DIR/keyring" "$KEYRING"
	chmod 0600 "$KEYRING"
	sed -e "s|^listen = .*|listen = unix:$E2E_DIR/fcgi/permitd.sock|" \
	    -e "s|^keyring = .*|keyring = $KEYRING|" \
	    -e "s|^pid_file = .*|pid_file = $PID_FILE|" \
	    -e "s|^database = .*|database = $(keys_dsn permit_app)|" \
	    "$PERMIT_TEST_CONFIG" >"$STACK_CONFIG"
	stack_start
}

# Waits until the master's children are exactly WORKERS new pids, none of
# BEFORE (up to 10 s).
workers_replaced() { # BEFORE WORKERS
	local i after
	for i in $(seq 100); do
		after=$(worker_pids)
		[ "$(comm -12 <(echo "$1") <(echo "$after") | wc -l)" -eq 0 ] &&
		    [ "$(wc -l <<<"$after")" -eq "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
