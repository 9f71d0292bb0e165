#!/usr/bin/env bash
# `make deb`: the Debian package, built by dpkg-buildpackage -us -uc -b in a
# copy of the source under $BUILD/deb-src (dpkg-buildpackage writes its
# results beside the source directory, so they land there, never outside
# the project). Prints the path of the .deb.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
version=$(sed -n 's/^#define PERMIT_VERSION "\(.*\)"$/\1/p' "$ROOT/core/version.h")
out=$BUILD/deb-src
src=$out/permitd-$version
rm -rf "$out"
mkdir -p "$src"
# The project's own files: what git tracks, or (no git) all but what builds,
# runs and tests leave behind.
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
		(cd "$ROOT" && xargs -0 cp --parents -t "$src")
else
	tar -C "$ROOT" --exclude=./build --exclude=./var --exclude=node_modules -cf - . |
		tar -C "$src" -xf -
fi
# BUILD is this script's, not the package build's (debian/rules has its own).
(cd "$src" && unset BUILD && DEB_BUILD_OPTIONS="parallel=$(nproc)" \
	dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1) ||
	{ tail -n 40 "$out/build.log" >&2; echo "deb: dpkg-buildpackage failed (log: $out/build.log)" >&2; exit 1; }
ls "$out"/permitd_"$version"_*.deb
