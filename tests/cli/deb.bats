#!/usr/bin/env bats
# The Debian package (make deb): built by dpkg-buildpackage from a copy of
# the source, it holds what an operator runs (programs, man pages, the
# unit, an example configuration, the nginx snippet, the migrations and the
# pages) and a postinst that makes the system user. Checked from the .deb
# itself and from a throwaway root it is unpacked into.

setup_file() {
	: "${PERMIT_TEST_ROOT:?}" "${PERMIT_TEST_DIR:?}"
	export DEB_OUT=$PERMIT_TEST_DIR/deb
	BUILD=$DEB_OUT "$PERMIT_TEST_ROOT/scripts/deb.sh" >"$DEB_OUT.path" 2>"$DEB_OUT.err" ||
		{ cat "$DEB_OUT.err" >&2; return 1; }
	export DEB=$(cat "$DEB_OUT.path")
	export DEB_ROOT=$PERMIT_TEST_DIR/deb-root
	mkdir -p "$DEB_ROOT"
	dpkg-deb -x "$DEB" "$DEB_ROOT"
}

@test "the package holds the programs, man pages, unit, configuration, snippet, migrations and pages" {
	run dpkg-deb -c "$DEB"
	[ "$status" -eq 0 ]
	for f in ./usr/sbin/permitd ./usr/sbin/permitctl \
	    ./usr/share/man/man8/permitd.8.gz ./usr/share/man/man8/permitctl.8.gz \
	    ./usr/share/man/man5/permitd.conf.5.gz \
	    ./lib/systemd/system/permitd.service ./etc/permitd/permitd.conf \
	    ./etc/nginx/snippets/permitd.conf ./etc/nginx/snippets/permitd-api-headers.conf \
	    ./usr/share/permitd/migrations/0001_platform.sql ./usr/share/permitd/web/index.html; do
		grep -q " $f\$" <<<"$output" || { echo "missing: $f"; return 1; }
	done
}

@test "the package's version is the one core/version.h declares" {
	local v
	v=$(sed -n 's/^#define PERMIT_VERSION "\(.*\)"$/\1/p' "$PERMIT_TEST_ROOT/core/version.h")
	[ "$(dpkg-deb -f "$DEB" Version)" = "$v" ]
	[ "$("$DEB_ROOT/usr/sbin/permitd" --version)" = "permitd $v" ]
	[ "$("$DEB_ROOT/usr/sbin/permitctl" --version)" = "permitctl $v" ]
}

@test "every migration of the source is in the package" {
	diff <(cd "$PERMIT_TEST_ROOT/migrations" && ls) <(cd "$DEB_ROOT/usr/share/permitd/migrations" && ls)
}

@test "the example configuration uses the package's paths and passes permitd's check up to the keyring" {
	local conf=$DEB_ROOT/etc/permitd/permitd.conf
	grep -qx 'listen = unix:/run/permitd/permitd.sock' "$conf"
	grep -qx 'pid_file = /run/permitd/permitd.pid' "$conf"
	grep -qx 'keyring = /var/lib/permitd/keyring' "$conf"
	run "$DEB_ROOT/usr/sbin/permitd" -t -c "$conf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/var/lib/permitd/keyring"* ]]
	[[ "$output" != *"bad value"* && "$output" != *"unknown key"* ]]
}

@test "the nginx snippet is valid inside a server block" {
	local d=$BATS_TEST_TMPDIR/nginx
	mkdir -p "$d/snippets" "$d/logs"
	cp "$DEB_ROOT"/etc/nginx/snippets/permitd*.conf "$d/snippets/"
	cat >"$d/nginx.conf" <<-EOF
	pid $d/nginx.pid;
	error_log $d/logs/error.log;
	events {}
	http {
	    access_log off;
	    server {
	        listen 127.0.0.1:1;
	        root $DEB_ROOT/usr/share/permitd/web;
	        include snippets/permitd.conf;
	    }
	}
	EOF
	run nginx -t -p "$d" -c "$d/nginx.conf"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q 'fastcgi_pass unix:/run/permitd/permitd.sock;' "$d/snippets/permitd.conf"
}

@test "the installed unit passes systemd-analyze verify" {
	sed -e "s|/usr/sbin/permitd|$DEB_ROOT/usr/sbin/permitd|g" \
	    "$DEB_ROOT/lib/systemd/system/permitd.service" >"$BATS_TEST_TMPDIR/permitd.service"
	run systemd-analyze verify --man=no "$BATS_TEST_TMPDIR/permitd.service"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the postinst makes the permitd system user and lets the web server reach the socket" {
	local ctl=$BATS_TEST_TMPDIR/control
	dpkg-deb -e "$DEB" "$ctl"
	grep -q 'adduser --system --group' "$ctl/postinst"
	grep -q 'adduser --quiet www-data permitd' "$ctl/postinst"
	grep -q '/etc/permitd/permitd.conf' "$ctl/conffiles"
}

@test "the man pages render" {
	for p in usr/share/man/man8/permitd.8.gz usr/share/man/man8/permitctl.8.gz \
	    usr/share/man/man5/permitd.conf.5.gz; do
		zcat "$DEB_ROOT/$p" | grep -q '^\.TH'
	done
}
