-- 0004_office_days: how many appointments each office has taken per day.
--
-- A day's capacity is its office's daily_quota; `booked` counts the
-- appointments taken, so remaining = daily_quota - booked. Booking takes a
-- slot with one conditional UPDATE ... WHERE booked < quota, and cancelling
-- gives it back, so exactly the quota can succeed whatever the concurrency.
-- Rows appear on a day's first booking; a day without a row has nothing
-- booked. Counts only: no account, no identity data, so no row-level
-- security is needed.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

CREATE TABLE office_days (
	office text NOT NULL REFERENCES offices (code),
	day    date NOT NULL,
	booked integer NOT NULL DEFAULT 0 CHECK (booked >= 0),
	PRIMARY KEY (office, day)
);

REVOKE ALL ON office_days FROM PUBLIC;
-- GET /api/v1/offices/{code}/days reads it; booking grants its writes.
GRANT SELECT ON office_days TO permit_app;
