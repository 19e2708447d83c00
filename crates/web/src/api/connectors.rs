//! The agency's provisioning connectors through the API — what Admin →
//! Konektor shows and saves: where each connector's server is, its other
//! settings and the dry-run switch (never its secret, which is only sent),
//! checked by the connector itself with the page's refusals.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use connectors::setting_rules::{self, SettingRule, Shape};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sop::ConnectorKind;
use store::provisioning::{ConnectorConfig, ConnectorForm, FORM_OPTIONS};
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::{instant, json_body};
use super::problem::Problem;
use crate::{AppState, now_ms};

/// A connector as configured (without its secret).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ConnectorView {
    /// dns, ldap, wireguard or webhook.
    pub kind: String,
    pub address: String,
    pub options: BTreeMap<String, String>,
    /// Only record what would be sent.
    pub dry_run: bool,
    pub updated_at: String,
}

fn view(c: ConnectorConfig) -> ConnectorView {
    ConnectorView {
        kind: c.kind.key().into(),
        address: c.address,
        options: c.options,
        dry_run: c.dry_run,
        updated_at: instant(c.updated_at),
    }
}

/// A connector's settings to save.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectorSettings {
    /// The server: `dns://host:53`, `ldaps://…`, a WireGuard gateway's
    /// `https://…`, a webhook's `https://…`.
    pub address: String,
    /// TSIG key, bind password or signing key; absent: the one saved is kept.
    #[serde(default)]
    pub secret: Option<String>,
    /// The connector's other settings (e.g. `zone`, `ttl` for DNS), all of
    /// them: those left out are removed. Names are lower-case letters,
    /// digits and `_`; values one line.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    /// Only record what would be sent (required: a connector never goes
    /// live by a field left out).
    pub dry_run: bool,
}

fn kind_of(key: &str) -> Result<ConnectorKind, Problem> {
    ConnectorKind::parse(key).ok_or_else(Problem::not_found)
}

/// The agency's configured connectors.
#[utoipa::path(get, path = "/connectors", tag = "registri",
    responses(
        (status = 200, description = "Configured connectors", body = Vec<ConnectorView>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ConnectorView>>, Problem> {
    caller.require_admin()?;
    Ok(Json(state.store.connector_configs(caller.0.agency_id()).await?.into_iter().map(view).collect()))
}

/// Saves the settings of one connector, checked by the connector; a
/// refusal names each field and changes nothing.
#[utoipa::path(put, path = "/connectors/{kind}", tag = "registri", request_body = ConnectorSettings,
    params(("kind" = String, Path, description = "dns, ldap, wireguard or webhook", example = "dns")),
    responses(
        (status = 200, description = "Saved", body = ConnectorView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such connector", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Settings the connector refuses", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(kind): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ConnectorView>, Problem> {
    caller.require_admin()?;
    let kind = kind_of(&kind)?;
    let given: ConnectorSettings = json_body(&headers, &body)?;
    // The store reads options as `name = value` lines: a name or value
    // that would read as more than one is refused here, by its name.
    let name_ok = |k: &str| {
        !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    if let Some((k, _)) = given.options.iter().find(|(k, v)| !name_ok(k) || v.contains(['\r', '\n'])) {
        let message = format!("\"{k}\": nama hanya huruf kecil, angka dan garis bawah; nilai satu baris");
        return Err(Problem::field("options", "options", message));
    }
    let options: String = given.options.iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
    let form = ConnectorForm {
        address: &given.address,
        secret: given.secret.as_deref(),
        options: &options,
        dry_run: given.dry_run,
    };
    let user = &caller.0;
    state
        .store
        .save_connector(user.agency_id(), kind, form, user.person(), now_ms())
        .await
        .map_err(|e| Problem::from(e).rename_fields(|f| (f == FORM_OPTIONS).then_some("options")))?;
    let saved = state.store.connector_configs(user.agency_id()).await?.into_iter().find(|c| c.kind == kind);
    Ok(Json(view(saved.ok_or_else(Problem::not_found)?)))
}

/// Removes one connector's settings: its steps are done by hand again.
#[utoipa::path(delete, path = "/connectors/{kind}", tag = "registri",
    params(("kind" = String, Path, description = "dns, ldap, wireguard or webhook", example = "dns")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such connector configured", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(kind): Path<String>,
) -> Result<StatusCode, Problem> {
    caller.require_admin()?;
    let kind = kind_of(&kind)?;
    let user = &caller.0;
    state.store.remove_connector(user.agency_id(), kind, user.person(), now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The operations of `generic` (the document's `/connectors/{kind}`) once
/// per kind, each saving that kind's settings exactly as its connector
/// takes them ([`connectors::setting_rules`]): for an agency's document,
/// where a client knows the body before sending it.
pub(super) fn operations_by_kind(generic: &Value) -> Vec<(String, Value)> {
    ConnectorKind::ALL
        .into_iter()
        .map(|kind| {
            let rules = setting_rules::rules(kind);
            let mut item = super::sop_schema::path_filled(generic, &["kind"]);
            let options: Map<String, Value> =
                rules.options.iter().map(|r| (r.name.to_string(), shape(r))).collect();
            let required: Vec<&str> = rules.options.iter().filter(|r| r.required).map(|r| r.name).collect();
            let mut options = json!({
                "type": "object",
                "properties": options,
                "required": required,
                "additionalProperties": false,
            });
            if !rules.beyond.is_empty() {
                options["description"] = json!(format!(
                    "The options this schema describes. Also taken, by PUT /api/v1/connectors/{{kind}} of /api/openapi.json or the settings page: {}.",
                    rules.beyond
                ));
            }
            item["put"]["requestBody"]["content"]["application/json"]["schema"] = json!({
                "type": "object",
                "properties": {
                    "address": shape(&rules.address),
                    "secret": shape(&rules.secret),
                    "options": options,
                    "dry_run": { "type": "boolean" },
                },
                "required": ["address", "options", "dry_run"],
                "additionalProperties": false,
            });
            (format!("/api/v1/connectors/{}", kind.key()), item)
        })
        .collect()
}

/// A setting's value as JSON Schema, its example beside it.
fn shape(rule: &SettingRule) -> Value {
    let mut schema = match &rule.shape {
        Shape::Pattern(pattern) => json!({ "type": "string", "pattern": pattern }),
        Shape::OneOf(words) => json!({ "enum": words }),
        Shape::AtLeast(chars) => json!({ "type": "string", "minLength": chars }),
    };
    if !rule.example.is_empty() {
        schema["examples"] = json!([rule.example]);
    }
    schema
}
