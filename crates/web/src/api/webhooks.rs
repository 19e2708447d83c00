//! An agency's webhooks through the API: subscribe a receiver to the event
//! feed, list and remove receivers, read what was delivered — the same
//! rights and refusals as the page Admin → Webhook.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use store::webhooks::{Delivery, Webhook, WebhookForm};
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::instant;
use super::problem::Problem;
use super::replay::{self, Keeping};
use crate::{AppState, now_ms};

/// Deliveries shown per receiver.
pub const DELIVERIES_SHOWN: i64 = 50;

/// A receiver of the agency's events.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookView {
    pub id: String,
    /// Where events are posted (without a password or query it may carry).
    pub url: String,
    /// The kinds it receives; empty: all.
    pub kinds: Vec<String>,
    /// The `cursor` of the last event it received (or was not sent, being
    /// of a kind it does not take).
    pub delivered_up_to: i64,
    /// Failed deliveries in a row; 0 when the last succeeded.
    pub failures: i64,
    /// When it is next tried, after a failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<String>,
    /// Why the last delivery failed; empty when it did not.
    pub last_error: String,
    pub created_at: String,
}

pub fn view(webhook: &Webhook) -> WebhookView {
    WebhookView {
        id: webhook.id.clone(),
        url: connectors::webhook::shown_address(&webhook.url),
        kinds: webhook.kinds.0.clone(),
        delivered_up_to: webhook.delivered_up_to,
        failures: webhook.failures,
        next_attempt_at: (webhook.failures > 0).then(|| instant(webhook.next_attempt_at)),
        last_error: webhook.last_error.clone(),
        created_at: instant(webhook.created_at),
    }
}

/// One attempt to deliver one event.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeliveryView {
    /// The event's `id` (`<agency>:<cursor>`).
    pub event_id: String,
    pub kind: String,
    /// 1 for the first attempt at this event, 2 for the next, …
    pub attempt: i64,
    pub at: String,
    /// The receiver's HTTP status; absent when it did not answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Empty when the receiver took it (2xx).
    pub error: String,
}

fn delivery_view(d: Delivery) -> DeliveryView {
    DeliveryView {
        event_id: d.event_id,
        kind: d.kind,
        attempt: d.attempt,
        at: instant(d.at),
        status: d.status,
        error: d.error,
    }
}

/// A receiver to subscribe.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// `https://…`, or `http://` to this very machine (127.0.0.1, localhost).
    #[schema(pattern = r"^(https://|http://(127\.0\.0\.1|localhost|\[::1\])([:/]|$))\S*$")]
    pub url: String,
    /// At least 16 characters; the receiver checks `X-Sopir-Signature`
    /// (`sha256=` HMAC-SHA256 of `<X-Sopir-Timestamp>.<body>`) with it.
    /// Stored encrypted, never shown again.
    #[schema(min_length = 16)]
    pub secret: String,
    /// The kinds to receive (see GET /events); empty or absent: all.
    #[serde(default)]
    #[schema(value_type = Vec<FeedKind>)]
    pub kinds: Vec<String>,
}

/// A kind of event of the feed: the OpenAPI document's words for
/// `store::event_feed::FeedKind` (a test keeps them the same).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
// Never built: it only describes `NewWebhook::kinds`, which stay strings so
// that an unknown kind is refused by the store with its field and choices.
#[allow(dead_code)]
pub enum FeedKind {
    CaseOpened,
    TaskOpened,
    StepDone,
    DeadlineBreached,
    TaskOverdue,
    CaseDeadlineBreached,
    CaseOverdue,
    CaseClosed,
    LetterSigned,
    RegistryChanged,
}

/// The agency's receivers.
#[utoipa::path(get, path = "/webhooks", tag = "integrasi",
    responses(
        (status = 200, description = "The receivers, oldest first", body = Vec<WebhookView>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<WebhookView>>, Problem> {
    caller.require_admin()?;
    Ok(Json(state.store.webhooks(caller.0.agency_id()).await?.iter().map(view).collect()))
}

/// Subscribes a receiver to the agency's events from now on (what happened
/// before is in GET /events). Each event is posted as JSON (an item of the
/// feed), signed, with `Idempotency-Key` and `X-Sopir-Event-Id` set to the
/// event's id, in order, until the receiver answers 2xx; a receiver that
/// fails is tried again after 30 s, doubling up to an hour.
#[utoipa::path(post, path = "/webhooks", tag = "integrasi", request_body = NewWebhook,
    responses(
        (status = 201, description = "Subscribed", body = WebhookView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused: bad url, short secret, unknown kind, too many receivers", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn add(State(state): State<AppState>, caller: Caller, headers: HeaderMap, body: Bytes) -> Response {
    replay::once(&state, &caller.0, &headers, "webhooks", &body, Keeping::AfterCall, |_| async {
        caller.require_admin()?;
        let given: NewWebhook = super::cases::json_body(&headers, &body)?;
        let user = &caller.0;
        let form = WebhookForm { url: given.url, secret: given.secret, kinds: given.kinds };
        let id = state.store.add_webhook(user.agency_id(), form, user.person(), now_ms()).await?;
        let added = view(&state.store.webhook(user.agency_id(), &id).await?);
        Ok((StatusCode::CREATED, replay::Answer::of(&added)))
    })
    .await
}

/// One receiver.
#[utoipa::path(get, path = "/webhooks/{id}", tag = "integrasi",
    params(("id" = String, Path, description = "The receiver's id")),
    responses(
        (status = 200, description = "The receiver", body = WebhookView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such receiver in the caller's agency", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<WebhookView>, Problem> {
    caller.require_admin()?;
    Ok(Json(view(&state.store.webhook(caller.0.agency_id(), &id).await?)))
}

/// Removes a receiver: nothing more is posted to it.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "integrasi",
    params(("id" = String, Path, description = "The receiver's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such receiver in the caller's agency", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    caller.require_admin()?;
    let user = &caller.0;
    state.store.remove_webhook(user.agency_id(), &id, user.person(), now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What was posted to a receiver lately, newest first (the last 50; kept 30 days).
#[utoipa::path(get, path = "/webhooks/{id}/deliveries", tag = "integrasi",
    params(("id" = String, Path, description = "The receiver's id")),
    responses(
        (status = 200, description = "Its deliveries", body = Vec<DeliveryView>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such receiver in the caller's agency", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<DeliveryView>>, Problem> {
    caller.require_admin()?;
    let found = state.store.webhook_deliveries(caller.0.agency_id(), &id, DELIVERIES_SHOWN).await?;
    Ok(Json(found.into_iter().map(delivery_view).collect()))
}

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    use super::FeedKind;

    #[test]
    fn the_documented_kinds_are_the_feeds() {
        let schema = serde_json::to_value(FeedKind::schema()).unwrap();
        let kinds: Vec<&str> = store::event_feed::FeedKind::ALL.iter().map(|k| k.key()).collect();
        assert_eq!(schema["enum"], serde_json::json!(kinds), "{schema}");
    }
}
