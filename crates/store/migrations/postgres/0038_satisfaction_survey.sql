-- Survei Kepuasan Masyarakat (PermenPANRB 14/2017; issue 20). A requester
-- answers once per closed case, anonymously: `satisfaction_answered` only
-- says which cases were answered (so the survey is asked once); a response
-- keeps no case and no person, only the service, its unit and the local
-- day it was given (its id is random, not time-ordered). PostgreSQL keeps
-- rows in the order written; the daily work rewrites these tables in key
-- order (CLUSTER), so the n-th answered case cannot be matched to the n-th
-- response for longer than a day.
CREATE TABLE satisfaction_answered (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id)
);

CREATE TABLE satisfaction_responses (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    sop_id TEXT NOT NULL,
    -- The SOP's unit (its identity's unit) when answered.
    unit TEXT NOT NULL,
    -- The first instant of the agency's local day of the answer.
    answered_on BIGINT NOT NULL,
    comment TEXT
);
CREATE INDEX satisfaction_responses_period ON satisfaction_responses (agency_id, answered_on);

-- One answer per element, by the element's code (persyaratan, prosedur,
-- waktu, biaya, produk, kompetensi, perilaku, pengaduan, sarana).
CREATE TABLE satisfaction_scores (
    response_id TEXT NOT NULL REFERENCES satisfaction_responses(id),
    element TEXT NOT NULL,
    score BIGINT NOT NULL CHECK (score BETWEEN 1 AND 4),
    PRIMARY KEY (response_id, element)
);
