-- Escorted visits to the server room (pencatatan akses ruang server): one
-- row per visit request, from submission to check-out. The visitor's NIK
-- stays in the case's sealed events; this log keeps no personal number.

CREATE TABLE visits (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    visitor TEXT NOT NULL,
    institution TEXT NOT NULL,
    purpose TEXT NOT NULL,
    planned_start TEXT NOT NULL,
    planned_end TEXT NOT NULL,
    planned_end_at BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('diajukan', 'ditolak', 'ditarik', 'masuk', 'selesai')),
    badge TEXT,
    escort_id TEXT REFERENCES people(id),
    checked_in_at BIGINT,
    checked_out_at BIGINT,
    submitted_at BIGINT NOT NULL
);
CREATE INDEX visits_agency ON visits(agency_id, submitted_at);
