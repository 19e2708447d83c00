//! Registri: who has which VPN account, subdomain, e-mail account,
//! server-room access card or whatever else the agency's SOPs register —
//! one registry per kind the agency has, searchable, filterable, exportable as CSV
//! with the filters applied — and each entry's page with its history and,
//! for those who keep that registry, the form to suspend, reactivate or
//! revoke it.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use sop::definition::RegistryKind;
use store::registry::{Entry, EntryState, Filter};

use super::reports::{csv_download, csv_line};
use crate::auth::User;
use crate::display::Clock;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::{AppState, layout, now_ms};

fn require_keeper(user: &User) -> Result<(), WebError> {
    if user.keeps_registries { Ok(()) } else { Err(WebError::Forbidden) }
}

/// The registry of the user's agency under this key.
async fn kind_of(state: &AppState, user: &User, key: &str) -> Result<RegistryKind, WebError> {
    state.store.registry_kind(user.agency_id(), key).await?.ok_or(WebError::NotFound)
}

fn state_tag(entry: &Entry) -> Markup {
    let class = match entry.state {
        EntryState::Active => "ok",
        EntryState::Suspended => "warn",
        EntryState::Revoked => "muted",
    };
    html! {
        span class={"tag " (class)} data-state=(entry.state.key()) { (entry.state.key()) }
        @if entry.expired { " " span.tag.bad data-expired="1" { "kedaluwarsa" } }
        @if entry.unreviewed { " " span.tag.bad data-unreviewed="1" { "tidak ditinjau" } }
    }
}

