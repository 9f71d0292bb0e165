#!/usr/bin/env bash
# pg.sh — a private PostgreSQL cluster for development and tests.
#
#   scripts/pg.sh init DIR PORT   create DIR/pg once (initdb), socket in DIR/run,
#                                 TCP on 127.0.0.1:PORT, log in DIR/pg.log
#   scripts/pg.sh start DIR       start it; no-op when running
#   scripts/pg.sh stop DIR        stop it (fast); no-op when not running
#   scripts/pg.sh running DIR     exit 0 when running
#   scripts/pg.sh env DIR         print PGHOST/PGPORT/PGUSER lines for eval
#   scripts/pg.sh area DIR        create DIR owned by the cluster user (mode 0755),
#                                 for clusters a caller lays out itself
#   scripts/pg.sh initdb PGDATA   initdb alone, with the flags init uses
#   scripts/pg.sh run CMD...      run CMD as the cluster user, from /, with
#                                 PostgreSQL's programs first on PATH
#
# It never touches a system-wide cluster: it refuses port 5432 and anything
# under /var/lib/postgresql. initdb refuses to run as root, so as root every
# PostgreSQL program runs as the unprivileged system user `postgres` (created
# by Debian's postgresql package), which then owns DIR/pg, DIR/run, DIR/pg.log.
set -euo pipefail

PG_USER=postgres

die() {
	echo "pg.sh: $*" >&2
	exit 1
}

