-- book.lua: POST /api/v1/applications/{id}/booking by seeded citizens (wrk).
--
--   wrk -t T -s book.lua URL -- POOL_FILE T DATES
--
-- POOL_FILE holds `TOKEN CSRF APP_ID` a line: a citizen's session and one
-- of its passport applications in `submitted`. Thread `id` of T takes the
-- lines i with i % T == id, one per request, so no two requests book the
-- same application while the pool lasts (past its end a thread starts its
-- lines again, and those answer 409 conflict: bench.sh sizes the pool).
-- DATES is a comma-separated list of days; request k of a thread books
-- day k % #DATES (of the thread's offset), so every day gets its share.
-- The answers are tallied by status, and non-2xx ones by error code
-- (report.lua prints both).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local pool, dates, k = {}, {}, 0
statuses, codes, sample = {}, {}, ""

function init(args)
	local nthreads, i = tonumber(args[2]), 0
	for line in io.lines(args[1]) do
		local token, csrf, app = line:match("^(%S+) (%S+) (%S+)")
		if token ~= nil then
			if i % nthreads == id then
				table.insert(pool, {
					path = "/api/v1/applications/" .. app .. "/booking",
					headers = {
						["Cookie"] = "permit_session=" .. token,
						["X-CSRF-Token"] = csrf,
						["Content-Type"] = "application/json",
					},
				})
			end
			i = i + 1
		end
	end
	assert(#pool > 0, "no applications for thread " .. id .. " in " .. tostring(args[1]))
	for d in string.gmatch(args[3], "[^,]+") do
		table.insert(dates, '{"date":"' .. d .. '"}')
	end
	assert(#dates > 0, "no dates")
end

function request()
	local p = pool[k % #pool + 1]
	local body = dates[(k + id) % #dates + 1]
	k = k + 1
	return wrk.format("POST", p.path, p.headers, body)
end

function response(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
	if status < 200 or status > 299 then
		local code = body:match('"code"%s*:%s*"([%w_]+)"') or "none"
		codes[code] = (codes[code] or 0) + 1
		if sample == "" then
			sample = status .. " " .. body:sub(1, 300)
		end
	end
end
