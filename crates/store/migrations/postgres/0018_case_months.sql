-- The report's cases per SOP and outcome, by the month (in the agency's own
-- time) the case was opened: kept as cases open and close, filled once from
-- the existing cases by the server (see 0015).
CREATE TABLE case_months (
    agency_id TEXT NOT NULL,
    month BIGINT NOT NULL,
    sop_id TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (agency_id, month, sop_id, status)
);
CREATE TABLE case_months_filled (filled_at BIGINT NOT NULL);
