-- 0022_signin_proof_admin_writes: what permit_app can still do that only
-- sign-in or an admin should (the hardening issue's holes, found by an
-- attacker holding permit_app's connection).
--
-- 1. permit_session_open(token_hash, account_id, ...) opened a session for
--    any account id, an admin's included, with no credential at all. Now
--    a session is opened only with what sign-in holds once the password
--    verified: the email's blind index (permit_app cannot read it, and
--    only the keyring's blind-index key makes it) and the password hash
--    the password was verified against (permit_app reads it only through
--    permit_account_for_signin, by that blind index). The old function is
--    dropped.
-- 2. The account row is locked FOR SHARE while the session is opened, so
--    a sign-in racing a block waits for the block and then opens nothing:
--    before, the open read the account before the block committed and
--    left a live session of a blocked account for the unblock to revive.
-- 3. A block deletes the account's sessions rather than marking them
--    revoked, and a revoked session can no longer be un-revoked by
--    permit_app (sign-out's UPDATE may only set revoked_at): no old
--    session exists for an unblock to bring back.
-- 4. permit_app kept UPDATE (daily_quota) on offices from 0001, though
--    quotas change only through permit_admin_office_quota (0017), which
--    checks the bound admin. Revoked; so is any UPDATE on service_state
--    (0015 revoked it; this states it again where it is checked).
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

REVOKE UPDATE ON offices FROM permit_app;
REVOKE UPDATE ON service_state FROM permit_app;

-- Sign-out sets revoked_at; nothing of permit_app's sets it back.
CREATE POLICY sessions_revoke_only ON sessions AS RESTRICTIVE FOR UPDATE
	TO permit_app USING (true) WITH CHECK (revoked_at IS NOT NULL);

DROP FUNCTION permit_session_open(bytea, uuid, integer, integer);

-- Sign-in, once the password verified against p_password_hash: opens a
-- session for the unblocked account with this email blind index and that
-- very password hash. Anything else (no such account, a password changed
-- or an account blocked meanwhile) raises insufficient_privilege and opens
-- nothing. The account's row is locked FOR SHARE, so a block in flight
-- (which locks it FOR UPDATE) is waited for and then seen.
CREATE FUNCTION permit_session_open(p_token_hash bytea, p_email_bidx bytea,
	p_password_hash text, p_lifetime_seconds integer,
	p_idle_seconds integer)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	v_id uuid;
BEGIN
	PERFORM permit_require_seconds('permit_session_open', p_lifetime_seconds);
	PERFORM permit_require_seconds('permit_session_open', p_idle_seconds);
	SELECT a.id INTO v_id FROM accounts a
	WHERE a.email_bidx = p_email_bidx AND a.password_hash = p_password_hash
	    AND a.blocked_at IS NULL
	FOR SHARE;
	IF v_id IS NULL THEN
		RAISE EXCEPTION 'permit_session_open: no usable account'
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	INSERT INTO sessions (token_hash, account_id, expires_at, idle_expires_at)
	VALUES (p_token_hash, v_id,
		now() + make_interval(secs => p_lifetime_seconds),
		least(now() + make_interval(secs => p_idle_seconds),
		      now() + make_interval(secs => p_lifetime_seconds)));
END
$$;
REVOKE ALL ON FUNCTION permit_session_open(bytea, bytea, text, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_session_open(bytea, bytea, text, integer, integer) TO permit_app;

-- POST /admin/accounts/{id}/block, as 0017 made it, but the account's
-- sessions are deleted (counted as `revoked`), not marked revoked.
CREATE OR REPLACE FUNCTION permit_admin_block(p_account uuid)
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
		DELETE FROM sessions se
		WHERE se.account_id = p_account
		RETURNING se.revoked_at
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
	    (SELECT count(*)::integer FROM sess s WHERE s.revoked_at IS NULL),
	    (SELECT count(*)::integer FROM apps)
	FROM (SELECT count(*) FROM days) AS settled;
END
$$;