pub async fn index(State(state): State<AppState>, user: User) -> Result<Markup, WebError> {
    require_keeper(&user)?;
    let mut rows = Vec::new();
    for kind in state.store.registry_kinds(user.agency_id()).await? {
        let (states, expired) = state.store.registry_counts(user.agency_id(), kind.key()).await?;
        let count = |s: &str| states.iter().find(|(state, _)| state == s).map_or(0, |(_, n)| *n);
        let [active, suspended, revoked] = EntryState::ALL.map(|s| count(s.key()));
        rows.push((kind, active, suspended, revoked, expired));
    }
    let body = html! {
        h1 { (user.t(Msg::NavRegistries)) }
        table {
            thead { tr { th { (user.t(Msg::Registry)) } @for s in EntryState::ALL { th { (s.key()) } } th { "kedaluwarsa" } } }
            tbody {
                @for (kind, active, suspended, revoked, expired) in rows {
                    tr {
                        td { a href={"/registri/" (kind.key())} { (kind.label()) } }
                        td { (active) } td { (suspended) } td { (revoked) }
                        td { @if expired > 0 { a.tag.bad href={"/registri/" (kind.key()) "?kedaluwarsa=1"} { (expired) } } @else { "0" } }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, user.t(Msg::NavRegistries), "/registri", body))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    kedaluwarsa: Option<String>,
    format: Option<String>,
}

impl ListQuery {
    fn filter(&self) -> Filter {
        Filter {
            query: self.q.clone().filter(|q| !q.trim().is_empty()),
            state: self.status.clone().filter(|s| !s.is_empty()),
            expired_only: self.kedaluwarsa.as_deref() == Some("1"),
            ..Filter::default()
        }
    }

    /// The same filters as a query string, for the CSV link.
    fn query_string(&self) -> String {
        let mut pairs = Vec::new();
        for (k, v) in [("q", &self.q), ("status", &self.status), ("kedaluwarsa", &self.kedaluwarsa)] {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                pairs.push(format!("{k}={}", urlencode(v)));
            }
        }
        pairs.join("&")
    }
}

pub(crate) fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The most entries the list page shows (the newest; the CSV has all).
const PAGE_LIMIT: i64 = 500;

/// Entries read at a time for a CSV export, which is sent as it is read:
/// exporting a registry of hundreds of thousands of entries does not hold
/// them all in the server's memory.
const EXPORT_PAGE: i64 = 500;

/// Every entry `filter` selects, newest first, as a CSV download.
fn export(state: &AppState, user: &User, kind: &RegistryKind, filter: Filter) -> Response {
    let header = csv_line(&[
        "nama",
        "status",
        "kedaluwarsa",
        "unit",
        "penanggung_jawab",
        "berlaku_sampai",
        "permohonan",
        "dicatat_oleh",
        "dicatat_pada",
        "rincian",
    ]);
    let pages = csv_pages(
        state.store.clone(),
        user.agency_id().to_string(),
        user.clock(),
        kind.key().to_string(),
        filter,
        EXPORT_PAGE,
    );
    let body = futures_util::StreamExt::chain(futures_util::stream::iter([Ok(header)]), pages);
    csv_download(&format!("registri-{}.csv", kind.key()), axum::body::Body::from_stream(body))
}

/// The CSV records of every entry `filter` selects, newest first, read
/// `page` entries at a time, each page after the last entry of the one
/// before.
fn csv_pages(
    store: Arc<store::Store>,
    agency: String,
    clock: Clock,
    kind: String,
    filter: Filter,
    page: i64,
) -> impl futures_util::Stream<Item = Result<String, store::StoreError>> {
    // `None`: nothing more to read.
    futures_util::stream::unfold(Some(filter), move |next| {
        let (store, agency, clock, kind) = (store.clone(), agency.clone(), clock.clone(), kind.clone());
        async move {
            let filter = Filter { limit: Some(page), ..next? };
            match store.registry(&agency, &kind, &filter).await {
                Ok(entries) => {
                    let after = match entries.last() {
                        Some(last) if entries.len() as i64 == page => {
                            Some(Filter { after: Some((last.created_at, last.id.clone())), ..filter })
                        }
                        _ => None,
                    };
                    Some((Ok(entries.iter().map(|e| csv_line(&export_row(e, &clock))).collect()), after))
                }
                // The download ends unfinished, which the browser shows as failed.
                Err(e) => {
                    tracing::warn!("ekspor registri terhenti: {e}");
                    Some((Err(e), None))
                }
            }
        }
    })
}

fn export_row(e: &Entry, clock: &Clock) -> [String; 10] {
    let details: Vec<String> = e.details.iter().map(|d| format!("{}: {}", d.label, d.value)).collect();
    [
        e.name.clone(),
        e.state.key().into(),
        if e.expired { "ya" } else { "tidak" }.into(),
        e.unit.clone(),
        e.responsible.clone(),
        e.valid_until.clone().unwrap_or_default(),
        e.case_number.clone(),
        e.created_by.clone(),
        clock.datetime(e.created_at),
        details.join("; "),
    ]
}

pub async fn list(
    State(state): State<AppState>,
    user: User,
    Path(kind): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    require_keeper(&user)?;
    let kind = kind_of(&state, &user, &kind).await?;
    // Checked before a CSV download starts, which could not report it.
    store::registry::check_state_filter(q.status.as_deref())
        .and_then(|()| store::registry::check_search(q.q.as_deref()))
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
    if q.format.as_deref() == Some("csv") {
        return Ok(export(&state, &user, &kind, q.filter()));
    }
    // The page shows the newest entries; the CSV holds every one.
    let filter = Filter { limit: Some(PAGE_LIMIT + 1), ..q.filter() };
    let mut entries = state.store.registry(user.agency_id(), kind.key(), &filter).await?;
    let more = entries.len() as i64 > PAGE_LIMIT;
    if more {
        entries.truncate(PAGE_LIMIT as usize);
    }
    let selected = |s: &str| q.status.as_deref() == Some(s);
    let body = html! {
        h1 { (kind.label()) }
        p { a href="/registri" { "← " (user.t(Msg::NavRegistries)) } }
        form.filters method="get" action={"/registri/" (kind.key())} {
            label for="q" { (user.t(Msg::Search)) }
            input #q type="search" name="q" value=(q.q.clone().unwrap_or_default()) maxlength="200";
            label for="status" { (user.t(Msg::ColStatus)) }
            select #status name="status" {
                option value="" { "—" }
                @for s in EntryState::ALL.map(EntryState::key) { option value=(s) selected[selected(s)] { (s) } }
            }
            label { input type="checkbox" name="kedaluwarsa" value="1" checked[q.kedaluwarsa.as_deref() == Some("1")]; " kedaluwarsa" }
            button.secondary type="submit" { (user.t(Msg::Search)) }
        }
        p { a href={"/registri/" (kind.key()) "?format=csv&" (q.query_string())} { (user.t(Msg::DownloadCsv)) } " · " (entries.len()) " entri" @if more { " — " (user.t(Msg::RegistryMore)) } }
        table #registri {
            thead { tr {
                th { (user.t(Msg::Name)) } th { (user.t(Msg::ColStatus)) } th.hide-sm { (user.t(Msg::Unit)) }
                th { (user.t(Msg::Responsible)) } th.hide-sm { (user.t(Msg::ValidUntil)) } th.hide-sm { (user.t(Msg::ColCase)) }
            } }
            tbody {
                @for e in &entries {
                    tr {
                        td { a href={"/registri/" (kind.key()) "/" (e.id)} { (e.name) } }
                        td { (state_tag(e)) }
                        td.hide-sm { (e.unit) }
                        td { (e.responsible) }
                        td.hide-sm { (e.valid_until.clone().unwrap_or_else(|| "-".into())) }
                        td.hide-sm { a href={"/permohonan/" (e.case_id)} { (e.case_number) } }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, kind.label(), "/registri", body).into_response())
}

async fn entry_page(
    state: &AppState,
    user: &User,
    kind: &RegistryKind,
    id: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let (entry, history) =
        state.store.registry_entry(user.agency_id(), id).await?.ok_or(WebError::NotFound)?;
    if entry.kind != kind.key() {
        return Err(WebError::NotFound);
    }
    let keeps = state.store.keeps_registry(user.agency_id(), kind.key(), user.person()).await?;
    let runs = state.store.runs_of_entry(user.agency_id(), &entry.id).await?;
    let clock = user.clock();
    let body = html! {
        h1 { (kind.label()) ": " (entry.name) " " (state_tag(&entry)) }
        p { a href={"/registri/" (kind.key())} { "← " (kind.label()) } }
        @if let Some(e) = &error { p.flash.error role="alert" { (e) } }
        table.card {
            tbody {
                tr { th { (user.t(Msg::Unit)) } td { (entry.unit) } }
                tr { th { (user.t(Msg::Responsible)) } td { (entry.responsible) } }
                tr { th { (user.t(Msg::ValidUntil)) } td { (entry.valid_until.clone().unwrap_or_else(|| "-".into())) } }
                tr { th { (user.t(Msg::ColCase)) } td { a href={"/permohonan/" (entry.case_id)} { (entry.case_number) } } }
                tr { th { (user.t(Msg::RecordedBy)) } td { (entry.created_by) ", " (clock.datetime(entry.created_at)) } }
                @for d in &entry.details { tr { th { (d.label) } td { (d.value) } } }
            }
        }
        h2 { (user.t(Msg::History)) }
        table #riwayat {
            thead { tr { th { (user.t(Msg::Date)) } th { (user.t(Msg::ColStatus)) } th { (user.t(Msg::Reason)) } th { (user.t(Msg::By)) } } }
            tbody {
                @for h in &history {
                    tr { td { (clock.datetime(h.at)) } td { (h.state) } td { (h.reason) } td { (h.by) } }
                }
            }
        }
        @if !runs.is_empty() {
            h2 { (user.t(Msg::Provisioning)) }
            div #penyediaan { (super::provisioning::runs_table(user, &runs, &format!("/registri/{}/{}", kind.key(), entry.id))) }
        }
        @if keeps && entry.state != EntryState::Revoked {
            form.card method="post" action={"/registri/" (kind.key()) "/" (entry.id) "/status"} {
                h2 { (user.t(Msg::ChangeState)) }
                input type="hidden" name="csrf" value=(user.csrf);
                label for="status" { (user.t(Msg::ColStatus)) }
                select #status name="status" {
                    @for s in [EntryState::Suspended, EntryState::Active, EntryState::Revoked] {
                        @if s != entry.state { option value=(s.key()) { (s.key()) } }
                    }
                }
                label for="alasan" { (user.t(Msg::Reason)) }
                textarea #alasan name="alasan" maxlength="1000" required {}
                button.primary type="submit" { (user.t(Msg::Save)) }
            }
        }
    };
    Ok((status, layout::page(user, &entry.name, "/registri", body)).into_response())
}

pub async fn entry(
    State(state): State<AppState>,
    user: User,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    require_keeper(&user)?;
    let kind = kind_of(&state, &user, &kind).await?;
    entry_page(&state, &user, &kind, &id, None, StatusCode::OK).await
}

pub async fn change_state(
    State(state): State<AppState>,
    user: User,
    Path((kind, id)): Path<(String, String)>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    require_keeper(&user)?;
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    let kind = kind_of(&state, &user, &kind).await?;
    let new_state = form.get("status").map(String::as_str).unwrap_or_default();
    let reason = form.get("alasan").map(String::as_str).unwrap_or_default();
    match state
        .store
        .change_entry_state(user.agency_id(), &id, user.person(), new_state, reason, now_ms())
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/registri/{}/{id}", kind.key())).into_response()),
        Err(store::StoreError::Engine(e)) => {
            entry_page(&state, &user, &kind, &id, Some(e.to_string()), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    /// An export read in pages holds every entry once, in the list's order,
    /// whatever the page size (a page exactly full included).
    #[tokio::test]
    async fn an_export_in_pages_holds_every_entry_once_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("sopir.db").display());
        let store = Arc::new(store::Store::open(&url).await.unwrap().with_key(store::DataKey::random()));
        let now = jiff::Timestamp::now().as_millisecond();
        store::demo::install(&store, &sop::Catalog::builtin(), now).await.unwrap();
        store.seed_history(60, now, |_| {}).await.unwrap();
        let clock =
            Clock::of(&sop::Catalog::builtin().agency("lumajang").unwrap().clone(), crate::i18n::Lang::Id);
        let all = store.registry("lumajang", "vpn", &Filter::default()).await.unwrap();
        assert!(all.len() >= 6, "{} entries", all.len());
        let expected: Vec<String> = all.iter().map(|e| csv_line(&export_row(e, &clock))).collect();
        for page in [1, 2, 3, all.len() as i64, 500] {
            let pages = csv_pages(
                store.clone(),
                "lumajang".into(),
                clock.clone(),
                "vpn".to_string(),
                Filter::default(),
                page,
            );
            let text: Vec<String> = pages.map(|p| p.unwrap()).collect().await;
            assert_eq!(text.concat(), expected.concat(), "page size {page}");
        }
    }
}
