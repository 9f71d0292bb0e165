-- 0024_metrics: what permitd's metrics read of the database's own state
-- (GET /metrics on metrics_listen): the service mode, how many flags are
-- open and how many holds await payment, as counts only: no account, no
-- row, nothing of anyone. The master reads it every few seconds while its
-- metrics are on, so each count is cheap: the open flags and the live
-- holds each have a partial index that holds just them.
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

CREATE INDEX account_flags_open ON account_flags (rule)
	WHERE resolved_at IS NULL;

-- permit_app reads none of account_flags, and only its own principal's
-- bookings: the counts come from this definer function alone.
CREATE FUNCTION permit_metrics_state()
RETURNS TABLE (mode text, flags_open bigint, held bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
	SELECT coalesce((SELECT s.mode FROM service_state s), 'closed'),
	    (SELECT count(*) FROM account_flags f WHERE f.resolved_at IS NULL),
	    (SELECT count(*) FROM bookings b
	     WHERE b.state = 'held' AND b.pay_by > now());
$$;
REVOKE ALL ON FUNCTION permit_metrics_state() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION permit_metrics_state() TO permit_app;
