-- 0015_staff_maintenance: staff accounts, and the maintenance mode as an
-- admin's act (issue 10, staff and maintenance).
--
-- Until now permit_app could UPDATE service_state in any transaction, so a
-- slip anywhere in permitd (or anyone holding its credentials) could close
-- the service or open it again. Now only two functions write the row:
-- permit_maintenance_set, for a transaction bound to a live admin's
-- session, and permit_service_state_write, which permitctl runs as the
-- owner. Staff accounts are made the same two ways: permit_staff_create for
-- an admin, permit_staff_insert for permitctl (the first admin).
--
-- The binding returns the admin's maintenance message beside the mode, so
-- a request refused for maintenance says it without reading anything more
-- (invariant 7: one look-up, the same for every request, in every mode).

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- Raises insufficient_privilege unless the transaction is bound to an admin
-- with a live session; returns that admin's id. permit.role and
-- permit.account_id are settings any connection may set for itself, so the
-- role is not taken from them on trust: the account is read again, and it
-- must be an admin, not blocked, with a session that is live now. Not
-- granted to anyone: the definer functions below call it as its owner.
CREATE FUNCTION permit_require_admin()
RETURNS uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	v_id text := current_setting('permit.account_id', true);
BEGIN
	IF current_setting('permit.role', true) IS DISTINCT FROM 'admin'
	    OR v_id IS NULL
	    OR v_id !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
	    OR NOT EXISTS (
		SELECT 1 FROM accounts a JOIN sessions se ON se.account_id = a.id
		WHERE a.id = v_id::uuid AND a.role = 'admin'
		    AND a.blocked_at IS NULL AND se.revoked_at IS NULL
		    AND now() < se.expires_at AND now() < se.idle_expires_at) THEN
		RAISE EXCEPTION 'only an admin''s session may do this'
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN v_id::uuid;
END
$$;

-- A staff account (reviewer with its office, or admin with none), whoever
-- asks: permitctl runs it as the owner to make the first admin; permit_app
-- reaches it only through permit_staff_create. A taken email raises
-- unique_violation; an unknown office foreign_key_violation.
CREATE FUNCTION permit_staff_insert(p_id uuid, p_email_bidx bytea,
	p_email_sealed bytea, p_dek_wrapped bytea, p_kek_id text,
	p_password_hash text, p_role text, p_office text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	IF p_role IS NULL OR p_role NOT IN ('reviewer', 'admin') THEN
		RAISE EXCEPTION 'a staff account is a reviewer or an admin'
			USING ERRCODE = 'check_violation';
	END IF;
	IF (p_role = 'reviewer') <> (p_office IS NOT NULL) THEN
		RAISE EXCEPTION 'a reviewer has an office, an admin none'
			USING ERRCODE = 'check_violation';
	END IF;
	INSERT INTO accounts (id, role, office, email_bidx, email_sealed,
		dek_wrapped, kek_id, password_hash)
	VALUES (p_id, p_role, p_office, p_email_bidx, p_email_sealed,
		p_dek_wrapped, p_kek_id, p_password_hash);
END
$$;

-- POST /api/v1/admin/staff: an admin makes a staff account.
CREATE FUNCTION permit_staff_create(p_id uuid, p_email_bidx bytea,
	p_email_sealed bytea, p_dek_wrapped bytea, p_kek_id text,
	p_password_hash text, p_role text, p_office text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	PERFORM permit_require_admin();
	PERFORM permit_staff_insert(p_id, p_email_bidx, p_email_sealed,
		p_dek_wrapped, p_kek_id, p_password_hash, p_role, p_office);
END
$$;

-- The service state, whoever asks: permitctl maintenance runs it as the
-- owner; permit_app reaches it only through permit_maintenance_set. An
-- empty message is none. The row is put back if it was lost (a missing
-- row reads as closed), so setting a mode always leaves exactly one.
CREATE FUNCTION permit_service_state_write(p_mode text, p_message text)
RETURNS TABLE (mode text, message text)
LANGUAGE sql
SET search_path = pg_catalog, public, pg_temp
AS $$
	INSERT INTO service_state AS st (id, mode, message, updated_at)
	VALUES (true, p_mode, nullif(p_message, ''), now())
	ON CONFLICT (id) DO UPDATE
	SET mode = excluded.mode, message = excluded.message,
	    updated_at = excluded.updated_at
	RETURNING st.mode, st.message;
$$;

-- PUT /api/v1/admin/maintenance: an admin sets the mode and its message.
CREATE FUNCTION permit_maintenance_set(p_mode text, p_message text)
RETURNS TABLE (mode text, message text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	PERFORM permit_require_admin();
	RETURN QUERY SELECT w.mode, w.message
	    FROM permit_service_state_write(p_mode, p_message) w;
END
$$;

-- The binding of every request, as 0007 made it, with the maintenance
-- message beside the mode. Dropped and made again (a function's result
-- columns cannot be replaced in place); permitd's statement names its
-- columns, so a worker still running the old statement re-plans it.
DROP FUNCTION permit_bind(bytea, integer);
CREATE FUNCTION permit_bind(p_token_hash bytea, p_touch_seconds integer)
RETURNS TABLE (account_id uuid, role text, office text, mode text,
	message text, touch_due boolean)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	s record;
BEGIN
	PERFORM permit_require_seconds('permit_bind', p_touch_seconds);
	SELECT st.mode, st.message INTO mode, message FROM service_state st;
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

REVOKE ALL ON FUNCTION permit_require_admin() FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_staff_insert(uuid, bytea, bytea, bytea, text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_staff_create(uuid, bytea, bytea, bytea, text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_service_state_write(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_maintenance_set(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_bind(bytea, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_staff_create(uuid, bytea, bytea, bytea, text, text, text, text) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_maintenance_set(text, text) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_bind(bytea, integer) TO permit_app;

-- permit_app reads the service state (the binding does) and changes it only
-- through permit_maintenance_set. Revoking UPDATE on the table revokes the
-- column grants 0001 gave too.
REVOKE UPDATE ON service_state FROM permit_app;
