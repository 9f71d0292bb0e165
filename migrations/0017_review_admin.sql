-- 0017_review_admin: reviewers see their office's applications and decide
-- them; admins set quotas and days, read the flags, block and unblock
-- accounts (issue 10). Every write here is a SECURITY DEFINER function
-- that checks the bound principal itself; what RLS admits to a reviewer is
-- read through the policies below. The audit row of each act is written
-- by permitd in the same transaction (app/audit.h, migrations/0014).
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- The office of the bound reviewer, NULL for anyone else. permit.role and
-- permit.account_id are settings a connection sets for itself, so the
-- account is read again: a reviewer, not blocked. Used once per statement
-- by the policies below (as an initplan) and by the definer functions.
CREATE FUNCTION permit_reviewer_office()
RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	v_id text := current_setting('permit.account_id', true);
BEGIN
	IF current_setting('permit.role', true) IS DISTINCT FROM 'reviewer'
	    OR v_id IS NULL
	    OR v_id !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
		RETURN NULL;
	END IF;
	RETURN (SELECT a.office FROM accounts a
	    WHERE a.id = v_id::uuid AND a.role = 'reviewer'
	        AND a.blocked_at IS NULL);
END
$$;
REVOKE ALL ON FUNCTION permit_reviewer_office() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_reviewer_office() TO permit_app;

-- A reviewer reads its office's applications and their bookings, and no
-- other office's: the row's office against the bound reviewer's. The
-- setting is read first, so a citizen's statement (the hot path) never
-- runs the function: an initplan is evaluated only when it is used.
CREATE POLICY applications_review ON applications FOR SELECT TO permit_app
	USING (current_setting('permit.role', true) = 'reviewer'
	    AND office = (SELECT permit_reviewer_office()));
CREATE POLICY bookings_review ON bookings FOR SELECT TO permit_app
	USING (current_setting('permit.role', true) = 'reviewer'
	    AND office = (SELECT permit_reviewer_office()));

-- The review queue reads an office's applications oldest first.
CREATE INDEX applications_office_created ON applications (office, created_at, id);

-- A day's booking may open at a time an admin chose (the opening draw
-- reads it).
ALTER TABLE office_days ADD COLUMN opens_at timestamptz;

-- The outcomes a reviewer may give an application of kind p_kind in stored
-- status p_status whose live booking is in state p_live (NULL: none): a
-- travel permit that is submitted, approved or rejected; a passport whose
-- booking is confirmed (the citizen came and paid), approved, rejected or
-- no_show; one whose hold is still unpaid, no_show only; anything else,
-- none. The one statement of the review's rule: the decision function
-- holds to it, and the review's read shows it so permitd can answer 409
-- before it writes anything.
CREATE FUNCTION permit_review_outcomes(p_kind text, p_status text,
	p_live text)
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE
	    WHEN p_status IS DISTINCT FROM 'submitted' THEN '{}'::text[]
	    WHEN p_kind = 'travel_permit' THEN '{approved,rejected}'::text[]
	    WHEN p_live = 'confirmed' THEN '{approved,rejected,no_show}'::text[]
	    WHEN p_live = 'held' THEN '{no_show}'::text[]
	    ELSE '{}'::text[] END;
