//! Kunjungan: the visit block of a server-room case (with the check-in
//! form for the escorting officer) and the visitor log (pencatatan akses
//! ruang server) with durations, late visitors flagged, and its CSV. A
//! visitor's name is personal data: masked everywhere, shown in full only
//! on the case page after a reveal that is in the audit log.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use engine::CaseState;
use maud::{Markup, html};
use serde::Deserialize;
use sop::definition::FieldKind;
use store::visits::{VisitRow, VisitState};

use super::reports::csv;
use crate::auth::User;
use crate::display::Clock;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::{AppState, layout, now_ms};

fn state_tag(v: &VisitRow) -> Markup {
    let class = match v.state {
        VisitState::Inside => "warn",
        VisitState::Done => "ok",
        VisitState::Refused => "bad",
        VisitState::Requested | VisitState::Withdrawn => "muted",
    };
    html! {
        span class={"tag " (class)} data-visit=(v.state) { (v.state) }
        @if v.overdue { " " span.tag.bad data-overdue="1" { "melewati rencana selesai" } }
    }
}

/// The visitor's name as shown without a reveal.
fn visitor_masked(v: &VisitRow) -> String {
    super::form::masked(FieldKind::Text, &v.visitor)
}

fn duration(v: &VisitRow) -> String {
    v.minutes.map_or_else(|| "-".into(), |m| format!("{m} menit"))
}

/// The visit block on the case page, the visitor's name in full only when
/// `reveal` (the reveal already logged); the officer of the open escort
/// step gets the check-in form while the visitor is not yet inside.
pub fn section(
    user: &User,
    case: &CaseState,
    visit: &VisitRow,
    escort_step: Option<u32>,
    reveal: bool,
) -> Markup {
    let clock = user.clock();
    let may_check_in = visit.state == VisitState::Requested
        && case
            .open_tasks()
            .any(|t| Some(t.step) == escort_step && t.candidates.iter().any(|c| c.person == user.person()));
    html! {
        section.card #kunjungan {
            h2 { (user.t(Msg::Visit)) " " (state_tag(visit)) }
            p { strong data-personal="1" { @if reveal { (visit.visitor) } @else { (visitor_masked(visit)) } } " · " (visit.institution) " · " (visit.planned_start.replace('T', " ")) " – " (visit.planned_end.replace('T', " ")) }
            @if let Some(at) = visit.checked_in_at {
                p { (user.t(Msg::CheckedIn)) " " (clock.datetime(at)) " · " (user.t(Msg::Badge)) " " strong { (visit.badge.clone().unwrap_or_default()) } " · " (visit.escort.clone().unwrap_or_default()) }
            }
            @if let Some(at) = visit.checked_out_at { p { (user.t(Msg::CheckedOut)) " " (clock.datetime(at)) " · " (duration(visit)) } }
            @if may_check_in {
                form method="post" action={"/permohonan/" (case.id) "/masuk"} {
                    input type="hidden" name="csrf" value=(user.csrf);
                    div.field {
                        label for="tanda_pengenal" { (user.t(Msg::Badge)) }
                        input #tanda_pengenal type="text" name="tanda_pengenal" maxlength="30" required;
                    }
                    button.primary type="submit" { (user.t(Msg::CheckIn)) }
                }
            }
        }
    }
}

