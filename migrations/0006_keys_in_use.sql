-- 0006_keys_in_use: which KEKs the database has retired, and which KEKs each
-- running permitd holds and wraps new data keys under (issue 7, point 5).
--
-- `permitctl keys retire` must never take away a KEK that something still
-- needs: a row whose DEK it wraps (counted through db/sql/sealed.def), or a
-- running permitd whose workers wrap new DEKs under it (the instances table
-- below, which every permitd master keeps current). Once the database has
-- retired a KEK, nothing can be wrapped under it any more: the guard trigger
-- refuses, loudly, a row that names it, rather than store a record nobody
-- could open once the key is archived.
--
-- Runs as permit_owner. Neither table holds account data, so neither needs
-- row-level security; permit_app gets no grant on either, only the narrow
-- SECURITY DEFINER functions below.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- Every KEK a DEK was ever wrapped under, registered by the guard on first
-- use. `active` means DEKs may still be wrapped under it (whether it is a
-- keyring's active KEK is the keyring's business); `retired` is final:
-- permitctl keys retire sets it once nothing uses the KEK.
CREATE TABLE keks (
	id            text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.-]{1,32}$'),
	state         text NOT NULL DEFAULT 'active'
	              CHECK (state IN ('active', 'retired')),
	first_used_at timestamptz NOT NULL DEFAULT now(),
	retired_at    timestamptz,
	CONSTRAINT keks_retired_at CHECK ((state = 'retired') = (retired_at IS NOT NULL))
);

REVOKE ALL ON keks FROM PUBLIC;

-- The guard of every sealed table (BEFORE INSERT OR UPDATE OF kek_id,
-- dek_wrapped): the row's KEK must not be retired. Its KEY SHARE lock on the
-- KEK's row is compatible with every other writer under that KEK, but not
-- with the FOR UPDATE lock `keys retire` takes before it counts: whichever
-- of the two comes second waits for the first to commit and then sees what
-- it did. A write first makes retire count its row and refuse; retire first
-- makes the write fail here. Either way no DEK ends up under an archived KEK.
CREATE FUNCTION permit_kek_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	s text;
BEGIN
	SELECT k.state INTO s FROM keks k WHERE k.id = NEW.kek_id FOR KEY SHARE;
	IF NOT FOUND THEN
		INSERT INTO keks (id) VALUES (NEW.kek_id) ON CONFLICT (id) DO NOTHING;
		SELECT k.state INTO s FROM keks k WHERE k.id = NEW.kek_id FOR KEY SHARE;
	END IF;
	IF s IS DISTINCT FROM 'active' THEN
		RAISE EXCEPTION 'kek % is retired: no data key may be wrapped under it', NEW.kek_id
			USING ERRCODE = 'check_violation',
			      HINT = 'permitd runs with an old keyring: rotate, then permitctl reload';
	END IF;
	RETURN NEW;
END
$$;

-- One trigger per table of db/sql/sealed.def, named <table>_kek_guard (a
-- migration adding a sealed table adds its own; an integration test checks
-- that every registered table has one).
CREATE TRIGGER accounts_kek_guard
	BEFORE INSERT OR UPDATE OF kek_id, dek_wrapped ON accounts
	FOR EACH ROW EXECUTE FUNCTION permit_kek_guard();
CREATE TRIGGER applications_kek_guard
	BEFORE INSERT OR UPDATE OF kek_id, dek_wrapped ON applications
	FOR EACH ROW EXECUTE FUNCTION permit_kek_guard();

-- Running permitd masters, one row each, written at start, after every
-- reload and by a heartbeat (every 10 s), deleted at a clean exit. id is
-- random per master life, so a pid reused on a host is a new row.
CREATE TABLE instances (
	id           uuid PRIMARY KEY,
	host         text NOT NULL CHECK (length(host) BETWEEN 1 AND 255),
	pid          integer NOT NULL CHECK (pid > 0),
	started_at   timestamptz NOT NULL,
	seen_at      timestamptz NOT NULL DEFAULT now(),
	-- KEKs its workers wrap new DEKs under: the active KEK of every worker
	-- generation still running (two while a reload drains the old one).
	sealing_keks text[] NOT NULL CHECK (cardinality(sealing_keks) >= 1),
	-- Every KEK its current keyring holds, to open with.
	held_keks    text[] NOT NULL
);

REVOKE ALL ON instances FROM PUBLIC;

-- The masters that count: heard from in the last 30 seconds (three missed
-- heartbeats). One that crashed, or cannot reach the database, stops
-- counting after that. permitctl reads this, as the owner.
CREATE VIEW live_instances AS
	SELECT id, host, pid, started_at, seen_at, sealing_keks, held_keks
	FROM instances
	WHERE seen_at > now() - interval '30 seconds';

REVOKE ALL ON live_instances FROM PUBLIC;

-- A master's announcement and heartbeat: its row, now. Returns the KEKs it
-- seals under that the database has retired (normally none), so the master
-- can say loudly that its workers' writes will be refused. Rows of masters
-- silent for a day are swept here.
CREATE FUNCTION permit_instance_announce(p_id uuid, p_host text, p_pid integer,
	p_started_at timestamptz, p_sealing text[], p_held text[])
RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	INSERT INTO instances AS i (id, host, pid, started_at, seen_at,
		sealing_keks, held_keks)
	VALUES (p_id, p_host, p_pid, p_started_at, now(), p_sealing, p_held)
	ON CONFLICT (id) DO UPDATE
		SET seen_at = now(), sealing_keks = EXCLUDED.sealing_keks,
		    held_keks = EXCLUDED.held_keks
		WHERE i.host = EXCLUDED.host AND i.pid = EXCLUDED.pid;
	DELETE FROM instances i WHERE i.seen_at < now() - interval '1 day';
	RETURN QUERY SELECT k.id FROM keks k
		WHERE k.id = ANY (p_sealing) AND k.state = 'retired' ORDER BY k.id;
END
$$;

-- A master's clean exit.
CREATE FUNCTION permit_instance_leave(p_id uuid)
RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
	DELETE FROM instances WHERE id = p_id;
$$;

REVOKE ALL ON FUNCTION permit_kek_guard() FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_instance_announce(uuid, text, integer, timestamptz, text[], text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_instance_leave(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_instance_announce(uuid, text, integer, timestamptz, text[], text[]) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_instance_leave(uuid) TO permit_app;
