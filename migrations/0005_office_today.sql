-- 0005_office_today: which calendar day it is at an office (issue 7).
--
-- Runs as permit_owner. Citizen-facing dates are judged in the office's own
-- zone (offices.timezone: WIB, WITA or WIT), and in Asia/Jakarta where no
-- office applies. The database tells the day, so every worker of every host
-- reads one clock; the instant is a parameter, so tests can ask at fixed
-- instants on either side of each zone's midnight while permitd's statements
-- (db/sql/offices.def) pass now(), the transaction's instant.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- The civil date in zone p_zone at instant p_at. IMMUTABLE as the
-- timezone(text, timestamptz) it wraps is: PostgreSQL holds its time zone
-- data fixed.
CREATE FUNCTION permit_zone_today(p_zone text, p_at timestamptz)
RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT (p_at AT TIME ZONE p_zone)::date;
$$;

-- The civil date at office p_code at instant p_at; NULL when no office has
-- that code. STABLE: it reads offices. SECURITY INVOKER: permit_app reads
-- offices itself.
CREATE FUNCTION permit_office_today(p_code text, p_at timestamptz)
RETURNS date
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, public, pg_temp
AS $$
	SELECT permit_zone_today(o.timezone, p_at)
	FROM offices o
	WHERE o.code = p_code;
$$;

REVOKE ALL ON FUNCTION permit_zone_today(text, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_office_today(text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_zone_today(text, timestamptz) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_office_today(text, timestamptz) TO permit_app;
