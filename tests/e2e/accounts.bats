#!/usr/bin/env bats
# Registration through nginx to permitd (docs/API.md, POST /accounts):
# the email normalised, sealed and blind-indexed (docs/DESIGN.md invariant 1),
# duplicates refused, every bad input refused with nothing changed.

load lib

setup_file() {
	stack_start
}

teardown_file() {
	stack_stop
}

setup() {
	EMAIL="a${BATS_TEST_NUMBER}-$RANDOM$RANDOM@example.com"
	PASSWORD="correct horse $RANDOM"
}

register() { # EMAIL PASSWORD
	api_json POST /api/v1/accounts "$(credentials "$1" "$2")"
}

accounts() { psql_super -Atc 'SELECT count(*) FROM accounts'; }

# A 422 invalid naming FIELD.
assert_invalid() { # FIELD
	[ "$status" = 422 ]
	[ "$(error_code)" = invalid ]
	[ "$(jq -r .error.field <<<"$body")" = "$1" ]
	[ "$(jq -r '.error.message | type' <<<"$body")" = string ]
}

@test "register: 201 with id, email and role citizen" {
	register "$EMAIL" "$PASSWORD"
	[ "$status" = 201 ]
	[[ "$(jq -r .account.id <<<"$body")" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]
	[ "$(jq -r .account.email <<<"$body")" = "$EMAIL" ]
	[ "$(jq -r .account.role <<<"$body")" = citizen ]
	[ "$(jq -c '.account | keys' <<<"$body")" = '["email","id","role"]' ]
	[ -z "$(header Set-Cookie)" ]
	[ "$(header Cache-Control)" = no-store ]
}

@test "register normalises the email: trimmed and lower-cased" {
	register "  ${EMAIL^^} " "$PASSWORD"
	[ "$status" = 201 ]
	[ "$(jq -r .account.email <<<"$body")" = "$EMAIL" ]
}

@test "a taken email: 409 conflict, also differently cased or padded" {
	register "$EMAIL" "$PASSWORD"
	[ "$status" = 201 ]
	local before
	before=$(accounts)
	register "$EMAIL" "another password 1"
	[ "$status" = 409 ]
	[ "$(error_code)" = conflict ]
	register "${EMAIL^^}" "$PASSWORD"
	[ "$status" = 409 ]
	register "	 $EMAIL  " "$PASSWORD"
	[ "$status" = 409 ]
	[ "$(accounts)" = "$before" ]
}

@test "a bad email: 422 naming email, nothing stored" {
	local before bad
	before=$(accounts)
	for bad in "" "no-at-sign" "two@@example.com" "a@b" "a b@example.com" \
	    ".a@example.com" "a@-example.com" "ü@example.com"; do
		register "$bad" "$PASSWORD"
		assert_invalid email
	done
	register "$(printf 'a%.0s' $(seq 250))@example.com" "$PASSWORD"
	assert_invalid email
	[ "$(accounts)" = "$before" ]
}

@test "a short password: 422 naming password, nothing stored" {
	local before
	before=$(accounts)
	register "$EMAIL" "123456789"
	assert_invalid password
	register "$EMAIL" ""
	assert_invalid password
	# Ten characters, counted as characters rather than bytes.
	register "$EMAIL" "ééééééééé"
	assert_invalid password
	[ "$(accounts)" = "$before" ]
	register "$EMAIL" "éééééééééé"
	[ "$status" = 201 ]
}

@test "a password over 1024 bytes: 422 naming password" {
	register "$EMAIL" "$(printf 'p%.0s' $(seq 1025))"
	assert_invalid password
}

@test "not JSON, wrong content type, unknown field, wrong types: 400/400/422, nothing stored" {
	local before
	before=$(accounts)
	api_json POST /api/v1/accounts 'not json'
	[ "$status" = 400 ]
	[ "$(error_code)" = bad_request ]
	api POST /api/v1/accounts -H 'Content-Type: text/plain' \
	    --data-binary "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}"
	[ "$status" = 400 ]
	[ "$(error_code)" = bad_request ]
	api_json POST /api/v1/accounts "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"role\":\"admin\"}"
	assert_invalid role
	api_json POST /api/v1/accounts "{\"email\":\"$EMAIL\"}"
	assert_invalid password
	api_json POST /api/v1/accounts "{\"password\":\"$PASSWORD\"}"
	assert_invalid email
	api_json POST /api/v1/accounts "{\"email\":[\"$EMAIL\"],\"password\":\"$PASSWORD\"}"
	assert_invalid email
	api_json POST /api/v1/accounts "{\"email\":\"$EMAIL\",\"password\":null}"
	assert_invalid password
	api_json POST /api/v1/accounts '[]'
	[ "$status" = 400 ]
	api POST /api/v1/accounts
	[ "$status" = 400 ]
	[ "$(accounts)" = "$before" ]
}

@test "no plaintext email in the database: sealed, found by its blind index" {
	register "$EMAIL" "$PASSWORD"
	[ "$status" = 201 ]
	local id
	id=$(jq -r .account.id <<<"$body")
	[ "$(psql_super -Atc "SELECT length(email_bidx), kek_id <> '', password_hash LIKE '\$argon2id\$%' FROM accounts WHERE id = '$id'")" = "32|t|t" ]
	[ "$(psql_super -Atc "SELECT count(*) FROM accounts WHERE position(convert_to('$EMAIL', 'UTF8') IN email_sealed) > 0")" = 0 ]
	run pg_dump --data-only "$PERMIT_TEST_SUPER_DSN"
	[ "$status" = 0 ]
	[[ "$output" == *"$id"* ]]
	[[ "$output" != *"$EMAIL"* ]]
	[[ "$output" != *"${EMAIL%@*}"* ]]
	[[ "$output" != *"$PASSWORD"* ]]
}

@test "the registered account signs in; the stored email opens only for its own id" {
	register "$EMAIL" "$PASSWORD"
	local a b
	a=$(jq -r .account.id <<<"$body")
	register "other-$EMAIL" "$PASSWORD"
	b=$(jq -r .account.id <<<"$body")
	api_json POST /api/v1/sessions "$(credentials "$EMAIL" "$PASSWORD")" \
	    -c "$BATS_TEST_TMPDIR/jar"
	[ "$status" = 201 ]
	[ "$(jq -r .account.id <<<"$body")" = "$a" ]
	# B's sealed email and wrapped DEK copied into A's row: A's read fails
	# closed, never showing B's address.
	psql_super -c "UPDATE accounts SET email_sealed = o.email_sealed, dek_wrapped = o.dek_wrapped FROM accounts o WHERE accounts.id = '$a' AND o.id = '$b'"
	api GET /api/v1/me -b "$BATS_TEST_TMPDIR/jar"
	[ "$status" = 500 ]
	[ "$(error_code)" = internal ]
	[[ "$body" != *"other-"* ]]
}
