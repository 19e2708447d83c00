//! Admin → Webhook: the agency's receivers of its event feed — where each
//! is, which kinds it takes, whether it is delivering or failing (and when
//! it is tried next), what was posted to it lately — and the form to add
//! one. The API's /api/v1/webhooks does the same with the same refusals.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use store::event_feed::FeedKind;
use store::webhooks::{FIELD_KINDS, FIELD_SECRET, FIELD_URL, Webhook, WebhookForm};

use crate::api::webhooks::DELIVERIES_SHOWN;
use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::pages::admin_form::{
    Filled, Said, admin_form, field_errors, given, refusals_in_words, require_admin, settings_page,
};
use crate::{AppState, now_ms};

const PAGE: &str = "/admin/webhook";

/// The words for a kind of event.
fn kind_label(kind: FeedKind) -> Msg {
    match kind {
        FeedKind::CaseOpened => Msg::FeedCaseOpened,
        FeedKind::TaskOpened => Msg::FeedTaskOpened,
        FeedKind::StepDone => Msg::FeedStepDone,
        FeedKind::DeadlineBreached => Msg::FeedDeadlineBreached,
        FeedKind::TaskOverdue => Msg::FeedTaskOverdue,
        FeedKind::CaseDeadlineBreached => Msg::FeedCaseDeadlineBreached,
        FeedKind::CaseOverdue => Msg::FeedCaseOverdue,
        FeedKind::CaseClosed => Msg::FeedCaseClosed,
        FeedKind::LetterSigned => Msg::FeedLetterSigned,
        FeedKind::RegistryChanged => Msg::FeedRegistryChanged,
    }
}

/// A stored kind in words (as stored, should it no longer be known).
fn kind_shown<'a>(user: &User, key: &'a str) -> std::borrow::Cow<'a, str> {
    FeedKind::parse(key).map_or(key.into(), |kind| user.t(kind_label(kind)).into())
}

/// The form's checkbox of a kind.
fn kind_field(kind: FeedKind) -> String {
    format!("kind-{}", kind.key())
}

fn kinds_shown(user: &User, webhook: &Webhook) -> String {
    if webhook.kinds.0.is_empty() {
        return user.t(Msg::WebhookAllKinds).to_string();
    }
    webhook.kinds.0.iter().map(|k| kind_shown(user, k)).collect::<Vec<_>>().join(", ")
}

async fn render(
    state: &AppState,
    user: &User,
    typed: Filled,
    said: Option<Said>,
) -> Result<Response, WebError> {
    require_admin(user)?;
    let webhooks = state.store.webhooks(user.agency_id()).await?;
    let clock = user.clock();
    let mut deliveries = Vec::new();
    for webhook in &webhooks {
        deliveries
            .push(state.store.webhook_deliveries(user.agency_id(), &webhook.id, DELIVERIES_SHOWN).await?);
    }
    let body = html! {
        p.muted { (user.t(Msg::WebhooksHelp)) " " a href="/api/docs" { "/api/docs" } }
        @if webhooks.is_empty() {
            p.card #webhooks { (user.t(Msg::WebhookNone)) }
        }
        @for (webhook, deliveries) in webhooks.iter().zip(&deliveries) {
            section.card.webhook data-webhook=(webhook.id) {
                h2 { code { (connectors::webhook::shown_address(&webhook.url)) } " "
                    @if webhook.failures == 0 {
                        span.tag.ok { (user.t(Msg::WebhookHealthy)) }
                    } @else {
                        span.tag.bad.webhook-failing { (user.t(Msg::WebhookFailing)) " ×" (webhook.failures) }
                    }
                }
                p { (user.t(Msg::WebhookKinds)) ": " (kinds_shown(user, webhook)) }
                p { (user.t(Msg::WebhookDeliveredUpTo)) " #" span.delivered-up-to { (webhook.delivered_up_to) } }
                @if webhook.failures > 0 {
                    p.flash.error role="alert" {
                        (webhook.last_error) " — " (user.t(Msg::WebhookNextAttempt)) " " (clock.datetime(webhook.next_attempt_at))
                    }
                }
                h3 { (user.t(Msg::WebhookDeliveries)) }
                @if deliveries.is_empty() {
                    p.muted { (user.t(Msg::WebhookNoDeliveries)) }
                } @else {
                    table.deliveries {
                        thead { tr {
                            th { (user.t(Msg::WebhookEvent)) } th { (user.t(Msg::WebhookAttempt)) }
                            th { (user.t(Msg::Created)) } th { (user.t(Msg::WebhookAnswer)) }
                        } }
                        tbody { @for d in deliveries {
                            tr class=(if d.error.is_empty() { "delivered" } else { "failed" }) {
                                td { code { (d.event_id) } " " (kind_shown(user, &d.kind)) }
                                td { (d.attempt) }
                                td { (clock.datetime(d.at)) }
                                td { @if let Some(s) = d.status { "HTTP " (s) " " } (d.error) }
                            }
                        } }
                    }
                }
                form.inline method="post" action={(PAGE) "/" (webhook.id) "/hapus"} {
                    input type="hidden" name="csrf" value=(user.csrf);
                    button.secondary type="submit" { (user.t(Msg::WebhookRemove)) }
                }
            }
        }
        (add_form(user, &typed))
    };
    Ok(settings_page(user, Msg::WebhooksTitle, ("/admin", Msg::AdminTitle), said.as_ref(), body))
}

