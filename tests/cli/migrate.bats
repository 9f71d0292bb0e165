#!/usr/bin/env bats
# permitctl db init and migrate up|status|verify against a live server.
#
# Each test makes its own database (with `permitctl db init`, so the roles
# must exist or are created) and its own copy of the migrations, and drops
# the database at the end. The runner provides:
#   PERMITCTL               the permitctl under test
#   PERMIT_TEST_SUPER_DSN   superuser conninfo (keyword=value form)
#   PERMIT_TEST_OWNER_DSN   permit_owner conninfo (keyword=value form)
#   PERMIT_TEST_ROOT        the project root (its migrations/ are copied)
#   PERMIT_TEST_MIGRATIONS  optional: another directory to copy instead

setup() {
	: "${PERMITCTL:?}" "${PERMIT_TEST_SUPER_DSN:?}" "${PERMIT_TEST_OWNER_DSN:?}"
	: "${PERMIT_TEST_ROOT:?}"
	DB="migtest_${BATS_TEST_NUMBER}_$$"
	MIGDIR="$BATS_TEST_TMPDIR/migrations"
	mkdir -p "$MIGDIR"
	cp "${PERMIT_TEST_MIGRATIONS:-$PERMIT_TEST_ROOT/migrations}"/*.sql "$MIGDIR/"
	NFILES=$(find "$MIGDIR" -name '*.sql' | wc -l)
	# A later dbname in a keyword=value conninfo overrides an earlier one.
	OWNER="$PERMIT_TEST_OWNER_DSN dbname=$DB"
	"$PERMITCTL" db init --database "$PERMIT_TEST_SUPER_DSN" --name "$DB" >/dev/null
}

teardown() {
	psql -X -q "$PERMIT_TEST_SUPER_DSN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" \
		>/dev/null 2>&1 || true
}

migrate() {
	"$PERMITCTL" migrate "$@" --database "$OWNER" --dir "$MIGDIR"
}

owner_sql() {
	psql -X -At -v ON_ERROR_STOP=1 "$OWNER" -c "$1"
}

applied_count() {
	owner_sql "SELECT count(*) FROM schema_migrations"
}

@test "migrate up applies every file and records each once" {
	run migrate up
	[ "$status" -eq 0 ]
	[[ "$output" == *"applied 0001_platform.sql"* ]]
	[ "$(applied_count)" -eq "$NFILES" ]
}

@test "a second migrate up applies nothing" {
	migrate up >/dev/null
	run migrate up
	[ "$status" -eq 0 ]
	[[ "$output" != *"applied 0"* ]]
	[[ "$output" == *"0 applied now, $NFILES already applied"* ]]
}

@test "two concurrent migrate up apply each migration once" {
	# A slow last migration keeps the first run holding the lock while the
	# second one starts.
	echo "SELECT pg_sleep(1);" >"$MIGDIR/9000_slow.sql"
	NFILES=$((NFILES + 1))
	migrate up >"$BATS_TEST_TMPDIR/a.out" 2>&1 &
	a=$!
	migrate up >"$BATS_TEST_TMPDIR/b.out" 2>&1 &
	b=$!
	wait "$a"
	wait "$b"
	[ "$(applied_count)" -eq "$NFILES" ]
	[ "$(cat "$BATS_TEST_TMPDIR"/a.out "$BATS_TEST_TMPDIR"/b.out | grep -c '^applied ')" -eq "$NFILES" ]
	! grep -qi error "$BATS_TEST_TMPDIR"/a.out "$BATS_TEST_TMPDIR"/b.out
}

@test "migrate verify passes when the applied files are untouched" {
	migrate up >/dev/null
	run migrate verify
	[ "$status" -eq 0 ]
	[[ "$output" == *"$NFILES applied migrations match their files"* ]]
}

@test "migrate verify fails naming an edited migration" {
	migrate up >/dev/null
	echo "-- an edit after the fact" >>"$MIGDIR/0001_platform.sql"
	run migrate verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"0001_platform.sql was edited after it was applied"* ]]
}

@test "migrate verify fails naming a removed migration" {
	migrate up >/dev/null
	rm "$MIGDIR/0001_platform.sql"
	run migrate verify
	[ "$status" -eq 1 ]
	[[ "$output" == *"0001_platform.sql was applied but its file is missing"* ]]
}

@test "migrate up refuses to apply anything after an edit, naming the file" {
	migrate up >/dev/null
	echo "-- an edit after the fact" >>"$MIGDIR/0001_platform.sql"
	echo "CREATE TABLE later (i int);" >"$MIGDIR/9999_later.sql"
	run migrate up
	[ "$status" -eq 1 ]
	[[ "$output" == *"0001_platform.sql was edited"* ]]
	[ "$(applied_count)" -eq "$NFILES" ]
	[ "$(owner_sql "SELECT to_regclass('later') IS NULL")" = t ]
}

@test "migrate status lists applied and pending migrations" {
	migrate up >/dev/null
	echo "CREATE TABLE later (i int);" >"$MIGDIR/9999_later.sql"
	run migrate status
	[ "$status" -eq 0 ]
	[[ "$output" =~ 0001_platform\.sql\ +applied\ [0-9]{4}-[0-9]{2}-[0-9]{2}T ]]
	[[ "$output" =~ 9999_later\.sql\ +pending ]]
	[[ "$output" == *"$NFILES applied, 1 pending"* ]]
}

@test "migrate status on a fresh database lists everything pending" {
	run migrate status
	[ "$status" -eq 0 ]
	[[ "$output" =~ 0001_platform\.sql\ +pending ]]
	[[ "$output" == *"0 applied, $NFILES pending"* ]]
}

@test "a failing migration leaves neither its changes nor its record" {
	migrate up >/dev/null
	printf 'CREATE TABLE half (i int);\nSELECT 1/0;\n' >"$MIGDIR/9999_broken.sql"
	run migrate up
	[ "$status" -eq 1 ]
	[[ "$output" == *"9999_broken.sql"*"division by zero"* ]]
	[ "$(owner_sql "SELECT to_regclass('half') IS NULL")" = t ]
	[ "$(applied_count)" -eq "$NFILES" ]
}

@test "migrate refuses a file that is not named NNNN_name.sql" {
	echo "SELECT 1;" >"$MIGDIR/2_oops.sql"
	run migrate status
	[ "$status" -eq 1 ]
	[[ "$output" == *"2_oops.sql: not a migration name"* ]]
}

@test "db init twice succeeds and says what exists" {
	run "$PERMITCTL" db init --database "$PERMIT_TEST_SUPER_DSN" --name "$DB"
	[ "$status" -eq 0 ]
	[[ "$output" == *"role permit_owner: exists"* ]]
	[[ "$output" == *"role permit_app: exists"* ]]
	[[ "$output" == *"database $DB: exists"* ]]
}

@test "db init makes permit_owner own the database and schema public" {
	[ "$(owner_sql "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")" = permit_owner ]
	[ "$(owner_sql "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'")" = permit_owner ]
}

@test "db init refuses a database name that is not a plain identifier" {
	run "$PERMITCTL" db init --database "$PERMIT_TEST_SUPER_DSN" --name 'x"; DROP ROLE permit_app; --'
	[ "$status" -eq 2 ]
	[[ "$output" == *"must match"* ]]
}
