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

# A new migration file NAME.sql: the migrator guard, then SQL.
newmig() { # NAME SQL
	printf 'SELECT permit_assert_migrator();\n%s\n' "$2" >"$MIGDIR/$1.sql"
}

applied() { # VERSION -> 0 when recorded
	[ "$(owner_sql "SELECT count(*) FROM schema_migrations WHERE version = $1")" -eq 1 ]
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
	newmig 9000_slow "SELECT pg_sleep(1);"
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
	newmig 9999_later "CREATE TABLE later (i int);"
	run migrate up
	[ "$status" -eq 1 ]
	[[ "$output" == *"0001_platform.sql was edited"* ]]
	[ "$(applied_count)" -eq "$NFILES" ]
	[ "$(owner_sql "SELECT to_regclass('later') IS NULL")" = t ]
}

@test "migrate status lists applied and pending migrations" {
	migrate up >/dev/null
	newmig 9999_later "CREATE TABLE later (i int);"
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
	newmig 9999_broken "CREATE TABLE half (i int); SELECT 1/0;"
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

@test "migrate status exits 1 when an applied file was edited" {
	migrate up >/dev/null
	echo "-- an edit after the fact" >>"$MIGDIR/0002_accounts.sql"
	run migrate status
	[ "$status" -eq 1 ]
	[[ "$output" =~ 0002_accounts\.sql\ +EDITED\ since\ applied ]]
}

@test "migrate status exits 1 when an applied file was removed" {
	migrate up >/dev/null
	rm "$MIGDIR/0002_accounts.sql"
	run migrate status
	[ "$status" -eq 1 ]
	[[ "$output" == *"0002_accounts"*"MISSING"* ]]
}

@test "migrate up refuses a file older than the newest applied one" {
	newmig 9002_newer "CREATE TABLE newer (i int);"
	migrate up >/dev/null
	newmig 9001_older "CREATE TABLE older (i int);"
	run migrate up
	[ "$status" -eq 1 ]
	[[ "$output" == *"9001_older.sql is older than the newest applied migration (9002)"* ]]
	! applied 9001
	[ "$(owner_sql "SELECT to_regclass('older') IS NULL")" = t ]
}

@test "migrate status marks a file older than the newest applied one" {
	newmig 9002_newer "CREATE TABLE newer (i int);"
	migrate up >/dev/null
	newmig 9001_older "CREATE TABLE older (i int);"
	run migrate status
	[ "$status" -eq 0 ]
	[[ "$output" =~ 9001_older\.sql\ +pending\ \(out\ of\ order\) ]]
}

@test "migrate up --out-of-order applies a file older than the newest" {
	newmig 9002_newer "CREATE TABLE newer (i int);"
	migrate up >/dev/null
	newmig 9001_older "CREATE TABLE older (i int);"
	run migrate up --out-of-order
	[ "$status" -eq 0 ]
	[[ "$output" == *"applied 9001_older.sql"* ]]
	applied 9001
}

@test "migrate up --target N applies the pending files up to N only" {
	run migrate up --target 3
	[ "$status" -eq 0 ]
	[[ "$output" == *"3 applied now"* ]]
	[ "$(owner_sql "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations")" = 1,2,3 ]
}

@test "migrate up --dry-run names what would run and runs nothing" {
	run migrate up --dry-run
	[ "$status" -eq 0 ]
	[[ "$output" == *"would apply 0001_platform.sql (in one transaction)"* ]]
	[[ "$output" == *"dry run, $NFILES would be applied"* ]]
	[ "$(owner_sql "SELECT to_regclass('schema_migrations') IS NULL")" = t ]
	[ "$(owner_sql "SELECT to_regclass('service_state') IS NULL")" = t ]
}

@test "migrate up waits for another migrate, says for whom, and gives up at --lock-timeout" {
	migrate up >/dev/null
	psql -X -q "$OWNER" -c "SELECT pg_advisory_lock(123581013780852), pg_sleep(8)" >/dev/null 2>&1 &
	holder=$!
	for _ in $(seq 50); do
		[ "$(owner_sql "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = 1919773044")" -eq 1 ] && break
		sleep 0.1
	done
	newmig 9999_later "CREATE TABLE later (i int);"
	run migrate up --lock-timeout 1
	kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null || true
	[ "$status" -eq 1 ]
	[[ "$output" =~ waiting\ up\ to\ 1\ s\ for\ another\ migrate\ \(server\ process\ [0-9]+\) ]]
	[[ "$output" == *"still holds the migration lock after 1 s; nothing applied"* ]]
	! applied 9999
}

@test "a migration's DDL gives up at --ddl-lock-timeout instead of queueing behind a long transaction" {
	migrate up >/dev/null
	psql -X -q "$OWNER" -c "BEGIN; SELECT count(*) FROM offices; SELECT pg_sleep(8); COMMIT" >/dev/null 2>&1 &
	holder=$!
	for _ in $(seq 50); do
		[ "$(owner_sql "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'offices' AND l.granted")" -ge 1 ] && break
		sleep 0.1
	done
	newmig 9999_widen "ALTER TABLE offices ADD COLUMN wider integer;"
	run migrate up --ddl-lock-timeout 1
	kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null || true
	[ "$status" -eq 1 ]
	[[ "$output" == *"9999_widen.sql"*"lock timeout"* ]]
	! applied 9999
}

@test "a no-transaction file runs CREATE INDEX CONCURRENTLY and is recorded" {
	migrate up >/dev/null
	printf -- '-- 9999_index: a large table, so concurrently.\n-- permitctl: no-transaction\nSELECT permit_assert_migrator();\nCREATE INDEX CONCURRENTLY offices_name_idx ON offices (name);\n' \
		>"$MIGDIR/9999_index.sql"
	run migrate up
	[ "$status" -eq 0 ]
	[[ "$output" == *"applied 9999_index.sql"* ]]
	applied 9999
	[ "$(owner_sql "SELECT to_regclass('offices_name_idx') IS NOT NULL")" = t ]
}

@test "CREATE INDEX CONCURRENTLY without the header fails and is not recorded" {
	migrate up >/dev/null
	newmig 9999_index "CREATE INDEX CONCURRENTLY offices_name_idx ON offices (name);"
	run migrate up
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot run inside a transaction block"* ]]
	! applied 9999
}

@test "a misspelt directive is refused before anything runs" {
	printf -- '-- permitctl: no-transactions\nSELECT permit_assert_migrator();\n' >"$MIGDIR/9999_typo.sql"
	run migrate up
	[ "$status" -eq 1 ]
	[[ "$output" == *"9999_typo.sql: unknown directive"* ]]
	[ "$(owner_sql "SELECT to_regclass('schema_migrations') IS NULL")" = t ]
}

@test "a file that ends its own transaction is refused before anything runs" {
	migrate up >/dev/null
	newmig 9998_fine "CREATE TABLE fine (i int);"
	newmig 9999_commits "CREATE TABLE early (i int); COMMIT; CREATE TABLE late (i int);"
	run migrate up
	[ "$status" -eq 1 ]
	[[ "$output" == *"9999_commits.sql: statement 3 ends or opens a transaction (\`COMMIT')"* ]]
	! applied 9998
	[ "$(owner_sql "SELECT to_regclass('fine') IS NULL AND to_regclass('early') IS NULL")" = t ]
}

@test "a file that does not start with the migrator guard is refused" {
	migrate up >/dev/null
	echo "CREATE TABLE unguarded (i int); SELECT permit_assert_migrator();" >"$MIGDIR/9999_unguarded.sql"
	run migrate up
	[ "$status" -eq 1 ]
	[[ "$output" == *"9999_unguarded.sql: must start with SELECT permit_assert_migrator();"* ]]
	[ "$(owner_sql "SELECT to_regclass('unguarded') IS NULL")" = t ]
}

@test "a table with an account_id column but no forced row-level security is refused" {
	migrate up >/dev/null
	newmig 9999_leaky "CREATE TABLE leaky (account_id uuid); ALTER TABLE leaky ENABLE ROW LEVEL SECURITY;"
	run migrate up
	[ "$status" -eq 1 ]
	[[ "$output" == *"9999_leaky.sql: leaky has an account_id or owner_id column but row-level security is not enabled and forced"* ]]
	! applied 9999
	[ "$(owner_sql "SELECT to_regclass('leaky') IS NULL")" = t ]
}

@test "a table with an account_id column and forced row-level security is applied" {
	migrate up >/dev/null
	newmig 9999_guarded "CREATE TABLE guarded (account_id uuid); ALTER TABLE guarded ENABLE ROW LEVEL SECURITY; ALTER TABLE guarded FORCE ROW LEVEL SECURITY;"
	run migrate up
	[ "$status" -eq 0 ]
	applied 9999
}

@test "a migration that gives permit_app an object is refused" {
	migrate up >/dev/null
	psql -X -q "$PERMIT_TEST_SUPER_DSN" -c "GRANT permit_app TO permit_owner" >/dev/null
	newmig 9999_gift "CREATE SCHEMA gift AUTHORIZATION permit_app;"
	run migrate up
	psql -X -q "$PERMIT_TEST_SUPER_DSN" -c "REVOKE permit_app FROM permit_owner" >/dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *"9999_gift.sql: schema gift is owned by permit_app"* ]]
	! applied 9999
}

