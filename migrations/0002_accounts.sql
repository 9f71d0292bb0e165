-- 0002_accounts: accounts and sessions (issue 4, part A).
--
-- Runs as permit_owner. No plaintext email anywhere (DESIGN.md invariant 1):
-- the address is sealed under the account's own DEK (field "email", table
-- "accounts", record and owner = the account id) and found by its blind
-- index (field "email", over the normalised address). A session is stored
-- only as a keyed hash of its token (invariant 9).
--
-- permit_app sees only the rows of the transaction's permit.account_id
-- (forced RLS, invariant 4b). What must happen before a principal is known
-- goes through the narrow SECURITY DEFINER functions at the end, and the
-- session look-up is itself the binding: permit_session_bind sets the
-- transaction's principal from a live session and from nothing else.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

CREATE TABLE accounts (
	id            uuid PRIMARY KEY,
	role          text NOT NULL DEFAULT 'citizen'
	              CHECK (role IN ('citizen', 'reviewer', 'admin')),
	-- Reviewers belong to one office; citizens to none.
	office        text REFERENCES offices (code),
	-- Keyed BLAKE2b of the normalised email (crypto/bidx.h, field "email").
	email_bidx    bytea NOT NULL UNIQUE CHECK (length(email_bidx) = 32),
	email_sealed  bytea NOT NULL,
	-- The account's DEK wrapped by KEK kek_id (rewrapped online on rotation).
	dek_wrapped   bytea NOT NULL,
	kek_id        text NOT NULL,
	password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
	blocked_at    timestamptz,
	created_at    timestamptz NOT NULL DEFAULT now(),
	updated_at    timestamptz NOT NULL DEFAULT now(),
	-- The KEK id inside the wrapped DEK's header (crypto/seal.h format 1:
	-- version, id length, id) is the column's, so permitctl keys retire,
	-- which counts by the column, counts what really needs the KEK.
	CONSTRAINT accounts_kek_matches_dek CHECK (CASE WHEN length(dek_wrapped) > 2
		THEN substring(dek_wrapped FROM 3 FOR get_byte(dek_wrapped, 1))
		     = convert_to(kek_id, 'UTF8')
		ELSE false END),
	CONSTRAINT accounts_reviewer_office CHECK (role <> 'reviewer' OR office IS NOT NULL)
);

-- permitctl keys rewrap/retire find DEKs by KEK.
CREATE INDEX accounts_kek ON accounts (kek_id);

CREATE TABLE sessions (
	-- Keyed BLAKE2b of the token (crypto/token.h); the token is never stored.
	token_hash      bytea PRIMARY KEY CHECK (length(token_hash) = 32),
	account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	created_at      timestamptz NOT NULL DEFAULT now(),
	last_seen_at    timestamptz NOT NULL DEFAULT now(),
	expires_at      timestamptz NOT NULL,           -- absolute lifetime
	idle_expires_at timestamptz NOT NULL,           -- moved on by each use
	revoked_at      timestamptz,
	CHECK (idle_expires_at <= expires_at)
);

