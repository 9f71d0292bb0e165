-- 0023_nik_per_account: knowing a NIK is not owning it.
--
-- One submitted application per NIK and kind, whichever account filed it
-- (0003, 0013), let anyone who knew a NIK lock its owner out: file with it
-- first, and the owner's filing was 409 for as long as the squatter's
-- application stayed submitted (nothing ends it). The same 409 told any
-- stranger whether a NIK had an active application. Now the rule holds
-- within an account: one submitted application per account, NIK and kind,
-- so an account's 409 speaks only of its own applications.
--
-- What one person's NIK on many accounts could buy stays bounded where it
-- buys something: one opening-draw entry per NIK and day, whichever
-- account (0018), and missed appointments counted per NIK (0016). A
-- booking is its application's person's: a second account holding one for
-- the same NIK gets what an account with a made-up NIK gets, within the
-- per-account bounds (active applications, booking limits, flags).
--
-- Runs as permit_owner.

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

DROP INDEX applications_active_nik;
CREATE UNIQUE INDEX applications_active_nik
	ON applications (account_id, nik_bidx, kind)
	WHERE status = 'submitted';
