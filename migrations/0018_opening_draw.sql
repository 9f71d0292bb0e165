-- 0018_opening_draw: when a day opens for booking, and its opening draw.
--
-- A day opens at open_hour (config) of its office's time, booking_days_ahead
-- (config) days before it, unless an admin set its own opens_at (0017):
-- a special day opened early, or a day held back. Until it opens a booking
-- of it is refused, naming when it opens. permitd passes both settings, so
-- every host judges a day with the configuration it serves.
--
-- Its first draw_minutes are a draw, not first-come. Before the window
-- opens, permitd's master fixes the day's seed (32 random bytes from
-- libsodium) in draws, with its BLAKE2b-256 hash, which is public at once;
-- the seed stays hidden until the draw has run. A booking request in the
-- window is an entry (draw_entries), one per application and one per NIK
-- (its blind index) and day. At draw_at the master (one host: the draw's
-- row locked) orders the entries by BLAKE2b keyed with the seed over each
-- entry's id (crypto/draw.h; the database cannot compute BLAKE2b, so
-- permitd computes the places and stores them beside the seed it reveals,
-- and permitctl draw verify re-runs them); the first entries take slots
-- through permit_slot_take, as every booking does, each a hold under the
-- billing code the entry was given; the rest wait in order. A slot of that
-- day given back (a lapse, an unbooking, a cancellation, a block, a larger
-- capacity) goes to the next waiting entry in the same transaction: a
-- trigger on office_days, so no path that frees a slot can forget it.
-- Nothing here holds identity data: ids, codes, days, times, hashes.
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

-- A day's draw: its seed, committed (stored, its hash public) before the
-- window opens; drawn_at once it has run.
CREATE TABLE draws (
	office       text NOT NULL REFERENCES offices (code),
	day          date NOT NULL,
	opens_at     timestamptz NOT NULL,
	draw_at      timestamptz NOT NULL,
	seed         bytea NOT NULL CHECK (length(seed) = 32),
	seed_hash    bytea NOT NULL CHECK (length(seed_hash) = 32),
	committed_at timestamptz NOT NULL DEFAULT now(),
	drawn_at     timestamptz,
	PRIMARY KEY (office, day),
	CHECK (draw_at > opens_at),
	CHECK (committed_at < opens_at)
);
CREATE INDEX draws_due ON draws (draw_at) WHERE drawn_at IS NULL;

-- One entry of a draw. Its id is random (permitd's), so no one can choose a
-- place; its billing code (permitd's libsodium, like a booking's) becomes
-- its hold's when it wins a slot, at the draw or from the waiting list.
CREATE TABLE draw_entries (
	id             uuid PRIMARY KEY,
	office         text NOT NULL,
	day            date NOT NULL,
	application_id uuid NOT NULL REFERENCES applications (id),
	account_id     uuid NOT NULL REFERENCES accounts (id),
	nik_bidx       bytea NOT NULL CHECK (length(nik_bidx) = 32),
	draw_at        timestamptz NOT NULL,
	billing_code   text NOT NULL UNIQUE CHECK (billing_code ~ '^[0-9A-F]{32}$'),
	amount         bigint NOT NULL CHECK (amount >= 0),
	hold_minutes   integer NOT NULL CHECK (hold_minutes > 0),
	state          text NOT NULL DEFAULT 'entered'
	               CHECK (state IN ('entered', 'won', 'waiting', 'withdrawn')),
	place          bytea CHECK (length(place) = 32),
	rank           integer CHECK (rank > 0),
	created_at     timestamptz NOT NULL DEFAULT now(),
	ended_at       timestamptz,
	FOREIGN KEY (office, day) REFERENCES draws (office, day),
	UNIQUE (office, day, rank)
);
CREATE UNIQUE INDEX draw_entries_live_application ON draw_entries
	(application_id) WHERE state IN ('entered', 'waiting');
-- One entry per NIK and day, whichever account, withdrawn or not: an entry
-- given up is not made again.
CREATE UNIQUE INDEX draw_entries_nik_day ON draw_entries (day, nik_bidx);
CREATE INDEX draw_entries_day ON draw_entries (office, day, state, rank);

ALTER TABLE draws ENABLE ROW LEVEL SECURITY;
ALTER TABLE draws FORCE ROW LEVEL SECURITY;
ALTER TABLE draw_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE draw_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY draws_owner ON draws TO permit_owner USING (true) WITH CHECK (true);
CREATE POLICY draw_entries_owner ON draw_entries TO permit_owner
	USING (true) WITH CHECK (true);
CREATE POLICY draw_entries_own ON draw_entries FOR SELECT TO permit_app
	USING (account_id = nullif(current_setting('permit.account_id', true), '')::uuid);
REVOKE ALL ON draws FROM PUBLIC;
REVOKE ALL ON draw_entries FROM PUBLIC;
-- permit_app never reads a seed: the public view of a draw is
-- permit_draw_public's. It reads its own entries (the application's
-- "entry"); every write is a definer function's.
GRANT SELECT ON draw_entries TO permit_app;

