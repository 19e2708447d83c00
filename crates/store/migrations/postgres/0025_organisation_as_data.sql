-- Issue 17: the organisation as data.

-- Each agency's positions, the list every holding chooses from: the unit a
-- position belongs to, the position it reports to (the escalation chain),
-- its rights (a JSON array of codes: heads-agency, signs-letters,
-- reads-reports, keeps-registry) and whether it is an official of the
-- Pemda outside the agency. Positions that holdings named before this
-- list existed are added when the server starts, named by their id.
CREATE TABLE positions (
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    unit_id TEXT REFERENCES units(id),
    reports_to TEXT,
    rights TEXT NOT NULL DEFAULT '[]',
    pemda BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (agency_id, id)
);

-- An installation administrator creates and edits agencies and the
-- structure of each, across the installation.
ALTER TABLE accounts ADD COLUMN installation_admin BIGINT NOT NULL DEFAULT 0;
