-- 0019_booking_gate: the booking's checks read in one call, and its take
-- with one lock fewer to pass, the rules unchanged.
--
-- The back office (0016, 0017) and the opening draw (0018) added to each
-- booking: permit_no_show_until, permit_day_opens_at twice,
-- permit_draw_stage, beside permit_office_today and permit_account_flagged,
-- each a plpgsql call of its own that read the application, its office or
-- the day's row again; and in permit_slot_take a second SELECT of the
-- office under a key-share lock. Measured under load (`BENCH_PROFILE=1 make
-- bench`) PostgreSQL's CPU per booking grew by about a quarter, and on a
-- hot day, whose bookings queue on its one office_days row, that is
-- throughput lost. So:
--   - permit_booking_gate answers everything the first flight asks beyond
--     the application's own row, in one call: the office's row, the day's
--     row, the draw's row and the entries read once each;
--   - the no-show rule counts in one scan (an OR of the two indexes, not a
--     UNION that had to sort away duplicates);
--   - permit_booking_take reads the office's quota under the key-share
--     lock in the statement that locks the application, and hands it to
--     permit_slot_take, which takes the slot with no statement before its
--     UPDATE; the draw's callers keep the two-argument form, which reads
--     the quota under the same lock first;
--   - permit_booking_take returns the hold it made, which permitd shows on
--     the application it read before the take: the take is the last
--     statement before COMMIT, so a day's row is held for no more than
--     the commit (the read back used to run while the row was held);
--   - the day guard on bookings reads its office's zone itself.
-- The older functions stay for their other callers.
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- What a booking of day p_day by the bound account's application p_app
-- must know beyond the application's row: its office's today, whether the
-- account is flagged, the office's day until which missed appointments
-- close booking to the applicant (NULL: they do not; 0016's rule with
-- p_limit, p_window_days, p_cooldown_days, counted per account and per
-- NIK, any account's: hence a definer that answers one day and nothing of
-- the other rows), whether the day is closed, when it opens (0018's rule
-- with p_days_ahead, p_open_hour), its draw stage ('entries', 'pending',
-- 'none', as permit_draw_stage) and whether the application has a live
-- entry. All NULL when p_app is not the bound account's; the day's answers
-- NULL when p_day is.
CREATE FUNCTION permit_booking_gate(p_app uuid, p_day date, p_limit integer,
	p_window_days integer, p_cooldown_days integer, p_days_ahead integer,
	p_open_hour integer,
	OUT today date, OUT flagged boolean, OUT no_show_until date,
	OUT closed boolean, OUT opens_at timestamptz, OUT draw text,
	OUT entered boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	who uuid := nullif(current_setting('permit.account_id', true), '')::uuid;
	v_office text;
	v_nik bytea;
	v_zone text;
	v_closed boolean;
	v_opens timestamptz;
	n integer;
	last timestamptz;
BEGIN
	PERFORM permit_require_seconds('permit_booking_gate', p_limit,
	    p_window_days, p_cooldown_days);
	SELECT ap.office, ap.nik_bidx, o.timezone INTO v_office, v_nik, v_zone
	FROM applications ap JOIN offices o ON o.code = ap.office
	WHERE ap.id = p_app AND ap.account_id = who;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	today := permit_zone_today(v_zone, now());
	flagged := EXISTS (SELECT 1 FROM account_flags f
		WHERE f.account_id = who AND f.resolved_at IS NULL);
	SELECT count(*), max(ap.decided_at) INTO n, last FROM applications ap
	WHERE ap.status = 'no_show'
	    AND (ap.account_id = who OR ap.nik_bidx = v_nik)
	    AND ap.decided_at > now() - make_interval(days => p_window_days);
	IF n >= p_limit
	    AND last + make_interval(days => p_cooldown_days) > now() THEN
		no_show_until := permit_zone_today(v_zone,
		    last + make_interval(days => p_cooldown_days));
	END IF;
	entered := EXISTS (SELECT 1 FROM draw_entries e
		WHERE e.application_id = p_app
		    AND e.state IN ('entered', 'waiting'));
	IF p_day IS NULL THEN
		RETURN;
	END IF;
	SELECT d.closed, d.opens_at INTO v_closed, v_opens FROM office_days d
	WHERE d.office = v_office AND d.day = p_day;
	closed := permit_day_closed(p_day, v_closed);
	opens_at := coalesce(v_opens,
	    ((p_day - p_days_ahead) + make_time(p_open_hour, 0, 0))
	        AT TIME ZONE v_zone);
	draw := coalesce((SELECT CASE WHEN now() < w.draw_at THEN 'entries'
	        ELSE 'pending' END
	    FROM draws w WHERE w.office = v_office AND w.day = p_day
	        AND w.opens_at <= now() AND w.drawn_at IS NULL), 'none');
END
$$;
REVOKE ALL ON FUNCTION permit_booking_gate(uuid, date, integer, integer, integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_booking_gate(uuid, date, integer, integer, integer, integer, integer) TO permit_app;

-- The one conditional statement that takes a slot of office day (p_office,
-- p_day), counting p_quota as the office's quota: true when it did, false
-- when the day has no row, is closed or is full. The caller holds the
-- office's row under a key-share lock since before it read p_quota (an
-- admin's change of the quota waits for it). Exactly the capacity can
-- succeed whatever the concurrency: each taker waits for the day's row and
-- re-checks the count it sees. Not granted.
CREATE FUNCTION permit_slot_take(p_office text, p_day date, p_quota integer)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	UPDATE office_days d SET booked = d.booked + 1
	WHERE d.office = p_office AND d.day = p_day
	    AND NOT permit_day_closed(d.day, d.closed)
	    AND d.booked < coalesce(d.capacity, p_quota);
	RETURN FOUND;
END
$$;
REVOKE ALL ON FUNCTION permit_slot_take(text, date, integer) FROM PUBLIC;

-- As in 0017, for the draw and its waiting list: the office's quota read
-- under the key-share lock, the slot taken as above.
CREATE OR REPLACE FUNCTION permit_slot_take(p_office text, p_day date)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	v_quota integer;
BEGIN
	SELECT o.daily_quota INTO v_quota FROM offices o
	WHERE o.code = p_office FOR KEY SHARE;
	RETURN permit_slot_take(p_office, p_day, v_quota);
END
$$;

-- As in 0013, the rules and errors the same, and the booking made (the
-- hold) returned: permitd reads the application before the take and shows
-- the hold on it, so the take is the last statement before COMMIT and the
-- day's row, which every booking of the day waits for, is held no longer
-- than the commit takes. The application and its office's quota are read
-- in one statement, the application locked for update and the office
-- under the key-share lock permit_slot_take's callers hold; the
-- application's own held or confirmed booking is looked for once, and a
-- hold of its past pay_by settled only when there is one.
DROP FUNCTION permit_booking_take(uuid, date, text, bigint, integer);
CREATE FUNCTION permit_booking_take(p_app uuid, p_day date,
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
REVOKE ALL ON FUNCTION permit_booking_take(uuid, date, text, bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_booking_take(uuid, date, text, bigint, integer) TO permit_app;

-- As in 0011: a booking is for a day after its office's today, the zone
-- read here rather than through permit_office_today's own call.
CREATE OR REPLACE FUNCTION permit_booking_day_guard()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	IF NEW.day <= (SELECT permit_zone_today(o.timezone, now())
	    FROM offices o WHERE o.code = NEW.office) THEN
		RAISE check_violation
		    USING MESSAGE = 'a booking must be for a day after the office''s today';
	END IF;
	RETURN NEW;
END
$$;
