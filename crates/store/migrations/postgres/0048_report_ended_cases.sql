-- The accountability report's count of cases that ended in the period
-- with a whole-procedure deadline (report.rs, `ENDED_BY_SOP`): read from
-- this index alone, not from every case the agency ever had (at a million
-- cases, 120 ms or more in every report). The condition's columns are
-- indexed too: SQLite reads a partial index alone only if it holds every
-- column the query names.
CREATE INDEX cases_ended ON cases(agency_id, closed_at, sop_id, late_minutes, due_at, status)
    WHERE due_at IS NOT NULL AND status <> 'open';
