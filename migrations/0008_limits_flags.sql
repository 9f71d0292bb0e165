-- 0008_limits_flags: rate limits that hold across workers and hosts, and
-- the flags that put an account under review (issue 9, anti-abuse).
--
-- Rate limits are GCRA buckets, one row per key, each moved by one
-- statement (permit_limit_hit's INSERT ... ON CONFLICT DO UPDATE), so every
-- worker of every host counts against the same row. A key is a keyed hash
-- (32 bytes) that permitd makes with its blind-index key, in a domain of its
-- own per limit: the database never sees an address or an email, and one
-- limit's key says nothing about another's. permit_app reaches the table
-- only through the functions below.
--
-- GCRA: a limit of N per W seconds lets one request through every T = W/N
-- seconds, with a burst of N at once (tolerance W - T). A row keeps the
-- theoretical arrival time `tat`; a row whose tat is past says nothing a
-- missing row does not, so the master's sweep deletes it.
--
-- Flags (account_flags) record that an account matched a rule; they change
-- nothing about the account until an admin acts. The rules run where their
-- events happen, inside the request's transaction, through the functions
-- below; events (account_events) are kept a day.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

CREATE TABLE rate_limits (
	key bytea PRIMARY KEY CHECK (length(key) = 32),
	tat timestamptz NOT NULL
);

CREATE INDEX rate_limits_tat ON rate_limits (tat);

REVOKE ALL ON rate_limits FROM PUBLIC;

-- The checks every limit function makes of its arguments.
CREATE FUNCTION permit_limit_args(p_key bytea, p_limit integer,
	p_window integer)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	IF p_key IS NULL OR length(p_key) <> 32 OR p_limit IS NULL
	    OR p_limit <= 0 OR p_window IS NULL OR p_window <= 0 THEN
		RAISE EXCEPTION 'permit_limit: a 32-byte key, a positive limit and window';
	END IF;
END
$$;

-- One request against limit `p_limit` per `p_window` seconds for key
-- `p_key`: 0 when it passes (and is counted), else the whole seconds until
-- one would pass (nothing counted). The row stays locked until the
-- transaction ends, so concurrent requests of one key queue there.
CREATE FUNCTION permit_limit_hit(p_key bytea, p_limit integer,
	p_window integer)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	t   interval;
	tau interval;
	at  timestamptz;
BEGIN
	PERFORM permit_limit_args(p_key, p_limit, p_window);
	t := make_interval(secs => p_window::double precision / p_limit);
	tau := make_interval(secs => p_window) - t;
	INSERT INTO rate_limits AS r (key, tat) VALUES (p_key, now() + t)
	ON CONFLICT (key) DO UPDATE SET tat = greatest(r.tat, now()) + t
	WHERE greatest(r.tat, now()) - now() <= tau;
	IF FOUND THEN
		RETURN 0;
	END IF;
	SELECT r.tat INTO at FROM rate_limits r WHERE r.key = p_key;
	RETURN greatest(1, ceil(extract(epoch FROM at - tau - now())))::integer;
END
$$;

-- permit_limit_hit for the bound principal (a per-account limit counted in
-- a request's first flight, before the principal is known to permitd): the
-- key is sha256(p_domain || the account id), p_domain a 32-byte secret
-- permitd derives from its blind-index key for this limit alone. 0 for the
-- anonymous principal (nothing counted: the role check refuses it).
CREATE FUNCTION permit_limit_hit_who(p_domain bytea, p_limit integer,
	p_window integer)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	who uuid := nullif(current_setting('permit.account_id', true), '')::uuid;
BEGIN
	IF who IS NULL THEN
		RETURN 0;
	END IF;
	RETURN permit_limit_hit(sha256(p_domain || uuid_send(who)), p_limit,
		p_window);
END
$$;

-- Gives one counted request back (a sign-in that succeeded gives back its
-- address's attempt): the key's tat moves back by one interval.
CREATE FUNCTION permit_limit_undo(p_key bytea, p_limit integer,
	p_window integer)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
	PERFORM permit_limit_args(p_key, p_limit, p_window);
	UPDATE rate_limits r
	SET tat = r.tat - make_interval(secs => p_window::double precision / p_limit)
	WHERE r.key = p_key;
END
$$;

-- Forgets a key (a successful sign-in clears its account's failures).
CREATE FUNCTION permit_limit_clear(p_key bytea)
RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
	DELETE FROM rate_limits r WHERE r.key = p_key;
$$;

-- ------------------------------------------------------------------ flags

-- What an account did, for the rules that count events in a time window.
-- `source` is the keyed hash of the client address for a registration (its
-- own domain, not any limit's), NULL otherwise.
CREATE TABLE account_events (
	account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	kind       text NOT NULL CHECK (kind IN ('registration', 'submission',
	                                         'booking')),
	source     bytea CHECK (source IS NULL OR length(source) = 32),
	at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX account_events_account ON account_events (account_id, kind, at);
CREATE INDEX account_events_source ON account_events (source, at)
	WHERE source IS NOT NULL;
CREATE INDEX account_events_at ON account_events (at);

-- An account matched a rule. `detail` is workflow data only (counts and
-- windows), never identity data. An open flag (resolved_at NULL) puts the
-- account under review; resolving is the back office's (later).
CREATE TABLE account_flags (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	rule        text NOT NULL CHECK (rule IN ('submission_burst',
	                'booking_burst', 'address_registrations',
	                'lapsed_holds', 'late_give_ups')),
	detail      text NOT NULL,
	at          timestamptz NOT NULL DEFAULT now(),
	resolved_at timestamptz
);

CREATE INDEX account_flags_account ON account_flags (account_id, rule, at);

ALTER TABLE account_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE account_events FORCE ROW LEVEL SECURITY;
ALTER TABLE account_flags ENABLE ROW LEVEL SECURITY;
ALTER TABLE account_flags FORCE ROW LEVEL SECURITY;

-- permit_app has no grant on either: it records and asks through the
-- definer functions below, which run as the owner.
CREATE POLICY account_events_owner ON account_events TO permit_owner
	USING (true) WITH CHECK (true);
CREATE POLICY account_flags_owner ON account_flags TO permit_owner
	USING (true) WITH CHECK (true);
REVOKE ALL ON account_events FROM PUBLIC;
REVOKE ALL ON account_flags FROM PUBLIC;

-- Raises flag `p_rule` on `p_account` unless an open one of the rule is
-- already there. Not granted to permit_app: every rule's function calls it.
CREATE FUNCTION permit_flag_raise(p_account uuid, p_rule text, p_detail text)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, public, pg_temp
AS $$
	INSERT INTO account_flags (account_id, rule, detail)
	SELECT p_account, p_rule, p_detail
	WHERE NOT EXISTS (SELECT 1 FROM account_flags f
		WHERE f.account_id = p_account AND f.rule = p_rule
		    AND f.resolved_at IS NULL);
$$;

-- The burst rule: records an event of `p_kind` ('submission'; 'booking'
-- when bookings come) for the bound principal, and flags it
-- (rule '<kind>_burst') when it now has at least p_count such events within
-- p_seconds. Returns whether it is flagged for the rule. Nothing for the
-- anonymous principal.
CREATE FUNCTION permit_flag_burst(p_kind text, p_count integer,
	p_seconds integer)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	who uuid := nullif(current_setting('permit.account_id', true), '')::uuid;
	n   bigint;
BEGIN
	IF p_kind NOT IN ('submission', 'booking') OR p_count IS NULL
	    OR p_count <= 0 OR p_seconds IS NULL OR p_seconds <= 0 THEN
		RAISE EXCEPTION 'permit_flag_burst: a kind, a positive count and window';
	END IF;
	IF who IS NULL THEN
		RETURN false;
	END IF;
	INSERT INTO account_events (account_id, kind) VALUES (who, p_kind);
	SELECT count(*) INTO n FROM account_events e
	WHERE e.account_id = who AND e.kind = p_kind
	    AND e.at > now() - make_interval(secs => p_seconds);
	IF n < p_count THEN
		RETURN false;
	END IF;
	PERFORM permit_flag_raise(who, p_kind || '_burst',
		format('%s %ss within %s s', n, p_kind, p_seconds));
	RETURN true;
END
$$;

-- The address rule: records that account `p_account`, just registered,
-- came from the address whose keyed hash is `p_source`, and flags every
-- account registered from it in the last day when there are more than
-- p_max of them. Returns how many there are. Called in the registration's
-- own transaction (before it there is no principal).
CREATE FUNCTION permit_flag_registration(p_account uuid, p_source bytea,
	p_max integer)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	n bigint;
	a uuid;
BEGIN
	IF p_account IS NULL OR p_source IS NULL OR length(p_source) <> 32
	    OR p_max IS NULL OR p_max <= 0 THEN
		RAISE EXCEPTION 'permit_flag_registration: an account, a 32-byte source, a positive maximum';
	END IF;
	INSERT INTO account_events (account_id, kind, source)
	VALUES (p_account, 'registration', p_source);
	SELECT count(*) INTO n FROM account_events e
	WHERE e.source = p_source AND e.kind = 'registration'
	    AND e.at > now() - interval '1 day';
	IF n > p_max THEN
		FOR a IN SELECT e.account_id FROM account_events e
		    WHERE e.source = p_source AND e.kind = 'registration'
		        AND e.at > now() - interval '1 day'
		LOOP
			PERFORM permit_flag_raise(a, 'address_registrations',
				format('%s accounts registered from one address within a day', n));
		END LOOP;
	END IF;
	RETURN n;
END
$$;

-- The booking check's question (contract for the booking route): true when
-- `p_account` has an open flag of any rule. Answers only for the
-- transaction's bound principal (invariant 4): for any other account, or
-- anonymously, it is false. A booking by a flagged account is refused
-- (409 conflict, "under review"); nothing else about it changes.
CREATE FUNCTION permit_account_flagged(p_account uuid)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
	SELECT EXISTS (SELECT 1 FROM account_flags f
		WHERE f.account_id = p_account AND f.resolved_at IS NULL
		    AND p_account = nullif(current_setting('permit.account_id',
		        true), '')::uuid);
$$;

-- The rules that need the bookings' tables come with them; each is a
-- definer function calling permit_flag_raise, run where its event happens:
--
--   permit_flag_lapses(p_account uuid, p_count integer, p_days integer)
--     RETURNS boolean
--     -- called by the lapse sweep for each lapsed hold's account: flags
--     -- 'lapsed_holds' when it has p_count lapses (default 2) within
--     -- p_days (default 30).
--   permit_flag_give_up(p_account uuid, p_days_before integer,
--     p_count integer, p_window_days integer) RETURNS boolean
--     -- called when a booking is given up (DELETE .../booking, cancel) less
--     -- than p_days_before days before its day: flags 'late_give_ups' at
--     -- p_count such give-ups within p_window_days.
--
-- A booking burst is permit_flag_burst('booking', ...) in the booking's
-- transaction.

-- The master's housekeeping: deletes up to p_limit rate-limit rows that
-- say nothing any more and events older than a day (no rule looks further
-- back). Returns how many rows went.
CREATE FUNCTION permit_limits_sweep(p_limit integer)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	n integer;
	m integer;
BEGIN
	DELETE FROM rate_limits r
	WHERE r.key IN (SELECT d.key FROM rate_limits d WHERE d.tat < now()
		LIMIT greatest(p_limit, 0) FOR UPDATE SKIP LOCKED);
	GET DIAGNOSTICS n = ROW_COUNT;
	DELETE FROM account_events e
	WHERE e.ctid IN (SELECT d.ctid FROM account_events d
		WHERE d.at < now() - interval '1 day'
		LIMIT greatest(p_limit, 0) FOR UPDATE SKIP LOCKED);
	GET DIAGNOSTICS m = ROW_COUNT;
	RETURN n + m;
END
$$;

REVOKE ALL ON FUNCTION permit_limit_args(bytea, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_limit_hit(bytea, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_limit_hit_who(bytea, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_limit_undo(bytea, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_limit_clear(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_flag_raise(uuid, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_flag_burst(text, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_flag_registration(uuid, bytea, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_account_flagged(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION permit_limits_sweep(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_limit_hit(bytea, integer, integer) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_limit_hit_who(bytea, integer, integer) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_limit_undo(bytea, integer, integer) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_limit_clear(bytea) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_flag_burst(text, integer, integer) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_flag_registration(uuid, bytea, integer) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_account_flagged(uuid) TO permit_app;
GRANT EXECUTE ON FUNCTION permit_limits_sweep(integer) TO permit_app;
