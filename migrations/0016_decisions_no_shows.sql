-- 0016_decisions_no_shows: a reviewer's decision on an application (its
-- outcome is the status, with the time, who and the reason), and the rule
-- that missed appointments close booking for a while.
--
-- A passport application whose citizen did not come is decided `no_show`.
-- After no_show_limit of them within no_show_window_days, counted per
-- account and per NIK (its blind index, so a new account does not wash
-- them away), the applicant cannot book for no_show_cooldown_days after
-- the last one. The rule is read when a booking is asked for: nothing is
-- stored but the decisions themselves.
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- The decision: set together with its status by the review's decision
-- (one statement), never without it. The reason is written by staff for
-- the citizen; it holds no identity data by the review's rules.
ALTER TABLE applications
	ADD COLUMN decided_at timestamptz,
	ADD COLUMN decided_by uuid REFERENCES accounts (id),
	ADD COLUMN decision_reason text
	    CHECK (length(decision_reason) BETWEEN 1 AND 500),
	ADD CONSTRAINT applications_decided
	    CHECK ((status IN ('approved', 'rejected', 'no_show'))
	        = (decided_at IS NOT NULL AND decided_by IS NOT NULL));

-- The no-shows, by account and by NIK, newest last.
CREATE INDEX applications_no_show_account ON applications (account_id, decided_at)
	WHERE status = 'no_show';
CREATE INDEX applications_no_show_nik ON applications (nik_bidx, decided_at)
	WHERE status = 'no_show';

-- Until when the applicant of application p_app, which must be the bound
-- account's, cannot book: NULL when it can. At least p_limit no-shows
-- within the last p_window_days days, of applications of the same account
-- or of the same NIK (any account's: hence a definer; it answers one
-- instant and nothing of the other rows), close booking until
-- p_cooldown_days after the last of them.
CREATE FUNCTION permit_no_show_until(p_app uuid, p_limit integer,
	p_window_days integer, p_cooldown_days integer)
RETURNS timestamptz
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	who uuid := nullif(current_setting('permit.account_id', true), '')::uuid;
	since timestamptz := now() - make_interval(days => p_window_days);
	v_account uuid;
	v_nik bytea;
	n integer;
	last timestamptz;
BEGIN
	PERFORM permit_require_seconds('permit_no_show_until', p_limit,
	    p_window_days, p_cooldown_days);
	SELECT ap.account_id, ap.nik_bidx INTO v_account, v_nik
	FROM applications ap WHERE ap.id = p_app AND ap.account_id = who;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	SELECT count(*), max(s.decided_at) INTO n, last FROM (
		SELECT ap.id, ap.decided_at FROM applications ap
		WHERE ap.status = 'no_show' AND ap.account_id = v_account
		    AND ap.decided_at > since
		UNION
		SELECT ap.id, ap.decided_at FROM applications ap
		WHERE ap.status = 'no_show' AND ap.nik_bidx = v_nik
		    AND ap.decided_at > since) s;
	IF n >= p_limit
	    AND last + make_interval(days => p_cooldown_days) > now() THEN
		RETURN last + make_interval(days => p_cooldown_days);
	END IF;
	RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION permit_no_show_until(uuid, integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_no_show_until(uuid, integer, integer, integer) TO permit_app;