pub async fn check_in(
    State(state): State<AppState>,
    user: User,
    Path(case): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    if !state.store.may_see_case(user.agency_id(), &case, user.person(), user.account.is_admin).await? {
        return Err(WebError::Forbidden);
    }
    let badge = form.get("tanda_pengenal").map(String::as_str).unwrap_or_default();
    match state.store.check_in(user.agency_id(), &case, user.person(), badge, now_ms()).await {
        Ok(()) => Ok(Redirect::to(&format!("/permohonan/{case}?ok=1")).into_response()),
        Err(store::StoreError::Engine(e)) => {
            super::cases::refused(&state, &user, &case, user.lang.refusal(&e)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct LogQuery {
    format: Option<String>,
    q: Option<String>,
    status: Option<String>,
    terlambat: Option<String>,
}

impl LogQuery {
    fn keeps(&self, v: &VisitRow) -> bool {
        let q = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase);
        // The name is searched as shown: a search must not confirm a hidden name.
        let text = q.is_none_or(|q| {
            [&visitor_masked(v), &v.institution, &v.case_number].iter().any(|f| f.to_lowercase().contains(&q))
        });
        let state = self.status.as_deref().is_none_or(|s| s.is_empty() || s == v.state.key());
        text && state && (self.terlambat.as_deref() != Some("1") || v.overdue)
    }

    /// The filters as a query string, for the CSV link.
    fn query_string(&self) -> String {
        [("q", &self.q), ("status", &self.status), ("terlambat", &self.terlambat)]
            .iter()
            .filter_map(|(k, v)| {
                v.as_ref()
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{k}={}", super::registries::urlencode(v)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn csv_rows(visits: &[VisitRow], clock: &Clock) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "permohonan",
            "pengunjung",
            "instansi",
            "keperluan",
            "rencana_masuk",
            "rencana_selesai",
            "status",
            "tanda_pengenal",
            "pendamping",
            "masuk",
            "keluar",
            "lama_menit",
            "melewati_rencana",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for v in visits {
        rows.push(vec![
            v.case_number.clone(),
            visitor_masked(v),
            v.institution.clone(),
            v.purpose.clone(),
            v.planned_start.clone(),
            v.planned_end.clone(),
            v.state.to_string(),
            v.badge.clone().unwrap_or_default(),
            v.escort.clone().unwrap_or_default(),
            v.checked_in_at.map(|t| clock.datetime(t)).unwrap_or_default(),
            v.checked_out_at.map(|t| clock.datetime(t)).unwrap_or_default(),
            v.minutes.map(|m| m.to_string()).unwrap_or_default(),
            if v.overdue { "ya" } else { "tidak" }.into(),
        ]);
    }
    rows
}

/// The visitor log of the agency.
pub async fn log(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<LogQuery>,
) -> Result<Response, WebError> {
    if !user.keeps_registries {
        return Err(WebError::Forbidden);
    }
    let visits: Vec<VisitRow> =
        state.store.visit_log(user.agency_id()).await?.into_iter().filter(|v| q.keeps(v)).collect();
    let clock = user.clock();
    if q.format.as_deref() == Some("csv") {
        return Ok(csv("kunjungan-ruang-server.csv", csv_rows(&visits, &clock)));
    }
    let body = html! {
        h1 { (user.t(Msg::VisitLog)) }
        form.filters method="get" action="/kunjungan" {
            label for="q" { (user.t(Msg::Search)) }
            input #q type="search" name="q" value=(q.q.clone().unwrap_or_default()) maxlength="200";
            label for="status" { (user.t(Msg::ColStatus)) }
            select #status name="status" {
                option value="" { "—" }
                @for st in VisitState::ALL {
                    option value=(st) selected[q.status.as_deref() == Some(st.key())] { (st) }
                }
            }
            label { input type="checkbox" name="terlambat" value="1" checked[q.terlambat.as_deref() == Some("1")]; " melewati rencana selesai" }
            button.secondary type="submit" { (user.t(Msg::Search)) }
        }
        p { a href={"/kunjungan?format=csv&" (q.query_string())} { (user.t(Msg::DownloadCsv)) } " · " (visits.len()) " kunjungan" }
        table #kunjungan {
            thead { tr {
                th { (user.t(Msg::ColCase)) } th { (user.t(Msg::Visitor)) } th.hide-sm { (user.t(Msg::Planned)) }
                th { (user.t(Msg::ColStatus)) } th { (user.t(Msg::CheckedIn)) } th { (user.t(Msg::CheckedOut)) } th { (user.t(Msg::Duration)) }
            } }
            tbody {
                @for v in &visits {
                    tr {
                        td { a href={"/permohonan/" (v.case_id)} { (v.case_number) } }
                        td { span data-personal="1" { (visitor_masked(v)) } br; span.muted { (v.institution) } }
                        td.hide-sm { (v.planned_start.replace('T', " ")) " – " (v.planned_end.replace('T', " ")) }
                        td { (state_tag(v)) }
                        td { (clock.maybe(v.checked_in_at)) @if let Some(b) = &v.badge { br; span.muted { (b) " · " (v.escort.clone().unwrap_or_default()) } } }
                        td { (clock.maybe(v.checked_out_at)) }
                        td { (duration(v)) }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, user.t(Msg::VisitLog), "/kunjungan", body).into_response())
}
