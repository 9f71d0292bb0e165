# shellcheck shell=bash
# The permitd stack on one machine: a private PostgreSQL cluster, the
# database and roles, migrations, demo data, a keyring, permitd and nginx.
# Sourced by run.sh (state under var/), test.sh and bench.sh (throwaway
# directories) and the bats helpers. Nothing here touches a system-wide
# PostgreSQL or nginx.
#
# Callers set before sourcing:
#   STACK_DIR   absolute directory holding all state (created if missing)
#   PG_PORT     TCP port of the private cluster (127.0.0.1)
#   HTTP_PORT   port nginx listens on (127.0.0.1)
#   BIN         directory holding permitd and permitctl
# and may set STACK_WORKERS (default 2) and STACK_LOG_LEVEL (default info).

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
PERMITD=${PERMITD:-$BIN/permitd}
PERMITCTL=${PERMITCTL:-$BIN/permitctl}
STACK_CONFIG=$STACK_DIR/permitd.conf
STACK_SOCKET=$STACK_DIR/fcgi/permitd.sock
STACK_NGINX=$STACK_DIR/nginx

stack_say() { printf '%s\n' "$*" >&2; }
stack_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# libpq connection strings for the three roles, over the cluster's socket.
stack_dsn() { # ROLE [DBNAME]
	printf 'host=%s port=%s user=%s dbname=%s' "$STACK_DIR/run" "$PG_PORT" "$1" "${2:-permit}"
}

