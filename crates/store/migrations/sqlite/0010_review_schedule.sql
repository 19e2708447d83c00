-- Which periodic review periods have been opened, so that several server
-- processes on one database open each period's review once.

CREATE TABLE review_schedule (
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    sop_id TEXT NOT NULL,
    period BIGINT NOT NULL,
    opened_at BIGINT NOT NULL,
    PRIMARY KEY (agency_id, sop_id, period)
);
