//! Monitoring pelaksanaan SOP in the browser, for heads and administrators:
//! /laporan/monitoring lists each SOP in use with its forms of the previous
//! and the current period (six months unless an administrator sets the
//! agency's own) — signed, due, or running — and opens any period; a form is
//! pre-filled from the cases of its period — per step what was found and a
//! proposed judgement — and the assessor confirms or corrects each row,
//! writes notes and actions, and signs it off (paraf). A signed form is
//! read-only and downloads as the regulation's PDF.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use engine::form::FieldError;
use jiff::civil::Date;
use maud::{Markup, html};
use serde::Deserialize;
use store::StoreError;
use store::letters::civil_date as written;
use store::monitoring::{Judgement, Monitoring, PERIOD_MONTHS, SignOff, period_of, previous_period};

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::{AppState, layout, now_ms};

const BASE: &str = "/laporan/monitoring";

/// The agency's monitoring periods as of today.
struct Periods {
    /// How many months one lasts.
    months: u8,
    current: (Date, Date),
    /// The one whose forms are due now.
    previous: (Date, Date),
}

async fn periods(state: &AppState, user: &User) -> Result<Periods, WebError> {
    let months = state.store.monitoring_months(user.agency_id()).await?;
    let today = today(user);
    Ok(Periods { months, current: period_of(today, months), previous: previous_period(today, months) })
}

/// A reminder for heads: the last period's forms not signed off yet.
pub(super) async fn due_reminder(state: &AppState, user: &User) -> Result<Markup, WebError> {
    if !user.may_report {
        return Ok(html! {});
    }
    let (from, until) = periods(state, user).await?.previous;
    let due = state.store.monitoring_due(user.agency_id(), from, until).await?;
    Ok(reminder(user, (from, until), due.len()))
}

fn reminder(user: &User, (from, until): (Date, Date), due: usize) -> Markup {
    html! {
        @if due > 0 {
            p.card.monitoring-due role="status" {
                (user.t(Msg::MonDueCount)) " " strong { (due) } " (" (written(from)) " s.d. " (written(until)) "). "
                a href=(BASE) { (user.t(Msg::MonLink)) }
            }
        }
    }
}

fn today(user: &User) -> Date {
    jiff::Timestamp::now().to_zoned(user.clock().zone).date()
}

fn may_assess(user: &User) -> Result<(), WebError> {
    if user.may_report { Ok(()) } else { Err(WebError::Forbidden) }
}

fn form_url(sop_id: &str, from: Date, until: Date) -> String {
    format!("{BASE}/{sop_id}?dari={from}&sampai={until}")
}

async fn list(state: &AppState, user: &User) -> Result<Markup, WebError> {
    let agency = user.agency_id();
    let Periods { months, current, previous } = periods(state, user).await?;
    let signed = state.store.monitorings(agency).await?;
    let is_signed = |sop: &str, (from, until): (Date, Date)| {
        signed.iter().any(|m| m.sop_id == sop && m.from == from && m.until == until)
    };
    let sops: Vec<(String, String)> = state.store.sop_names(agency).await?.into_iter().collect();
    // The reminder from what the list has read already.
    let due = sops.iter().filter(|(id, _)| !is_signed(id, previous)).count();
    let period_cell = |id: &str, period: (Date, Date), running: bool| {
        html! {
            td {
                a href=(form_url(id, period.0, period.1)) {
                    @if is_signed(id, period) { span.tag.ok { (user.t(Msg::MonSigned)) } }
                    @else if running { span.tag { (user.t(Msg::MonRunning)) } }
                    @else { span.tag.bad { (user.t(Msg::MonDue)) } }
                }
            }
        }
    };
    let body = html! {
        h1 { (user.t(Msg::MonTitle)) }
        p.muted { (user.t(Msg::MonHelp)) }
        (reminder(user, previous, due))
        table.monitoring {
            thead { tr {
                th { (user.t(Msg::ColService)) }
                th { (written(previous.0)) " – " (written(previous.1)) }
                th { (written(current.0)) " – " (written(current.1)) }
            } }
            tbody { @for (id, name) in &sops {
                tr data-sop=(id) { td { (name) } (period_cell(id, previous, false)) (period_cell(id, current, true)) }
            } }
        }
        h2 { (user.t(Msg::MonOther)) }
        form.card method="get" action=(BASE) {
            label for="sop" { (user.t(Msg::ColService)) }
            select #sop name="sop" { @for (id, name) in &sops { option value=(id) { (name) } } }
            label for="dari" { (user.t(Msg::From)) }
            input #dari type="date" name="dari" required;
            label for="sampai" { (user.t(Msg::Until)) }
            input #sampai type="date" name="sampai" required;
            button.primary type="submit" { (user.t(Msg::Show)) }
        }
        @if user.account.is_admin {
            form.card #periode-monitoring method="post" action={(BASE) "/periode"} {
                input type="hidden" name="csrf" value=(user.csrf);
                label for="bulan" { (user.t(Msg::MonPeriodLength)) }
                select #bulan name="bulan" {
                    @for m in PERIOD_MONTHS { option value=(m) selected[m == months] { (m) " " (user.t(Msg::MonMonths)) } }
                }
                button.secondary type="submit" { (user.t(Msg::Save)) }
            }
        }
        @if !signed.is_empty() {
            h2 { (user.t(Msg::MonSignedList)) }
            ul { @for m in &signed {
                li { a href=(form_url(&m.sop_id, m.from, m.until)) { (sops.iter().find(|(id, _)| *id == m.sop_id).map_or(m.sop_id.as_str(), |(_, n)| n.as_str())) } " · " (written(m.from)) " s.d. " (written(m.until)) }
            } }
        }
    };
    Ok(layout::page(user, user.t(Msg::MonTitle), "/laporan", body))
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    dari: Option<String>,
    sampai: Option<String>,
    /// The list's form for another period: which SOP.
    sop: Option<String>,
}

