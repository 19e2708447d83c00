//! The worker that posts the event feed to the agencies' webhooks
//! ([`store::webhooks`]): every round it claims the receivers that are due
//! and posts each one the items after its cursor, one at a time and in
//! order, moving the cursor past each item the receiver took (2xx). The
//! first failure ends that receiver's round; the store tries it again after
//! the backoff, from the same item.

use std::time::Duration;

use store::Store;
use store::webhooks::{Delivery, DueWebhook};

use crate::api::feed::view;

/// How often due receivers are looked for.
pub const EVERY: Duration = Duration::from_secs(2);
/// Receivers served per round.
const RECEIVERS: usize = 20;
/// Items read per receiver per round; a receiver with more is due again at once.
const ITEMS: i64 = 100;
/// How long a receiver may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How long one receiver is served in a round: well inside its claim
/// ([`store::webhooks::CLAIM_MS`]), so that no other server takes it while
/// this one still posts, even to a slow receiver.
const TURN_MS: i64 = 60_000;
/// The header naming the event's kind.
pub const KIND_HEADER: &str = "x-sopir-event";
/// The header carrying the event's id (also sent as `Idempotency-Key`).
pub const EVENT_ID_HEADER: &str = "x-sopir-event-id";

/// Serves the receivers due at `now`; how many items were delivered and
/// how many deliveries failed.
pub async fn round(store: &Store, now: i64) -> Result<(usize, usize), store::StoreError> {
    let (mut delivered, mut failed) = (0, 0);
    for _ in 0..RECEIVERS {
        let Some(due) = store.claim_due_webhook(now).await? else { break };
        let (d, f) = serve(store, &due, now).await?;
        delivered += d;
        failed += f;
    }
    Ok((delivered, failed))
}

/// Posts `due`'s waiting items until one fails or none is left.
async fn serve(store: &Store, due: &DueWebhook, now: i64) -> Result<(usize, usize), store::StoreError> {
    let webhook = &due.webhook;
    let page = store.feed(&webhook.agency, webhook.delivered_up_to, ITEMS).await?;
    let mut delivered = 0;
    let mut failures = webhook.failures;
    let started = crate::now_ms();
    for item in page.items.iter().filter(|item| webhook.kinds.takes(&item.event)) {
        if crate::now_ms() - started > TURN_MS {
            // The rest in the next round, from where this one stopped.
            store.webhook_released(&webhook.id, now).await?;
            return Ok((delivered, 0));
        }
        let body = serde_json::to_vec(&view(item)).expect("a feed item serialises");
        let id = item.id();
        let kind = item.event.kind();
        let headers = [(KIND_HEADER, kind), (EVENT_ID_HEADER, id.as_str())];
        let posted = connectors::webhook::post(&webhook.url, &due.secret, TIMEOUT, &id, &headers, body).await;
        let at = crate::now_ms();
        let mut delivery = Delivery {
            event_id: id,
            kind: kind.to_string(),
            attempt: failures + 1,
            at,
            status: None,
            error: String::new(),
        };
        match posted {
            Ok((status, _)) if (200..300).contains(&status) => {
                delivery.status = Some(i64::from(status));
                store.webhook_delivered(&webhook.id, item.position, Some(&delivery)).await?;
                delivered += 1;
                failures = 0;
            }
            Ok((status, answer)) => {
                delivery.status = Some(i64::from(status));
                delivery.error = format!("HTTP {status}: {}", answer.trim());
                store.webhook_failed(&webhook.id, failures, &delivery).await?;
                return Ok((delivered, 1));
            }
            Err(e) => {
                delivery.error = e.to_string();
                store.webhook_failed(&webhook.id, failures, &delivery).await?;
                return Ok((delivered, 1));
            }
        }
    }
    // Past the events it does not take, too.
    if page.next > webhook.delivered_up_to {
        store.webhook_delivered(&webhook.id, page.next, None).await?;
    }
    store.webhook_released(&webhook.id, now).await?;
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
