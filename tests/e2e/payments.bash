# shellcheck shell=bash
# The payment gateway for end-to-end tests: notifications signed with the
# keyring's payment key, as the gateway signs them. Load after lib.

# The payment key as hex, for openssl.
pay_key_hex() {
	"$PERMITCTL" -c "$STACK_CONFIG" keys payment-key | base64 -d | xxd -p -c 64
}

# POST a notification signed with KEYHEX at TIMESTAMP over SIGNED_BODY
# (default: the body itself).
notify() { # BODY [TIMESTAMP [SIGNED_BODY [KEYHEX]]]
	local b=$1 ts=${2:-$(date +%s)} sb=${3:-$1} key=${4:-$(pay_key_hex)} sig
	sig=$(printf '%s.%s' "$ts" "$sb" | openssl dgst -sha256 -mac HMAC \
	    -macopt "hexkey:$key" -r | cut -d' ' -f1)
	api POST /api/v1/payments/notifications -H 'Content-Type: application/json' \
	    -H "X-Permit-Timestamp: $ts" -H "X-Permit-Signature: v1=$sig" \
	    --data-binary "$b"
}

notification() { # ID CODE AMOUNT
	jq -nc --arg i "$1" --arg c "$2" --argjson a "$3" \
	    '{notification_id: $i, billing_code: $c, amount: $a, paid_at: "2026-01-01T10:00:00Z"}'
}
