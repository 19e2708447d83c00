-- Personal data is sealed with a key of its own per case, itself sealed
-- with the installation's data key. Erasing a closed case's personal data
-- after the agency's retention period deletes that key: the sealed values
-- stay in the hash-chained log, unreadable, and the chain stays intact.

CREATE TABLE case_keys (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    sealed_key TEXT NOT NULL
);

ALTER TABLE agencies ADD COLUMN retention_days BIGINT NOT NULL DEFAULT 365;
