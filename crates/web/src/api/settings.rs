//! An agency's sign-in and message-gateway settings through the API, for
//! its administrators, with the settings pages' checks: how its people
//! sign in (local passwords, an LDAP directory, an OpenID provider) and
//! the HTTP gateway that sends WhatsApp/Telegram notices (with a test
//! message). Secrets are written, never read back.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::json_body;
use super::problem::{FieldProblem, Problem};
use crate::pages::message_gateway::{SendTest, send_test};
use crate::pages::sign_in_settings::{saved_problems, sign_in_form, values_of};
use crate::{AppState, now_ms};

/// How an agency's people sign in. Read back without its two secrets; an
/// empty secret sent keeps the saved one.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SignInSettings {
    /// Sopir's own passwords.
    pub local_passwords: bool,
    /// `ldap://` or `ldaps://`; empty: no directory.
    pub ldap_url: String,
    pub ldap_starttls: bool,
    /// PEM of the directory's CA; empty: the system's roots.
    pub ldap_ca: String,
    /// `template` (bind as `ldap_bind_dn` with `{username}`) or `search`
    /// (find the person with a service account).
    #[schema(pattern = "^(template|search)$")]
    pub ldap_mode: String,
    pub ldap_bind_dn: String,
    pub ldap_service_dn: String,
    /// Written only.
    pub ldap_service_password: String,
    pub ldap_base: String,
    pub ldap_filter: String,
    /// The directory attribute matched to a person.
    pub ldap_attribute: String,
    /// `email` or `nip`: what the attribute holds.
    pub ldap_maps_to: String,
    /// The provider's name on the sign-in page; empty issuer: no OpenID.
    pub oidc_name: String,
    pub oidc_issuer: String,
    pub oidc_client_id: String,
    /// Written only.
    pub oidc_client_secret: String,
    pub oidc_scopes: String,
    pub oidc_claim: String,
    /// `email` or `nip`.
    pub oidc_maps_to: String,
    /// Read only (ignored when sent): what is wrong with the settings as
    /// saved, each beside its field — a plain `ldap://` kept from before
    /// such a setting was refused, through which sign-ins are refused now.
    #[serde(deserialize_with = "ignored")]
    #[schema(read_only)]
    pub problems: Vec<FieldProblem>,
}

/// Whatever a client sends back in a read-only field.
fn ignored<'de, D: serde::Deserializer<'de>>(given: D) -> Result<Vec<FieldProblem>, D::Error> {
    serde::de::IgnoredAny::deserialize(given)?;
    Ok(Vec::new())
}

impl SignInSettings {
    fn of(values: &BTreeMap<String, String>) -> SignInSettings {
        let text = |k: &str| values.get(k).cloned().unwrap_or_default();
        let ticked = |k: &str| values.get(k).is_some_and(|v| !v.is_empty());
        SignInSettings {
            local_passwords: ticked("local_passwords"),
            ldap_url: text("ldap_url"),
            ldap_starttls: ticked("ldap_starttls"),
            ldap_ca: text(store::ca_certificate::FIELD),
            ldap_mode: text("ldap_mode"),
            ldap_bind_dn: text("ldap_bind_dn"),
            ldap_service_dn: text("ldap_service_dn"),
            ldap_service_password: String::new(),
            ldap_base: text("ldap_base"),
            ldap_filter: text("ldap_filter"),
            ldap_attribute: text("ldap_attribute"),
            ldap_maps_to: text("ldap_maps_to"),
            oidc_name: text("oidc_name"),
            oidc_issuer: text("oidc_issuer"),
            oidc_client_id: text("oidc_client_id"),
            oidc_client_secret: String::new(),
            oidc_scopes: text("oidc_scopes"),
            oidc_claim: text("oidc_claim"),
            oidc_maps_to: text("oidc_maps_to"),
            problems: Vec::new(),
        }
    }

