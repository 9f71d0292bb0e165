-- 0025_block_reasons: why and by whom an account was blocked, and
-- unblocked. Until now a block's and an unblock's reason (required by
-- permitd, 1 to 500 characters) was thrown away, and the flags an admin
-- reads did not say which flagged accounts are blocked already.
--
-- An account is blocked while accounts.blocked_at is set, as before; each
-- block now also writes a row of account_blocks, in the block's own
-- transaction, and the unblock that ends it closes that row. So the
-- blocks of an account are kept as a history, and at most one row of an
-- account is open. An account blocked before this migration has no row:
-- nobody knows its reason any more (its admin is in the audit trail,
-- action admin.block).
--
-- The admin functions take the reason now. Their one-argument forms stay,
-- for a permitd started before this migration, which prepares statements
-- naming them until it is restarted on the new program: dropped, every
-- worker of it that reconnected meanwhile could prepare nothing and would
-- answer every request 503. They block and unblock as the new ones do,
-- with a reason that says none was kept. A later migration drops them.
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- A block of an account: when, by which admin and why; then, once
-- unblocked, when, by which admin and why. The reasons are written by
-- staff for staff, with the rule of a reviewer's reason (0016): 1 to 500
-- characters (permitd refuses control characters before they come here).
-- They are workflow data, never identity data (docs/DESIGN.md invariant 1).
CREATE TABLE account_blocks (
	id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	account_id     uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	blocked_at     timestamptz NOT NULL DEFAULT now(),
	blocked_by     uuid NOT NULL REFERENCES accounts (id),
	reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
	unblocked_at   timestamptz,
	unblocked_by   uuid REFERENCES accounts (id),
	unblock_reason text CHECK (length(unblock_reason) BETWEEN 1 AND 500),
	-- Closed all at once: when, by whom and why together, or none.
	CONSTRAINT account_blocks_closed CHECK (
	    (unblocked_at IS NULL) = (unblocked_by IS NULL)
	    AND (unblocked_at IS NULL) = (unblock_reason IS NULL))
);

-- At most one open block an account: the open one is what the flags show
-- and what an unblock closes.
CREATE UNIQUE INDEX account_blocks_open ON account_blocks (account_id)
	WHERE unblocked_at IS NULL;
-- An account's history, oldest first (and its rows found when it goes).
CREATE INDEX account_blocks_account ON account_blocks (account_id, blocked_at);

-- permit_app has no grant on it: the admin functions below write it and
-- permit_admin_flags reads it, as the owner.
ALTER TABLE account_blocks ENABLE ROW LEVEL SECURITY;
ALTER TABLE account_blocks FORCE ROW LEVEL SECURITY;
CREATE POLICY account_blocks_owner ON account_blocks TO permit_owner
	USING (true) WITH CHECK (true);
REVOKE ALL ON account_blocks FROM PUBLIC;

-- POST /admin/accounts/{id}/block {"reason"}, as 0022 made it, and the
-- block's row: the bound admin and p_reason. Blocking a blocked account
-- still changes nothing more and counts zeros: its open row stays as it
-- was, with its first reason, and no second row is opened.
CREATE FUNCTION permit_admin_block(p_account uuid, p_reason text)
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
REVOKE ALL ON FUNCTION permit_admin_block(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_admin_block(uuid, text) TO permit_app;

-- POST /admin/accounts/{id}/unblock {"reason"}, as 0017 made it, and the
-- open block's row closed by the bound admin with p_reason. Unblocking an
-- account that is not blocked changes nothing (there is no row to close).
CREATE FUNCTION permit_admin_unblock(p_account uuid, p_reason text)
RETURNS TABLE (id uuid, role text, office text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	v_admin uuid := permit_require_admin();
BEGIN
	RETURN QUERY UPDATE accounts a SET blocked_at = NULL
	    WHERE a.id = p_account RETURNING a.id, a.role, a.office;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'permit_admin_unblock: no such account';
	END IF;
	UPDATE account_blocks b
	SET unblocked_at = now(), unblocked_by = v_admin, unblock_reason = p_reason
	WHERE b.account_id = p_account AND b.unblocked_at IS NULL;
END
$$;
REVOKE ALL ON FUNCTION permit_admin_unblock(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_admin_unblock(uuid, text) TO permit_app;

-- The one-argument forms, for a permitd from before this migration until
-- it is restarted (above): the same, with a reason saying none was given.
CREATE OR REPLACE FUNCTION permit_admin_block(p_account uuid)
RETURNS TABLE (released integer, revoked integer, cancelled integer)
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
	SELECT * FROM permit_admin_block(p_account,
	    'not kept: blocked through a permitd from before migration 0025');
$$;
REVOKE ALL ON FUNCTION permit_admin_block(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_admin_block(uuid) TO permit_app;

CREATE OR REPLACE FUNCTION permit_admin_unblock(p_account uuid)
RETURNS TABLE (id uuid, role text, office text)
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
	SELECT * FROM permit_admin_unblock(p_account,
	    'not kept: unblocked through a permitd from before migration 0025');
$$;
REVOKE ALL ON FUNCTION permit_admin_unblock(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_admin_unblock(uuid) TO permit_app;

-- GET /admin/flags: the open flags, oldest first, as 0017 listed them,
-- each with its account's block: when (NULL: not blocked), and by whom and
-- why from the open row (NULL for a block that has none: one from before
-- this migration, or set by hand). None for anyone but an admin. The
-- result gains columns, so the function is made anew.
DROP FUNCTION permit_admin_flags();
CREATE FUNCTION permit_admin_flags()
RETURNS TABLE (account_id uuid, rule text, detail text, at timestamptz,
	blocked_at timestamptz, blocked_by uuid, block_reason text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
BEGIN
	IF NOT permit_is_admin() THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT f.account_id, f.rule, f.detail, f.at,
	        a.blocked_at, b.blocked_by, b.reason
	    FROM account_flags f
	    JOIN accounts a ON a.id = f.account_id
	    LEFT JOIN account_blocks b ON b.account_id = f.account_id
	        AND b.unblocked_at IS NULL AND a.blocked_at IS NOT NULL
	    WHERE f.resolved_at IS NULL
	    ORDER BY f.at, f.id;
END
$$;
REVOKE ALL ON FUNCTION permit_admin_flags() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_admin_flags() TO permit_app;
