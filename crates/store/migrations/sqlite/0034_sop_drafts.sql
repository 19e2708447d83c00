-- SOP drafts (issue 19): an agency's definitions being written in the
-- browser's editor, not yet published. `source` is the TOML text exactly
-- as uploaded or last saved. `revision` counts the saves: a save names the
-- revision it was made on, and one made on an older revision is refused,
-- so a second editor is told instead of silently overwriting the first.
-- `sop_id` and `title` are what the text said when last saved, for the
-- list. A published draft keeps the version it became and changes no more.
CREATE TABLE sop_drafts (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    -- 'baru' (from scratch), 'unggahan' (an uploaded file), 'revisi' (of the active version)
    origin TEXT NOT NULL,
    sop_id TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    revision BIGINT NOT NULL,
    -- 'konsep', or 'terbit' once published
    status TEXT NOT NULL,
    published_version BIGINT,
    created_by TEXT NOT NULL REFERENCES people(id),
    created_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES people(id),
    updated_at BIGINT NOT NULL
);
CREATE INDEX sop_drafts_agency ON sop_drafts (agency_id, updated_at);
