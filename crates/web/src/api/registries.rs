//! Registries (VPN accounts, subdomains, e-mail accounts, server-room
//! access, and the kinds an agency's SOPs declare) through the API, for the
//! people who keep them.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use sop::definition::RegistryKind;
use store::registry::{Entry, EntryState, Filter};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::cases::instant;
use super::paging::{Page, PageQuery, cursor};
use super::problem::Problem;
use crate::{AppState, now_ms};

/// A registry entry.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EntryView {
    pub id: String,
    /// The registry's kind: vpn, subdomain, email, akses-ruang-server or
    /// one the agency's SOPs declare.
    pub kind: String,
    /// The username, FQDN, address or card number.
    pub name: String,
    /// aktif, ditangguhkan or dicabut.
    pub state: String,
    pub case: String,
    pub case_number: String,
    pub unit: String,
    /// The penanggung jawab.
    pub responsible: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    pub expired: bool,
    pub unreviewed: bool,
    pub details: Vec<DetailView>,
    pub created_at: String,
    pub updated_at: String,
}

/// One recorded detail of an entry (e.g. IP address, DNS record).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DetailView {
    pub label: String,
    pub value: String,
}

/// A state change of an entry.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HistoryView {
    pub at: String,
    pub by: String,
    pub state: String,
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EntryDetail {
    #[serde(flatten)]
    pub entry: EntryView,
    pub history: Vec<HistoryView>,
    /// What connectors did with the entry in the network, oldest first.
    pub provisioning: Vec<super::provisioning::RunView>,
}

fn view(e: Entry) -> EntryView {
    EntryView {
        id: e.id,
        kind: e.kind,
        name: e.name,
        state: e.state.key().into(),
        case: e.case_id,
        case_number: e.case_number,
        unit: e.unit,
        responsible: e.responsible,
        valid_until: e.valid_until,
        expired: e.expired,
        unreviewed: e.unreviewed,
        details: e.details.into_iter().map(|d| DetailView { label: d.label, value: d.value }).collect(),
        created_at: instant(e.created_at),
        updated_at: instant(e.updated_at),
    }
}