-- How day p_day of office p_office stands with its draw: 'entries' from
-- its opening to draw_at (a booking request is then an entry), 'pending'
-- from draw_at until the draw has run (no booking and no entry: the seed
-- is no longer secret to the master, and no slot may go before the draw's),
-- 'none' without a draw or once it has run (first-come).
CREATE FUNCTION permit_draw_stage(p_office text, p_day date)
RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	RETURN coalesce((SELECT CASE WHEN now() < w.draw_at THEN 'entries'
	        ELSE 'pending' END
	    FROM draws w WHERE w.office = p_office AND w.day = p_day
	        AND w.opens_at <= now() AND w.drawn_at IS NULL), 'none');
END
$$;

-- The bound account's submitted passport application p_app (judged by
-- the caller under its lock) enters the draw of day p_day at its office as
-- entry p_entry, its hold to be p_code for p_amount, p_hold_minutes long.
-- Returns 'entered', or 'closed' when the day takes no entries (its
-- draw_at has just passed): nothing done. A second entry of
-- the application, or of its NIK for that day, raises unique_violation.
CREATE FUNCTION permit_draw_enter(p_entry uuid, p_app uuid, p_day date,
	p_code text, p_amount bigint, p_hold_minutes integer)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	who uuid := nullif(current_setting('permit.account_id', true), '')::uuid;
	a record;
	v_draw_at timestamptz;
BEGIN
	SELECT ap.office, ap.nik_bidx INTO a FROM applications ap
	WHERE ap.id = p_app AND ap.account_id = who AND ap.kind = 'passport'
	    AND ap.status = 'submitted' FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'permit_draw_enter: not an application to enter';
	END IF;
	-- Shared with other entries, exclusive against the draw's run.
	SELECT w.draw_at INTO v_draw_at FROM draws w
	WHERE w.office = a.office AND w.day = p_day AND w.opens_at <= now()
	    AND now() < w.draw_at AND w.drawn_at IS NULL FOR SHARE;
	IF NOT FOUND THEN
		RETURN 'closed';
	END IF;
	IF EXISTS (SELECT 1 FROM draw_entries e WHERE e.application_id = p_app
	        AND e.state IN ('entered', 'waiting'))
	    OR EXISTS (SELECT 1 FROM draw_entries e WHERE e.day = p_day
	        AND e.nik_bidx = a.nik_bidx) THEN
		RAISE unique_violation USING MESSAGE = 'already entered';
	END IF;
	INSERT INTO draw_entries (id, office, day, application_id, account_id,
	    nik_bidx, draw_at, billing_code, amount, hold_minutes)
	VALUES (p_entry, a.office, p_day, p_app, who, a.nik_bidx, v_draw_at,
	    p_code, p_amount, p_hold_minutes);
	RETURN 'entered';