fn add_form(user: &User, typed: &Filled) -> Markup {
    let prefix = "webhook-";
    html! {
        form.card #webhook-baru method="post" action=(PAGE) {
            h2 { (user.t(Msg::WebhookAdd)) }
            input type="hidden" name="csrf" value=(user.csrf);
            (typed.text(prefix, FIELD_URL, user.t(Msg::WebhookUrl), Some(user.t(Msg::WebhookUrlHelp))))
            (typed.input(prefix, FIELD_SECRET, user.t(Msg::WebhookSecret), Some(user.t(Msg::WebhookSecretHelp)), "password", false))
            fieldset {
                legend { (user.t(Msg::WebhookKinds)) }
                @for kind in FeedKind::ALL {
                    (typed.checkbox(prefix, &kind_field(kind), &format!("{} ({})", user.t(kind_label(kind)), kind.key())))
                }
                (typed.error_line(FIELD_KINDS))
            }
            button.primary type="submit" { (user.t(Msg::WebhookAdd)) }
        }
    }
}

#[derive(Deserialize)]
pub struct Done {
    ok: Option<String>,
    dihapus: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    user: User,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let said = match (done.ok, done.dihapus) {
        (Some(_), _) => Some((true, user.t(Msg::WebhookAdded).to_string())),
        (None, Some(_)) => Some((true, user.t(Msg::WebhookRemoved).to_string())),
        (None, None) => None,
    };
    render(&state, &user, Filled::default(), said).await
}

pub async fn add(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    let kinds = FeedKind::ALL
        .into_iter()
        .filter(|k| !given(&form, &kind_field(*k)).is_empty())
        .map(|k| k.key().to_string())
        .collect();
    let webhook = WebhookForm {
        url: given(&form, FIELD_URL).to_string(),
        secret: given(&form, FIELD_SECRET).to_string(),
        kinds,
    };
    match state.store.add_webhook(user.agency_id(), webhook, user.person(), now_ms()).await {
        Ok(_) => Ok(Redirect::to(&format!("{PAGE}?ok=1")).into_response()),
        Err(e) => {
            let errors = field_errors(e)?;
            let said = (false, refusals_in_words(&errors));
            let mut values = form;
            values.remove(FIELD_SECRET);
            render(&state, &user, Filled { values, errors }, Some(said)).await
        }
    }
}

pub async fn remove(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    state.store.remove_webhook(user.agency_id(), &id, user.person(), now_ms()).await?;
    Ok(Redirect::to(&format!("{PAGE}?dihapus=1")).into_response())
}
