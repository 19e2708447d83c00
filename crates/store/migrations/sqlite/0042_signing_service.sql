-- Certified signing through a remote signing service (BSrE e-sign client
-- service), and a letter that waits for its signature.
--
-- signed_with: how the letter was signed — 'sertifikat' (the official's
-- PKCS#12 in Sopir), 'layanan' (the agency's signing service), 'basah'
-- (wet ink, scanned and uploaded); NULL while it waits in the signing
-- queue with its reserved number. signing_error: why the last attempt
-- failed, as told to the signer.
ALTER TABLE outgoing_letters ADD COLUMN signed_with TEXT DEFAULT 'sertifikat';
ALTER TABLE outgoing_letters ADD COLUMN signing_error TEXT NOT NULL DEFAULT '';
ALTER TABLE outgoing_letters ADD COLUMN back_told_at BIGINT;
-- 1 when the last attempt failed because the service could not be
-- reached: its return is told to the signer.
ALTER TABLE outgoing_letters ADD COLUMN signing_unreachable BIGINT NOT NULL DEFAULT 0;
CREATE INDEX outgoing_letters_waiting ON outgoing_letters(agency_id) WHERE signed_with IS NULL;

-- An agency's signing service: where it is and the client-service
-- credentials (the password sealed with the data key).
CREATE TABLE signing_services (
    agency_id TEXT PRIMARY KEY REFERENCES agencies(id),
    url TEXT NOT NULL,
    username TEXT NOT NULL,
    password TEXT NOT NULL,
    timeout_secs BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The NIK a signing official is known by at the signing service, sealed.
CREATE TABLE signer_identities (
    person_id TEXT PRIMARY KEY REFERENCES people(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    nik TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Who issued an uploaded certificate and until when it is valid, read at
-- upload (the file itself opens only with the passphrase), so that
-- administrators are warned before it expires.
ALTER TABLE signing_certificates ADD COLUMN issuer TEXT NOT NULL DEFAULT '';
ALTER TABLE signing_certificates ADD COLUMN not_after BIGINT;

-- How a letter was sent ("Kirim"): 'srikandi', 'email', 'langsung' (by
-- hand), 'ekspedisi' (courier or post).
ALTER TABLE outgoing_letters ADD COLUMN sent_via TEXT;

-- Tembusan of a letter draft, one addressee per line.
ALTER TABLE letter_drafts ADD COLUMN copies TEXT NOT NULL DEFAULT '';

-- The files enclosed with a case's letter (Lampiran), set at its drafting
-- step and embedded in its PDF.
CREATE TABLE letter_enclosures (
    case_id TEXT NOT NULL REFERENCES cases(id),
    position BIGINT NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    filename TEXT NOT NULL,
    data BLOB NOT NULL,
    added_by TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, position)
);
