-- The shapes real SOPs need (issue 17): the whole procedure's deadline and
-- its breach and escalation, the employee a request is filed for, and the
-- periods in which a routine SOP was started by the schedule.
ALTER TABLE cases ADD COLUMN due_at BIGINT;
ALTER TABLE cases ADD COLUMN late_minutes BIGINT;
ALTER TABLE cases ADD COLUMN escalated_at BIGINT;
ALTER TABLE cases ADD COLUMN escalations BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN on_behalf_id TEXT;
CREATE INDEX cases_due ON cases(status, due_at);
CREATE INDEX cases_on_behalf ON cases(agency_id, on_behalf_id);

-- One routine case per SOP and period, whoever starts it: two servers or a
-- restart claim the period here, and only the first claim starts a case.
CREATE TABLE routine_runs (
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    sop_id TEXT NOT NULL,
    period TEXT NOT NULL,
    -- Claimed before the case is recorded, in the same transaction.
    case_id TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    PRIMARY KEY (agency_id, sop_id, period)
);
