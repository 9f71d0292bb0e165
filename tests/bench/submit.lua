-- submit.lua: POST /api/v1/applications (passport) by seeded citizens (wrk).
--
--   wrk -t T -s submit.lua URL -- CITIZENS_FILE T BIRTH_YEAR
--
-- CITIZENS_FILE and T as for read.lua (`TOKEN CSRF ...` a line); the
-- citizens take turns. Every request carries a new applicant whose NIK no other
-- request of the run shares (one active application per NIK and kind, across
-- all accounts): request k of thread `id` of T threads is person
-- g = k * T + id, with serial g % 9999 + 1 and born g / 9999 days after
-- 1 January of BIRTH_YEAR, so runs with different BIRTH_YEARs never meet.
-- NIK = 317405 (DKI Jakarta) DDMMYY SSSS, and birth_date is the same day.
-- The answers are tallied by status (report.lua prints them).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local citizens, n, i, k, nthreads, base = {}, 0, 0, 0, 1, 0
statuses, sample = {}, ""

function init(args)
	for line in io.lines(args[1]) do
		local token, csrf = line:match("^(%S+) (%S+)")
		if token ~= nil then
			table.insert(citizens, {
				["Cookie"] = "permit_session=" .. token,
				["X-CSRF-Token"] = csrf,
				["Content-Type"] = "application/json",
			})
		end
	end
	n = #citizens
	assert(n > 0, "no citizens in " .. tostring(args[1]))
	nthreads = tonumber(args[2])
	base = os.time({ year = tonumber(args[3]), month = 1, day = 1, hour = 12 })
	i = math.floor(id * n / nthreads)
end

-- The NPWP's 9th digit is the Luhn digit of its first 8 (12345678 -> 2).
local body_format = '{"kind":"passport","office":"JKT-SEL","applicant":{' ..
    '"full_name":"Siti Rahayu Bench","nik":"317405%s%04d",' ..
    '"kk_number":"3174010112340000","npwp":"123456782%04d07",' ..
    '"birth_date":"%s","birth_place":"Bogor","sex":"M",' ..
    '"phone":"0812%08d","address":"Jalan Kemang Raya No. 12 Jakarta Selatan",' ..
    '"mother_name":"Dewi Lestari"},"passport":{"type":"new"}}'

function request()
	local g = k * nthreads + id
	local serial = g % 9999 + 1
	local born = base + math.floor(g / 9999) * 86400
	k = k + 1
	i = i % n + 1
	local body = string.format(body_format, os.date("%d%m%y", born), serial,
	    serial, os.date("%Y-%m-%d", born), g % 100000000)
	return wrk.format("POST", "/api/v1/applications", citizens[i], body)
end

function response(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
	if (status < 200 or status > 299) and sample == "" then
		sample = status .. " " .. body:sub(1, 300)
	end
end