impl PeriodQuery {
    /// From `from` until `until` (each absent: the agency's previous period's).
    pub(crate) fn between(from: Option<String>, until: Option<String>) -> PeriodQuery {
        PeriodQuery { dari: from, sampai: until, sop: None }
    }
}

/// The period of a request: the agency's previous period by default.
async fn period(state: &AppState, user: &User, q: &PeriodQuery) -> Result<(Date, Date), WebError> {
    let parse = |v: &Option<String>| -> Result<Option<Date>, WebError> {
        match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse::<Date>()
                .map(Some)
                .map_err(|_| WebError::BadRequest(format!("{}: {v}", user.t(Msg::BadDate)))),
        }
    };
    let (from, until) = match (parse(&q.dari)?, parse(&q.sampai)?) {
        (Some(from), Some(until)) => (from, until),
        (from, until) => {
            let (f, u) = periods(state, user).await?.previous;
            (from.unwrap_or(f), until.unwrap_or(u))
        }
    };
    if until < from {
        return Err(WebError::BadRequest(user.t(Msg::UntilBeforeFrom).to_string()));
    }
    // Dates at the calendar's very end have no instants: refused here, as
    // a bad date, before the store would take them for damage.
    super::reports::instants(user, from, until)?;
    Ok((from, until))
}

/// The list, or (`?sop=…&dari=…&sampai=…`, its form for another period)
/// that SOP's form of that period.
pub async fn index(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    may_assess(&user)?;
    if let Some(sop) = &q.sop {
        let (from, until) = period(&state, &user, &q).await?;
        return Ok(Redirect::to(&form_url(sop, from, until)).into_response());
    }
    Ok(list(&state, &user).await?.into_response())
}

pub(crate) async fn load(
    state: &AppState,
    user: &User,
    (agency, slug): (&str, &str),
    q: &PeriodQuery,
) -> Result<Monitoring, WebError> {
    may_assess(user)?;
    if agency != user.agency_id() {
        return Err(WebError::NotFound);
    }
    let (from, until) = period(state, user, q).await?;
    Ok(state.store.monitoring_form(agency, &format!("{agency}/{slug}"), from, until).await?)
}

pub async fn page(
    State(state): State<AppState>,
    user: User,
    Path((agency, slug)): Path<(String, String)>,
    Query(q): Query<PeriodQuery>,
) -> Result<Markup, WebError> {
    let form = load(&state, &user, (&agency, &slug), &q).await?;
    render(&state, &user, &form, &BTreeMap::new(), &[]).await
}

