-- How often an agency monitors its SOPs: the length of a monitoring period
-- in months, periods counted from the start of the year (6: two semesters).
-- Without a row, every six months.
CREATE TABLE sop_monitoring_settings (
    agency_id TEXT PRIMARY KEY REFERENCES agencies(id),
    months BIGINT NOT NULL CHECK (months IN (1, 2, 3, 4, 6, 12))
);
