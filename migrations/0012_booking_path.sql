-- 0012_booking_path: the booking's statements made cheap for PostgreSQL to
-- run, the rules unchanged.
--
-- Measured under load (pg_stat_statements, `BENCH_PROFILE=1 make bench`),
-- a booking cost PostgreSQL about 2.5 ms of CPU, most of it planning, not
-- work: a LANGUAGE sql function that cannot be inlined (SECURITY DEFINER,
-- a SET clause, or a FROM in a scalar function) is parsed and planned anew
-- at every execution of the statement calling it, where a plpgsql function
-- keeps its plans for the session. permit_bookings_settle, with its four
-- writes, was planned twice per booking even when it had nothing to settle.
-- So:
--   - the small pure helpers lose their SET clause and are inlined into
--     their callers' plans (their bodies name only built-ins, which
--     PostgreSQL resolves in pg_catalog first whatever the search_path);
--   - the helpers that read tables, and the settle, become plpgsql;
--   - permit_booking_take settles only what is there (a lapsed hold of the
--     application itself; the day's lapsed holds only when the day looks
--     full), updates the day's row before inserting one (an INSERT ... ON
--     CONFLICT on a row every booking updates walks its dead versions), and
--     takes the slot last, so the day's row is locked for as short a time
--     as the transaction allows: every booking of that day waits for it.
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- The civil date in time zone p_zone at instant p_at. Inlined.
CREATE OR REPLACE FUNCTION permit_zone_today(p_zone text, p_at timestamptz)
RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT (p_at AT TIME ZONE p_zone)::date;
$$;

-- Whether day p_day is closed given its row's say p_closed (NULL: closed
-- on Saturdays and Sundays only). Inlined.
CREATE OR REPLACE FUNCTION permit_day_closed(p_day date, p_closed boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT coalesce(p_closed, extract(isodow FROM p_day) IN (6, 7));
$$;

-- The civil date at office p_code at instant p_at; NULL when no office has
-- that code. SECURITY INVOKER: permit_app reads offices itself.
CREATE OR REPLACE FUNCTION permit_office_today(p_code text, p_at timestamptz)
RETURNS date
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	RETURN (SELECT permit_zone_today(o.timezone, p_at)
	    FROM offices o WHERE o.code = p_code);
END
$$;

-- As in 0008: true when p_account, the transaction's bound principal, has
-- an open flag; false for any other account and anonymously.
CREATE OR REPLACE FUNCTION permit_account_flagged(p_account uuid)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	RETURN EXISTS (SELECT 1 FROM account_flags f
		WHERE f.account_id = p_account AND f.resolved_at IS NULL
		    AND p_account = nullif(current_setting('permit.account_id',
		        true), '')::uuid);
END
$$;

-- As in 0009: settles the bookings p_ids (locked by the caller) as lapsed,
-- each slot back to its day, each application submitted again, each lapse
-- recorded; returns how many. Not granted.
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
		RETURNING b.application_id, b.account_id, b.office, b.day
	), apps AS (
		UPDATE applications a
		SET status = 'submitted', appointment = NULL, updated_at = now()
		FROM lapsed l
		WHERE a.id = l.application_id AND a.status = 'booked'
		RETURNING a.id
	), days AS (
		UPDATE office_days d SET booked = d.booked - c.n
		FROM (SELECT l.office, l.day, count(*)::integer AS n
		      FROM lapsed l GROUP BY l.office, l.day) c
		WHERE d.office = c.office AND d.day = c.day
		RETURNING d.day
	), rec AS (
		INSERT INTO account_lapses (account_id, application_id, office, day)
		SELECT l.account_id, l.application_id, l.office, l.day FROM lapsed l
		RETURNING 1
	)
	SELECT count(*)::integer INTO n FROM lapsed;
	RETURN n;
END
$$;

-- As in 0009 (the caller's judgement, the rules and the errors are the
-- same): the bound account's submitted passport application p_app takes a
-- slot of day p_day at its office, held until now() + p_hold_minutes under
-- billing code p_code for p_amount; a full day raises unique_violation.
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
	IF NOT FOUND OR v_kind <> 'passport' OR p_hold_minutes <= 0 THEN
		RAISE EXCEPTION 'permit_booking_take: not a bookable application';
	END IF;
	-- Booked with a hold past pay_by: the lapse settled first, which
	-- makes it submitted again.
	IF v_status = 'booked' THEN
		PERFORM permit_bookings_settle(array(
			SELECT b.id FROM bookings b
			WHERE b.application_id = p_app AND b.state = 'held'
			    AND b.pay_by <= now()
			FOR UPDATE));
		SELECT ap.status INTO v_status FROM applications ap
		WHERE ap.id = p_app;
	END IF;
	IF v_status <> 'submitted' THEN
		RAISE EXCEPTION 'permit_booking_take: not submitted';
	END IF;
	INSERT INTO bookings (application_id, account_id, office, day,
	    billing_code, amount, pay_by)
	VALUES (p_app, who, v_office, p_day, p_code, p_amount,
	    now() + make_interval(mins => p_hold_minutes));
	UPDATE applications ap
	SET status = 'booked', appointment = p_day, updated_at = now()
	WHERE ap.id = p_app;
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

-- The one conditional statement that takes a slot of office day (p_office,
-- p_day): true when it did, false when the day has no row, is closed or is
-- full. Exactly its capacity can succeed whatever the concurrency: each
-- taker waits for the row's lock and re-checks the count it sees. Not
-- granted: permit_booking_take calls it.
CREATE FUNCTION permit_slot_take(p_office text, p_day date)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	UPDATE office_days d SET booked = d.booked + 1
	WHERE d.office = p_office AND d.day = p_day
	    AND NOT permit_day_closed(d.day, d.closed)
	    AND d.booked < coalesce(d.capacity,
	        (SELECT o.daily_quota FROM offices o WHERE o.code = d.office));
	RETURN FOUND;
END
$$;

REVOKE ALL ON FUNCTION permit_slot_take(text, date) FROM PUBLIC;