-- The owner leads the key of per-owner access paths (revoke all of an
-- account's sessions, Citus later); the sweep finds dead sessions by time.
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_idle_expires ON sessions (idle_expires_at);

ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;

CREATE POLICY accounts_own ON accounts TO permit_app
	USING (id = nullif(current_setting('permit.account_id', true), '')::uuid)
	WITH CHECK (id = nullif(current_setting('permit.account_id', true), '')::uuid);
CREATE POLICY sessions_own ON sessions TO permit_app
	USING (account_id = nullif(current_setting('permit.account_id', true), '')::uuid)
	WITH CHECK (account_id = nullif(current_setting('permit.account_id', true), '')::uuid);

-- The owner runs migrations, permitctl keys rewrap and the definer
-- functions below; FORCE applies RLS to it too.
CREATE POLICY accounts_owner ON accounts TO permit_owner
	USING (true) WITH CHECK (true);
CREATE POLICY sessions_owner ON sessions TO permit_owner
	USING (true) WITH CHECK (true);

-- permit_app reads its own account but never the password hash or the blind
-- index (sign-in gets those through permit_account_for_signin), and writes
-- only a re-hashed password. Accounts are created by permit_account_register.
REVOKE ALL ON accounts FROM PUBLIC;
GRANT SELECT (id, role, office, email_sealed, dek_wrapped, kek_id, blocked_at,
	created_at, updated_at) ON accounts TO permit_app;
GRANT UPDATE (password_hash, updated_at) ON accounts TO permit_app;

-- Sign-in opens sessions through permit_session_open; sign-out revokes. Touching and
-- deleting sessions is permit_session_bind's and permit_sessions_sweep's.
REVOKE ALL ON sessions FROM PUBLIC;
GRANT SELECT ON sessions TO permit_app;
GRANT UPDATE (revoked_at) ON sessions TO permit_app;

-- Registration: a new citizen. Before it there is no principal to insert
-- under; a taken email raises unique_violation (the caller answers 409).
CREATE FUNCTION permit_account_register(p_id uuid, p_email_bidx bytea,
	p_email_sealed bytea, p_dek_wrapped bytea, p_kek_id text,
	p_password_hash text)
RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
	INSERT INTO accounts (id, role, office, email_bidx, email_sealed,
		dek_wrapped, kek_id, password_hash)
	VALUES (p_id, 'citizen', NULL, p_email_bidx, p_email_sealed,
		p_dek_wrapped, p_kek_id, p_password_hash);
$$;

-- Sign-in: the one account with this email's blind index, and only what
-- verifying the password and answering need.
CREATE FUNCTION permit_account_for_signin(p_email_bidx bytea)
RETURNS TABLE (id uuid, role text, office text, password_hash text,
	dek_wrapped bytea, kek_id text, email_sealed bytea, blocked boolean)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
	SELECT a.id, a.role, a.office, a.password_hash, a.dek_wrapped,
		a.kek_id, a.email_sealed, a.blocked_at IS NOT NULL
	FROM accounts a
	WHERE a.email_bidx = p_email_bidx;
$$;

-- THE binding (DESIGN.md invariant 4): the session with this token hash, if
-- it is live (not revoked, within its absolute and idle lifetimes, its
-- account not blocked), moves its idle deadline on and binds the
-- transaction to its account. A dead session is deleted and gives no row,
-- and then the transaction's principal stays anonymous.
CREATE FUNCTION permit_session_bind(p_token_hash bytea, p_idle_seconds integer)
RETURNS TABLE (account_id uuid, role text, office text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict error
DECLARE
	s record;
BEGIN
	IF p_idle_seconds IS NULL OR p_idle_seconds <= 0 THEN
		RAISE EXCEPTION 'permit_session_bind: idle seconds must be positive';
	END IF;
	SELECT se.account_id AS sid, se.expires_at, se.idle_expires_at,
		se.revoked_at, a.role AS srole, a.office AS soffice, a.blocked_at
	INTO s
	FROM sessions se JOIN accounts a ON a.id = se.account_id
	WHERE se.token_hash = p_token_hash
	FOR UPDATE OF se;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	IF s.revoked_at IS NOT NULL OR now() >= s.expires_at
	    OR now() >= s.idle_expires_at THEN
		DELETE FROM sessions se WHERE se.token_hash = p_token_hash;
		RETURN;
	END IF;
	IF s.blocked_at IS NOT NULL THEN
		RETURN;
	END IF;
	UPDATE sessions se
	SET last_seen_at = now(),
	    idle_expires_at = least(now() + make_interval(secs => p_idle_seconds),
	                            se.expires_at)
	WHERE se.token_hash = p_token_hash;
	PERFORM set_config('permit.account_id', s.sid::text, true),
		set_config('permit.role', s.srole, true),
		set_config('permit.office', coalesce(s.soffice, ''), true);
	account_id := s.sid;
	role := s.srole;
	office := s.soffice;
	RETURN NEXT;
END
$$;

-- Sign-in, once the password verified: opens a session for a usable
-- account. permit_app cannot insert sessions itself; the sign-in transaction
-- then binds through permit_session_bind, so even there the principal comes
-- from a live session row, never from values a handler passed.
CREATE FUNCTION permit_session_open(p_token_hash bytea, p_account_id uuid,
	p_lifetime_seconds integer, p_idle_seconds integer)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	IF p_lifetime_seconds IS NULL OR p_lifetime_seconds <= 0
	    OR p_idle_seconds IS NULL OR p_idle_seconds <= 0 THEN
		RAISE EXCEPTION 'permit_session_open: lifetimes must be positive';
	END IF;
	INSERT INTO sessions (token_hash, account_id, expires_at, idle_expires_at)
	SELECT p_token_hash, a.id,
		now() + make_interval(secs => p_lifetime_seconds),
		least(now() + make_interval(secs => p_idle_seconds),
		      now() + make_interval(secs => p_lifetime_seconds))
	FROM accounts a
	WHERE a.id = p_account_id AND a.blocked_at IS NULL;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'permit_session_open: no usable account';
	END IF;
END
$$;

-- Sign-in's housekeeping: deletes up to p_limit revoked or expired sessions
-- of any account; returns how many.
CREATE FUNCTION permit_sessions_sweep(p_limit integer)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	n integer;
BEGIN
	DELETE FROM sessions se
	WHERE se.token_hash IN (
		SELECT d.token_hash FROM sessions d
		WHERE d.revoked_at IS NOT NULL OR d.expires_at <= now()
		    OR d.idle_expires_at <= now()
		LIMIT greatest(p_limit, 0)
		FOR UPDATE SKIP LOCKED);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;

REVOKE ALL ON FUNCTION permit_account_register(uuid, bytea, bytea, bytea, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_account_for_signin(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_session_bind(bytea, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_sessions_sweep(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_session_open(bytea, uuid, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_account_register(uuid, bytea, bytea, bytea, text, text) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_account_for_signin(bytea) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_session_bind(bytea, integer) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_sessions_sweep(integer) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_session_open(bytea, uuid, integer, integer) TO permit_app;
