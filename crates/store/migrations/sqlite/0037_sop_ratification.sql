-- SOP review and ratification (issue 19 part 3). A draft goes from its
-- drafters ('konsep') to a reviewer the sender names ('ditinjau'), who
-- comments per field and returns or approves it ('disetujui'); the head
-- ratifies it ('disahkan'): numbered, dated, signed, published as a version
-- that becomes active on its effective date.
ALTER TABLE sop_drafts ADD COLUMN reviewer_id TEXT REFERENCES people(id);

-- A reviewer's (or the head's) comment on one field of a draft: `field`
-- is the editor's field name (identity.nomor, steps.2.time; '' for the
-- whole draft), `quoted` what that field said when commented on, so a
-- comment still reads right after the steps were reordered.
CREATE TABLE sop_draft_comments (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    draft_id TEXT NOT NULL REFERENCES sop_drafts(id),
    revision BIGINT NOT NULL,
    field TEXT NOT NULL,
    quoted TEXT NOT NULL,
    body TEXT NOT NULL,
    written_by TEXT NOT NULL REFERENCES people(id),
    written_at BIGINT NOT NULL
);
CREATE INDEX sop_draft_comments_draft ON sop_draft_comments (draft_id, written_at);

-- A ratified version: when it takes effect (no new case starts on it
-- before; NULL: at once, as every version published without
-- ratification), who ratified it and the signed document.
ALTER TABLE sop_versions ADD COLUMN effective_at BIGINT;
ALTER TABLE sop_versions ADD COLUMN ratified_by TEXT REFERENCES people(id);
ALTER TABLE sop_versions ADD COLUMN signed_pdf BLOB;
-- An SOP withdrawn from use (ditarik): its versions stay for the cases
-- that run on them and for the record; no new case starts on it until a
-- new version is published.
ALTER TABLE sop_versions ADD COLUMN withdrawn_at BIGINT;

-- SOP numbers count in a register of their own ('sop'); SQLite changes a
-- CHECK only by rebuilding the table.
CREATE TABLE letter_sequences_new (
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    register TEXT NOT NULL CHECK (register IN ('masuk', 'keluar', 'sop')),
    scope TEXT NOT NULL,
    year BIGINT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (agency_id, register, scope, year)
);
INSERT INTO letter_sequences_new (agency_id, register, scope, year, last)
    SELECT agency_id, register, scope, year, last FROM letter_sequences;
DROP TABLE letter_sequences;
ALTER TABLE letter_sequences_new RENAME TO letter_sequences;
