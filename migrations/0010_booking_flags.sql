-- 0010_booking_flags: the flag rules that read the bookings' tables (0008
-- has the flags, 0009 the bookings), and the booking check's statement.
--
-- Both rules are set-based and idempotent (permit_flag_raise flags an
-- account once while its flag is open), so the master's housekeeping runs
-- them after each lapse sweep: every lapse, whether the sweep or a booking
-- settled it, and every give-up is judged within session_sweep_interval.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- Repeated lapsed holds: flags 'lapsed_holds' on every account with at
-- least p_count lapses within the last p_days days. Returns how many
-- accounts have the pattern now.
CREATE FUNCTION permit_flag_lapses(p_count integer, p_days integer)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	r record;
	n bigint := 0;
BEGIN
	PERFORM permit_require_seconds('permit_flag_lapses', p_count, p_days);
	FOR r IN SELECT l.account_id, count(*) AS lapses FROM account_lapses l
	    WHERE l.at > now() - make_interval(days => p_days)
	    GROUP BY l.account_id HAVING count(*) >= p_count
	LOOP
		PERFORM permit_flag_raise(r.account_id, 'lapsed_holds',
			format('%s lapsed holds within %s days', r.lapses, p_days));
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;

-- Bookings given up shortly before the day: flags 'late_give_ups' on every
-- account that, within the last p_window_days days, gave up at least
-- p_count bookings less than p_days_before days before their day. Returns
-- how many accounts have the pattern now.
CREATE FUNCTION permit_flag_give_ups(p_days_before integer, p_count integer,
	p_window_days integer)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	r record;
	n bigint := 0;
BEGIN
	PERFORM permit_require_seconds('permit_flag_give_ups', p_days_before,
	    p_count, p_window_days);
	FOR r IN SELECT b.account_id, count(*) AS late FROM booking_releases b
	    WHERE b.at > now() - make_interval(days => p_window_days)
	        AND b.day - (b.at AT TIME ZONE 'Asia/Jakarta')::date < p_days_before
	    GROUP BY b.account_id HAVING count(*) >= p_count
	LOOP
		PERFORM permit_flag_raise(r.account_id, 'late_give_ups',
			format('%s bookings given up less than %s days before the day',
			    r.late, p_days_before));
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;

REVOKE ALL ON FUNCTION permit_flag_lapses(integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_flag_give_ups(integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_flag_lapses(integer, integer) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_flag_give_ups(integer, integer, integer) TO permit_app;
