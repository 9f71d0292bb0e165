-- 0009_bookings: office days with their own capacity and closures, bookings
-- held until paid, their lapses and the payment gateway's notifications.
--
-- Runs as permit_owner. A booking takes a slot of an office day with one
-- conditional UPDATE of office_days.booked (exactly the capacity can
-- succeed, whatever the concurrency) and is a hold: a billing code, an
-- amount and pay_by. A hold not paid by pay_by lapses: its slot counts as
-- free at once (permit_office_days counts lapsed holds as free before any
-- row is settled), and the rows are settled by whoever meets it first: a
-- booking of the same day (permit_booking_take), the application's own
-- owner (permit_booking_release), the gateway (permit_payment_notify), or
-- permitd's master sweeping every session_sweep_interval
-- (permit_bookings_sweep). Lapses change other accounts' rows, which RLS
-- hides from permit_app: every write here is a SECURITY DEFINER function
-- with a pinned search_path that checks whose row it changes itself.
-- Nothing here holds identity data: ids, office codes, days, amounts, times.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- A day's own capacity (NULL: the office's daily_quota) and whether it is
-- closed (NULL: closed on Saturdays and Sundays, open otherwise; an admin
-- may close a weekday or open a weekend day).
ALTER TABLE office_days
	ADD COLUMN capacity integer CHECK (capacity >= 0),
	ADD COLUMN closed boolean;

