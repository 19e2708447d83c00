-- The REST API: personal tokens (only their SHA-256 is kept; the token is
-- shown once, when made) and the idempotency keys of creating and acting
-- calls, so a retried call never acts twice and gets the first answer.

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES accounts(username),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_owner ON api_tokens(username);

CREATE TABLE api_idempotency (
    username TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    -- The case a creating call will make (chosen before it runs), so a call
    -- cut off by a crash can tell afterwards whether it took effect.
    case_id TEXT,
    status BIGINT,
    body TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (username, idem_key)
);
CREATE INDEX api_idempotency_age ON api_idempotency(created_at);

-- Case lists page by (opened_at, id), newest first.
CREATE INDEX cases_opened ON cases(agency_id, opened_at, id);
CREATE INDEX cases_requester ON cases(agency_id, requester_id, opened_at, id);

-- A person's newest notifications without sorting all of them.
CREATE INDEX notifications_recent ON notifications(person_id, created_at);