usage() {
	sed -n '4,14p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# The directory of initdb/pg_ctl: the highest /usr/lib/postgresql/N/bin, else
# pg_config --bindir.
pg_bindir() {
	local best="" v
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] || continue
		v=$(basename "$(dirname "$d")")
		if [ -z "$best" ] || [ "${v%%.*}" -gt "$(basename "$(dirname "$best")" | cut -d. -f1)" ]; then
			best=$d
		fi
	done
	if [ -z "$best" ] && command -v pg_config >/dev/null; then
		best=$(pg_config --bindir)
	fi
	[ -n "$best" ] && [ -x "$best/initdb" ] ||
		die "initdb not found (install Debian's postgresql package: make deps)"
	echo "$best"
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as the cluster user, from / so that an unreadable working
# directory does not bother it.
as_cluster_user() {
	if is_root; then
		(cd / && runuser -u "$PG_USER" -- "$@")
	else
		(cd / && "$@")
	fi
}

# DIR made absolute (it need not exist yet), and never a system cluster's.
resolve_dir() {
	local d
	[ -n "${1:-}" ] || usage
	d=$(realpath -m -- "$1")
	case "$d/" in
	/var/lib/postgresql/*) die "$d is the system cluster's area; use a private directory" ;;
	/) die "refusing / as the cluster directory" ;;
	esac
	echo "$d"
}

check_reachable() {
	local dir=$1
	if is_root; then
		getent passwd "$PG_USER" >/dev/null ||
			die "user $PG_USER does not exist (install Debian's postgresql package: make deps)"
		if ! as_cluster_user test -x "$dir" -a -r "$dir"; then
			echo "pg.sh: user $PG_USER cannot reach $dir (a parent directory is not searchable by it); choose a directory under a world-searchable path such as /tmp, or run as a normal user" >&2
			return 1
		fi
	fi
}

cluster_port() {
	local dir=$1 port
	port=$(sed -n "s/^port = \([0-9][0-9]*\).*/\1/p" "$dir/pg/postgresql.conf" | tail -n 1)
	[ -n "$port" ] || die "no port in $dir/pg/postgresql.conf"
	echo "$port"
}

require_cluster() {
	[ -f "$1/pg/PG_VERSION" ] || die "no cluster in $1/pg (run: scripts/pg.sh init $1 PORT)"
}

# initdb of PGDATA as the cluster user: UTF8, C.UTF-8 where there is one,
# superuser postgres trusted over the socket, SCRAM over TCP.
initdb_as_cluster_user() { # BINDIR PGDATA LOG
	local locale=C
	if locale -a 2>/dev/null | grep -qix 'c\.utf-\{0,1\}8'; then
		locale=C.UTF-8
	fi
	as_cluster_user "$1/initdb" -D "$2" -U postgres \
		--auth-local=trust --auth-host=scram-sha-256 \
		-E UTF8 --locale="$locale" >"$3" 2>&1 ||
		{ cat "$3" >&2; die "initdb failed"; }
}

cmd_init() {
	local dir port bin
	dir=$(resolve_dir "${1:-}")
	port=${2:-}
	[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1024 ] && [ "$port" -le 65535 ] ||
		die "PORT must be a number from 1024 to 65535"
	[ "$port" -ne 5432 ] || die "refusing port 5432, the system cluster's port"
	if [ -f "$dir/pg/PG_VERSION" ]; then
		return 0
	fi
	bin=$(pg_bindir)
	if [ ! -d "$dir" ]; then
		mkdir -p "$dir"
		check_reachable "$dir" || { rmdir "$dir"; exit 1; }
	fi
	check_reachable "$dir" || exit 1
	mkdir -p "$dir/pg" "$dir/run"
	touch "$dir/pg.log"
	chmod 0700 "$dir/pg" "$dir/run"
	chmod 0600 "$dir/pg.log"
	if is_root; then
		chown "$PG_USER:" "$dir/pg" "$dir/run" "$dir/pg.log"
	fi
	initdb_as_cluster_user "$bin" "$dir/pg" "$dir/initdb.log"
	as_cluster_user tee -a "$dir/pg/postgresql.conf" >/dev/null <<EOF

# scripts/pg.sh: a private cluster
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/run'
unix_socket_permissions = 0777
EOF
	echo "pg.sh: cluster created in $dir/pg (port $port, socket $dir/run)"
}

cmd_running() {
	local dir bin
	dir=$(resolve_dir "${1:-}")
	[ -f "$dir/pg/PG_VERSION" ] || return 1
	bin=$(pg_bindir)
	as_cluster_user "$bin/pg_ctl" status -D "$dir/pg" >/dev/null 2>&1
}

cmd_start() {
	local dir bin
	dir=$(resolve_dir "${1:-}")
	require_cluster "$dir"
	cmd_running "$dir" && return 0
	check_reachable "$dir" || exit 1
	bin=$(pg_bindir)
	as_cluster_user setsid "$bin/pg_ctl" start -D "$dir/pg" -w -t 60 -l "$dir/pg.log" >/dev/null ||
		{ tail -n 20 "$dir/pg.log" >&2; die "PostgreSQL did not start (log: $dir/pg.log)"; }
}

cmd_stop() {
	local dir bin
	dir=$(resolve_dir "${1:-}")
	cmd_running "$dir" || return 0
	bin=$(pg_bindir)
	as_cluster_user "$bin/pg_ctl" stop -D "$dir/pg" -m fast -w -t 60 >/dev/null
}

cmd_env() {
	local dir
	dir=$(resolve_dir "${1:-}")
	require_cluster "$dir"
	echo "PGHOST=$dir/run"
	echo "PGPORT=$(cluster_port "$dir")"
	echo "PGUSER=postgres"
}

cmd_area() {
	local dir
	dir=$(resolve_dir "${1:-}")
	mkdir -p "$dir"
	chmod 0755 "$dir"
	if is_root; then
		chown "$PG_USER:" "$dir"
	fi
	check_reachable "$dir"
}

cmd_initdb() {
	local dir
	dir=$(resolve_dir "${1:-}")
	[ ! -f "$dir/PG_VERSION" ] || die "$dir holds a cluster already"
	as_cluster_user mkdir -p -m 0700 "$dir"
	initdb_as_cluster_user "$(pg_bindir)" "$dir" "$dir.initdb.log"
}

cmd_run() {
	local bin
	[ "$#" -gt 0 ] || usage
	bin=$(pg_bindir)
	as_cluster_user env PATH="$bin:$PATH" "$@"
}

case "${1:-}" in
init) cmd_init "${2:-}" "${3:-}" ;;
start) cmd_start "${2:-}" ;;
stop) cmd_stop "${2:-}" ;;
running) cmd_running "${2:-}" ;;
env) cmd_env "${2:-}" ;;
area) cmd_area "${2:-}" ;;
initdb) cmd_initdb "${2:-}" ;;
run) shift; cmd_run "$@" ;;
*) usage ;;
esac
