-- One audit chain per agency (see store::audit): an event appended from
-- now on carries its place in its agency's chain (`chain_seq`), and each
-- agency chain's head is kept in `audit_chains`. Events recorded before
-- this migration keep `chain_seq` NULL: they are the installation chain's
-- first part, which goes on with the rows of agency '' (the anchors of the
-- agencies' heads) under `audit_head`. No event is rewritten. The event's
-- `seq` is now only its order of arrival, drawn from a sequence so writers
-- of different agencies need not wait for each other.
ALTER TABLE events ADD COLUMN chain_seq BIGINT;
CREATE UNIQUE INDEX events_chain ON events(agency_id, chain_seq);
CREATE SEQUENCE events_order;
SELECT setval('events_order', (SELECT COALESCE(MAX(seq), 0) + 1 FROM events), false);

CREATE TABLE audit_chains (
    agency_id TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER audit_chains_forward_only BEFORE UPDATE OR DELETE ON audit_chains
FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
CREATE TRIGGER audit_chains_not_truncated BEFORE TRUNCATE ON audit_chains
FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward_only();

-- Where the installation's single chain of before ended.
CREATE TABLE audit_split (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    legacy_end BIGINT NOT NULL
);
INSERT INTO audit_split (id, legacy_end) SELECT 1, COALESCE(MAX(seq), 0) FROM events;
CREATE FUNCTION audit_split_fixed() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit split is fixed';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_split_fixed BEFORE UPDATE OR DELETE ON audit_split
FOR EACH ROW EXECUTE FUNCTION audit_split_fixed();
