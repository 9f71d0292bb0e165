-- 0028_quota_to_waiting: the slots a larger daily quota adds go to the
-- days' waiting entries first.
--
-- Every way a slot of a day comes back goes to that day's waiting entries
-- before anyone else can take it (0018: a trigger on office_days, which
-- also sees a day's own capacity raised). An admin's larger daily quota
-- (permit_admin_office_quota, 0017) changes offices, not office_days, so
-- the trigger never saw it: every coming day without a capacity of its
-- own had free slots while its entries waited, and the next first-come
-- bookings took them (permit_booking_take refuses a full day while
-- entries wait, not a day with room), however long those entries had
-- waited. Now the quota's change hands each such day's free slots to its
-- waiting entries, in their order, in the same transaction. The function
-- is 0017's otherwise.
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

CREATE OR REPLACE FUNCTION permit_admin_office_quota(p_code text, p_quota integer)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	PERFORM permit_require_admin();
	IF p_quota IS NULL OR p_quota < 0 THEN
		RAISE EXCEPTION 'a quota is a count' USING ERRCODE = 'check_violation';
	END IF;
	PERFORM 1 FROM offices o WHERE o.code = p_code FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'permit_admin_office_quota: no such office';
	END IF;
	IF EXISTS (SELECT 1 FROM office_days d
	    WHERE d.office = p_code AND d.capacity IS NULL
	        AND d.day > permit_office_today(p_code, now())
	        AND d.booked > p_quota) THEN
		RAISE EXCEPTION 'a coming day has more bookings than that quota'
			USING ERRCODE = 'exclusion_violation';
	END IF;
	UPDATE offices o SET daily_quota = p_quota WHERE o.code = p_code;
	-- The coming days that count with the quota and have entries
	-- waiting: their free slots to them, as the trigger on office_days
	-- would hand them.
	PERFORM permit_draw_hand_over(w.office, w.day)
	FROM (SELECT DISTINCT e.office, e.day FROM draw_entries e
	      LEFT JOIN office_days d ON d.office = e.office AND d.day = e.day
	      WHERE e.office = p_code AND e.state = 'waiting'
	          AND d.capacity IS NULL
	          AND e.day > permit_office_today(p_code, now())) w;
END
$$;
