-- 0018_opening_draw: when a day opens for booking.
--
-- A day opens at open_hour (config) of its office's time, booking_days_ahead
-- (config) days before it, unless an admin set its own opens_at (0017):
-- a special day opened early, or a day held back. Until it opens a booking
-- of it is refused, naming when it opens. permitd passes both settings, so
-- every host judges a day with the configuration it serves.
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- The instant day p_day of office p_office opens for booking: the day's
-- own opens_at, else p_open_hour:00 office time p_days_ahead days before
-- it. NULL when no office has that code. SECURITY INVOKER: permit_app reads
-- offices and office_days itself.
CREATE FUNCTION permit_day_opens_at(p_office text, p_day date,
	p_days_ahead integer, p_open_hour integer)
RETURNS timestamptz
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	RETURN coalesce(
	    (SELECT d.opens_at FROM office_days d
	     WHERE d.office = p_office AND d.day = p_day),
	    (SELECT ((p_day - p_days_ahead) + make_time(p_open_hour, 0, 0))
	         AT TIME ZONE o.timezone
	     FROM offices o WHERE o.code = p_office));
END
$$;
REVOKE ALL ON FUNCTION permit_day_opens_at(text, date, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_day_opens_at(text, date, integer, integer) TO permit_app;
