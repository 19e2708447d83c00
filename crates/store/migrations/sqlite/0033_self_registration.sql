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
-- person becomes optional (SQLite changes a column's constraint only by
-- rebuilding its table).
CREATE TABLE outbox_new (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    person_id TEXT REFERENCES people(id),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    sent_at BIGINT,
    gave_up BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    channel TEXT NOT NULL DEFAULT 'email',
    chat_id TEXT,
    link TEXT
);
INSERT INTO outbox_new SELECT id, agency_id, person_id, to_address, subject, body, created_at, attempts,
    next_attempt_at, sent_at, gave_up, last_error, channel, chat_id, link FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(sent_at, gave_up, next_attempt_at);
CREATE INDEX outbox_channel_due ON outbox(channel, sent_at, gave_up, next_attempt_at);
