#!/usr/bin/env bash
# `make psql`: psql as the private cluster's superuser on the dev database.
# PSQL_ARGS pass through; SQL is read from stdin when stdin is not a terminal:
#   echo 'SELECT 1' | make -s psql PSQL_ARGS=-At
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STACK_DIR=${PERMIT_VAR:-$ROOT/var}
"$ROOT/scripts/pg.sh" running "$STACK_DIR" ||
	{ echo "error: the dev cluster in $STACK_DIR is not running (start it with make run)" >&2; exit 1; }
# The port the cluster was made with, whatever PG_PORT make run was given.
PG_PORT=$("$ROOT/scripts/pg.sh" env "$STACK_DIR" | sed -n 's/^PGPORT=//p')
# shellcheck disable=SC2086
exec psql -X "host=$STACK_DIR/run port=$PG_PORT user=postgres dbname=permit" ${PSQL_ARGS:-}
