#!/usr/bin/env bash
# `make run`: the whole stack in the foreground, state kept under var/.
# Creates (once) and starts a private PostgreSQL cluster, bootstraps the
# database and roles, migrates, loads demo offices, creates the keyring and
# the demo staff (var/demo-credentials), starts permitd and nginx on
# http://127.0.0.1:$HTTP_PORT, and stops everything it started on Ctrl-C.
# A second `make run` reuses var/, demo staff included.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STACK_DIR=${PERMIT_VAR:-$ROOT/var}
PG_PORT=${PG_PORT:-5433}
HTTP_PORT=${HTTP_PORT:-8080}
BIN=${BIN:-$ROOT/build/release}
# shellcheck source=scripts/stack.bash
. "$ROOT/scripts/stack.bash"

stopping=0
stop_all() {
	[ "$stopping" -eq 1 ] && return
	stopping=1
	trap - INT TERM
	stack_say ""
	stack_say "stopping nginx, permitd and PostgreSQL ..."
	stack_nginx_stop
	stack_permitd_stop || true
	stack_pg_down
	stack_say "stopped."
}
trap stop_all EXIT
# Ctrl-C is how `make run` is meant to end: stop everything, then exit 0,
# so make says nothing more (a status 130 would make it print "Error 130").
trap 'exit 0' INT
trap 'exit 143' TERM

stack_port_free "$HTTP_PORT" || stack_die "port $HTTP_PORT is in use (set HTTP_PORT=...)"
mkdir -p "$STACK_DIR"
chmod 0755 "$STACK_DIR"
# A cluster made by an earlier `make run` keeps the port it was made with.
if [ -f "$STACK_DIR/pg/PG_VERSION" ]; then
	PG_PORT=$("$ROOT/scripts/pg.sh" env "$STACK_DIR" | sed -n 's/^PGPORT=//p')
fi
stack_say "PostgreSQL: private cluster in $STACK_DIR/pg, port $PG_PORT"
stack_pg_up
# Where this run listens, for make psql and whoever else looks.
printf 'PG_PORT=%s\nHTTP_PORT=%s\n' "$PG_PORT" "$HTTP_PORT" >"$STACK_DIR/ports"
stack_db_up
stack_config_write
stack_keyring
stack_demo_staff || true
stack_permitd_start
stack_nginx_start

cat <<MSG

permitd is running behind nginx:  http://127.0.0.1:$HTTP_PORT/
  health:    curl http://127.0.0.1:$HTTP_PORT/api/v1/health
  staff:     $STACK_DIR/demo-credentials (an admin and a reviewer per office:
             role email password office; kept by the next make run)
  logs:      permitd     $STACK_DIR/log/permitd.log
             nginx       $STACK_NGINX/access.log, $STACK_NGINX/error.log
             PostgreSQL  $STACK_DIR/pg.log
  database:  make psql   (port $PG_PORT)
Press Ctrl-C to stop everything.
MSG
# Returns when a service exits on its own, or a signal's trap runs first.
wait -n "$NGINX_PID" "$PERMITD_PID" 2>/dev/null || true
stack_say "a service exited on its own; see $STACK_DIR/log/"
exit 1
