//! Webhooks: an agency's receivers of its event feed ([`crate::event_feed`]).
//! Each subscription keeps its own cursor in the agency's chain, moved past
//! an event only once the receiver answered 2xx — so every event reaches it
//! at least once and in order, also after it was down — and a failed
//! delivery waits longer each time (thirty seconds, doubling, at most an
//! hour). The server's sender ([`Store::due_webhooks`]) claims a due
//! subscription so that two servers never post the same events at once.
//! Adding and removing a subscription are in the audit chain; deliveries are
//! kept beside it for the administrator, for [`DELIVERIES_KEPT_DAYS`].

use engine::EngineError;
use engine::form::FieldError;

use crate::event_feed::{FeedEvent, FeedKind};
use crate::personal_data::required;
use crate::provisioning::backoff_ms;
use crate::record_event::{Change, Owner};
use crate::{Store, StoreError, new_id};

/// Receivers one agency may subscribe.
pub const MAX_PER_AGENCY: i64 = 20;
/// How long a claimed subscription is left to its sender before another
/// server may take it (a crashed sender's events are posted again: at least
/// once). A sender stops well before (`web::webhook_sender`).
pub const CLAIM_MS: i64 = 2 * 60_000;
/// Deliveries older than this are forgotten.
pub const DELIVERIES_KEPT_DAYS: i64 = 30;
/// Longest error text kept.
const ERROR_MAX_CHARS: usize = 500;
/// The form's fields, as refusals name them.
pub const FIELD_URL: &str = "url";
pub const FIELD_SECRET: &str = "secret";
pub const FIELD_KINDS: &str = "kinds";

/// A receiver subscribed to an agency's feed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Webhook {
    pub id: String,
    #[sqlx(rename = "agency_id")]
    pub agency: String,
    pub url: String,
    /// The kinds it receives, space-separated in the row; empty: all.
    #[sqlx(try_from = "String")]
    pub kinds: Kinds,
    /// The chain place of the last event it received (or skipped).
    pub delivered_up_to: i64,
    /// Failed deliveries in a row.
    pub failures: i64,
    pub next_attempt_at: i64,
    /// The token of the sender holding it (empty: none).
    pub claim: String,
    pub last_error: String,
    pub created_by: String,
    pub created_at: i64,
}

/// The kinds of events a receiver takes; none named: all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kinds(pub Vec<String>);

impl From<String> for Kinds {
    fn from(stored: String) -> Kinds {
        Kinds(stored.split_whitespace().map(str::to_string).collect())
    }
}

impl Kinds {
    pub fn takes(&self, event: &FeedEvent) -> bool {
        self.0.is_empty() || self.0.iter().any(|k| k == event.kind().key())
    }
}

/// A due subscription, claimed, with its secret unsealed.
#[derive(Clone)]
pub struct DueWebhook {
    pub webhook: Webhook,
    pub secret: String,
    /// This claim's token: its progress is recorded only while it holds.
    pub claim: String,
}

impl std::fmt::Debug for DueWebhook {
    // Never the secret, also not in a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DueWebhook").field("webhook", &self.webhook).field("claim", &self.claim).finish()
    }
}

/// One attempt to deliver one event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Delivery {
    pub event_id: String,
    pub kind: String,
    /// The subscription's attempts at this event so far, this one included.
    pub attempt: i64,
    pub at: i64,
    /// The receiver's HTTP status; `None` when it did not answer.
    pub status: Option<i64>,
    pub error: String,
}

/// What an administrator submits to subscribe a receiver, unchecked.
#[derive(Debug, Clone, Default)]
pub struct WebhookForm {
    pub url: String,
    pub secret: String,
    pub kinds: Vec<String>,
}

fn clip(text: &str) -> String {
    text.chars().take(ERROR_MAX_CHARS).collect()
}

/// The form's refusals, each naming its field.
fn check(form: &WebhookForm) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Err(message) = connectors::webhook::check_address(&form.url) {
        errors.push(FieldError::new(FIELD_URL, "Alamat penerima", message));
    }
    if form.secret.chars().count() < connectors::webhook::MIN_SECRET_CHARS {
        errors.push(FieldError::new(
            FIELD_SECRET,
            "Rahasia",
            format!("paling sedikit {} karakter", connectors::webhook::MIN_SECRET_CHARS),
        ));
    }
    if let Some(unknown) = form.kinds.iter().find(|k| FeedKind::parse(k).is_none()) {
        let known: Vec<&str> = FeedKind::ALL.iter().map(|k| k.key()).collect();
        errors.push(FieldError::new(
            FIELD_KINDS,
            "Jenis peristiwa",
            format!("\"{unknown}\" tidak dikenal; yang dikenal: {}", known.join(", ")),
        ));
    }
    errors
}

