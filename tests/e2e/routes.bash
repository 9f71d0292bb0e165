# shellcheck shell=bash
# The route table as app/routes.c declares it, for tests that must hold for
# every route (maintenance, admin access): a route added there is covered
# here with no change. Load after lib.

# One line per route: METHOD PATTERN EFFECT SCOPE ACCESS, the last three as
# in pipe/pipe.h without their prefixes (READ, WRITE; NORMAL, ADMIN,
# ALWAYS; PUBLIC, SESSION, CITIZEN, REVIEWER, ADMIN).
routes_table() {
	awk '
	function field(re, pre,    v) {
		if (match(row, re)) {
			v = substr(row, RSTART, RLENGTH)
			sub(pre, "", v)
			gsub(/"/, "", v)
			return v
		}
		return "?"
	}
	/\{ *\.method *=/ { row = ""; inroute = 1 }
	inroute { row = row " " $0 }
	inroute && /\},? *$/ {
		print field("\\.method *= *\"[A-Z]+\"", "\\.method *= *"),
		    field("\\.pattern *= *\"[^\"]*\"", "\\.pattern *= *"),
		    field("PIPE_EFFECT_[A-Z]+", "PIPE_EFFECT_"),
		    field("PIPE_SCOPE_[A-Z]+", "PIPE_SCOPE_"),
		    field("PIPE_ACCESS_[A-Z]+", "PIPE_ACCESS_")
		inroute = 0
	}' "$ROOT/app/routes.c"
}

# PATTERN with its captures filled: {id} with ROUTE_ID (an application),
# {code} with an office, {date} with tomorrow.
route_path() { # PATTERN
	local p=$1
	p=${p//\{id\}/${ROUTE_ID:-00000000-0000-4000-8000-000000000000}}
	p=${p//\{code\}/JKT-SEL}
	p=${p//\{date\}/$(date -u -d tomorrow +%F)}
	echo "$p"
}
