-- Notifications people read (issue 18): what each notification is about,
-- how each person wants each kind on each channel (at once, in a daily
-- digest, or not at all), the agency's HTTP message gateway (WhatsApp,
-- Telegram), gateway messages in the same outbox as mail, and the days a
-- digest went out, claimed so that it goes once however many servers run.

ALTER TABLE notifications ADD COLUMN kind TEXT NOT NULL DEFAULT 'pengawasan';
CREATE INDEX notifications_case ON notifications(person_id, case_id, created_at);

-- No row for a kind and channel: the default (e-mail at once, gateway off).
CREATE TABLE notification_choices (
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    delivery TEXT NOT NULL,
    PRIMARY KEY (person_id, kind, channel)
);
CREATE INDEX notification_choices_delivery ON notification_choices(delivery, person_id);

-- Kept apart from people, which an import from SIMPEG rewrites.
CREATE TABLE notification_settings (
    person_id TEXT PRIMARY KEY REFERENCES people(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    -- Minutes after local midnight (the agency's time zone).
    digest_minute BIGINT NOT NULL,
    chat_id TEXT
);

CREATE TABLE message_gateways (
    agency_id TEXT PRIMARY KEY REFERENCES agencies(id),
    url TEXT NOT NULL,
    -- A JSON list of [name, value], sealed with the data key when there is one.
    headers TEXT NOT NULL,
    body_template TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
ALTER TABLE outbox ADD COLUMN chat_id TEXT;
ALTER TABLE outbox ADD COLUMN link TEXT;
CREATE INDEX outbox_channel_due ON outbox(channel, sent_at, gave_up, next_attempt_at);

CREATE TABLE digest_runs (
    person_id TEXT NOT NULL REFERENCES people(id),
    channel TEXT NOT NULL,
    day TEXT NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, channel, day)
);