-- One row per hold ever made. An application has at most one live booking
-- (held or confirmed); lapsed and released ones stay, so a payment for a
-- billing code that lapsed is still recognised (and refunded).
CREATE TABLE bookings (
	id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	application_id uuid NOT NULL REFERENCES applications (id),
	account_id     uuid NOT NULL REFERENCES accounts (id),
	office         text NOT NULL REFERENCES offices (code),
	day            date NOT NULL,
	state          text NOT NULL DEFAULT 'held'
	               CHECK (state IN ('held', 'confirmed', 'lapsed', 'released')),
	-- Random (128 bits from permitd's libsodium), so unguessable; unique.
	billing_code   text NOT NULL UNIQUE CHECK (billing_code ~ '^[0-9A-F]{32}$'),
	amount         bigint NOT NULL CHECK (amount >= 0),
	pay_by         timestamptz NOT NULL,
	paid_at        timestamptz,
	created_at     timestamptz NOT NULL DEFAULT now(),
	ended_at       timestamptz
);

CREATE UNIQUE INDEX bookings_live_application ON bookings (application_id)
	WHERE state IN ('held', 'confirmed');
-- The sweep finds lapsed holds by time; a day's booking and its /days read
-- find that day's.
CREATE INDEX bookings_held_pay_by ON bookings (pay_by) WHERE state = 'held';
CREATE INDEX bookings_held_day ON bookings (office, day, pay_by)
	WHERE state = 'held';
CREATE INDEX bookings_account ON bookings (account_id, created_at);

ALTER TABLE bookings ENABLE ROW LEVEL SECURITY;
ALTER TABLE bookings FORCE ROW LEVEL SECURITY;
CREATE POLICY bookings_own ON bookings TO permit_app
	USING (account_id = nullif(current_setting('permit.account_id', true), '')::uuid);
CREATE POLICY bookings_owner ON bookings TO permit_owner
	USING (true) WITH CHECK (true);
REVOKE ALL ON bookings FROM PUBLIC;
-- The application's own booking is read with it; every write is a
-- definer function's.
GRANT SELECT ON bookings TO permit_app;

-- Each lapse, against the account (a flag rule reads it): no identity data.
CREATE TABLE account_lapses (
	account_id     uuid NOT NULL REFERENCES accounts (id),
	application_id uuid NOT NULL REFERENCES applications (id),
	office         text NOT NULL REFERENCES offices (code),
	day            date NOT NULL,
	at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_lapses_account ON account_lapses (account_id, at);

-- Each booking a citizen gave up (unbooked or cancelled), with its day, so
-- a rule can tell bookings given up shortly before the day.
CREATE TABLE booking_releases (
	account_id     uuid NOT NULL REFERENCES accounts (id),
	application_id uuid NOT NULL REFERENCES applications (id),
	office         text NOT NULL REFERENCES offices (code),
	day            date NOT NULL,
	reason         text NOT NULL CHECK (reason IN ('unbook', 'cancel')),
	at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX booking_releases_account ON booking_releases (account_id, at);

ALTER TABLE account_lapses ENABLE ROW LEVEL SECURITY;
ALTER TABLE account_lapses FORCE ROW LEVEL SECURITY;
ALTER TABLE booking_releases ENABLE ROW LEVEL SECURITY;
ALTER TABLE booking_releases FORCE ROW LEVEL SECURITY;
CREATE POLICY account_lapses_owner ON account_lapses TO permit_owner
	USING (true) WITH CHECK (true);
CREATE POLICY booking_releases_owner ON booking_releases TO permit_owner
	USING (true) WITH CHECK (true);
-- permit_app has no grant at all: only the definer functions write them.
REVOKE ALL ON account_lapses FROM PUBLIC;
REVOKE ALL ON booking_releases FROM PUBLIC;

-- The gateway's notifications, by their id: a replay answers the stored
-- outcome and does nothing again. Only what was acted on is stored
-- (confirmed, or refund: paid for a hold that had lapsed or was given up).
CREATE TABLE payment_notifications (
	notification_id text PRIMARY KEY CHECK (length(notification_id) BETWEEN 1 AND 128),
	booking_id      bigint NOT NULL REFERENCES bookings (id),
	amount          bigint NOT NULL,
	paid_at         timestamptz NOT NULL,
	outcome         text NOT NULL CHECK (outcome IN ('confirmed', 'refund')),
	received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_notifications_refund ON payment_notifications (received_at)
	WHERE outcome = 'refund';
REVOKE ALL ON payment_notifications FROM PUBLIC;

-- Whether office day (p_office, p_day) of a row `od` (NULL fields: no row)
-- is closed: its own say, else weekends.
CREATE FUNCTION permit_day_closed(p_day date, p_closed boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT coalesce(p_closed, extract(isodow FROM p_day) IN (6, 7));
$$;

-- Settles the bookings p_ids (locked by the caller) as lapsed: each slot
-- back to its day, each application submitted again, each lapse recorded.
-- Returns how many. Not granted: only the functions below call it.
CREATE FUNCTION permit_bookings_settle(p_ids bigint[])
RETURNS integer
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
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
		UPDATE office_days d SET booked = d.booked - n.c
		FROM (SELECT l.office, l.day, count(*)::integer AS c
		      FROM lapsed l GROUP BY l.office, l.day) n
		WHERE d.office = n.office AND d.day = n.day
		RETURNING d.day
	), rec AS (
		INSERT INTO account_lapses (account_id, application_id, office, day)
		SELECT l.account_id, l.application_id, l.office, l.day FROM lapsed l
		RETURNING 1
	)
	SELECT count(*)::integer FROM lapsed;
$$;

-- The master's sweep: up to p_limit holds past pay_by, oldest first,
-- settled; rows another transaction holds are left to it. Returns how many.
CREATE FUNCTION permit_bookings_sweep(p_limit integer)
RETURNS integer
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
	SELECT permit_bookings_settle(array(
		SELECT b.id FROM bookings b
		WHERE b.state = 'held' AND b.pay_by <= now()
		ORDER BY b.pay_by LIMIT greatest(p_limit, 0)
		FOR UPDATE SKIP LOCKED));
$$;

-- The days p_first..p_last (NULL: the office's today; NULL last: the first;
-- at most 62 days) of office p_office: capacity, closed, and the slots
-- remaining, where a hold past pay_by is free whether or not it has been
-- settled yet, and a closed day has none. No rows for an unknown office.
-- Definer: it counts every account's lapsed holds, and returns only counts.
CREATE FUNCTION permit_office_days(p_office text, p_first date, p_last date)
RETURNS TABLE (day date, capacity integer, closed boolean, remaining integer)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
	SELECT r.first + i,
	    coalesce(od.capacity, o.daily_quota),
	    permit_day_closed(r.first + i, od.closed),
	    CASE WHEN permit_day_closed(r.first + i, od.closed) THEN 0
	    ELSE greatest(coalesce(od.capacity, o.daily_quota)
	        - coalesce(od.booked, 0)
	        + (SELECT count(*)::integer FROM bookings b
	           WHERE b.office = o.code AND b.day = r.first + i
	               AND b.state = 'held' AND b.pay_by <= now()), 0) END
	FROM offices o
	CROSS JOIN LATERAL (SELECT coalesce(p_first,
	    permit_office_today(o.code, now())) AS first) AS r
	CROSS JOIN LATERAL generate_series(0,
	    least(coalesce(p_last, r.first) - r.first, 61)) AS i
	LEFT JOIN office_days od ON od.office = o.code AND od.day = r.first + i
	WHERE o.code = p_office
	ORDER BY i;
$$;

-- The bound account's application p_app takes a slot of day p_day at its
-- office, held until now() + p_hold_minutes under billing code p_code for
-- p_amount. The caller (permitd) has judged the application (the bound
-- account's passport, submitted: a lapsed hold of its own counts as
-- submitted) and the day (bookable, open) under the row's lock. Lapsed
-- holds of the day, and the application's own, are settled first in the
-- same transaction, so none blocks the booking. The slot is the one
-- conditional UPDATE: a full day raises unique_violation (the day's last
-- slot is taken), which rolls everything back. Raises on anything the
-- caller should have refused.
CREATE FUNCTION permit_booking_take(p_app uuid, p_day date, p_code text,
	p_amount bigint, p_hold_minutes integer)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	who uuid := nullif(current_setting('permit.account_id', true), '')::uuid;
	a record;
BEGIN
	SELECT ap.office, ap.kind INTO a FROM applications ap
	WHERE ap.id = p_app AND ap.account_id = who FOR UPDATE;
	IF NOT FOUND OR a.kind <> 'passport' OR p_hold_minutes <= 0 THEN
		RAISE EXCEPTION 'permit_booking_take: not a bookable application';
	END IF;
	PERFORM permit_bookings_settle(array(
		SELECT b.id FROM bookings b
		WHERE b.application_id = p_app AND b.state = 'held'
		    AND b.pay_by <= now()
		FOR UPDATE));
	PERFORM permit_bookings_settle(array(
		SELECT b.id FROM bookings b
		WHERE b.office = a.office AND b.day = p_day AND b.state = 'held'
		    AND b.pay_by <= now()
		ORDER BY b.pay_by LIMIT 1000
		FOR UPDATE SKIP LOCKED));
	IF NOT EXISTS (SELECT 1 FROM applications ap
	    WHERE ap.id = p_app AND ap.status = 'submitted') THEN
		RAISE EXCEPTION 'permit_booking_take: not submitted';
	END IF;
	INSERT INTO office_days (office, day) VALUES (a.office, p_day)
	ON CONFLICT (office, day) DO NOTHING;
	UPDATE office_days d SET booked = d.booked + 1
	WHERE d.office = a.office AND d.day = p_day
	    AND NOT permit_day_closed(d.day, d.closed)
	    AND d.booked < coalesce(d.capacity,
	        (SELECT o.daily_quota FROM offices o WHERE o.code = d.office));
	IF NOT FOUND THEN
		RAISE unique_violation USING MESSAGE = 'office day full';
	END IF;
	INSERT INTO bookings (application_id, account_id, office, day,
	    billing_code, amount, pay_by)
	VALUES (p_app, who, a.office, p_day, p_code, p_amount,
	    now() + make_interval(mins => p_hold_minutes));
	UPDATE applications ap
	SET status = 'booked', appointment = p_day, updated_at = now()
	WHERE ap.id = p_app;
END
$$;

-- The bound account's application p_app gives its live booking up (p_reason
-- 'unbook' or 'cancel'): the slot goes back to its day and the application
-- is submitted again (a cancel then cancels it). A hold already past pay_by
-- is settled as the lapse it is. Returns false when there was no live
-- booking.
CREATE FUNCTION permit_booking_release(p_app uuid, p_reason text)
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
	IF b.state = 'held' AND b.pay_by <= now() THEN
		PERFORM permit_bookings_settle(ARRAY[b.id]);
		RETURN true;
	END IF;
	UPDATE bookings bk SET state = 'released', ended_at = now()
	WHERE bk.id = b.id;
	UPDATE office_days d SET booked = d.booked - 1
	WHERE d.office = b.office AND d.day = b.day;
	UPDATE applications ap
	SET status = 'submitted', appointment = NULL, updated_at = now()
	WHERE ap.id = p_app AND ap.account_id = who AND ap.status = 'booked';
	INSERT INTO booking_releases (account_id, application_id, office, day,
	    reason)
	VALUES (who, p_app, b.office, b.day, p_reason);
	RETURN true;
END
$$;

-- The payment gateway's notification (its signature checked by permitd
-- before this runs). Returns the outcome: 'confirmed' (the hold is paid and
-- never lapses; also for a confirmed booking paid again), 'refund' (the
-- hold had lapsed or was given up: recorded for a refund), 'unknown' (no
-- such billing code) or 'mismatch' (another amount); the last two change
-- nothing. A notification_id seen before answers its stored outcome.
CREATE FUNCTION permit_payment_notify(p_notification_id text, p_code text,
	p_amount bigint, p_paid_at timestamptz)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	seen text;
	b record;
	outcome text;
BEGIN
	SELECT pn.outcome INTO seen FROM payment_notifications pn
	WHERE pn.notification_id = p_notification_id;
	IF FOUND THEN
		RETURN seen;
	END IF;
	SELECT bk.id, bk.state, bk.pay_by, bk.amount INTO b FROM bookings bk
	WHERE bk.billing_code = p_code FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 'unknown';
	END IF;
	IF b.amount <> p_amount THEN
		RETURN 'mismatch';
	END IF;
	IF b.state = 'held' AND b.pay_by <= now() THEN
		PERFORM permit_bookings_settle(ARRAY[b.id]);
		b.state := 'lapsed';
	END IF;
	IF b.state IN ('held', 'confirmed') THEN
		UPDATE bookings bk SET state = 'confirmed',
		    paid_at = coalesce(bk.paid_at, p_paid_at)
		WHERE bk.id = b.id;
		outcome := 'confirmed';
	ELSE
		outcome := 'refund';
	END IF;
	-- A concurrent first delivery of the same id: the loser's unique
	-- violation rolls it back, and the gateway's retry reads the outcome.
	INSERT INTO payment_notifications (notification_id, booking_id, amount,
	    paid_at, outcome)
	VALUES (p_notification_id, b.id, p_amount, p_paid_at, outcome);
	RETURN outcome;
END
$$;

REVOKE ALL ON FUNCTION permit_day_closed(date, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_bookings_settle(bigint[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_bookings_sweep(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_office_days(text, date, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_booking_take(uuid, date, text, bigint, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_booking_release(uuid, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_payment_notify(text, text, bigint, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_day_closed(date, boolean) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_bookings_sweep(integer) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_office_days(text, date, date) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_booking_take(uuid, date, text, bigint, integer) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_booking_release(uuid, text) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_payment_notify(text, text, bigint, timestamptz) TO permit_app;
