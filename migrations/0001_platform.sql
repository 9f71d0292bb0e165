-- 0001_platform: the runtime role's grants model, maintenance mode, offices.
--
-- Runs as permit_owner (permitctl migrate up), which owns every object made
-- here. permitd connects as permit_app, which owns nothing and gets explicit
-- grants per object, column by column where it writes: no default privilege
-- ever grants it anything on a table a later migration creates.

DO $$
BEGIN
	IF current_user <> 'permit_owner' THEN
		RAISE EXCEPTION 'migrations run as permit_owner, not %', current_user
			USING HINT = 'permitctl migrate up --database "user=permit_owner dbname=permit ..."';
	END IF;
END
$$;

-- Functions are executable by PUBLIC unless revoked. The SECURITY DEFINER
-- look-ups later migrations add must be callable only by whom they grant.
ALTER DEFAULT PRIVILEGES FOR ROLE permit_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- Every later migration starts with SELECT permit_assert_migrator(), so one
-- applied by hand as another role fails before it creates anything.
CREATE FUNCTION permit_assert_migrator() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF current_user <> 'permit_owner' THEN
		RAISE EXCEPTION 'migrations run as permit_owner, not %', current_user
			USING HINT = 'permitctl migrate up --database "user=permit_owner dbname=permit ..."';
	END IF;
END
$$;

-- Maintenance mode (DESIGN.md invariant 7): one row, read by every worker
-- of every host, so they all agree.
CREATE TABLE service_state (
	id         boolean PRIMARY KEY DEFAULT true CHECK (id),
	mode       text NOT NULL DEFAULT 'normal'
	           CHECK (mode IN ('normal', 'read_only', 'closed')),
	message    text CHECK (message IS NULL OR length(message) <= 500),
	updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO service_state DEFAULT VALUES;

REVOKE ALL ON service_state FROM PUBLIC;
GRANT SELECT ON service_state TO permit_app;
-- The admin maintenance endpoint switches the mode; it never inserts or
-- deletes the row.
GRANT UPDATE (mode, message, updated_at) ON service_state TO permit_app;

-- Immigration offices: where applications are reviewed and appointments
-- booked. Demo rows come from scripts/demo.sql, never from a migration.
CREATE TABLE offices (
	code        text PRIMARY KEY CHECK (code ~ '^[A-Z]{3}(-[A-Z]{3})?$'),
	name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	city        text NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
	daily_quota integer NOT NULL DEFAULT 200 CHECK (daily_quota >= 0),
	-- Indonesia's three zones: WIB, WITA, WIT.
	timezone    text NOT NULL DEFAULT 'Asia/Jakarta'
	            CHECK (timezone IN ('Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'))
);

REVOKE ALL ON offices FROM PUBLIC;
GRANT SELECT ON offices TO permit_app;
-- Admins set an office's daily quota; nothing else about an office changes
-- at run time.
GRANT UPDATE (daily_quota) ON offices TO permit_app;