END
$$;

-- The bound account's application p_app withdraws its live entry (entered
-- or waiting); returns whether it had one.
CREATE FUNCTION permit_draw_withdraw(p_app uuid)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	UPDATE draw_entries e SET state = 'withdrawn', ended_at = now()
	WHERE e.application_id = p_app
	    AND e.account_id = nullif(current_setting('permit.account_id',
	        true), '')::uuid
	    AND e.state IN ('entered', 'waiting');
	RETURN FOUND;
END
$$;

-- Entry e takes a slot of its day through permit_slot_take and becomes a
-- hold under its billing code, from now; true when it did. An entry whose
-- application is no longer submitted, or already has a live booking, is
-- withdrawn instead (false, no slot taken). Not granted.
CREATE FUNCTION permit_draw_hold(p_entry uuid)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	e record;
BEGIN
	SELECT de.* INTO e FROM draw_entries de WHERE de.id = p_entry;
	IF NOT EXISTS (SELECT 1 FROM applications ap
	        WHERE ap.id = e.application_id AND ap.status = 'submitted')
	    OR EXISTS (SELECT 1 FROM bookings b
	        WHERE b.application_id = e.application_id
	            AND b.state IN ('held', 'confirmed')
	            AND permit_booking_live(b.state, b.pay_by)) THEN
		UPDATE draw_entries de SET state = 'withdrawn', ended_at = now()
		WHERE de.id = p_entry;
		RETURN false;
	END IF;
	IF NOT permit_slot_take(e.office, e.day) THEN
		RETURN false;
	END IF;
	-- Its own hold past pay_by, if any, settled first (one held or
	-- confirmed row per application).
	PERFORM permit_bookings_settle(array(
		SELECT b.id FROM bookings b
		WHERE b.application_id = e.application_id AND b.state = 'held'
		FOR UPDATE));
	INSERT INTO bookings (application_id, account_id, office, day,
	    billing_code, amount, pay_by)
	VALUES (e.application_id, e.account_id, e.office, e.day,
	    e.billing_code, e.amount,
	    now() + make_interval(mins => e.hold_minutes));
	UPDATE draw_entries de SET state = 'won', ended_at = now()
	WHERE de.id = p_entry;
	RETURN true;
END
$$;

-- The waiting entries of day (p_office, p_day) take its free slots in
-- their order, until none waits or no slot is free; returns how many got
-- one. Not granted: the trigger below and the draw call it.
CREATE FUNCTION permit_draw_hand_over(p_office text, p_day date)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	v_id uuid;
	n integer := 0;
BEGIN
	LOOP
		SELECT e.id INTO v_id FROM draw_entries e
		WHERE e.office = p_office AND e.day = p_day
		    AND e.state = 'waiting'
		ORDER BY e.rank LIMIT 1 FOR UPDATE;
		EXIT WHEN NOT FOUND;
		IF permit_draw_hold(v_id) THEN
			n := n + 1;
		ELSIF EXISTS (SELECT 1 FROM draw_entries e
		    WHERE e.id = v_id AND e.state = 'waiting') THEN
			EXIT;   -- no slot free
		END IF;
	END LOOP;
	RETURN n;
END
$$;

-- Every way a slot of a day is given back (settle, release, block) lowers
-- office_days.booked; a capacity raised or a day opened frees slots too.
-- Each goes to the day's waiting entries before anyone else can take it.
CREATE FUNCTION permit_office_day_freed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM draw_entries e WHERE e.office = NEW.office
	    AND e.day = NEW.day AND e.state = 'waiting') THEN
		PERFORM permit_draw_hand_over(NEW.office, NEW.day);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER office_days_freed AFTER UPDATE ON office_days
	FOR EACH ROW
	WHEN (NEW.booked < OLD.booked
	    OR NEW.capacity IS DISTINCT FROM OLD.capacity
	    OR NEW.closed IS DISTINCT FROM OLD.closed)
	EXECUTE FUNCTION permit_office_day_freed();

