-- 0027_draw_day_row: a draw gives its holds on a day that has no
-- office_days row yet.
--
-- A day's office_days row is made by its first booking
-- (permit_booking_take) or by an admin's setting of the day
-- (permit_admin_day). A day that opens by booking_days_ahead, the usual
-- day, gets its seed (permit_draws_due) and, in its window, entries, but
-- no booking: it has no row when its draw runs. The draw took its slots
-- through the two-argument permit_slot_take, whose conditional UPDATE
-- found no row, so the first entry found the day "full" and every entry
-- was put on the waiting list without a hold; then the first first-come
-- booking after the draw made the row and took a slot, and so did the
-- next ones up to the capacity, while every entry still waited: the day
-- went to whoever asked fastest, which the draw is there to prevent.
--
-- Now that take (the draw's and the waiting list's) makes the day's row
-- first, as the booking's take does. A coming day whose draw already ran
-- that way gets its row, and its free slots go to its waiting entries in
-- their order, here.
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

-- As in 0019, the day's row made first when it has none.
CREATE OR REPLACE FUNCTION permit_slot_take(p_office text, p_day date)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	v_quota integer;
BEGIN
	SELECT o.daily_quota INTO v_quota FROM offices o
	WHERE o.code = p_office FOR KEY SHARE;
	INSERT INTO office_days (office, day) VALUES (p_office, p_day)
	ON CONFLICT (office, day) DO NOTHING;
	RETURN permit_slot_take(p_office, p_day, v_quota);
END
$$;

-- The coming days whose entries wait: their slots to them now.
INSERT INTO office_days (office, day)
SELECT DISTINCT e.office, e.day FROM draw_entries e
WHERE e.state = 'waiting' AND e.day > permit_office_today(e.office, now())
ON CONFLICT (office, day) DO NOTHING;
SELECT permit_draw_hand_over(w.office, w.day)
FROM (SELECT DISTINCT e.office, e.day FROM draw_entries e
      WHERE e.state = 'waiting'
          AND e.day > permit_office_today(e.office, now())) w;
