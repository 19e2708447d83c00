-- One audit chain per agency (see store::audit): an event appended from
-- now on carries its place in its agency's chain (`chain_seq`), and each
-- agency chain's head is kept in `audit_chains`. Events recorded before
-- this migration keep `chain_seq` NULL: they are the installation chain's
-- first part, which goes on with the rows of agency '' (the anchors of the
-- agencies' heads) under `audit_head`. No event is rewritten.
ALTER TABLE events ADD COLUMN chain_seq BIGINT;
CREATE UNIQUE INDEX events_chain ON events(agency_id, chain_seq);

CREATE TABLE audit_chains (
    agency_id TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER audit_chains_forward_only BEFORE UPDATE ON audit_chains
WHEN NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash)
BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END;
CREATE TRIGGER audit_chains_kept BEFORE DELETE ON audit_chains
BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END;

-- Where the installation's single chain of before ended.
CREATE TABLE audit_split (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    legacy_end BIGINT NOT NULL
);
INSERT INTO audit_split (id, legacy_end) SELECT 1, COALESCE(MAX(seq), 0) FROM events;
CREATE TRIGGER audit_split_fixed_update BEFORE UPDATE ON audit_split
BEGIN SELECT RAISE(ABORT, 'the audit split is fixed'); END;
CREATE TRIGGER audit_split_fixed_delete BEFORE DELETE ON audit_split
BEGIN SELECT RAISE(ABORT, 'the audit split is fixed'); END;
