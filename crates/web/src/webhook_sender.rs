//! The worker that posts the event feed to the agencies' webhooks
//! ([`store::webhooks`]): every round it claims the receivers that are due
//! and posts each one the items after its cursor, one at a time and in
//! order, moving the cursor past each item the receiver took (2xx). The
//! first failure ends that receiver's turn; the store tries it again after
//! the backoff, from the same item. A receiver's progress is recorded only
//! while this sender's claim on it holds, so two servers never post to one
//! receiver at once.

use std::time::Duration;

use store::Store;
use store::webhooks::{Delivery, DueWebhook};

use crate::api::feed::view;

/// How often due receivers are looked for.
pub const EVERY: Duration = Duration::from_secs(2);
/// Receivers served per round.
const RECEIVERS: usize = 20;
/// Items read per receiver per turn; a receiver with more is due again at once.
const ITEMS: i64 = 100;
/// How long a receiver may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How long one receiver is served in a turn: with one more answer's
/// [`TIMEOUT`], well inside its claim ([`store::webhooks::CLAIM_MS`]).
const TURN_MS: i64 = 60_000;
/// The header naming the event's kind.
pub const KIND_HEADER: &str = "x-sopir-event";
/// The header carrying the event's id (also sent as `Idempotency-Key`).
pub const EVENT_ID_HEADER: &str = "x-sopir-event-id";

/// The time on a round's clock: `start` (which tests may set ahead) plus
/// the real time since the round began.
struct Clock {
    start: i64,
    began: std::time::Instant,
}

impl Clock {
    fn now(&self) -> i64 {
        self.start + i64::try_from(self.began.elapsed().as_millis()).unwrap_or(i64::MAX / 2)
    }
}

/// Serves the receivers due at `now`; how many items were delivered and
/// how many deliveries failed.
pub async fn round(store: &Store, now: i64) -> Result<(usize, usize), store::StoreError> {
    let clock = Clock { start: now, began: std::time::Instant::now() };
    let (mut delivered, mut failed) = (0, 0);
    for _ in 0..RECEIVERS {
        // Claimed at the time of claiming: a turn before it may have been long.
        let Some(due) = store.claim_due_webhook(clock.now()).await? else { break };
        let (d, f) = serve(store, &due, &clock).await?;
        delivered += d;
        failed += f;
    }
    Ok((delivered, failed))
}

/// Posts `due`'s waiting items until one fails, its turn is over, or none
/// is left.
async fn serve(store: &Store, due: &DueWebhook, clock: &Clock) -> Result<(usize, usize), store::StoreError> {
    let webhook = &due.webhook;
    let started = clock.now();
    let page = store.feed(&webhook.agency, webhook.delivered_up_to, ITEMS).await?;
    let mut delivered = 0;
    let mut failures = webhook.failures;
    for item in page.items.iter().filter(|item| webhook.kinds.takes(&item.event)) {
        if clock.now() - started > TURN_MS {
            // The rest in the next round, from where this one stopped.
            store.webhook_released(due, clock.now()).await?;
            return Ok((delivered, 0));
        }
        let body = serde_json::to_vec(&view(item)).expect("a feed item serialises");
        let id = item.id();
        let kind = item.event.kind().key();
        let headers = [(KIND_HEADER, kind), (EVENT_ID_HEADER, id.as_str())];
        let posted = connectors::webhook::post(&webhook.url, &due.secret, TIMEOUT, &id, &headers, body).await;
        let mut delivery = Delivery {
            event_id: id,
            kind: kind.to_string(),
            attempt: failures + 1,
            at: clock.now(),
            status: None,
            error: String::new(),
        };
        match posted {
            Ok((status, _)) if (200..300).contains(&status) => {
                delivery.status = Some(i64::from(status));
                if !store.webhook_delivered(due, item.position, Some(&delivery)).await? {
                    return Ok((delivered, 0)); // Another server has it now.
                }
                delivered += 1;
                failures = 0;
            }
            // Only the status of a refusal is kept: the receiver's own words
            // could be anything at that address.
            Ok((status, _)) => {
                delivery.status = Some(i64::from(status));
                delivery.error = format!("HTTP {status}");
                store.webhook_failed(due, failures, &delivery).await?;
                return Ok((delivered, 1));
            }
            Err(e) => {
                delivery.error = e.to_string();
                store.webhook_failed(due, failures, &delivery).await?;
                return Ok((delivered, 1));
            }
        }
    }
    // Past the events it does not take, too.
    if page.next > webhook.delivered_up_to && !store.webhook_delivered(due, page.next, None).await? {
        return Ok((delivered, 0));
    }
    let next = if page.more { clock.now() } else { clock.now() + EVERY.as_millis() as i64 };
    store.webhook_released(due, next).await?;
    Ok((delivered, 0))
}

/// Serves due receivers every [`EVERY`], for as long as the server runs.
pub async fn run_forever(store: std::sync::Arc<Store>) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tick.tick().await;
        if let Err(e) = round(&store, crate::now_ms()).await {
            tracing::warn!("webhook tidak dapat dikirim, dicoba lagi: {e}");
        }
    }
}
