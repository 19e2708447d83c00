-- The accountability report's count of cases that ended in the period
-- with a whole-procedure deadline (report.rs, `procedures`): read from
-- this index alone, not from every case the agency ever had (at a million
-- cases, a scan of about 120 ms in every report).
CREATE INDEX cases_ended ON cases(agency_id, closed_at, sop_id, late_minutes)
    WHERE due_at IS NOT NULL AND status <> 'open';
