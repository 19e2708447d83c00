//! The caller's own notice settings through the API: the address their
//! notifications are mailed to, and per kind of notification and channel
//! whether it comes at once, in the daily digest or not at all — with
//! the settings pages' checks.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use engine::notice::NoticeKind;
use serde::{Deserialize, Serialize};
use store::mail::Channel;
use store::notice_delivery::{Delivery, NoticeChoicesInput};
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::json_body;
use super::problem::Problem;
use crate::AppState;

/// Where the caller's notifications are mailed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailPreference {
    /// Empty: none.
    pub email: String,
    /// Whether notifications are mailed at all.
    pub enabled: bool,
}

/// How one kind of notification comes by one channel.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeChoice {
    #[schema(schema_with = kinds)]
    pub kind: String,
    #[schema(schema_with = channels)]
    pub channel: String,
    #[schema(schema_with = deliveries)]
    pub delivery: String,
}

/// The caller's notice choices; a kind and channel not listed comes as
/// the channel's default.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeChoices {
    pub choices: Vec<NoticeChoice>,
    /// When the daily digest comes, HH:MM local time.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub digest_time: String,
    /// For the message gateway.
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub chat_id: String,
}

/// Where the caller's notifications are mailed.
#[utoipa::path(get, path = "/me/mail", tag = "akun",
    responses(
        (status = 200, description = "The address", body = MailPreference),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn mail(State(state): State<AppState>, caller: Caller) -> Result<Json<MailPreference>, Problem> {
    let (email, enabled) = state.store.mail_preference(caller.0.agency_id(), caller.0.person()).await?;
    Ok(Json(MailPreference { email: email.unwrap_or_default(), enabled }))
}

/// Sets where the caller's notifications are mailed.
#[utoipa::path(put, path = "/me/mail", tag = "akun", request_body = MailPreference,
    responses(
        (status = 200, description = "Saved", body = MailPreference),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an e-mail address", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn save_mail(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<MailPreference>, Problem> {
    let given: MailPreference = json_body(&headers, &body)?;
    let (agency, person) = (caller.0.agency_id(), caller.0.person());
    state.store.set_mail_preference(agency, person, &given.email, given.enabled).await?;
    let (email, enabled) = state.store.mail_preference(agency, person).await?;
    Ok(Json(MailPreference { email: email.unwrap_or_default(), enabled }))
}

fn kinds() -> utoipa::openapi::Object {
    super::choices::one_of(
        NoticeKind::ALL.map(NoticeKind::code),
        "The kind of notification: `tugas`, `surat`, `terlambat`, `progres`, `selesai` or `pengawasan`.",
    )
}

fn channels() -> utoipa::openapi::Object {
    super::choices::one_of(
        Channel::ALL.map(Channel::code),
        "`email`, or `pesan` (the agency's WhatsApp/Telegram gateway).",
    )
}

fn deliveries() -> utoipa::openapi::Object {
    super::choices::one_of(
        Delivery::ALL.map(Delivery::code),
        "`segera` (at once), `ringkasan` (in the daily digest) or `mati` (off).",
    )
}

fn choices_view(c: &store::notice_delivery::NoticeChoices) -> NoticeChoices {
    let mut choices = Vec::new();
    for kind in NoticeKind::ALL {
        for channel in Channel::ALL {
            choices.push(NoticeChoice {
                kind: kind.code().into(),
                channel: channel.code().into(),
                delivery: c.delivery(kind, channel).code().into(),
            });
        }
    }
    NoticeChoices {
        choices,
        digest_time: c.digest_time(),
        phone: c.phone.clone().unwrap_or_default(),
        chat_id: c.chat_id.clone().unwrap_or_default(),
    }
}

/// How each kind of notification comes to the caller by each channel.
#[utoipa::path(get, path = "/me/notice-choices", tag = "akun",
    responses(
        (status = 200, description = "Every kind and channel", body = NoticeChoices),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn notice_choices(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<NoticeChoices>, Problem> {
    let choices = state.store.notice_choices(caller.0.agency_id(), caller.0.person()).await?;
    Ok(Json(choices_view(&choices)))
}

/// Sets how each kind of notification comes to the caller.
#[utoipa::path(put, path = "/me/notice-choices", tag = "akun", request_body = NoticeChoices,
    responses(
        (status = 200, description = "Saved", body = NoticeChoices),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown kind, channel or delivery, a bad time, phone or chat id, or the gateway chosen without a number", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn save_notice_choices(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<NoticeChoices>, Problem> {
    let given: NoticeChoices = json_body(&headers, &body)?;
    let mut chosen = Vec::new();
    for c in &given.choices {
        let unknown = |what: &str, value: &str, known: Vec<&str>| {
            let why = format!("{what} \"{value}\" tidak dikenal; pakai {}", known.join(", "));
            Problem::field("choices", "choices", why)
        };
        let kind = NoticeKind::from_code(&c.kind)
            .ok_or_else(|| unknown("jenis", &c.kind, NoticeKind::ALL.map(NoticeKind::code).to_vec()))?;
        let channel = Channel::from_code(&c.channel)
            .ok_or_else(|| unknown("saluran", &c.channel, Channel::ALL.map(Channel::code).to_vec()))?;
        let delivery = Delivery::from_code(&c.delivery)
            .ok_or_else(|| unknown("cara", &c.delivery, Delivery::ALL.map(Delivery::code).to_vec()))?;
        chosen.push((kind, channel, delivery));
    }
    let input = NoticeChoicesInput {
        chosen,
        digest_time: given.digest_time,
        phone: given.phone,
        chat_id: given.chat_id,
    };
    let saved = state.store.save_notice_choices(caller.0.agency_id(), caller.0.person(), &input).await?;
    Ok(Json(choices_view(&saved)))
}
