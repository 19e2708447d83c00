-- Formulir Evaluasi Penerapan SOP AP (PermenPANRB 35/2012; issue 20). The
-- agency's checklist (the regulation's seven questions until it writes
-- its own), and each evaluation of an SOP: the answers as asked (JSON:
-- question, yes or no, note), notes and recommendation, and the revision
-- draft it opened when it recommended one.
CREATE TABLE sop_evaluation_questions (
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    position BIGINT NOT NULL,
    question TEXT NOT NULL,
    PRIMARY KEY (agency_id, position)
);

CREATE TABLE sop_evaluations (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    sop_id TEXT NOT NULL,
    sop_version BIGINT NOT NULL,
    answers TEXT NOT NULL,
    notes TEXT NOT NULL,
    recommendation TEXT NOT NULL,
    draft_id TEXT REFERENCES sop_drafts(id),
    evaluated_by TEXT NOT NULL REFERENCES people(id),
    evaluated_at BIGINT NOT NULL
);
CREATE INDEX sop_evaluations_sop ON sop_evaluations (agency_id, sop_id, evaluated_at);
CREATE INDEX sop_evaluations_draft ON sop_evaluations (draft_id);
