-- E-mail notifications: a person's address and whether they want mail, and
-- the outbox the sender works through, retrying with backoff. Enqueued in
-- the transaction of the action that causes it, so a mail is never lost and
-- a slow or failing mail server never holds an action up.

ALTER TABLE people ADD COLUMN email TEXT;
ALTER TABLE accounts ADD COLUMN email_notifications BIGINT NOT NULL DEFAULT 1;

CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    sent_at BIGINT,
    gave_up BIGINT NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox(sent_at, gave_up, next_attempt_at);
