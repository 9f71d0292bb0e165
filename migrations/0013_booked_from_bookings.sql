-- 0013_booked_from_bookings: an application's booking is said once, in
-- bookings; "booked", its appointment and its lapses are read from there.
--
-- Until now a booking was written twice: its row in bookings, and the
-- application's status 'booked' with its appointment day; a lapse undid
-- both and wrote a third row in account_lapses. Each copy had to be kept
-- in step by every path (take, release, cancel, payment, the sweep), and
-- each cost: rewriting a wide, sealed applications row with all its index
-- entries is most of what settling a lapse cost, and the lapse sweep must
-- settle 100,000 holds in seconds. Now:
--   - applications.status holds the application's own state (submitted,
--     approved, rejected, no_show, cancelled); it is "booked" while it is
--     submitted and has a live booking: confirmed, or held and not past
--     pay_by (permit_booking_live). A hold past pay_by stops counting at
--     once, for every reader, whether or not it has been settled yet;
--   - the appointment is the live booking's day;
--   - a lapse is a booking in state 'lapsed' (ended_at is when it was
--     settled): the lapsed-holds flag rule reads bookings;
-- and taking, giving back and settling a slot touch bookings and
-- office_days only. The API shows the same fields as before.
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- Whether a booking in state p_state, payable by p_pay_by, is live (it
-- holds its slot and makes its application booked). Inlined.
CREATE FUNCTION permit_booking_live(p_state text, p_pay_by timestamptz)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT p_state = 'confirmed' OR (p_state = 'held' AND p_pay_by > now());
$$;
REVOKE ALL ON FUNCTION permit_booking_live(text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_booking_live(text, timestamptz) TO permit_app;

-- The stored 'booked' becomes what it always meant: submitted, with its
-- live booking in bookings. The appointment column goes (and with it
-- permit_app's grant to change it); the live booking's day replaces it.
UPDATE applications SET status = 'submitted' WHERE status = 'booked';
ALTER TABLE applications DROP CONSTRAINT applications_status_check;
ALTER TABLE applications ADD CONSTRAINT applications_status_check
	CHECK (status IN ('submitted', 'approved', 'rejected', 'no_show',
	    'cancelled'));
ALTER TABLE applications DROP COLUMN appointment;
DROP INDEX applications_active_nik;
CREATE UNIQUE INDEX applications_active_nik ON applications (nik_bidx, kind)
	WHERE status = 'submitted';

-- The lapses: bookings in state 'lapsed', found by when they lapsed.
CREATE INDEX bookings_lapsed ON bookings (ended_at) WHERE state = 'lapsed';
DROP TABLE account_lapses;

-- As in 0012, with the bookings only: the bookings p_ids (locked by the
-- caller) settled as lapsed and their slots given back to their days;
-- returns how many. Not granted.
CREATE OR REPLACE FUNCTION permit_bookings_settle(p_ids bigint[])
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	n integer;
BEGIN
	IF coalesce(cardinality(p_ids), 0) = 0 THEN
		RETURN 0;
	END IF;
	WITH lapsed AS (
		UPDATE bookings b SET state = 'lapsed', ended_at = now()
		WHERE b.id = ANY (p_ids) AND b.state = 'held'
		RETURNING b.office, b.day
	), days AS (
		UPDATE office_days d SET booked = d.booked - c.n
		FROM (SELECT l.office, l.day, count(*)::integer AS n
		      FROM lapsed l GROUP BY l.office, l.day) c
		WHERE d.office = c.office AND d.day = c.day
		RETURNING d.day
	)
	SELECT count(*)::integer INTO n FROM lapsed;
	RETURN n;
END
$$;

-- As in 0012: the bound account's submitted passport application p_app,
-- with no live booking, takes a slot of day p_day at its office, held
-- until now() + p_hold_minutes under billing code p_code for p_amount; a
-- full day raises unique_violation. Its own hold past pay_by, if any, is
-- settled first (an application has one held or confirmed booking row).
CREATE OR REPLACE FUNCTION permit_booking_take(p_app uuid, p_day date,
	p_code text, p_amount bigint, p_hold_minutes integer)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	who uuid := nullif(current_setting('permit.account_id', true), '')::uuid;
	v_office text;
	v_kind text;
	v_status text;
BEGIN
	SELECT ap.office, ap.kind, ap.status INTO v_office, v_kind, v_status
	FROM applications ap
	WHERE ap.id = p_app AND ap.account_id = who FOR UPDATE;
	IF NOT FOUND OR v_kind <> 'passport' OR v_status <> 'submitted'
	    OR p_hold_minutes <= 0 THEN
		RAISE EXCEPTION 'permit_booking_take: not a bookable application';
	END IF;
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
	INSERT INTO bookings (application_id, account_id, office, day,
	    billing_code, amount, pay_by)
	VALUES (p_app, who, v_office, p_day, p_code, p_amount,
	    now() + make_interval(mins => p_hold_minutes));
	IF permit_slot_take(v_office, p_day) THEN
		RETURN;
	END IF;
	-- The day's first booking: its row.
	IF NOT EXISTS (SELECT 1 FROM office_days d
	    WHERE d.office = v_office AND d.day = p_day) THEN
		INSERT INTO office_days (office, day) VALUES (v_office, p_day)
		ON CONFLICT (office, day) DO NOTHING;
		IF permit_slot_take(v_office, p_day) THEN
			RETURN;
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
		FOR UPDATE SKIP LOCKED)) > 0 AND permit_slot_take(v_office, p_day) THEN
		RETURN;
	END IF;
	RAISE unique_violation USING MESSAGE = 'office day full';