$$;
REVOKE ALL ON FUNCTION permit_review_outcomes(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_review_outcomes(text, text, text) TO permit_app;

-- The bound reviewer decides application p_app of its office with
-- p_outcome (permit_review_outcomes) and p_reason for the citizen, under
-- the row's lock. permitd has read both before; an outcome the
-- application may no longer have (another decision came first) raises
-- exclusion_violation (409), and the transaction, with its audit row,
-- rolls back.
CREATE FUNCTION permit_review_decide(p_app uuid, p_outcome text,
	p_reason text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	v_office text := permit_reviewer_office();
	v_kind text;
	v_status text;
	v_live text;
BEGIN
	IF v_office IS NULL THEN
		RAISE EXCEPTION 'only a reviewer decides'
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	SELECT ap.kind, ap.status INTO v_kind, v_status FROM applications ap
	WHERE ap.id = p_app AND ap.office = v_office FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'permit_review_decide: not this reviewer''s application';
	END IF;
	SELECT b.state INTO v_live FROM bookings b
	WHERE b.application_id = p_app AND b.state IN ('held', 'confirmed')
	    AND permit_booking_live(b.state, b.pay_by);
	IF p_outcome IS NULL OR NOT (p_outcome = ANY (
	    permit_review_outcomes(v_kind, v_status, v_live))) THEN
		RAISE EXCEPTION 'not an outcome this application may have now'
			USING ERRCODE = 'exclusion_violation';
	END IF;
	UPDATE applications ap
	SET status = p_outcome, decided_at = now(),
	    decided_by = current_setting('permit.account_id')::uuid,
	    decision_reason = p_reason, updated_at = now()
	WHERE ap.id = p_app;
END
$$;
REVOKE ALL ON FUNCTION permit_review_decide(uuid, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_review_decide(uuid, text, text) TO permit_app;

-- A reviewer over its budget of openings (review_open_limit an hour) is
-- flagged for an admin to look at, by the refused request's transaction.
ALTER TABLE account_flags DROP CONSTRAINT account_flags_rule_check;
ALTER TABLE account_flags ADD CONSTRAINT account_flags_rule_check
	CHECK (rule IN ('submission_burst', 'booking_burst',
	    'address_registrations', 'lapsed_holds', 'late_give_ups',
	    'review_openings'));

CREATE FUNCTION permit_flag_review_openings(p_limit integer)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	v_office text := permit_reviewer_office();
BEGIN
	IF v_office IS NULL THEN
		RETURN;
	END IF;
	PERFORM permit_flag_raise(current_setting('permit.account_id')::uuid,
	    'review_openings',
	    format('over %s openings of applications within an hour', p_limit));
END
$$;
REVOKE ALL ON FUNCTION permit_flag_review_openings(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_flag_review_openings(integer) TO permit_app;

-- The slot, as 0012 took it, with the office's quota read under a key-share
-- lock: an admin changing the quota (permit_admin_office_quota, FOR
-- UPDATE) waits for the bookings in flight, and a booking after it reads
-- the new quota.
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
	UPDATE office_days d SET booked = d.booked + 1
	WHERE d.office = p_office AND d.day = p_day
	    AND NOT permit_day_closed(d.day, d.closed)
	    AND d.booked < coalesce(d.capacity, v_quota);
	RETURN FOUND;
END
$$;

-- The admin's acts below raise exclusion_violation when the change would
-- conflict with the bookings taken (permitd answers 409; the transaction,
-- with the act's audit row, rolls back), and raise on an unknown office or
-- account, which permitd has looked up in the same transaction first.

-- PUT /admin/offices/{code}: the office's daily quota, refused when a day
-- from the office's tomorrow on without a capacity of its own has more
-- bookings than p_quota.
CREATE FUNCTION permit_admin_office_quota(p_code text, p_quota integer)
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
END
$$;
REVOKE ALL ON FUNCTION permit_admin_office_quota(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_admin_office_quota(text, integer) TO permit_app;

-- PUT /admin/offices/{code}/days/{date}: what the admin set of the day,
-- each p_set_* saying whether its value is given (a NULL value puts the
-- default back: the office's quota, closed on weekends, opening as
-- booking_days_ahead says). Refused when the capacity would fall below
-- the bookings taken.
CREATE FUNCTION permit_admin_day(p_code text, p_day date,
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
	UPDATE office_days d
	SET capacity = CASE WHEN p_set_capacity THEN p_capacity ELSE d.capacity END,
	    closed = CASE WHEN p_set_closed THEN p_closed ELSE d.closed END,
	    opens_at = CASE WHEN p_set_opens THEN p_opens_at ELSE d.opens_at END
	WHERE d.office = p_code AND d.day = p_day;
END
$$;
REVOKE ALL ON FUNCTION permit_admin_day(text, date, boolean, integer, boolean, boolean, boolean, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_admin_day(text, date, boolean, integer, boolean, boolean, boolean, timestamptz) TO permit_app;

-- An account as an admin sees it before acting on it: no row for no such
-- account (nor for anyone but an admin).
CREATE FUNCTION permit_admin_account(p_account uuid)
RETURNS TABLE (id uuid, role text, office text, blocked boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	IF NOT permit_is_admin() THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT a.id, a.role, a.office, a.blocked_at IS NOT NULL
	    FROM accounts a WHERE a.id = p_account;
END
$$;
REVOKE ALL ON FUNCTION permit_admin_account(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_admin_account(uuid) TO permit_app;

-- Whether the transaction is bound to a live admin (permit_require_admin's
-- judgement, without the raise): the admin reads below run in a request's
-- first flight, before permitd has refused anyone else 403, so for anyone
-- else they answer nothing rather than fail the flight.
CREATE FUNCTION permit_is_admin()
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	PERFORM permit_require_admin();
	RETURN true;
EXCEPTION WHEN insufficient_privilege THEN
	RETURN false;
END
$$;
REVOKE ALL ON FUNCTION permit_is_admin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_is_admin() TO permit_app;

-- The audit trail's reader (0014) took permit.role = 'admin' on trust,
-- which any connection may set for itself: an admin is now judged as
-- permit_require_admin judges one (once per statement).
DROP POLICY audit_log_read ON audit_log;
CREATE POLICY audit_log_read ON audit_log FOR SELECT TO permit_app
	USING ((current_setting('permit.role', true) = 'admin'
	        AND (SELECT permit_is_admin()))
	    OR (actor_kind = 'account'
	        AND actor = nullif(current_setting('permit.account_id', true), '')));

-- GET /admin/flags: the open flags, oldest first (none for anyone but an
-- admin).
CREATE FUNCTION permit_admin_flags()
RETURNS TABLE (account_id uuid, rule text, detail text, at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	IF NOT permit_is_admin() THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT f.account_id, f.rule, f.detail, f.at
	    FROM account_flags f WHERE f.resolved_at IS NULL
	    ORDER BY f.at, f.id;
END
$$;
REVOKE ALL ON FUNCTION permit_admin_flags() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_admin_flags() TO permit_app;

-- POST /admin/accounts/{id}/block, in one transaction: the account
-- blocked, its sessions revoked, its live bookings given back to their
-- days (its holds already past pay_by settled as the lapses they are), its
-- active applications cancelled; returns the counts. An admin cannot block
-- itself (insufficient_privilege). Blocking a blocked account changes
-- nothing more and counts zeros.
CREATE FUNCTION permit_admin_block(p_account uuid)
RETURNS TABLE (released integer, revoked integer, cancelled integer)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	v_admin uuid := permit_require_admin();
BEGIN
	IF p_account = v_admin THEN
		RAISE EXCEPTION 'an admin cannot block itself'
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	PERFORM 1 FROM accounts a WHERE a.id = p_account FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'permit_admin_block: no such account';
	END IF;
	UPDATE accounts a SET blocked_at = now()
	WHERE a.id = p_account AND a.blocked_at IS NULL;
	PERFORM permit_bookings_settle(array(
		SELECT b.id FROM bookings b
		WHERE b.account_id = p_account AND b.state = 'held'
		    AND b.pay_by <= now()
		FOR UPDATE));
	RETURN QUERY
	WITH sess AS (
		UPDATE sessions se SET revoked_at = now()
		WHERE se.account_id = p_account AND se.revoked_at IS NULL
		RETURNING 1
	), rel AS (
		UPDATE bookings b SET state = 'released', ended_at = now()
		WHERE b.account_id = p_account AND b.state IN ('held', 'confirmed')
		RETURNING b.office, b.day
	), days AS (
		UPDATE office_days d SET booked = d.booked - c.n
		FROM (SELECT r.office, r.day, count(*)::integer AS n
		      FROM rel r GROUP BY r.office, r.day) c
		WHERE d.office = c.office AND d.day = c.day
		RETURNING 1
	), apps AS (
		UPDATE applications ap SET status = 'cancelled', updated_at = now()
		WHERE ap.account_id = p_account AND ap.status = 'submitted'
		RETURNING 1
	)
	SELECT (SELECT count(*)::integer FROM rel),
	    (SELECT count(*)::integer FROM sess),
	    (SELECT count(*)::integer FROM apps)
	FROM (SELECT count(*) FROM days) AS settled;
END
$$;
REVOKE ALL ON FUNCTION permit_admin_block(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_admin_block(uuid) TO permit_app;

-- POST /admin/accounts/{id}/unblock: the account may sign in again (its
-- old sessions stay revoked). Returns its id, role and office.
CREATE FUNCTION permit_admin_unblock(p_account uuid)
RETURNS TABLE (id uuid, role text, office text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
BEGIN
	PERFORM permit_require_admin();
	RETURN QUERY UPDATE accounts a SET blocked_at = NULL
	    WHERE a.id = p_account RETURNING a.id, a.role, a.office;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'permit_admin_unblock: no such account';
	END IF;
END
$$;
REVOKE ALL ON FUNCTION permit_admin_unblock(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_admin_unblock(uuid) TO permit_app;
