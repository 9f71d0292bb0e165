#!/usr/bin/env bash
# Installs the Debian packages a make target needs, and only those that are
# missing:
#
#   scripts/deps.sh run     build and run permitd (make run, make all)
#   scripts/deps.sh test    and test it (make test, make leak)
#   scripts/deps.sh bench   and measure it (make bench)
#   scripts/deps.sh fuzz    and fuzz it (make fuzz)
#   scripts/deps.sh deb     and package it (make deb)
#   scripts/deps.sh all     everything (make deps)
#
# As root: apt-get update, then apt-get install -y. Otherwise: prints the
# exact command to run and stops. For `test` and `all`, then the browser
# tests' two npm packages (playwright-core, axe-core), exactly as
# tests/browser/package-lock.json pins them, with `npm ci`, when that lock
# changed since the last install. The Debian packages come from Debian's
# archive, those two from the npm registry; playwright never downloads a
# browser (the tests drive Debian's chromium).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)

# npm ci in tests/browser unless node_modules holds what the lock says.
npm_deps() {
	local dir=$ROOT/tests/browser
	cmp -s "$dir/package-lock.json" "$dir/node_modules/.permit-lock" && return 0
	command -v npm >/dev/null ||
	    { echo "deps: npm is missing (Debian: apt-get install npm)" >&2; exit 1; }
	echo "deps: npm ci in tests/browser"
	(cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
	cp "$dir/package-lock.json" "$dir/node_modules/.permit-lock"
}

target=${1:-all}
# What building and running permitd needs (make run).
run_packages=(
	build-essential pkg-config
	libfcgi-dev libfcgi-bin libpq-dev libsodium-dev libjansson-dev libsystemd-dev
	libseccomp-dev libseccomp2
	postgresql postgresql-client nginx curl
)
# dpkg-buildpackage and what debian/control's Build-Depends add.
deb_packages=(dpkg-dev debhelper fakeroot scdoc)
# What the tests add: cmocka, bats and jq, the sanitizers' and libFuzzer's
# clang, python3 (a pty for signal tests, systemd's notify socket), wrk,
# node and Chromium for the browser tests, systemd-analyze for the unit,
# python3-seccomp (a process refused seccomp) and gdb (a forbidden call
# made in a live worker) for the sandbox's tests, pg_auto_failover's monitor
# and nodes for the failover drill.
test_packages=(
	libcmocka-dev bats jq wrk clang libclang-rt-14-dev python3 nodejs chromium
	systemd python3-seccomp gdb postgresql-15-auto-failover pg-auto-failover-cli
	"${deb_packages[@]}"
)
bench_packages=(libcmocka-dev wrk jq nodejs python3)
fuzz_packages=(clang libclang-rt-14-dev)
case $target in
run) packages=("${run_packages[@]}") ;;
test) packages=("${run_packages[@]}" "${test_packages[@]}") ;;
bench) packages=("${run_packages[@]}" "${bench_packages[@]}") ;;
fuzz) packages=("${run_packages[@]}" "${fuzz_packages[@]}") ;;
deb) packages=("${run_packages[@]}" "${deb_packages[@]}") ;;
all) packages=("${run_packages[@]}" "${test_packages[@]}" "${bench_packages[@]}" \
	"${fuzz_packages[@]}") ;;
*) echo "usage: scripts/deps.sh run|test|bench|fuzz|deb|all" >&2; exit 2 ;;
esac
# npm for the browser tests only.
need_npm=0
case $target in test|all) need_npm=1 ;; esac

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
# Debian's nodejs leaves npm to a package of its own; a nodejs from
# elsewhere (NodeSource's) brings its npm along and conflicts with Debian's.
[ "$need_npm" -eq 0 ] || command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -eq 0 ]; then
	[ "$need_npm" -eq 0 ] || npm_deps
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "permitd needs these Debian packages: ${missing[*]}" >&2
	echo "Install them, then run make again:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
[ "$need_npm" -eq 0 ] || npm_deps
