-- read.lua: GET /api/v1/applications/{id}, each by its owner (wrk, LuaJIT).
--
--   wrk -t T -s read.lua URL -- CITIZENS_FILE T
--
-- CITIZENS_FILE holds one seeded citizen a line, `TOKEN CSRF APP_ID ...`
-- (written by scripts/bench.sh): the session cookie's value, its CSRF token
-- and the id of an application the citizen owns. Each thread walks the
-- lines in turn from its own starting point (T threads start evenly
-- spread), so the requests in flight read different citizens' applications.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local requests, n, i = {}, 0, 0

function init(args)
	for line in io.lines(args[1]) do
		local token, _, app = line:match("^(%S+) (%S+) (%S+)")
		if token ~= nil then
			table.insert(requests, wrk.format("GET", "/api/v1/applications/" .. app,
			    { ["Cookie"] = "permit_session=" .. token }))
		end
	end
	n = #requests
	assert(n > 0, "no citizens in " .. tostring(args[1]))
	i = math.floor(id * n / tonumber(args[2] or "1"))
end

function request()
	i = i % n + 1
	return requests[i]
end