-- An application that is no longer submitted (cancelled, decided) has no
-- entry: it is withdrawn in the same transaction, whichever path ended it.
CREATE FUNCTION permit_application_ended()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	UPDATE draw_entries e SET state = 'withdrawn', ended_at = now()
	WHERE e.application_id = NEW.id AND e.state IN ('entered', 'waiting');
	RETURN NULL;
END
$$;
CREATE TRIGGER applications_ended AFTER UPDATE OF status ON applications
	FOR EACH ROW WHEN (NEW.status <> 'submitted' AND OLD.status = 'submitted')
	EXECUTE FUNCTION permit_application_ended();

-- The master's: the days, of any office, whose window opens within
-- p_horizon_minutes from now and has no seed yet, with when it opens and
-- when it is drawn (p_draw_minutes later); closed days have none.
CREATE FUNCTION permit_draws_due(p_days_ahead integer, p_open_hour integer,
	p_draw_minutes integer, p_horizon_minutes integer)
RETURNS TABLE (office text, day date, opens_at timestamptz,
	draw_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	RETURN QUERY
	SELECT c.office, c.day, c.opens_at,
	    c.opens_at + make_interval(mins => p_draw_minutes)
	FROM (
		SELECT o.code AS office, g.d::date AS day,
		    permit_day_opens_at(o.code, g.d::date, p_days_ahead,
		        p_open_hour) AS opens_at
		FROM offices o
		CROSS JOIN LATERAL generate_series(
		    permit_office_today(o.code, now()) + p_days_ahead - 1,
		    permit_office_today(o.code, now()) + p_days_ahead + 2,
		    interval '1 day') AS g (d)
		UNION
		SELECT d.office, d.day, d.opens_at FROM office_days d
		WHERE d.opens_at > now()
		    AND d.opens_at <= now() + make_interval(mins => p_horizon_minutes)
	) c
	LEFT JOIN office_days od ON od.office = c.office AND od.day = c.day
	WHERE c.opens_at > now()
	    AND c.opens_at <= now() + make_interval(mins => p_horizon_minutes)
	    AND NOT permit_day_closed(c.day, od.closed)
	    AND NOT EXISTS (SELECT 1 FROM draws w
	        WHERE w.office = c.office AND w.day = c.day);
END
$$;

-- The master's: day (p_office, p_day)'s seed p_seed and its hash p_hash
-- committed, its window p_opens_at to p_draw_at; false (nothing done) when
-- it already has one or its window has opened (a seed fixed late could be
-- chosen knowing the entries).
CREATE FUNCTION permit_draw_commit(p_office text, p_day date,
	p_opens_at timestamptz, p_draw_at timestamptz, p_seed bytea,
	p_hash bytea)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	IF p_opens_at <= now() THEN
		RETURN false;
	END IF;
	INSERT INTO draws (office, day, opens_at, draw_at, seed, seed_hash)
	VALUES (p_office, p_day, p_opens_at, p_draw_at, p_seed, p_hash)
	ON CONFLICT DO NOTHING;
	RETURN FOUND;
END
$$;

-- The master's: the draws due to run (draw_at passed, not run), oldest
-- first, at most p_limit.
CREATE FUNCTION permit_draws_ready(p_limit integer)
RETURNS TABLE (office text, day date)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	RETURN QUERY SELECT w.office, w.day FROM draws w
	WHERE w.drawn_at IS NULL AND w.draw_at <= now()
	ORDER BY w.draw_at LIMIT greatest(p_limit, 0);
END
$$;

-- The master's, first step of a draw's run: the draw of day (p_office,
-- p_day) locked for this transaction, with its seed and its entries' ids,
-- one row per entry (one row with a NULL entry when there is none); no
-- rows when it is not due, has run, or another host is running it.
CREATE FUNCTION permit_draw_lock(p_office text, p_day date)
RETURNS TABLE (seed bytea, entry uuid)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	v_seed bytea;
BEGIN
	SELECT w.seed INTO v_seed FROM draws w
	WHERE w.office = p_office AND w.day = p_day AND w.drawn_at IS NULL
	    AND w.draw_at <= now()
	FOR UPDATE SKIP LOCKED;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT v_seed, e.id FROM (SELECT 1) one
	LEFT JOIN draw_entries e ON e.office = p_office AND e.day = p_day
	    AND e.state = 'entered'
	ORDER BY e.id;
END
$$;

-- The master's, second step, in the transaction of permit_draw_lock: the
-- entries p_ids in their order (permitd's, from the seed), p_places their
-- keyed hashes; each gets its rank and place, the first take slots as
-- holds, the rest wait; the draw is marked run and its seed with it
-- public. Raises unless p_ids are exactly the draw's entries. Returns the
-- counts.
CREATE FUNCTION permit_draw_run(p_office text, p_day date, p_ids uuid[],
	p_places bytea[])
RETURNS TABLE (entries integer, won integer, waiting integer)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	n integer := coalesce(cardinality(p_ids), 0);
	v_won integer := 0;
	v_full boolean := false;
BEGIN
	PERFORM 1 FROM draws w WHERE w.office = p_office AND w.day = p_day
	    AND w.drawn_at IS NULL FOR UPDATE;
	IF NOT FOUND OR n <> coalesce(cardinality(p_places), 0)
	    OR n <> (SELECT count(*) FROM draw_entries e
	        WHERE e.office = p_office AND e.day = p_day
	            AND e.state = 'entered')
	    OR n <> (SELECT count(DISTINCT x) FROM unnest(p_ids) x
	        JOIN draw_entries e ON e.id = x AND e.office = p_office
	            AND e.day = p_day AND e.state = 'entered') THEN
		RAISE EXCEPTION 'permit_draw_run: not the draw''s entries';
	END IF;
	FOR i IN 1 .. n LOOP
		UPDATE draw_entries e SET rank = i, place = p_places[i]
		WHERE e.id = p_ids[i];
		IF v_full THEN
			UPDATE draw_entries e SET state = 'waiting' WHERE e.id = p_ids[i];
		ELSIF permit_draw_hold(p_ids[i]) THEN
			v_won := v_won + 1;
		ELSIF EXISTS (SELECT 1 FROM draw_entries e
		    WHERE e.id = p_ids[i] AND e.state = 'entered') THEN
			v_full := true;
			UPDATE draw_entries e SET state = 'waiting' WHERE e.id = p_ids[i];
		END IF;
	END LOOP;
	UPDATE draws w SET drawn_at = now()
	WHERE w.office = p_office AND w.day = p_day;
	RETURN QUERY SELECT n, v_won, (SELECT count(*)::integer FROM draw_entries e
	    WHERE e.office = p_office AND e.day = p_day AND e.state = 'waiting');
END
$$;

-- GET /offices/{code}/draws/{date}: the draw of the day as anyone may see
-- it; the seed only once the draw has run. No row: no draw.
CREATE FUNCTION permit_draw_public(p_office text, p_day date)
RETURNS TABLE (opens_at timestamptz, draw_at timestamptz, seed_hash bytea,
	seed bytea, entries integer, waiting integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	RETURN QUERY SELECT w.opens_at, w.draw_at, w.seed_hash,
	    CASE WHEN w.drawn_at IS NOT NULL THEN w.seed END,
	    (SELECT count(*)::integer FROM draw_entries e
	     WHERE e.office = w.office AND e.day = w.day
	         AND (e.state <> 'withdrawn' OR e.rank IS NOT NULL)),
	    (SELECT count(*)::integer FROM draw_entries e
	     WHERE e.office = w.office AND e.day = w.day AND e.state = 'waiting')
	FROM draws w WHERE w.office = p_office AND w.day = p_day;
END
$$;

-- As in 0017, and a day's opening follows its draw: a new opens_at is
-- refused (exclusion_violation, 409) once the day's draw window has opened
-- or the draw has run; before that, the committed seed is dropped (no one
-- has seen it, and no entry can exist yet) so the master commits a new one
-- for the new window.
CREATE OR REPLACE FUNCTION permit_admin_day(p_code text, p_day date,
	p_set_capacity boolean, p_capacity integer,
	p_set_closed boolean, p_closed boolean,
	p_set_opens boolean, p_opens_at timestamptz)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	v_quota integer;
	v_booked integer;
BEGIN
	PERFORM permit_require_admin();
	IF p_set_capacity AND p_capacity < 0 THEN
		RAISE EXCEPTION 'a capacity is a count' USING ERRCODE = 'check_violation';
	END IF;
	SELECT o.daily_quota INTO v_quota FROM offices o WHERE o.code = p_code;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'permit_admin_day: no such office';
	END IF;
	INSERT INTO office_days (office, day) VALUES (p_code, p_day)
	ON CONFLICT (office, day) DO NOTHING;
	SELECT d.booked INTO v_booked FROM office_days d
	WHERE d.office = p_code AND d.day = p_day FOR UPDATE;
	IF p_set_capacity AND v_booked > coalesce(p_capacity, v_quota) THEN
		RAISE EXCEPTION 'the day has more bookings than that capacity'
			USING ERRCODE = 'exclusion_violation';
	END IF;
	IF p_set_opens THEN
		IF EXISTS (SELECT 1 FROM draws w WHERE w.office = p_code
		    AND w.day = p_day
		    AND (w.opens_at <= now() OR w.drawn_at IS NOT NULL)) THEN
			RAISE EXCEPTION 'the day''s draw has begun'
				USING ERRCODE = 'exclusion_violation';
		END IF;
		DELETE FROM draws w WHERE w.office = p_code AND w.day = p_day;
	END IF;
	UPDATE office_days d
	SET capacity = CASE WHEN p_set_capacity THEN p_capacity ELSE d.capacity END,
	    closed = CASE WHEN p_set_closed THEN p_closed ELSE d.closed END,
	    opens_at = CASE WHEN p_set_opens THEN p_opens_at ELSE d.opens_at END
	WHERE d.office = p_code AND d.day = p_day;
END
$$;

-- The master records each draw it runs in the audit trail, as permitd
-- itself (actor_kind 'system'), from its own, unbound transaction: the
-- only row permit_app may write as anyone but the bound principal.
CREATE POLICY audit_log_draw ON audit_log FOR INSERT TO permit_app
	WITH CHECK (actor_kind = 'system' AND actor = 'permitd'
	    AND action = 'draw.run'
	    AND nullif(current_setting('permit.account_id', true), '') IS NULL);

-- Days with an opening of their own, for the master's look ahead.
CREATE INDEX office_days_opens_at ON office_days (opens_at)
	WHERE opens_at IS NOT NULL;

REVOKE ALL ON FUNCTION permit_draw_stage(text, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_draw_enter(uuid, uuid, date, text, bigint, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_draw_withdraw(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_draw_hold(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_draw_hand_over(text, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_office_day_freed() FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_application_ended() FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_draws_due(integer, integer, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_draw_commit(text, date, timestamptz, timestamptz, bytea, bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_draws_ready(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_draw_lock(text, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_draw_run(text, date, uuid[], bytea[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_draw_public(text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_draw_stage(text, date) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_draw_enter(uuid, uuid, date, text, bigint, integer) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_draw_withdraw(uuid) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_draws_due(integer, integer, integer, integer) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_draw_commit(text, date, timestamptz, timestamptz, bytea, bytea) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_draws_ready(integer) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_draw_lock(text, date) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_draw_run(text, date, uuid[], bytea[]) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_draw_public(text, date) TO permit_app;