@test "migrate repair --accept records a harmless edit and status is clean again" {
	migrate up >/dev/null
	echo "-- a comment added after the fact" >>"$MIGDIR/0002_accounts.sql"
	run migrate repair --accept 0002_accounts.sql --reason "comment only, ticket DBA-12"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0002_accounts.sql accepted as edited"* ]]
	run migrate status
	[ "$status" -eq 0 ]
	[ "$(psql -X -At "$PERMIT_TEST_SUPER_DSN dbname=$DB" -c "SELECT detail FROM audit_log WHERE action = 'cli.migrate_repair'")" = "0002_accounts.sql: comment only, ticket DBA-12" ]
}

@test "migrate repair needs a reason" {
	migrate up >/dev/null
	echo "-- edit" >>"$MIGDIR/0002_accounts.sql"
	run migrate repair --accept 0002_accounts.sql
	[ "$status" -eq 2 ]
	[[ "$output" == *"needs --accept FILE and --reason WHY"* ]]
	run migrate verify
	[ "$status" -eq 1 ]
}

@test "migrate repair refuses a file that was never applied" {
	migrate up --target 3 >/dev/null
	run migrate repair --accept 0005_office_today.sql --reason "why not"
	[ "$status" -eq 1 ]
	[[ "$output" == *"0005_office_today.sql was never applied"* ]]
}

@test "migrate --help exits 0 and names every option" {
	run "$PERMITCTL" migrate --help
	[ "$status" -eq 0 ]
	for o in --database --dir --target --dry-run --out-of-order --lock-timeout \
	    --ddl-lock-timeout --accept --reason; do
		[[ "$output" == *"$o"* ]]
	done
}

@test "permitctl -c CONFIG connects with the config's owner_database" {
	migrate up >/dev/null
	printf 'owner_database = %s\n' "$OWNER" >"$BATS_TEST_TMPDIR/permitd.conf"
	run env -u PERMIT_DATABASE "$PERMITCTL" -c "$BATS_TEST_TMPDIR/permitd.conf" \
		migrate status --dir "$MIGDIR"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$NFILES applied, 0 pending"* ]]
}
