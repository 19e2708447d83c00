-- Formulir Monitoring Pelaksanaan SOP AP (PermenPANRB 35/2012; issue 20):
-- one signed form per SOP and period. `rows` is the form as signed (JSON:
-- per step the procedure, the figures found in the cases, the judgement,
-- the note and the action to take); `summary` the cases of the period.
-- The paraf is who signed it off and when.
CREATE TABLE sop_monitorings (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    sop_id TEXT NOT NULL,
    sop_version BIGINT NOT NULL,
    period_from TEXT NOT NULL,
    period_until TEXT NOT NULL,
    rows TEXT NOT NULL,
    summary TEXT NOT NULL,
    assessed_by TEXT NOT NULL REFERENCES people(id),
    assessed_at BIGINT NOT NULL,
    UNIQUE (agency_id, sop_id, period_from, period_until)
);
CREATE INDEX sop_monitorings_sop ON sop_monitorings (agency_id, sop_id, period_until);
