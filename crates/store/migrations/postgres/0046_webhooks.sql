-- Webhooks an agency subscribes to its event feed (see store::webhooks):
-- each subscription has its own cursor in the agency's audit chain
-- (events.chain_seq), advanced only when the receiver answered 2xx, so
-- every event is delivered at least once and in order. Deliveries are kept
-- so that an administrator sees what was sent and what failed; they are
-- operational records, not audit events (a delivery recorded in the chain
-- would itself be a new event to deliver).
CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    kinds TEXT NOT NULL,
    delivered_up_to BIGINT NOT NULL,
    failures BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- The sender holding it until next_attempt_at: every update of its
    -- progress names it, so a sender whose claim lapsed changes nothing.
    claim TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX webhook_subscriptions_agency ON webhook_subscriptions(agency_id);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    attempt BIGINT NOT NULL,
    at BIGINT NOT NULL,
    status BIGINT,
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries(subscription_id, at);
