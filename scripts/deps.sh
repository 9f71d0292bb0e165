#!/usr/bin/env bash
# Installs the Debian packages permitd builds, runs and tests with, and only
# those that are missing. As root: apt-get update, then apt-get install -y.
# Otherwise: prints the exact command to run and stops. Then the browser
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

packages=(
	build-essential pkg-config
	libfcgi-dev libfcgi-bin libpq-dev libsodium-dev libjansson-dev libcmocka-dev
	postgresql postgresql-client nginx curl
	bats jq wrk clang libclang-rt-14-dev python3 nodejs chromium
	postgresql-15-auto-failover pg-auto-failover-cli
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
# Debian's nodejs leaves npm to a package of its own; a nodejs from
# elsewhere (NodeSource's) brings its npm along and conflicts with Debian's.
command -v npm >/dev/null || missing+=(npm)
[ "${#missing[@]}" -eq 0 ] && { npm_deps; exit 0; }

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
npm_deps
