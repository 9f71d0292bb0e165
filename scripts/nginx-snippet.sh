#!/usr/bin/env bash
# Prints the nginx snippet the Debian package installs as
# /etc/nginx/snippets/permitd.conf: the locations of conf/nginx.conf.in
# (between its "permitd locations" markers), for a server block of the
# operator's own:
#
#   server {
#       listen 443 ssl;  server_name permit.example.go.id;  ...
#       root /usr/share/permitd/web;
#       include snippets/permitd.conf;
#   }
#
#   scripts/nginx-snippet.sh [SOCKET] [HEADERS]
#
# SOCKET is permitd's (default unix:/run/permitd/permitd.sock), HEADERS the
# API headers file the error locations include (default
# snippets/permitd-api-headers.conf, conf/nginx-api-headers.conf as
# installed).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
socket=${1:-unix:/run/permitd/permitd.sock}
headers=${2:-snippets/permitd-api-headers.conf}
echo "# permitd's locations, from conf/nginx.conf.in; include in a server block."
sed -n '/# -- permitd locations: begin/,/# -- permitd locations: end/p' \
    "$ROOT/conf/nginx.conf.in" |
	sed -e '1,2d' -e '$d' -e 's/^\t\t//' \
	    -e "s|@FASTCGI_PASS@|$socket|g" \
	    -e "s|@PREFIX@/api_headers.conf|$headers|g"
