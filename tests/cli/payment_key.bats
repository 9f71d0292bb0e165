#!/usr/bin/env bats
# permitctl keys payment-key and add-payment-key: the key the payment
# gateway signs notifications with. Only the keyring file is touched, so no
# permitd runs here; each test has its own keyring beside its own config.

load ../e2e/lib

setup() {
	KR=$BATS_TEST_TMPDIR/keyring
	CONF=$BATS_TEST_TMPDIR/permitd.conf
	sed -e "s|^keyring = .*|keyring = $KR|" "$PERMIT_TEST_CONFIG" >"$CONF"
}

ctl() {
	"$PERMITCTL" -c "$CONF" keys "$@"
}

# A keyring from before payments: init's, less its pay line.
keyring_without_pay() {
	ctl init >/dev/null
	sed -i '/^pay /d' "$KR"
}

@test "keys init writes a pay key into a 0600 keyring" {
	run ctl init
	[ "$status" -eq 0 ]
	[ "$(grep -c '^pay ' "$KR")" = 1 ]
	[ "$(stat -c %a "$KR")" = 600 ]
	ctl list | grep -qx 'pay p1'
}

@test "keys payment-key prints the key alone: base64 of 32 bytes" {
	local key
	ctl init >/dev/null
	run ctl payment-key
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" = 1 ]
	key=${lines[0]}
	[ "$(base64 -d <<<"$key" | wc -c)" = 32 ]
	# The same key every time, and not another key of the keyring.
	[ "$(ctl payment-key)" = "$key" ]
	! grep -v '^pay ' "$KR" | grep -qF -- "$key"
}

@test "keys payment-key on a keyring without one fails and names add-payment-key" {
	keyring_without_pay
	run ctl payment-key
	[ "$status" -eq 1 ]
	[[ "$output" == *"has no payment key"* ]]
	[[ "$output" == *"permitctl keys add-payment-key"* ]]
}

@test "keys add-payment-key adds exactly one, keeps the other keys and mode 0600" {
	local before
	keyring_without_pay
	before=$(ctl list)
	run ctl add-payment-key
	[ "$status" -eq 0 ]
	[ "$(grep -c '^pay ' "$KR")" = 1 ]
	[ "$(stat -c %a "$KR")" = 600 ]
	[ "$(ctl list | grep -v '^pay ')" = "$before" ]
	run ctl payment-key
	[ "$status" -eq 0 ]
	[ "$(base64 -d <<<"${lines[0]}" | wc -c)" = 32 ]
}

@test "keys add-payment-key refuses a second and changes nothing" {
	local before
	ctl init >/dev/null
	before=$(sha256sum <"$KR")
	run ctl add-payment-key
	[ "$status" -eq 1 ]
	[[ "$output" == *"already has payment key p1"* ]]
	[ "$(sha256sum <"$KR")" = "$before" ]
	[ "$(grep -c '^pay ' "$KR")" = 1 ]
	[ "$(stat -c %a "$KR")" = 600 ]
}
