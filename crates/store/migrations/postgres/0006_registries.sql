-- Registries of what the work produced (VPN accounts, subdomains, e-mail
-- accounts, the server-room access list), each entry with its history;
-- and the agency's domains the names are checked against.

ALTER TABLE agencies ADD COLUMN domain TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN mail_domain TEXT NOT NULL DEFAULT '';

CREATE TABLE registry_entries (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id),
    unit_id TEXT NOT NULL,
    responsible TEXT NOT NULL,
    valid_until TEXT,
    details TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('aktif', 'ditangguhkan', 'dicabut')),
    created_by TEXT NOT NULL REFERENCES people(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- A name is taken while its entry is not revoked.
CREATE UNIQUE INDEX registry_entries_live_name ON registry_entries(agency_id, kind, name) WHERE state <> 'dicabut';
CREATE INDEX registry_entries_kind ON registry_entries(agency_id, kind, state);

CREATE TABLE registry_history (
    entry_id TEXT NOT NULL REFERENCES registry_entries(id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    by_person TEXT NOT NULL REFERENCES people(id),
    state TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (entry_id, seq)
);