stack_port_free() { # PORT -> 0 when nothing listens on 127.0.0.1:PORT
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

stack_pick_port() { # FROM -> first free port at or above FROM
	local p=$1
	while ! stack_port_free "$p"; do p=$((p + 1)); done
	echo "$p"
}

stack_pg_up() {
	mkdir -p "$STACK_DIR"
	"$ROOT/scripts/pg.sh" init "$STACK_DIR" "$PG_PORT" >/dev/null
	"$ROOT/scripts/pg.sh" start "$STACK_DIR" >/dev/null
}

stack_pg_down() {
	"$ROOT/scripts/pg.sh" stop "$STACK_DIR" >/dev/null 2>&1 || true
}

# Database, roles, schema, demo offices: idempotent, so `make run` can
# repeat it on an existing var/.
stack_db_up() {
	"$PERMITCTL" db init --database "$(stack_dsn postgres postgres)" >/dev/null
	"$PERMITCTL" migrate up --database "$(stack_dsn permit_owner)" \
	    --dir "$ROOT/migrations" >&2
	psql -X -q -v ON_ERROR_STOP=1 "$(stack_dsn permit_owner)" \
	    -f "$ROOT/scripts/demo.sql" >/dev/null
}

stack_config_write() {
	mkdir -p "$STACK_DIR/fcgi" "$STACK_DIR/log"
	cat >"$STACK_CONFIG" <<EOF
# Written by scripts/stack.bash for a private development stack.
listen = unix:$STACK_SOCKET
listen_mode = 0660
pid_file = $STACK_DIR/fcgi/permitd.pid
workers = ${STACK_WORKERS:-2}
log_level = ${STACK_LOG_LEVEL:-info}
database = $(stack_dsn permit_app)
keyring = $STACK_DIR/keyring
cookie_secure = false
EOF
}

# Sets keys of config FILE from `key = value` lines on stdin: a key the file
# has already is replaced (permitd refuses a key set twice), a new one is
# appended; blank and comment lines are appended as they are.
stack_config_set() { # FILE < LINES
	local file=$1 line
	while IFS= read -r line; do
		if [[ $line =~ ^[[:space:]]*([a-z_]+)[[:space:]]*= ]]; then
			sed -i "/^[[:space:]]*${BASH_REMATCH[1]}[[:space:]]*=/d" "$file"
		fi
		printf '%s\n' "$line" >>"$file"
	done
}

stack_keyring() {
	[ -f "$STACK_DIR/keyring" ] && return 0
	"$PERMITCTL" -c "$STACK_CONFIG" keys init >&2
}

# Demo staff for `make run`, once: an admin and one reviewer per office,
# each with a random password, made with `permitctl staff add` (so after
# the keyring) and written to FILE (default $STACK_DIR/demo-credentials,
# mode 0600), one line each: `role email password office` (office `-` for
# the admin). An existing FILE is kept as it is: its staff exist already.
stack_demo_staff() { # [FILE]
	local file=${1:-$STACK_DIR/demo-credentials} tmp office
	local -a lines
	[ -f "$file" ] && return 0
	lines=("admin admin@demo.permitd.test -")
	for office in $(psql -X -qAt -v ON_ERROR_STOP=1 "$(stack_dsn permit_owner)" \
	    -c "SELECT code FROM offices ORDER BY code"); do
		lines+=("reviewer reviewer.${office,,}@demo.permitd.test $office")
	done
	tmp=$(umask 077 && mktemp "$file.XXXXXX") || return 1
	if ! stack_demo_staff_make "$tmp" "${lines[@]}"; then
		rm -f "$tmp"
		stack_say "demo staff: not made (if $file was removed while its staff exist, remove $STACK_DIR to start afresh)"
		return 1
	fi
	mv "$tmp" "$file"
}

# Makes each `role email office` of LINES and appends it, with its
# password, to FILE.
stack_demo_staff_make() { # FILE LINE...
	local file=$1 line role email office password
	local -a where
	shift
	for line in "$@"; do
		read -r role email office <<<"$line"
		where=()
		[ "$office" = - ] || where=(--office "$office")
		password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
		printf '%s\n' "$password" | "$PERMITCTL" -c "$STACK_CONFIG" staff add \
		    --email "$email" --role "$role" "${where[@]}" \
		    --database "$(stack_dsn permit_owner)" >/dev/null || return 1
		printf '%s %s %s %s\n' "$role" "$email" "$password" "$office" >>"$file"
	done
}

# Starts permitd in the background; sets PERMITD_PID (the master).
stack_permitd_start() {
	local i
	# Own session: a terminal's Ctrl-C reaches only the script, which stops
	# the services in order (nginx, then permitd drains, then PostgreSQL).
	setsid "$PERMITD" -c "$STACK_CONFIG" 2>>"$STACK_DIR/log/permitd.log" &
	PERMITD_PID=$!
	for i in $(seq 100); do
		[ -S "$STACK_SOCKET" ] && return 0
		kill -0 "$PERMITD_PID" 2>/dev/null || break
		sleep 0.05
	done
	tail -n 20 "$STACK_DIR/log/permitd.log" >&2
	stack_die "permitd did not start (log: $STACK_DIR/log/permitd.log)"
}

# Sends SIGTERM and waits; returns permitd's exit status.
stack_permitd_stop() {
	local rc=0
	[ -n "${PERMITD_PID:-}" ] || return 0
	kill -TERM "$PERMITD_PID" 2>/dev/null || true
	wait "$PERMITD_PID" 2>/dev/null || rc=$?
	PERMITD_PID=
	return "$rc"
}

# Starts nginx in the background; sets NGINX_PID.
stack_nginx_start() {
	local user_line="" i
	mkdir -p "$STACK_NGINX"
	[ "$(id -u)" -eq 0 ] && user_line="user root;"
	sed -e "s|@USER_LINE@|$user_line|" \
	    -e "s|@PREFIX@|$STACK_NGINX|g" \
	    -e "s|@LISTEN@|127.0.0.1:$HTTP_PORT|g" \
	    -e "s|@WEB_ROOT@|$ROOT/web|g" \
	    -e "s|@FASTCGI_PASS@|unix:$STACK_SOCKET|g" \
	    "$ROOT/conf/nginx.conf.in" >"$STACK_NGINX/nginx.conf"
	cp "$ROOT/conf/nginx-api-headers.conf" "$STACK_NGINX/api_headers.conf"
	setsid nginx -p "$STACK_NGINX" -c "$STACK_NGINX/nginx.conf" -g 'daemon off;' \
	    2>>"$STACK_DIR/log/nginx.log" &
	NGINX_PID=$!
	for i in $(seq 100); do
		stack_port_free "$HTTP_PORT" || return 0
		kill -0 "$NGINX_PID" 2>/dev/null || break
		sleep 0.05
	done
	tail -n 20 "$STACK_DIR/log/nginx.log" >&2
	stack_die "nginx did not start (log: $STACK_DIR/log/nginx.log)"
}

stack_nginx_stop() {
	[ -n "${NGINX_PID:-}" ] || return 0
	kill -QUIT "$NGINX_PID" 2>/dev/null || true
	wait "$NGINX_PID" 2>/dev/null || true
	NGINX_PID=
}
