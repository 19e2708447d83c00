-- Access reviews: each live registry entry a review case covers, and what
-- the reviewer decided (kept or revoked, with the reason), or that nobody
-- reviewed it before the review closed.

CREATE TABLE review_items (
    case_id TEXT NOT NULL REFERENCES cases(id),
    entry_id TEXT NOT NULL REFERENCES registry_entries(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    decision TEXT CHECK (decision IN ('tetap', 'cabut', 'tidak-ditinjau')),
    reason TEXT,
    decided_by TEXT REFERENCES people(id),
    decided_at BIGINT,
    PRIMARY KEY (case_id, entry_id)
);
