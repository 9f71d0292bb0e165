-- report.lua: what every wrk run of scripts/bench.sh shares (wrk 4.1, LuaJIT).
--
-- Used alone (wrk -s report.lua URL) for the plain GETs, and loaded by
-- read.lua and submit.lua. It numbers the threads (global `id` in each,
-- from 0) and keeps them so that done() can sum what the threads counted:
-- a script that tallies statuses keeps them in the global table `statuses`
-- (status -> count), may tally the error codes of non-2xx answers in
-- `codes` (code -> count), and keeps the first non-2xx answer in `sample`.
--
-- done() prints one line that scripts/bench.sh parses, times in µs:
--   BENCH requests=N seconds=S rps=R p50_us=A p99_us=B non2xx=E socket_errors=F [statuses=201:N,409:M] [codes=quota_exhausted:M]
-- non2xx is wrk's own count (statuses 400 and up) unless the script tallied
-- statuses, then it is every status outside 200-299.

local threads = {}

function setup(thread)
	thread:set("id", #threads)
	table.insert(threads, thread)
end

-- Statuses summed over the threads: a status -> count table, or nil when
-- no thread tallied any.
local function bench_statuses()
	local sum, any = {}, false
	for _, t in ipairs(threads) do
		local s = t:get("statuses")
		if type(s) == "table" then
			for k, v in pairs(s) do
				sum[k] = (sum[k] or 0) + v
				any = true
			end
		end
	end
	return any and sum or nil
end

-- Error codes summed over the threads, as `code:N,...` sorted, or "".
local function bench_codes()
	local sum, keys, parts = {}, {}, {}
	for _, t in ipairs(threads) do
		local c = t:get("codes")
		if type(c) == "table" then
			for k, v in pairs(c) do
				if sum[k] == nil then table.insert(keys, k) end
				sum[k] = (sum[k] or 0) + v
			end
		end
	end
	table.sort(keys)
	for _, k in ipairs(keys) do
		table.insert(parts, k .. ":" .. sum[k])
	end
	return table.concat(parts, ",")
end

local function bench_sample()
	for _, t in ipairs(threads) do
		local s = t:get("sample")
		if type(s) == "string" and s ~= "" then
			return s
		end
	end
	return nil
end

function done(summary, latency, requests)
	local e = summary.errors
	local seconds = summary.duration / 1e6
	local non2xx = e.status
	local tally = ""
	local statuses = bench_statuses()
	if statuses ~= nil then
		local keys, parts = {}, {}
		non2xx = 0
		for k in pairs(statuses) do
			table.insert(keys, tonumber(k))
		end
		table.sort(keys)
		for _, k in ipairs(keys) do
			local n = statuses[k] or statuses[tostring(k)]
			table.insert(parts, k .. ":" .. n)
			if k < 200 or k > 299 then
				non2xx = non2xx + n
			end
		end
		tally = " statuses=" .. table.concat(parts, ",")
	end
	local codes = bench_codes()
	if codes ~= "" then
		tally = tally .. " codes=" .. codes
	end
	io.write(string.format(
	    "BENCH requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d non2xx=%d socket_errors=%d%s\n",
	    summary.requests, seconds, summary.requests / seconds,
	    latency:percentile(50), latency:percentile(99), non2xx,
	    e.connect + e.read + e.write + e.timeout, tally))
	local sample = bench_sample()
	if sample ~= nil then
		io.write("BENCH_SAMPLE " .. sample .. "\n")
	end
end
