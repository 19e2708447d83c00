-- The accountability report over a year reads monthly totals instead of
-- every task completed in it: for each month (in the agency's own time),
-- SOP, step, lane and person, how many tasks took each duration bucket, how
-- many of them were late and by how many minutes in all. Kept as tasks are
-- completed; filled from the existing tasks once, by the server, because
-- the month depends on the agency's time zone.
CREATE TABLE report_months (
    agency_id TEXT NOT NULL,
    month BIGINT NOT NULL,
    sop_id TEXT NOT NULL,
    step BIGINT NOT NULL,
    lane TEXT NOT NULL,
    done_by TEXT NOT NULL,
    minutes BIGINT NOT NULL,
    n BIGINT NOT NULL,
    breaches BIGINT NOT NULL,
    late BIGINT NOT NULL,
    PRIMARY KEY (agency_id, month, sop_id, step, lane, done_by, minutes)
);
-- One row once the totals hold every task completed before this migration.
CREATE TABLE report_months_filled (filled_at BIGINT NOT NULL);