END
$$;

-- As in 0009, with the bookings only: the bound account's application
-- p_app gives its live booking up (p_reason 'unbook' or 'cancel'), the
-- slot back to its day, the give-up recorded. A hold past pay_by is not
-- live: it is settled as the lapse it is. Returns whether a live booking
-- was given up.
CREATE OR REPLACE FUNCTION permit_booking_release(p_app uuid, p_reason text)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	who uuid := nullif(current_setting('permit.account_id', true), '')::uuid;
	b record;
BEGIN
	SELECT bk.id, bk.state, bk.pay_by, bk.office, bk.day INTO b
	FROM bookings bk
	WHERE bk.application_id = p_app AND bk.account_id = who
	    AND bk.state IN ('held', 'confirmed')
	FOR UPDATE;
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	IF NOT permit_booking_live(b.state, b.pay_by) THEN
		PERFORM permit_bookings_settle(ARRAY[b.id]);
		RETURN false;
	END IF;
	UPDATE bookings bk SET state = 'released', ended_at = now()
	WHERE bk.id = b.id;
	UPDATE office_days d SET booked = d.booked - 1
	WHERE d.office = b.office AND d.day = b.day;
	INSERT INTO booking_releases (account_id, application_id, office, day,
	    reason)
	VALUES (who, p_app, b.office, b.day, p_reason);
	RETURN true;
END
$$;

-- As in 0010, reading the lapsed bookings: flags 'lapsed_holds' on every
-- account with at least p_count lapses within the last p_days days.
-- Returns how many accounts have the pattern now.
CREATE OR REPLACE FUNCTION permit_flag_lapses(p_count integer, p_days integer)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	r record;
	n bigint := 0;
BEGIN
	PERFORM permit_require_seconds('permit_flag_lapses', p_count, p_days);
	FOR r IN SELECT b.account_id, count(*) AS lapses FROM bookings b
	    WHERE b.state = 'lapsed'
	        AND b.ended_at > now() - make_interval(days => p_days)
	    GROUP BY b.account_id HAVING count(*) >= p_count
	LOOP
		PERFORM permit_flag_raise(r.account_id, 'lapsed_holds',
			format('%s lapsed holds within %s days', r.lapses, p_days));
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;
