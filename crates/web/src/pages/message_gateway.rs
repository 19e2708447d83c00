//! Admin → Gateway pesan: the agency's HTTP message gateway (URL, headers
//! shown masked once saved, body template), a test message sent on the
//! spot with the gateway's answer shown, and the latest messages with what
//! the gateway answered to those it refused.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use store::mail::Channel;
use store::message_gateway::{GatewayMessage, PLACEHOLDERS};

use crate::auth::User;
use crate::error::WebError;
use crate::gateway::{GatewaySender, Outcome};
use crate::i18n::Msg;
use crate::pages::admin_form::{Said, Saved, admin_form, settings_page};
use crate::{AppState, now_ms};

/// The template offered when none is saved yet.
const EXAMPLE_TEMPLATE: &str = r#"{"to":"{telepon}","text":"{pesan}"}"#;
/// Latest messages listed.
const RECENT: i64 = 20;

/// What the administrator typed, shown again after a refusal.
#[derive(Default)]
struct Typed {
    url: String,
    template: String,
}

async fn render(
    state: &AppState,
    user: &User,
    typed: Option<Typed>,
    said: Option<Said>,
) -> Result<Response, WebError> {
    if !user.account.is_admin {
        return Err(WebError::Forbidden);
    }
    let agency = user.agency_id();
    let saved = state.store.message_gateway(agency).await?;
    let typed = typed.unwrap_or_else(|| match &saved {
        Some(g) => Typed { url: g.url.clone(), template: g.body_template.clone() },
        None => Typed { url: String::new(), template: EXAMPLE_TEMPLATE.into() },
    });
    let recent = state.store.outbox_of(agency, None, Channel::Gateway, RECENT).await?;
    let me = state.store.notice_choices(agency, user.person()).await?;
    let clock = user.clock();
    let body = html! {
        form.card method="post" action="/admin/pesan" {
            input type="hidden" name="csrf" value=(user.csrf);
            p.muted { (user.t(Msg::GatewayHelp)) }
            ul.muted {
                @for (p, what) in PLACEHOLDERS.into_iter().zip([Msg::PlaceholderMessage, Msg::PlaceholderLink, Msg::Phone, Msg::ChatId]) {
                    li { code { (p) } " — " (user.t(what)) }
                }
            }
            label for="url" { "URL" }
            input #url type="url" name="url" maxlength="2000" required value=(typed.url) placeholder="https://api.gateway.co.id/send";
            @if let Some(g) = &saved {
                @if !g.headers.is_empty() {
                    p { (user.t(Msg::GatewayHeadersKept)) }
                    ul #saved-headers { @for (name, masked) in g.masked_headers() { li { code { (name) ": " (masked) } } } }
                    label { input type="checkbox" name="hapus_header" value="1"; " " (user.t(Msg::GatewayClearHeaders)) }
                }
            }
            label for="header" { (user.t(Msg::GatewayHeaders)) }
            textarea #header name="header" rows="3" placeholder="Authorization: Bearer …" {}
            label for="template" { (user.t(Msg::GatewayTemplate)) }
            textarea #template name="template" rows="4" required { (typed.template) }
            button.primary type="submit" { (user.t(Msg::Save)) }
        }
        @if saved.is_some() {
            form.card method="post" action="/admin/pesan/uji" {
                h2 { (user.t(Msg::GatewayTest)) }
                input type="hidden" name="csrf" value=(user.csrf);
                label for="uji-telepon" { (user.t(Msg::Phone)) }
                input #uji-telepon type="tel" name="telepon" maxlength="24" value=(me.phone.clone().unwrap_or_default());
                label for="uji-chat" { (user.t(Msg::ChatId)) }
                input #uji-chat type="text" name="chat_id" maxlength="64" value=(me.chat_id.clone().unwrap_or_default());
                button.secondary type="submit" { (user.t(Msg::GatewayTest)) }
            }
        }
        h2 { (user.t(Msg::GatewayRecent)) }
        @if recent.is_empty() {
            p.card { (user.t(Msg::GatewayNoMessages)) }
        } @else {
            table #gateway-messages {
                thead { tr {
                    th { (user.t(Msg::Created)) } th { (user.t(Msg::Phone)) } th { (user.t(Msg::GatewayState)) } th { (user.t(Msg::GatewayAnswer)) }
                } }
                tbody {
                    @for m in &recent {
                        tr {
                            td { (clock.datetime(m.created_at)) }
                            td { (m.to) }
                            td {
                                @if m.sent_at.is_some() { span.tag { (user.t(Msg::Sent)) } }
                                @else if m.gave_up { span.tag.bad { (user.t(Msg::GatewayFailed)) } }
                                @else { span.tag { (user.t(Msg::GatewayWaiting)) " (" (m.attempts) ")" } }
                            }
                            td { (m.last_error.clone().unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    };
    Ok(settings_page(user, Msg::GatewaySettings, ("/admin", Msg::AdminTitle), said.as_ref(), body))
}

pub async fn page(
    State(state): State<AppState>,
    user: User,
    Query(saved): Query<Saved>,
) -> Result<Response, WebError> {
    render(&state, &user, None, saved.said(&user)).await
}

pub async fn save(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    let text = |name: &str| form.get(name).cloned().unwrap_or_default();
    let (url, template, header) = (text("url"), text("template"), text("header"));
    // Empty headers keep the saved ones (never shown again) unless cleared.
    let headers = if !header.trim().is_empty() || form.contains_key("hapus_header") {
        Some(header.as_str())
    } else {
        None
    };
    match state
        .store
        .save_message_gateway(user.agency_id(), &url, headers, &template, user.person(), now_ms())
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin/pesan?ok=1").into_response()),
        Err(store::StoreError::Engine(e)) => {
            render(&state, &user, Some(Typed { url, template }), Some((false, e.to_string()))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// What a test message came to.
pub(crate) enum SendTest {
    /// No gateway is set, and the words saying so.
    NoGateway(String),
    /// Neither a phone number nor a chat id was given.
    NoRecipient(String),
    /// Sent or not, and what the gateway answered.
    Done { sent: bool, message: String },
}

/// Sends a test message through `user`'s agency's gateway to `phone` or
/// `chat_id` now (the page's and the API's way).
pub(crate) async fn send_test(
    state: &AppState,
    user: &User,
    phone: &str,
    chat_id: &str,
) -> Result<SendTest, WebError> {
    let Some(gateway) = state.store.message_gateway(user.agency_id()).await? else {
        return Ok(SendTest::NoGateway(user.t(Msg::GatewayNotSet).to_string()));
    };
    if phone.is_empty() && chat_id.is_empty() {
        return Ok(SendTest::NoRecipient(user.t(Msg::GatewayTestNoRecipient).to_string()));
    }
    let link = format!("{}/tugas", state.public_url.as_deref().unwrap_or_default());
    let message = format!("Uji coba gateway pesan Sopir {}.\n{link}", user.agency.government);
    let sender = GatewaySender::new(state.public_url.clone());
    let request = gateway.request(GatewayMessage { message: &message, link: &link, phone, chat_id });
    let (sent, message) = match sender.post(&request).await {
        Outcome::Sent => (true, user.t(Msg::GatewayTestSent).to_string()),
        Outcome::Retry(why) | Outcome::Refused(why) => {
            (false, format!("{} {why}", user.t(Msg::GatewayTestFailed)))
        }
    };
    tracing::info!("pesan uji gateway {} oleh {}: {message}", user.agency_id(), user.person());
    Ok(SendTest::Done { sent, message })
}

/// Sends a test message now and shows what the gateway answered.
pub async fn test(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    let text = |name: &str| form.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
    let said = match send_test(&state, &user, &text("telepon"), &text("chat_id")).await? {
        SendTest::NoGateway(why) | SendTest::NoRecipient(why) => (false, why),
        SendTest::Done { sent, message } => (sent, message),
    };
    render(&state, &user, None, Some(said)).await
}
