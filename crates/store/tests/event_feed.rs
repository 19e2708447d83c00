//! The event feed and the webhooks' bookkeeping on every backend: the feed
//! is one agency's chain in order and resumes at its cursor; a webhook
//! starts at the head, is claimed by one sender at a time, waits the
//! backoff after a failure and keeps its secret sealed.

mod common;

use common::{backends, run_to_end, submit_vpn, wib};
use store::webhooks::{Delivery, WebhookForm};

const SECRET: &str = "rahasia-penerima-uji-0123";

fn form(url: &str) -> WebhookForm {
    WebhookForm { url: url.into(), secret: SECRET.into(), kinds: Vec::new() }
}

#[tokio::test]
async fn the_feed_is_an_agencys_chain_in_order_and_resumes_at_its_cursor() {
    for db in backends().await {
        let store = &db.store;
        let head = store.feed_head("lumajang").await.unwrap();
        let t = wib(2026, 11, 23, 9, 0);
        let case = run_to_end(store, "lumajang", submit_vpn(store, t).await, t).await;

        let all = store.feed("lumajang", head, 500).await.unwrap();
        assert!(!all.more, "{}", db.label);
        assert_eq!(all.next, store.feed_head("lumajang").await.unwrap(), "{}", db.label);
        let kinds: Vec<&str> = all.items.iter().map(|i| i.event.kind().key()).collect();
        assert_eq!(kinds.first(), Some(&"case-opened"), "{}", db.label);
        assert_eq!(kinds.last(), Some(&"case-closed"), "{}", db.label);
        assert!(kinds.contains(&"letter-signed"), "{}: {kinds:?}", db.label);
        assert!(all.items.iter().all(|i| i.case.as_ref().is_some_and(|c| c.id == case.id)), "{}", db.label);
        assert!(all.items.windows(2).all(|w| w[0].position < w[1].position), "{}", db.label);

        // Read three at a time: the same items, none twice.
        let (mut after, mut read) = (head, Vec::new());
        loop {
            let page = store.feed("lumajang", after, 3).await.unwrap();
            read.extend(page.items);
            after = page.next;
            if !page.more {
                break;
            }
        }
        assert_eq!(read, all.items, "{}", db.label);
        let theirs = store.feed("trenggalek", 0, 500).await.unwrap().items;
        assert!(!theirs.iter().any(|i| i.case.as_ref().is_some_and(|c| c.id == case.id)), "{}", db.label);
    }
}

#[tokio::test]
async fn a_webhook_starts_at_the_head_is_claimed_once_and_waits_after_a_failure() {
    for db in backends().await {
        let store = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        submit_vpn(store, t).await;
        let head = store.feed_head("lumajang").await.unwrap();
        let id = store
            .add_webhook("lumajang", form("https://dasbor.contoh.go.id/sopir"), "lmj-kasi", t)
            .await
            .unwrap();
        let webhook = store.webhook("lumajang", &id).await.unwrap();
        // From the head when it was added: nothing before is sent, nothing
        // since is missed (its own record is not told).
        assert_eq!(webhook.delivered_up_to, head, "{}", db.label);
        assert!(store.feed("lumajang", head, 500).await.unwrap().items.is_empty(), "{}", db.label);
        let sealed: String = sqlx::query_scalar("SELECT secret FROM webhook_subscriptions WHERE id = $1")
            .bind(&id)
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(!sealed.contains(SECRET), "{}: sealed at rest", db.label);
        let (changes, _) = store.record_events("lumajang", 1).await.unwrap().pop().unwrap();
        assert_eq!(changes.kind, "webhook-added", "{}", db.label);
        assert!(!changes.payload.contains(SECRET), "{}: never in the chain", db.label);

        let due = store.claim_due_webhook(t).await.unwrap().expect("due at once");
        assert_eq!(due.secret, SECRET);
        assert!(store.claim_due_webhook(t).await.unwrap().is_none(), "{}: claimed once", db.label);

        let failed = Delivery {
            event_id: "lumajang:1".into(),
            kind: "case-opened".into(),
            attempt: 1,
            at: t,
            status: Some(503),
            error: "HTTP 503".into(),
        };
        store.webhook_failed(&due, 0, &failed).await.unwrap();
        let waiting = store.webhook("lumajang", &id).await.unwrap();
        assert_eq!((waiting.failures, waiting.next_attempt_at), (1, t + 30_000), "{}", db.label);
        assert!(store.claim_due_webhook(t + 29_999).await.unwrap().is_none(), "{}", db.label);
        let again = store.claim_due_webhook(t + 30_000).await.unwrap().expect("due after the backoff");

        // The first claim has lapsed: its sender records nothing more.
        let done = Delivery { attempt: 2, status: Some(200), error: String::new(), ..failed };
        assert!(!store.webhook_delivered(&due, webhook.delivered_up_to + 1, Some(&done)).await.unwrap());
        assert_eq!(store.webhook("lumajang", &id).await.unwrap().failures, 1, "{}", db.label);
        assert!(store.webhook_delivered(&again, webhook.delivered_up_to + 1, Some(&done)).await.unwrap());
        let healthy = store.webhook("lumajang", &id).await.unwrap();
        assert_eq!((healthy.failures, healthy.last_error.as_str()), (0, ""), "{}", db.label);
        assert_eq!(healthy.delivered_up_to, webhook.delivered_up_to + 1, "{}", db.label);
        let deliveries = store.webhook_deliveries("lumajang", &id, 10).await.unwrap();
        assert_eq!(deliveries.iter().map(|d| d.attempt).collect::<Vec<_>>(), [2, 1], "{}", db.label);

        assert!(store.webhook("trenggalek", &id).await.is_err(), "{}: another agency's", db.label);
        store.remove_webhook("lumajang", &id, "lmj-kasi", t).await.unwrap();
        assert!(store.webhooks("lumajang").await.unwrap().is_empty(), "{}", db.label);
    }
}
