-- 0014_audit: the audit trail (issue 10, DESIGN.md invariant 10).
--
-- Opening an applicant's identity data, every decision and every admin
-- action write one row of audit_log in the transaction of the action, so
-- the row exists exactly when the action does. The rows form a hash chain:
-- each carries its position (seq, 1, 2, ...), the previous row's hash and
-- its own, BLAKE2b-256 over a canonical encoding of its fields and the
-- previous hash (crypto/chain.h; the database cannot compute it, permitd
-- and permitctl do). `permitctl audit verify` recomputes the chain and
-- names the first row that was edited, removed or moved.
--
-- Writers serialise on the chain's head, one row in audit_head that names
-- the last row: permit_audit_head() locks it (FOR UPDATE, until the
-- writer's transaction ends) and returns its position and hash with the
-- time the new row is to carry; the writer computes the row's hash and
-- inserts it; the link trigger checks that the row follows the head and
-- moves the head on, in the same transaction. A writer that waited for the
-- lock then reads the head its predecessor committed, so no two rows take
-- one position and no row is lost (seq is also the primary key).
--
-- permit_app may INSERT and SELECT audit_log and nothing else (no UPDATE,
-- DELETE or TRUNCATE, no grant on audit_head); a trigger refuses UPDATE,
-- DELETE and TRUNCATE to every role besides, so the owner cannot edit a row
-- by mistake either. What a superuser does with the triggers disabled is
-- what the chain exists to show.
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- The head: the last row's position and hash; position 0 and 32 zero bytes
-- (the first row's previous hash) while the trail is empty.
CREATE TABLE audit_head (
	id   boolean PRIMARY KEY DEFAULT true CHECK (id),
	seq  bigint NOT NULL CHECK (seq >= 0),
	hash bytea NOT NULL CHECK (length(hash) = 32)
);
INSERT INTO audit_head (seq, hash) VALUES (0, decode(repeat('00', 32), 'hex'));

REVOKE ALL ON audit_head FROM PUBLIC;

-- One action. `actor` is an account's id (actor_kind 'account': a staff
-- member or citizen acting through permitd), a database role (actor_kind
-- 'cli': permitctl) or a component's name (actor_kind 'system'). What was
-- acted on is an application, an account, or both. `detail` is workflow
-- data only (an outcome, counts, a mode), never identity data
-- (invariant 1): printable ASCII, at most 200 characters.
CREATE TABLE audit_log (
	seq            bigint PRIMARY KEY CHECK (seq > 0),
	at             timestamptz NOT NULL,
	actor_kind     text NOT NULL
	               CHECK (actor_kind IN ('account', 'cli', 'system')),
	actor          text NOT NULL,
	action         text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.]{0,63}$'),
	application_id uuid,
	account_id     uuid,
	detail         text CHECK (detail ~ '^[ -~]{0,200}$'),
	prev_hash      bytea NOT NULL CHECK (length(prev_hash) = 32),
	hash           bytea NOT NULL CHECK (length(hash) = 32),
	-- An account actor is a canonical (lower-case) UUID, as permitd
	-- hashes it; another actor a plain name.
	CONSTRAINT audit_log_actor CHECK (CASE actor_kind
		WHEN 'account' THEN actor ~
		    '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
		ELSE actor ~ '^[a-z_][a-z0-9_.-]{0,62}$' END)
);

-- GET /api/v1/admin/audit?application=ID; an actor's actions in a window
-- (a reviewer's openings per hour).
CREATE INDEX audit_log_application ON audit_log (application_id, seq)
	WHERE application_id IS NOT NULL;
CREATE INDEX audit_log_actor ON audit_log (actor, action, at);

-- The time a row carries, as text: RFC 3339 in UTC with microseconds
-- (timestamptz's precision), the form its hash covers. permitd writes the
-- text back into the row and permitctl reads the row through this function,
-- so both hash the same bytes whatever the session's TimeZone or DateStyle.
CREATE FUNCTION permit_audit_at(p_at timestamptz)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
$$;

-- A writer's first step: locks the head until the transaction ends and
-- returns it, with the time of the row about to be written, read after the
-- lock was granted so the times follow the chain's order. In a READ
-- COMMITTED transaction (permitd's) the second statement sees what the
-- previous holder committed.
CREATE FUNCTION permit_audit_head()
RETURNS TABLE (seq bigint, at text, hash bytea)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM 1 FROM audit_head h WHERE h.id FOR UPDATE;
	RETURN QUERY SELECT h.seq, permit_audit_at(clock_timestamp()), h.hash
		FROM audit_head h WHERE h.id;
END
$$;

REVOKE ALL ON FUNCTION permit_audit_head() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_audit_head() TO permit_app;

-- Every new row must follow the head (the next position, the head's hash
-- as its previous hash), which then moves to it. A writer that skipped
-- permit_audit_head() waits here for the lock, and a row computed from a
-- stale head is refused rather than forked off the chain.
CREATE FUNCTION permit_audit_link()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	h record;
BEGIN
	SELECT a.seq, a.hash INTO h FROM audit_head a WHERE a.id FOR UPDATE;
	IF NEW.seq IS DISTINCT FROM h.seq + 1
	    OR NEW.prev_hash IS DISTINCT FROM h.hash THEN
		RAISE EXCEPTION 'audit_log: row % does not follow the head (row %)',
			NEW.seq, h.seq;
	END IF;
	UPDATE audit_head a SET seq = NEW.seq, hash = NEW.hash WHERE a.id;
	RETURN NEW;
END
$$;

CREATE TRIGGER audit_log_link BEFORE INSERT ON audit_log
	FOR EACH ROW EXECUTE FUNCTION permit_audit_link();

CREATE FUNCTION permit_audit_append_only()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
		USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only
	BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION permit_audit_append_only();

-- permit_app: a row of its own bound principal's action (invariant 4), and
-- reading for admins (the audit endpoint) and for an actor's own rows.
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;

CREATE POLICY audit_log_write ON audit_log FOR INSERT TO permit_app
	WITH CHECK (actor_kind = 'account'
	    AND actor = nullif(current_setting('permit.account_id', true), ''));
CREATE POLICY audit_log_read ON audit_log FOR SELECT TO permit_app
	USING (current_setting('permit.role', true) = 'admin'
	    OR (actor_kind = 'account'
	        AND actor = nullif(current_setting('permit.account_id', true), '')));
CREATE POLICY audit_log_owner ON audit_log TO permit_owner
	USING (true) WITH CHECK (true);

REVOKE ALL ON audit_log FROM PUBLIC;
GRANT SELECT, INSERT ON audit_log TO permit_app;
