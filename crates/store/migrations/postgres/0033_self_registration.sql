-- Self-registration of OPD staff (issue 18): a sign-up waits here — first
-- for its e-mail to be confirmed (token_hash set, confirmed_at NULL), then
-- for an administrator's approval — and becomes a person and a login only
-- when approved. Only the SHA-256 of the confirmation secret is kept; the
-- row goes when approved, refused or expired (expires_at).
CREATE TABLE registrations (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    nip TEXT NOT NULL,
    name TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    token_hash TEXT,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    expires_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX registrations_token ON registrations(token_hash);
CREATE INDEX registrations_agency ON registrations(agency_id, confirmed_at);
CREATE INDEX registrations_expiry ON registrations(expires_at);

-- A sign-up's mail goes to an address that is nobody's yet: the outbox's
-- person becomes optional.
ALTER TABLE outbox ALTER COLUMN person_id DROP NOT NULL;
