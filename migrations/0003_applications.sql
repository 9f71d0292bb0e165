-- 0003_applications: citizens' passport and travel-permit applications, and
-- the Idempotency-Key ledger of POSTs (issue 4, part B).
--
-- Runs as permit_owner after 0002_accounts. Only workflow metadata is
-- plaintext (DESIGN.md invariant 1): kind, status, office, appointment,
-- passport type and timestamps. Every identity field is an s_* column sealed
-- under the row's own DEK (invariant 2), bound to table, row id, owner and
-- field name (invariant 3). Rows are admitted to permit_app by forced RLS on
-- the transaction's permit.account_id only (invariant 4b).

-- Refuses unless run as permit_owner (defined in 0001).
SELECT permit_assert_migrator();

CREATE TABLE applications (
	id                uuid PRIMARY KEY,
	account_id        uuid NOT NULL REFERENCES accounts (id),
	kind              text NOT NULL CHECK (kind IN ('passport', 'travel_permit')),
	status            text NOT NULL DEFAULT 'submitted'
	                  CHECK (status IN ('submitted', 'booked', 'approved',
	                                    'rejected', 'no_show', 'cancelled')),
	office            text NOT NULL REFERENCES offices (code),
	appointment       date,
	passport_type     text CHECK (passport_type IN ('new', 'renewal')),

	-- Keyed BLAKE2b of the normalised NIK (crypto/bidx.h, field "nik"):
	-- equality only, for the one-active-application rule below.
	nik_bidx          bytea NOT NULL CHECK (length(nik_bidx) = 32),

	-- The row's DEK wrapped by KEK kek_id (rewrapped online on rotation).
	dek_wrapped       bytea NOT NULL,
	kek_id            text NOT NULL,

	-- Sealed fields (crypto/seal.h format 1), one per JSON field of API.md.
	s_full_name       bytea NOT NULL,
	s_nik             bytea NOT NULL,
	s_kk_number       bytea NOT NULL,
	s_npwp            bytea,
	s_birth_date      bytea NOT NULL,
	s_birth_place     bytea NOT NULL,
	s_sex             bytea NOT NULL,
	s_phone           bytea NOT NULL,
	s_address         bytea NOT NULL,
	s_mother_name     bytea NOT NULL,
	s_previous_number bytea,
	s_origin          bytea,
	s_destination     bytea,
	s_depart_on       bytea,
	s_return_on       bytea,
	s_purpose         bytea,

	created_at        timestamptz NOT NULL DEFAULT now(),
	updated_at        timestamptz NOT NULL DEFAULT now(),

	-- The shape of API.md, kept by the database too: passport data for
	-- passports only, travel data for travel permits only.
	CONSTRAINT applications_passport_shape CHECK (
		(kind = 'passport') = (passport_type IS NOT NULL)
		AND (s_previous_number IS NULL OR passport_type = 'renewal')),
	CONSTRAINT applications_travel_shape CHECK (
		(kind = 'travel_permit') = (s_origin IS NOT NULL)
		AND (s_origin IS NULL) = (s_destination IS NULL)
		AND (s_origin IS NULL) = (s_depart_on IS NULL)
		AND (s_origin IS NULL) = (s_return_on IS NULL)
		AND (s_origin IS NULL) = (s_purpose IS NULL)),
	-- As on accounts: the column names the KEK the wrapped DEK names.
	CONSTRAINT applications_kek_matches_dek CHECK (CASE WHEN length(dek_wrapped) > 2
		THEN substring(dek_wrapped FROM 3 FOR get_byte(dek_wrapped, 1))
		     = convert_to(kek_id, 'UTF8')
		ELSE false END)
);

-- The owner leads the key of every per-owner access path, so the table can
-- later be distributed by owner (DESIGN.md, Resilience).
CREATE INDEX applications_account_created ON applications (account_id, created_at);

-- One active application per NIK and kind across all accounts (DESIGN.md,
-- Anti-abuse). Enforced by the index, whatever RLS hides from the inserter.
CREATE UNIQUE INDEX applications_active_nik ON applications (nik_bidx, kind)
	WHERE status IN ('submitted', 'booked');

-- permitctl keys rewrap/retire find DEKs by KEK.
CREATE INDEX applications_kek ON applications (kek_id);

ALTER TABLE applications ENABLE ROW LEVEL SECURITY;
ALTER TABLE applications FORCE ROW LEVEL SECURITY;

CREATE POLICY applications_own ON applications TO permit_app
	USING (account_id = nullif(current_setting('permit.account_id', true), '')::uuid)
	WITH CHECK (account_id = nullif(current_setting('permit.account_id', true), '')::uuid);

-- The owner role runs migrations and permitctl keys rewrap.
CREATE POLICY applications_owner ON applications TO permit_owner
	USING (true) WITH CHECK (true);

REVOKE ALL ON applications FROM PUBLIC;
GRANT SELECT ON applications TO permit_app;
GRANT INSERT (id, account_id, kind, office, passport_type, nik_bidx,
	dek_wrapped, kek_id, s_full_name, s_nik, s_kk_number, s_npwp,
	s_birth_date, s_birth_place, s_sex, s_phone, s_address, s_mother_name,
	s_previous_number, s_origin, s_destination, s_depart_on, s_return_on,
	s_purpose) ON applications TO permit_app;
-- Workflow changes only: a citizen's cancel now, bookings later. No DELETE.
GRANT UPDATE (status, appointment, updated_at) ON applications TO permit_app;

-- Idempotency-Key (API.md): the first answer to a POST, per account and key,
-- for 24 hours. Never a response body (it would hold plaintext): the status
-- and the resource it made, whose current representation a replay returns.
-- request_hash is keyed (the blind-index key) over method, path and the
-- canonical body, so the same key with another request is told apart
-- without storing anything that can be checked against a guess.
CREATE TABLE idempotency_keys (
	account_id   uuid NOT NULL REFERENCES accounts (id),
	-- Keyed BLAKE2b of the Idempotency-Key header: a client may put
	-- anything in it, identity data too, so the key itself is not kept.
	key_hash     bytea NOT NULL CHECK (length(key_hash) = 32),
	request_hash bytea NOT NULL CHECK (length(request_hash) = 32),
	status       integer CHECK (status BETWEEN 200 AND 299),
	resource_id  uuid,
	created_at   timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (account_id, key_hash)
);

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;

CREATE POLICY idempotency_keys_own ON idempotency_keys TO permit_app
	USING (account_id = nullif(current_setting('permit.account_id', true), '')::uuid)
	WITH CHECK (account_id = nullif(current_setting('permit.account_id', true), '')::uuid);

CREATE POLICY idempotency_keys_owner ON idempotency_keys TO permit_owner
	USING (true) WITH CHECK (true);

REVOKE ALL ON idempotency_keys FROM PUBLIC;
GRANT SELECT, INSERT ON idempotency_keys TO permit_app;
-- A key older than 24 h is claimed again in place (INSERT ... ON CONFLICT
-- DO UPDATE), and the claim records its outcome before commit.
GRANT UPDATE (request_hash, status, resource_id, created_at)
	ON idempotency_keys TO permit_app;
