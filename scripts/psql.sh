#!/usr/bin/env bash
# `make psql`: psql as the private cluster's superuser on the dev database.
# PSQL_ARGS pass through; SQL is read from stdin when stdin is not a terminal:
#   echo 'SELECT 1' | make -s psql PSQL_ARGS=-At
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STACK_DIR=${PERMIT_VAR:-$ROOT/var}
PG_PORT=${PG_PORT:-5433}
"$ROOT/scripts/pg.sh" running "$STACK_DIR" ||
	{ echo "error: the dev cluster in $STACK_DIR is not running (start it with make run)" >&2; exit 1; }
# shellcheck disable=SC2086
exec psql -X "host=$STACK_DIR/run port=$PG_PORT user=postgres dbname=permit" ${PSQL_ARGS:-}
