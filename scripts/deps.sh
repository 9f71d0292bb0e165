#!/usr/bin/env bash
# Installs the Debian packages permitd builds, runs and tests with, and only
# those that are missing. As root: apt-get update, then apt-get install -y.
# Otherwise: prints the exact command to run and stops. Nothing is fetched
# from anywhere but Debian's archive.
set -euo pipefail

packages=(
	build-essential pkg-config
	libfcgi-dev libfcgi-bin libpq-dev libsodium-dev libjansson-dev libcmocka-dev
	postgresql postgresql-client nginx curl
	bats jq wrk clang libclang-rt-14-dev python3 nodejs
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

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
