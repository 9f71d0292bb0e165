-- 0007_reads_do_not_write: the binding reads, and activity is recorded
-- coarsely (the database path of permitd, issue 8).
--
-- permit_session_bind (0002) locked and updated the session row on every
-- request, so every authenticated read was a write transaction waiting for
-- a WAL flush, and none could run on a hot standby. permit_bind replaces it:
-- it only reads (a read request's transaction is READ ONLY), binds the
-- transaction to a live session's account as before (invariant
-- 4), returns the service mode in the same row (invariant 7: one look-up,
-- one answer for every worker), and says when the session's activity is due
-- to be recorded; permit_session_touch records it, at most once per
-- interval, without waiting for the WAL. Dead sessions are no longer deleted
-- on the request path: permit_sessions_sweep (0002) runs from permitd's
-- master, one host at a time.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- Raises unless every one of p_seconds is a positive number of seconds:
-- the intervals a caller passes (from permitd's configuration) are never
-- trusted to be sane. Not granted to anyone: only the functions below call
-- it, as its owner.
CREATE FUNCTION permit_require_seconds(p_caller text, VARIADIC p_seconds integer[])
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF array_position(p_seconds, NULL) IS NOT NULL
	    OR 0 >= ANY (p_seconds) THEN
		RAISE EXCEPTION '%: seconds must be positive', p_caller;
	END IF;
END
$$;

-- The binding of every request. A NULL hash (no cookie) or a session that
-- is unknown, revoked, expired, idle too long or of a blocked account binds
-- the anonymous principal. Always one row.
CREATE FUNCTION permit_bind(p_token_hash bytea, p_touch_seconds integer)
RETURNS TABLE (account_id uuid, role text, office text, mode text,
	touch_due boolean)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	s record;
BEGIN
	PERFORM permit_require_seconds('permit_bind', p_touch_seconds);
	SELECT st.mode INTO mode FROM service_state st;
	touch_due := false;
	PERFORM set_config('permit.account_id', '', true),
		set_config('permit.role', '', true),
		set_config('permit.office', '', true);
	IF p_token_hash IS NOT NULL THEN
		SELECT se.account_id AS sid, se.last_seen_at, a.role AS srole,
			a.office AS soffice
		INTO s
		FROM sessions se JOIN accounts a ON a.id = se.account_id
		WHERE se.token_hash = p_token_hash AND se.revoked_at IS NULL
		    AND now() < se.expires_at AND now() < se.idle_expires_at
		    AND a.blocked_at IS NULL;
		IF FOUND THEN
			PERFORM set_config('permit.account_id', s.sid::text, true),
				set_config('permit.role', s.srole, true),
				set_config('permit.office', coalesce(s.soffice, ''), true);
			account_id := s.sid;
			role := s.srole;
			office := s.soffice;
			touch_due := s.last_seen_at
			    <= now() - make_interval(secs => p_touch_seconds);
		END IF;
	END IF;
	RETURN NEXT;
END
$$;

-- Records a live session's activity: its idle deadline moves on. Does
-- nothing when it was recorded less than p_touch_seconds ago (a concurrent
-- request did it) or the session is no longer live. Nothing waits for the
-- WAL: a record lost in a crash costs at most one interval of idle time.
CREATE FUNCTION permit_session_touch(p_token_hash bytea,
	p_idle_seconds integer, p_touch_seconds integer)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	PERFORM permit_require_seconds('permit_session_touch', p_idle_seconds,
	    p_touch_seconds);
	PERFORM set_config('synchronous_commit', 'off', true);
	UPDATE sessions se
	SET last_seen_at = now(),
	    idle_expires_at = least(now() + make_interval(secs => p_idle_seconds),
	                            se.expires_at)
	WHERE se.token_hash = p_token_hash AND se.revoked_at IS NULL
	    AND now() < se.idle_expires_at AND now() < se.expires_at
	    AND se.last_seen_at <= now() - make_interval(secs => p_touch_seconds);
END
$$;

REVOKE ALL ON FUNCTION permit_require_seconds(text, integer[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_bind(bytea, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_session_touch(bytea, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_bind(bytea, integer) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_session_touch(bytea, integer, integer) TO permit_app;

-- The old binding wrote on every request; nothing calls it any more.
DROP FUNCTION permit_session_bind(bytea, integer);
