#!/usr/bin/env bats
# The systemd unit (conf/permitd.service) is one systemd accepts without a
# warning: checked with systemd-analyze verify, its programs pointed at the
# ones under test.

setup() {
	: "${PERMITD:?}" "${PERMIT_TEST_ROOT:?}"
}

@test "systemd-analyze verify accepts the unit without a warning" {
	local dir=$BATS_TEST_TMPDIR
	sed -e "s|/usr/sbin/permitd|$PERMITD|g" "$PERMIT_TEST_ROOT/conf/permitd.service" \
		>"$dir/permitd.service"
	run systemd-analyze verify --man=no "$dir/permitd.service"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the unit waits for readiness, reloads with SIGHUP, and is hardened" {
	local u=$PERMIT_TEST_ROOT/conf/permitd.service
	grep -qx 'Type=notify' "$u"
	grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$u"
	grep -qx 'NoNewPrivileges=yes' "$u"
	grep -qx 'ProtectSystem=strict' "$u"
	grep -qx 'User=permitd' "$u"
}
