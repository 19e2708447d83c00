-- Letters and registers: the incoming register (agenda surat masuk), the
-- versions of each notification letter, the outgoing register (agenda
-- surat keluar) with the signed PDF, yearly number sequences, officials'
-- signing certificates and agency logos.

ALTER TABLE agencies ADD COLUMN letters TEXT NOT NULL DEFAULT '{}';

CREATE TABLE letter_sequences (
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    register TEXT NOT NULL CHECK (register IN ('masuk', 'keluar')),
    scope TEXT NOT NULL,
    year BIGINT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (agency_id, register, scope, year)
);

CREATE TABLE incoming_letters (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    year BIGINT NOT NULL,
    agenda_no BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    sender TEXT NOT NULL,
    letter_number TEXT NOT NULL,
    letter_date TEXT NOT NULL,
    subject TEXT NOT NULL,
    attachments TEXT NOT NULL,
    forwarded_to TEXT NOT NULL DEFAULT '',
    remarks TEXT NOT NULL DEFAULT '',
    UNIQUE (agency_id, year, agenda_no)
);

CREATE TABLE letter_drafts (
    case_id TEXT NOT NULL REFERENCES cases(id),
    version BIGINT NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    subject TEXT NOT NULL,
    recipient TEXT NOT NULL,
    body TEXT NOT NULL,
    written_by TEXT NOT NULL REFERENCES people(id),
    written_at BIGINT NOT NULL,
    review TEXT CHECK (review IN ('disetujui', 'dikembalikan')),
    review_note TEXT,
    reviewed_by TEXT REFERENCES people(id),
    reviewed_at BIGINT,
    PRIMARY KEY (case_id, version)
);

CREATE TABLE outgoing_letters (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    case_id TEXT NOT NULL REFERENCES cases(id),
    draft_version BIGINT NOT NULL,
    year BIGINT NOT NULL,
    seq BIGINT,
    number TEXT NOT NULL,
    dated_at BIGINT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    signer_id TEXT NOT NULL REFERENCES people(id),
    signer_title TEXT NOT NULL,
    sent_at BIGINT,
    sent_by TEXT REFERENCES people(id),
    code TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    pdf BLOB NOT NULL,
    UNIQUE (agency_id, number)
);
CREATE INDEX outgoing_letters_case ON outgoing_letters(case_id);

CREATE TABLE signing_certificates (
    person_id TEXT PRIMARY KEY REFERENCES people(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    p12 BLOB NOT NULL,
    subject TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE agency_logos (
    agency_id TEXT PRIMARY KEY REFERENCES agencies(id),
    png BLOB NOT NULL,
    updated_at BIGINT NOT NULL
);
