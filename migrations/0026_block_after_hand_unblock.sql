-- 0026_block_after_hand_unblock: an account unblocked outside permitd
-- (accounts.blocked_at cleared by hand, say by a DBA while no admin could
-- sign in) kept its block's row of account_blocks open, and the next
-- block of that account failed on the one-open-row index: the account
-- could not be blocked at all until someone closed the row by hand.
--
-- A block now closes such a row first, by the admin blocking, with a
-- reason that says what happened, then opens its own. The function is
-- 0025's otherwise.
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

CREATE OR REPLACE FUNCTION permit_admin_block(p_account uuid, p_reason text)
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
	IF FOUND THEN
		-- Open while the account was not blocked: lifted by hand.
		UPDATE account_blocks b
		SET unblocked_at = now(), unblocked_by = v_admin,
		    unblock_reason = 'closed at the next block: the account had '
		        'been unblocked outside permitd'
		WHERE b.account_id = p_account AND b.unblocked_at IS NULL;
		INSERT INTO account_blocks (account_id, blocked_at, blocked_by, reason)
		VALUES (p_account, now(), v_admin, p_reason);
	END IF;
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