async fn render(
    state: &AppState,
    user: &User,
    form: &Monitoring,
    values: &BTreeMap<String, String>,
    errors: &[FieldError],
) -> Result<Markup, WebError> {
    let sop = state.store.sop(user.agency_id(), &form.sop_id, Some(form.sop_version)).await?;
    let org = state.store.organisation(user.agency_id()).await?;
    let period = format!("dari={}&sampai={}", form.from, form.until);
    let error = |field: &str| errors.iter().find(|e| e.field == field);
    let signed = form.signed.is_some();
    // A period still running is shown as it stands, not signed off.
    let running = form.until >= today(user);
    let body = html! {
        h1 { (user.t(Msg::MonFormTitle)) }
        div.card {
            p { strong { (sop.identity.nama.value) } " (" (sop.identity.nomor.value) ")" }
            p { (user.t(Msg::MonPeriod)) ": " (written(form.from)) " s.d. " (written(form.until)) }
            p.summary { (form.summary) }
            @if let Some((by, at)) = &form.signed {
                p.signed { span.tag.ok { (user.t(Msg::MonSigned)) } " " (user.t(Msg::MonParaf)) ": " strong { (org.name(by)) } " · " (user.clock().datetime(*at)) }
                p { a.button href={(BASE) "/" (form.sop_id) "/pdf?" (period)} { (user.t(Msg::MonPdf)) } }
            } @else {
                p.muted { (user.t(Msg::MonProposed)) }
            }
        }
        @if !errors.is_empty() {
            div.flash.error role="alert" {
                p { (user.t(Msg::MonIncomplete)) }
                ul { @for e in errors { li { a href={"#" (e.field)} { (e.label) } ": " (e.message) } } }
            }
        }
        form method="post" action={(BASE) "/" (form.sop_id) "?" (period)} {
            input type="hidden" name="csrf" value=(user.csrf);
            table.monitoring-form {
                thead { tr {
                    th { "No" } th { (user.t(Msg::MonProcedure)) } th { (user.t(Msg::MonFound)) }
                    th { (user.t(Msg::MonJudgement)) } th { (user.t(Msg::MonNote)) } th { (user.t(Msg::MonAction)) }
                } }
                tbody { @for row in &form.rows {
                    @let n = row.step;
                    @let judged = values.get(&format!("penilaian.{n}")).and_then(|v| Judgement::from_code(v)).or(row.judgement);
                    tr data-step=(n) {
                        td { (n) }
                        td { (row.procedure) }
                        td.found { (row.found) }
                        td #{"penilaian." (n)} class=[error(&format!("penilaian.{n}")).map(|_| "invalid")] {
                            @if signed {
                                (row.judgement.map_or("-", Judgement::label))
                            } @else {
                                @for j in [Judgement::Good, Judgement::NotGood] {
                                    label.choice {
                                        input type="radio" name={"penilaian." (n)} value=(j.code()) checked[judged == Some(j)];
                                        " " (j.label())
                                    }
                                }
                            }
                        }
                        td {
                            @if signed { (row.note) } @else {
                                textarea #{"catatan." (n)} name={"catatan." (n)} maxlength=(store::monitoring::TEXT_MAX_CHARS) {
                                    (values.get(&format!("catatan.{n}")).map_or(row.found.as_str(), String::as_str))
                                }
                            }
                        }
                        td class=[error(&format!("tindakan.{n}")).map(|_| "invalid")] {
                            @if signed { (row.action) } @else {
                                textarea #{"tindakan." (n)} name={"tindakan." (n)} maxlength=(store::monitoring::TEXT_MAX_CHARS) {
                                    (values.get(&format!("tindakan.{n}")).map_or("", String::as_str))
                                }
                            }
                        }
                    }
                } }
            }
            @if !signed && running {
                p.flash.info #periode-berjalan { (user.t(Msg::MonRunningNote)) " " (written(form.until)) "." }
            } @else if !signed {
                p.muted { (user.t(Msg::MonSignHelp)) }
                button.primary type="submit" { (user.t(Msg::MonSign)) }
            }
        }
        p { a href=(BASE) { (user.t(Msg::MonBack)) } }
    };
    Ok(layout::page(user, user.t(Msg::MonFormTitle), "/laporan", body))
}

pub async fn sign(
    State(state): State<AppState>,
    user: User,
    Path((agency, slug)): Path<(String, String)>,
    Query(q): Query<PeriodQuery>,
    axum::Form(values): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(values.get("csrf").map(String::as_str))?;
    let form = load(&state, &user, (&agency, &slug), &q).await?;
    let text = |field: &str, n: u32| values.get(&format!("{field}.{n}")).cloned().unwrap_or_default();
    let rows = form
        .rows
        .iter()
        .map(|r| {
            let judgement =
                values.get(&format!("penilaian.{}", r.step)).and_then(|v| Judgement::from_code(v));
            (r.step, judgement, text("catatan", r.step), text("tindakan", r.step))
        })
        .collect();
    let sign = SignOff {
        agency: &agency,
        sop_id: &form.sop_id,
        from: form.from,
        until: form.until,
        rows,
        by: user.person(),
        at: now_ms(),
    };
    match state.store.sign_monitoring(sign).await {
        Ok(signed) => Ok(Redirect::to(&form_url(&signed.sop_id, signed.from, signed.until)).into_response()),
        Err(StoreError::Engine(engine::EngineError::Invalid(errors))) => {
            let page = render(&state, &user, &form, &values, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(StoreError::AlreadyExists(_)) => {
            Ok(Redirect::to(&form_url(&form.sop_id, form.from, form.until)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct PeriodLength {
    csrf: Option<String>,
    bulan: Option<String>,
}

/// An administrator sets how many months a monitoring period lasts.
pub async fn set_period(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<PeriodLength>,
) -> Result<Response, WebError> {
    user.check_csrf(form.csrf.as_deref())?;
    if !user.account.is_admin {
        return Err(WebError::Forbidden);
    }
    let months = form.bulan.as_deref().unwrap_or_default().trim().parse::<u8>().unwrap_or(0);
    match state.store.set_monitoring_months(user.agency_id(), months, user.person(), now_ms()).await {
        Ok(()) => Ok(Redirect::to(BASE).into_response()),
        Err(StoreError::Engine(engine::EngineError::Invalid(errors))) => {
            Err(WebError::BadRequest(crate::pages::admin_form::refusals_in_words(&errors)))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn pdf(
    State(state): State<AppState>,
    user: User,
    Path((agency, slug)): Path<(String, String)>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let form = load(&state, &user, (&agency, &slug), &q).await?;
    if form.signed.is_none() {
        return Err(WebError::NotFoundBecause(user.t(Msg::MonNotSigned).to_string()));
    }
    let bytes = state.store.monitoring_pdf(&agency, &form).await?;
    let name = format!("monitoring-{slug}-{}-{}.pdf", form.from, form.until);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}