fn states() -> utoipa::openapi::Object {
    super::choices::one_of(
        store::registry::EntryState::ALL.map(store::registry::EntryState::key),
        "aktif, ditangguhkan or dicabut (final: a revoked entry is not made active again).",
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryQuery {
    /// Matched against name, penanggung jawab and unit (no control characters).
    #[param(pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$")]
    pub q: Option<String>,
    #[param(schema_with = states)]
    pub state: Option<String>,
    /// Only entries past their valid-until date.
    pub expired: Option<bool>,
    pub cursor: Option<String>,
    /// 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The registry of the caller's agency under this key.
async fn kind_of(state: &AppState, caller: &Caller, key: &str) -> Result<RegistryKind, Problem> {
    state.store.registry_kind(caller.0.agency_id(), key).await?.ok_or_else(Problem::not_found)
}

fn require_keeper(caller: &Caller) -> Result<(), Problem> {
    if caller.0.keeps_registries {
        Ok(())
    } else {
        Err(Problem::forbidden_because(
            "registri hanya untuk pimpinan, petugas pengelolanya dan administrator",
        ))
    }
}

/// A registry the caller's agency has, with how many entries it holds.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegistrySummary {
    /// Its key, as in `/registries/{kind}`.
    pub kind: String,
    pub label: String,
    /// How an entry's name is checked: domain-label, mailbox, ip or free.
    pub name_rule: String,
    pub active: i64,
    pub suspended: i64,
    pub revoked: i64,
    /// Live entries past their valid-until date.
    pub expired: i64,
}

/// The registries of the caller's agency: the built-in kinds its SOPs use,
/// the kinds its SOPs declare, and any kind holding entries.
#[utoipa::path(get, path = "/registries", tag = "registri",
    responses(
        (status = 200, description = "The agency's registries", body = Vec<RegistrySummary>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a registry keeper", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn kinds(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<RegistrySummary>>, Problem> {
    require_keeper(&caller)?;
    let agency = caller.0.agency_id();
    let mut out = Vec::new();
    for kind in state.store.registry_kinds(agency).await? {
        let (states, expired) = state.store.registry_counts(agency, kind.key()).await?;
        let count = |s: &str| states.iter().find(|(state, _)| state == s).map_or(0, |(_, n)| *n);
        out.push(RegistrySummary {
            kind: kind.key().into(),
            label: kind.label().into(),
            name_rule: kind.name_rule().key().into(),
            active: count(EntryState::Active.key()),
            suspended: count(EntryState::Suspended.key()),
            revoked: count(EntryState::Revoked.key()),
            expired,
        });
    }
    Ok(Json(out))
}

/// The entries of one registry, newest first.
#[utoipa::path(get, path = "/registries/{kind}", tag = "registri",
    params(("kind" = String, Path, description = "vpn, subdomain, email, akses-ruang-server or a kind the agency's SOPs declare (see GET /registries)", example = "vpn"), EntryQuery),
    responses(
        (status = 200, description = "A page of entries", body = Page<EntryView>),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a registry keeper", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such registry", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(kind): Path<String>,
    query: Result<Query<EntryQuery>, QueryRejection>,
) -> Result<Json<Page<EntryView>>, Problem> {
    let Query(query) = query.map_err(|e| Problem::bad_request(e.body_text()))?;
    require_keeper(&caller)?;
    let kind = kind_of(&state, &caller, &kind).await?;
    let paging = PageQuery { cursor: query.cursor, limit: query.limit };
    let limit = paging.limit()?;
    // The cursor is the last entry's (-created, id): newest first.
    let after: Option<(i64, String)> = paging.after()?;
    let filter = Filter {
        query: query.q.clone(),
        state: query.state.clone(),
        expired_only: query.expired.unwrap_or(false),
        after: after.map(|(created, id)| (-created, id)),
        limit: Some(limit as i64 + 1),
    };
    let mut entries = state.store.registry(caller.0.agency_id(), kind.key(), &filter).await?;
    let next_cursor = if entries.len() > limit {
        entries.truncate(limit);
        entries.last().map(|e| cursor(&(-e.created_at, e.id.clone())))
    } else {
        None
    };
    Ok(Json(Page { items: entries.into_iter().map(view).collect(), next_cursor }))
}

/// One entry with its history.
#[utoipa::path(get, path = "/registries/{kind}/{id}", tag = "registri",
    params(("kind" = String, Path, description = "vpn, subdomain, email, akses-ruang-server or a kind the agency's SOPs declare (see GET /registries)", example = "vpn"), ("id" = String, Path, description = "Entry id")),
    responses(
        (status = 200, description = "The entry", body = EntryDetail),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a registry keeper", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn entry(
    State(state): State<AppState>,
    caller: Caller,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Json<EntryDetail>, Problem> {
    require_keeper(&caller)?;
    let kind = kind_of(&state, &caller, &kind).await?;
    let (entry, history) =
        state.store.registry_entry(caller.0.agency_id(), &id).await?.ok_or_else(Problem::not_found)?;
    if entry.kind != kind.key() {
        return Err(Problem::not_found());
    }
    let history = history
        .into_iter()
        .map(|h| HistoryView { at: instant(h.at), by: h.by, state: h.state, reason: h.reason })
        .collect();
    let runs = state.store.runs_of_entry(caller.0.agency_id(), &entry.id).await?;
    let provisioning = runs.into_iter().map(super::provisioning::view).collect();
    Ok(Json(EntryDetail { entry: view(entry), history, provisioning }))
}

/// A change of an entry's state.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateChange {
    /// aktif, ditangguhkan or dicabut (final).
    #[schema(pattern = "^(aktif|ditangguhkan|dicabut)$")]
    pub state: String,
    /// Why; kept in the entry's history.
    #[schema(pattern = "[^\\s\\u0085]", max_length = 1000)]
    pub reason: String,
}

/// Suspends, reactivates or revokes an entry (e.g. a VPN account), with the
/// reason kept in its history.
#[utoipa::path(post, path = "/registries/{kind}/{id}/state", tag = "registri", request_body = StateChange,
    params(("kind" = String, Path, description = "vpn, subdomain, email, akses-ruang-server or a kind the agency's SOPs declare (see GET /registries)", example = "vpn"), ("id" = String, Path, description = "Entry id")),
    responses(
        (status = 200, description = "The entry after the change", body = EntryDetail),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a keeper of this registry kind (an administrator, or someone acting in the step that fills it)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The entry is already revoked, or already in that state", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused: bad state, missing reason", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn change_state(
    State(state): State<AppState>,
    caller: Caller,
    Path((kind, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<EntryDetail>, Problem> {
    require_keeper(&caller)?;
    let change: StateChange = super::cases::json_body(&headers, &body)?;
    let user = &caller.0;
    let (existing, _) =
        state.store.registry_entry(user.agency_id(), &id).await?.ok_or_else(Problem::not_found)?;
    if existing.kind != kind_of(&state, &caller, &kind).await?.key() {
        return Err(Problem::not_found());
    }
    state
        .store
        .change_entry_state(user.agency_id(), &id, user.person(), &change.state, &change.reason, now_ms())
        .await
        .map_err(|e| {
            // The store names the form's fields; the API's are `state` and `reason`.
            let mut problem = Problem::from(e);
            for error in &mut problem.errors {
                error.field = match error.field.as_str() {
                    "status" => "state".into(),
                    "alasan" => "reason".into(),
                    other => other.into(),
                };
            }
            problem
        })?;
    entry(State(state), caller, Path((kind, id))).await
}