    /// As the settings page sends it.
    fn form(self) -> BTreeMap<String, String> {
        let flag = |b: bool| if b { "1".to_string() } else { String::new() };
        [
            ("local_passwords", flag(self.local_passwords)),
            ("ldap_url", self.ldap_url),
            ("ldap_starttls", flag(self.ldap_starttls)),
            (store::ca_certificate::FIELD, self.ldap_ca),
            ("ldap_mode", self.ldap_mode),
            ("ldap_bind_dn", self.ldap_bind_dn),
            ("ldap_service_dn", self.ldap_service_dn),
            ("ldap_service_password", self.ldap_service_password),
            ("ldap_base", self.ldap_base),
            ("ldap_filter", self.ldap_filter),
            ("ldap_attribute", self.ldap_attribute),
            ("ldap_maps_to", self.ldap_maps_to),
            ("oidc_name", self.oidc_name),
            ("oidc_issuer", self.oidc_issuer),
            ("oidc_client_id", self.oidc_client_id),
            ("oidc_client_secret", self.oidc_client_secret),
            ("oidc_scopes", self.oidc_scopes),
            ("oidc_claim", self.oidc_claim),
            ("oidc_maps_to", self.oidc_maps_to),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }
}

async fn sign_in_now(state: &AppState, agency: &str) -> Result<SignInSettings, Problem> {
    let saved = state.store.sign_in_settings(agency).await?;
    let problems =
        saved_problems(&saved, crate::i18n::current()).into_iter().map(FieldProblem::from).collect();
    Ok(SignInSettings { problems, ..SignInSettings::of(&values_of(&saved)) })
}

/// How the caller's agency signs in (administrators).
#[utoipa::path(get, path = "/settings/sign-in", tag = "organisasi",
    responses(
        (status = 200, description = "The settings, without secrets", body = SignInSettings),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn sign_in(State(state): State<AppState>, caller: Caller) -> Result<Json<SignInSettings>, Problem> {
    caller.require_admin()?;
    Ok(Json(sign_in_now(&state, caller.0.agency_id()).await?))
}

/// Replaces how the caller's agency signs in (administrators). Refused
/// when no way in would be left, or with each bad field.
#[utoipa::path(put, path = "/settings/sign-in", tag = "organisasi", request_body = SignInSettings,
    responses(
        (status = 200, description = "Saved", body = SignInSettings),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Each refused field", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn save_sign_in(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<SignInSettings>, Problem> {
    caller.require_admin()?;
    let given: SignInSettings = json_body(&headers, &body)?;
    let user = &caller.0;
    let settings = sign_in_form(&given.form());
    state.store.set_sign_in_settings(user.agency_id(), &settings, user.person(), now_ms()).await?;
    Ok(Json(sign_in_now(&state, user.agency_id()).await?))
}

/// The agency's message gateway. Header values are secrets: read back
/// masked.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GatewayView {
    pub url: String,
    /// Header names; their values are never shown.
    pub headers: Vec<String>,
    /// The request body, with `{pesan}`, `{tautan}`, `{telepon}`, `{chat_id}`.
    pub template: String,
}

/// The gateway to save.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GatewaySettings {
    /// `https://…` (or `http://`).
    #[schema(pattern = "^https?://[^\\s\\u0085/][^\\s\\u0085]*$", max_length = 2000)]
    pub url: String,
    /// `Name: value` lines; absent: the saved headers stay; empty: none.
    #[serde(default)]
    pub headers: Option<String>,
    /// The request body, with `{pesan}` where the message goes (and
    /// `{tautan}`, `{telepon}`, `{chat_id}`).
    #[schema(pattern = "\\{pesan\\}", max_length = 4000)]
    pub template: String,
}

/// Whom a test message goes to.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GatewayTest {
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub chat_id: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GatewayTestOutcome {
    pub sent: bool,
    /// What the gateway answered, or why it was not sent.
    pub message: String,
}

async fn gateway_now(state: &AppState, agency: &str) -> Result<Option<GatewayView>, Problem> {
    Ok(state.store.message_gateway(agency).await?.map(|g| GatewayView {
        url: g.url,
        headers: g.headers.into_iter().map(|(name, _)| name).collect(),
        template: g.body_template,
    }))
}

/// The agency's message gateway (administrators); `null` when none is set.
#[utoipa::path(get, path = "/settings/message-gateway", tag = "organisasi",
    responses(
        (status = 200, description = "The gateway", body = Option<GatewayView>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn gateway(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Option<GatewayView>>, Problem> {
    caller.require_admin()?;
    Ok(Json(gateway_now(&state, caller.0.agency_id()).await?))
}

/// Saves the agency's message gateway (administrators).
#[utoipa::path(put, path = "/settings/message-gateway", tag = "organisasi", request_body = GatewaySettings,
    responses(
        (status = 200, description = "Saved", body = Option<GatewayView>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad address, header line or template", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn save_gateway(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Option<GatewayView>>, Problem> {
    caller.require_admin()?;
    let given: GatewaySettings = json_body(&headers, &body)?;
    let (agency, by) = (caller.0.agency_id(), caller.0.person());
    let lines = given.headers.as_deref();
    state.store.save_message_gateway(agency, &given.url, lines, &given.template, by, now_ms()).await?;
    Ok(Json(gateway_now(&state, agency).await?))
}

/// Sends a test message through the saved gateway now (administrators).
#[utoipa::path(post, path = "/settings/message-gateway/test", tag = "organisasi", request_body = GatewayTest,
    responses(
        (status = 200, description = "What became of it", body = GatewayTestOutcome),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No gateway set", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither a phone number nor a chat id", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn test_gateway(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<GatewayTestOutcome>), Problem> {
    caller.require_admin()?;
    let given: GatewayTest = json_body(&headers, &body)?;
    match send_test(&state, &caller.0, given.phone.trim(), given.chat_id.trim()).await? {
        SendTest::NoGateway(why) => Err(Problem::conflict(why)),
        SendTest::NoRecipient(why) => Err(Problem::field("phone", "phone", why)),
        SendTest::Done { sent, message } => Ok((StatusCode::OK, Json(GatewayTestOutcome { sent, message }))),
    }
}
