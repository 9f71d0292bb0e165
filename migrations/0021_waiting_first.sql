-- 0021_waiting_first: a first-come booking of a full day whose draw has
-- entries waiting is refused at once, before it settles anything.
--
-- Until now such a booking settled the day's lapsed holds (FOR UPDATE SKIP
-- LOCKED), which handed their slots to the waiting entries, then found the
-- day still full and raised: everything it did was rolled back. A script
-- that books whenever /days shows a lapsed hold's slot free (the broker of
-- make bench's fairness races books a hundred times a second) so kept the
-- lapsed holds locked nearly all the time, and the master's sweep, which
-- skips locked rows, settled them tens of seconds late: slots stood
-- unused while citizens waited. The waiting list's slots reach it through
-- the sweep, and a first-come request meets quota_exhausted without
-- touching them.
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- As in 0019, with the waiting list looked at before the day's lapsed
-- holds are settled.
CREATE OR REPLACE FUNCTION permit_booking_take(p_app uuid, p_day date,
	p_code text, p_amount bigint, p_hold_minutes integer)
RETURNS bookings
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	who uuid := nullif(current_setting('permit.account_id', true), '')::uuid;
	v_office text;
	v_kind text;
	v_status text;
	v_quota integer;
	v_live boolean;
	v_booking bookings;
BEGIN
	SELECT ap.office, ap.kind, ap.status, o.daily_quota
	INTO v_office, v_kind, v_status, v_quota
	FROM applications ap JOIN offices o ON o.code = ap.office
	WHERE ap.id = p_app AND ap.account_id = who
	FOR UPDATE OF ap FOR KEY SHARE OF o;
	IF NOT FOUND OR v_kind <> 'passport' OR v_status <> 'submitted'
	    OR p_hold_minutes <= 0 THEN
		RAISE EXCEPTION 'permit_booking_take: not a bookable application';
	END IF;
	SELECT permit_booking_live(b.state, b.pay_by) INTO v_live
	FROM bookings b
	WHERE b.application_id = p_app AND b.state IN ('held', 'confirmed');
	IF v_live THEN
		RAISE EXCEPTION 'permit_booking_take: already booked';
	END IF;
	IF NOT v_live THEN
		-- Its own hold past pay_by (one held or confirmed row per
		-- application): settled first, then looked for again.
		PERFORM permit_bookings_settle(array(
			SELECT b.id FROM bookings b
			WHERE b.application_id = p_app AND b.state = 'held'
			    AND b.pay_by <= now()
			FOR UPDATE));
		IF EXISTS (SELECT 1 FROM bookings b
		    WHERE b.application_id = p_app
		        AND b.state IN ('held', 'confirmed')) THEN
			RAISE EXCEPTION 'permit_booking_take: already booked';
		END IF;
	END IF;
	INSERT INTO bookings (application_id, account_id, office, day,
	    billing_code, amount, pay_by)
	VALUES (p_app, who, v_office, p_day, p_code, p_amount,
	    now() + make_interval(mins => p_hold_minutes))
	RETURNING * INTO v_booking;
	IF permit_slot_take(v_office, p_day, v_quota) THEN
		RETURN v_booking;
	END IF;
	-- The day's first booking: its row.
	IF NOT EXISTS (SELECT 1 FROM office_days d
	    WHERE d.office = v_office AND d.day = p_day) THEN
		INSERT INTO office_days (office, day) VALUES (v_office, p_day)
		ON CONFLICT (office, day) DO NOTHING;
		IF permit_slot_take(v_office, p_day, v_quota) THEN
			RETURN v_booking;
		END IF;
	END IF;
	-- Full as counted, while entries of the day's draw wait: a slot a
	-- lapse frees is theirs, so this request is refused before it settles
	-- anything (its settling would be rolled back with its refusal, and
	-- while it held the lapsed holds the sweep would pass them by).
	IF EXISTS (SELECT 1 FROM draw_entries e WHERE e.office = v_office
	        AND e.day = p_day AND e.state = 'waiting') THEN
		RAISE unique_violation USING MESSAGE = 'office day full';
	END IF;
	-- Full or closed as counted: holds of the day past pay_by count as
	-- free, so they are settled (those no other transaction holds) and
	-- the slot tried once more.
	IF permit_bookings_settle(array(
		SELECT b.id FROM bookings b
		WHERE b.office = v_office AND b.day = p_day AND b.state = 'held'
		    AND b.pay_by <= now()
		ORDER BY b.pay_by LIMIT 1000
		FOR UPDATE SKIP LOCKED)) > 0
	    AND permit_slot_take(v_office, p_day, v_quota) THEN
		RETURN v_booking;
	END IF;
	RAISE unique_violation USING MESSAGE = 'office day full';
END
$$;
