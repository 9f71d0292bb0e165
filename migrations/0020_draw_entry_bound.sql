-- 0020_draw_entry_bound: how many entries one account may put into one
-- day's draws.
--
-- A draw cannot be won by speed, only by entries; so what bounds a broker
-- is how many entries its accounts can make. One per application and one
-- per NIK and day (0018) do not bound an account: it can file many
-- applications under made-up NIKs. Now an account enters at most
-- p_per_account (config draw_entries_per_account) applications into the
-- draws of one day, whichever offices; withdrawn entries do not count.
-- Two entries of one account at once are ordered by a transaction-scoped
-- advisory lock on (account, day), so the bound holds whatever the
-- concurrency (its class is 'dren', 0x6472656e, in the two-key form, which
-- no one-key lock of the housekeeping can meet).
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

CREATE INDEX draw_entries_account_day ON draw_entries (account_id, day);

DROP FUNCTION permit_draw_enter(uuid, uuid, date, text, bigint, integer);

-- The bound account's submitted passport application p_app (judged by
-- the caller under its lock) enters the draw of day p_day at its office as
-- entry p_entry, its hold to be p_code for p_amount, p_hold_minutes long.
-- Returns 'entered', or 'closed' when the day takes no entries (its
-- draw_at has just passed): nothing done. A second entry of the
-- application, or of its NIK for that day, or one more than p_per_account
-- of the account's in that day's draws, raises unique_violation.
CREATE FUNCTION permit_draw_enter(p_entry uuid, p_app uuid, p_day date,
	p_code text, p_amount bigint, p_hold_minutes integer,
	p_per_account integer)
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
	IF NOT FOUND OR p_per_account < 1 THEN
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
	PERFORM pg_advisory_xact_lock(1685218670,
	    hashtext(who::text || p_day::text));
	IF (SELECT count(*) FROM draw_entries e WHERE e.account_id = who
	        AND e.day = p_day AND e.state <> 'withdrawn') >= p_per_account THEN
		RAISE unique_violation USING MESSAGE = 'entries per account';
	END IF;
	INSERT INTO draw_entries (id, office, day, application_id, account_id,
	    nik_bidx, draw_at, billing_code, amount, hold_minutes)
	VALUES (p_entry, a.office, p_day, p_app, who, a.nik_bidx, v_draw_at,
	    p_code, p_amount, p_hold_minutes);
	RETURN 'entered';
END
$$;
REVOKE ALL ON FUNCTION permit_draw_enter(uuid, uuid, date, text, bigint, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_draw_enter(uuid, uuid, date, text, bigint, integer, integer) TO permit_app;