impl Store {
    /// `agency`'s receivers, oldest first.
    pub async fn webhooks(&self, agency: &str) -> Result<Vec<Webhook>, StoreError> {
        Ok(sqlx::query_as("SELECT * FROM webhook_subscriptions WHERE agency_id = $1 ORDER BY created_at, id")
            .bind(agency)
            .fetch_all(&self.pool)
            .await?)
    }

    /// `agency`'s receiver `id`.
    pub async fn webhook(&self, agency: &str, id: &str) -> Result<Webhook, StoreError> {
        sqlx::query_as("SELECT * FROM webhook_subscriptions WHERE agency_id = $1 AND id = $2")
            .bind(agency)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound("webhook".into()))
    }

    /// The newest `limit` deliveries to `agency`'s receiver `id`, newest first.
    pub async fn webhook_deliveries(
        &self,
        agency: &str,
        id: &str,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        self.webhook(agency, id).await?;
        Ok(sqlx::query_as(
            "SELECT event_id, kind, attempt, at, status, error FROM webhook_deliveries
             WHERE subscription_id = $1 ORDER BY at DESC, attempt DESC LIMIT $2",
        )
        .bind(id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// `by` subscribes a receiver to `agency`'s feed from now on (what
    /// happened before is in the feed to read); its id.
    pub async fn add_webhook(
        &self,
        agency: &str,
        form: WebhookForm,
        by: &str,
        at: i64,
    ) -> Result<String, StoreError> {
        let errors = check(&form);
        if !errors.is_empty() {
            return Err(StoreError::Engine(EngineError::Invalid(errors)));
        }
        let sealed = required(self.key.as_ref())?.seal(&form.secret);
        let id = new_id();
        let url = form.url.trim().to_string();
        let kinds = form.kinds;
        let mut write = self.write_in(agency).await?;
        let tx = write.tx();
        let result = async {
            // Counted in the agency's lane, so two adds at once cannot pass
            // the limit together.
            let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_subscriptions WHERE agency_id = $1")
                .bind(agency)
                .fetch_one(&mut **tx)
                .await?;
            if count >= MAX_PER_AGENCY {
                let message =
                    format!("instansi ini sudah punya {MAX_PER_AGENCY} penerima webhook; hapus yang tidak dipakai dulu");
                return Err(StoreError::invalid(FIELD_URL, "Alamat penerima", message));
            }
            // Read in the agency's lane: no event of it is recorded between
            // this and the subscription, so none is skipped nor sent twice.
            let head: Option<i64> = sqlx::query_scalar("SELECT seq FROM audit_chains WHERE agency_id = $1")
                .bind(agency)
                .fetch_optional(&mut **tx)
                .await?;
            sqlx::query(
                "INSERT INTO webhook_subscriptions (id, agency_id, url, secret, kinds, delivered_up_to,
                     next_attempt_at, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7)",
            )
            .bind(&id)
            .bind(agency)
            .bind(&url)
            .bind(sealed)
            .bind(kinds.join(" "))
            .bind(head.unwrap_or(0))
            .bind(at)
            .bind(by)
            .execute(&mut **tx)
            .await?;
            let change = Change::WebhookAdded {
                webhook: id.clone(),
                url: connectors::webhook::shown_address(&url),
                kinds,
            };
            crate::record_event::append(tx, Owner::Agency(agency), Some(by), change, at).await?;
            Ok(())
        }
        .await;
        write.finish(result).await?;
        Ok(id)
    }

    /// `by` removes `agency`'s receiver `id` and what was delivered to it.
    pub async fn remove_webhook(&self, agency: &str, id: &str, by: &str, at: i64) -> Result<(), StoreError> {
        let webhook = self.webhook(agency, id).await?;
        // Its deliveries go with it (ON DELETE CASCADE).
        let statement = sqlx::query("DELETE FROM webhook_subscriptions WHERE agency_id = $1 AND id = $2")
            .bind(agency)
            .bind(id);
        let change = Change::WebhookRemoved {
            webhook: id.to_string(),
            url: connectors::webhook::shown_address(&webhook.url),
        };
        if self.write_recorded(statement, Owner::Agency(agency), Some(by), change, at).await? == 0 {
            return Err(StoreError::NotFound("webhook".into()));
        }
        Ok(())
    }

    /// Claims the subscription due at `now` that waited longest, if any,
    /// for [`CLAIM_MS`] from `now`.
    pub async fn claim_due_webhook(&self, now: i64) -> Result<Option<DueWebhook>, StoreError> {
        let candidates: Vec<Webhook> = sqlx::query_as(
            "SELECT * FROM webhook_subscriptions WHERE next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT 10",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        for webhook in candidates {
            let claim = new_id();
            let taken = sqlx::query(
                "UPDATE webhook_subscriptions SET next_attempt_at = $1, claim = $2
                 WHERE id = $3 AND next_attempt_at = $4 AND claim = $5",
            )
            .bind(now + CLAIM_MS)
            .bind(&claim)
            .bind(&webhook.id)
            .bind(webhook.next_attempt_at)
            .bind(&webhook.claim)
            .execute(&self.pool)
            .await?
            .rows_affected();
            if taken != 1 {
                continue;
            }
            let sealed: String = sqlx::query_scalar("SELECT secret FROM webhook_subscriptions WHERE id = $1")
                .bind(&webhook.id)
                .fetch_one(&self.pool)
                .await?;
            let secret = required(self.key.as_ref())?.open(&sealed)?;
            return Ok(Some(DueWebhook { webhook, secret, claim }));
        }
        Ok(None)
    }

    /// `due` received the event at chain place `position` in `delivery`,
    /// or (`None`) everything up to it was of kinds it does not take;
    /// whether `due`'s claim still held (else nothing was recorded and its
    /// sender stops: another server has taken the receiver).
    pub async fn webhook_delivered(
        &self,
        due: &DueWebhook,
        position: i64,
        delivery: Option<&Delivery>,
    ) -> Result<bool, StoreError> {
        let held = sqlx::query(
            "UPDATE webhook_subscriptions SET delivered_up_to = $1, failures = 0, last_error = ''
             WHERE id = $2 AND claim = $3 AND delivered_up_to <= $1",
        )
        .bind(position)
        .bind(&due.webhook.id)
        .bind(&due.claim)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        if let (true, Some(delivery)) = (held, delivery) {
            self.keep_delivery(&due.webhook.id, delivery).await?;
        }
        Ok(held)
    }

    /// `due`, which had failed `failures` times in a row, did not take
    /// `delivery`: tried again after the backoff; its claim is given up.
    pub async fn webhook_failed(
        &self,
        due: &DueWebhook,
        failures: i64,
        delivery: &Delivery,
    ) -> Result<(), StoreError> {
        let held = sqlx::query(
            "UPDATE webhook_subscriptions SET failures = failures + 1, last_error = $1, next_attempt_at = $2, claim = ''
             WHERE id = $3 AND claim = $4",
        )
        .bind(clip(&delivery.error))
        .bind(delivery.at + backoff_ms(failures))
        .bind(&due.webhook.id)
        .bind(&due.claim)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        if held {
            self.keep_delivery(&due.webhook.id, delivery).await?;
        }
        Ok(())
    }

    /// `due`'s turn ended without a failure: its claim is given up and it
    /// is due again at `next`.
    pub async fn webhook_released(&self, due: &DueWebhook, next: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE webhook_subscriptions SET next_attempt_at = $1, claim = '' WHERE id = $2 AND claim = $3",
        )
        .bind(next)
        .bind(&due.webhook.id)
        .bind(&due.claim)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn keep_delivery(&self, webhook: &str, delivery: &Delivery) -> Result<(), StoreError> {
        sqlx::query(
            // Not for a receiver removed while its events were being posted.
            "INSERT INTO webhook_deliveries (id, subscription_id, event_id, kind, attempt, at, status, error)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM webhook_subscriptions WHERE id = $2)",
        )
        .bind(new_id())
        .bind(webhook)
        .bind(&delivery.event_id)
        .bind(&delivery.kind)
        .bind(delivery.attempt)
        .bind(delivery.at)
        .bind(delivery.status)
        .bind(clip(&delivery.error))
        .execute(&self.pool)
        .await?;
        sqlx::query("DELETE FROM webhook_deliveries WHERE subscription_id = $1 AND at < $2")
            .bind(webhook)
            .bind(delivery.at - DELIVERIES_KEPT_DAYS * 24 * 3600 * 1000)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
