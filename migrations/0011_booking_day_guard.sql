-- 0011_booking_day_guard: a booking is for a day after its office's today,
-- whoever inserts it. permitd refuses earlier days (and days past
-- booking_days_ahead) before it calls permit_booking_take; this makes the
-- table itself hold the first rule, so no other caller of the function,
-- and no bug in permitd's check, can book today or a day gone by.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

CREATE FUNCTION permit_booking_day_guard()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	IF NEW.day <= permit_office_today(NEW.office, now()) THEN
		RAISE check_violation
		    USING MESSAGE = 'a booking must be for a day after the office''s today';
	END IF;
	RETURN NEW;
END
$$;

REVOKE ALL ON FUNCTION permit_booking_day_guard() FROM PUBLIC;

CREATE TRIGGER bookings_day_after_today
	BEFORE INSERT ON bookings
	FOR EACH ROW EXECUTE FUNCTION permit_booking_day_guard();
