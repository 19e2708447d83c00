//! SOP: the agency's catalogue of SOPs (Daftar SOP), and each SOP's
//! official document (identity page and flowchart matrix) in the page,
//! with downloads — a ratified one as the PDF its head signed.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{PreEscaped, html};
use serde::Deserialize;

use store::sop_catalogue::CatalogueStatus;

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::{AppState, layout};

#[derive(Deserialize)]
pub struct CatalogueQuery {
    q: Option<String>,
    status: Option<String>,
    ditarik: Option<String>,
    berlaku: Option<String>,
}

/// The agency's catalogue (Daftar SOP): every SOP and draft with where it
/// stands, searchable by number, name or unit and filtered by status.
pub async fn library(
    State(state): State<AppState>,
    user: User,
    Query(query): Query<CatalogueQuery>,
) -> Result<Response, WebError> {
    let agency = user.agency_id();
    let now = crate::now_ms();
    let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(key) => match CatalogueStatus::parse(key) {
            Some(s) => Some(s),
            None => {
                let why = format!("{}: \"{key}\" {}", user.t(Msg::ColStatus), user.t(Msg::CatUnknownStatus));
                return Err(WebError::BadRequest(why));
            }
        },
    };
    let q = query.q.as_deref().map(str::trim).unwrap_or_default().to_lowercase();
    let entries: Vec<_> = state
        .store
        .sop_catalogue(agency, now)
        .await?
        .into_iter()
        .filter(|e| status.is_none_or(|s| e.status == s))
        .filter(|e| {
            q.is_empty()
                || [&e.number, &e.name, &e.unit, &e.sop_id].iter().any(|f| f.to_lowercase().contains(&q))
        })
        .collect();
    let awaiting = state.store.sop_drafts_awaiting(agency, user.person(), now).await?.len();
    let label = |s: CatalogueStatus| {
        user.t(match s {
            CatalogueStatus::Draft => Msg::EdStatusOpen,
            CatalogueStatus::InReview => Msg::CatInReview,
            CatalogueStatus::Approved => Msg::CatApproved,
            CatalogueStatus::Ratified => Msg::CatRatified,
            CatalogueStatus::Active => Msg::CatActive,
            CatalogueStatus::Withdrawn => Msg::CatWithdrawn,
        })
    };
    let date = |d: Option<sop::date::Date>| d.map(|d| d.indonesian()).unwrap_or_else(|| "-".into());
    let body = html! {
        h1 { (user.t(Msg::LibraryTitle)) }
        @if user.account.is_admin { p { a href="/admin/sop" { (user.t(Msg::SopPublishing)) } " · " a href="/admin/sop/konsep" { (user.t(Msg::EdDrafts)) } } }
        @if query.ditarik.is_some() { p.flash.info role="status" { (user.t(Msg::CatWithdrawnDone)) } }
        @if query.berlaku.is_some() { p.flash.info role="status" { (user.t(Msg::CatRestoredDone)) } }
        @if awaiting > 0 {
            p.flash.info #menunggu-tinjauan { a href="/sop/tinjauan" { (user.t(Msg::RvAwaiting)) " (" (awaiting) ")" } }
        }
        form.inline #cari-sop method="get" action="/sop" role="search" {
            label for="f-q" { (user.t(Msg::CatSearch)) }
            input #f-q type="search" name="q" value=(q);
            label for="f-status" { (user.t(Msg::ColStatus)) }
            select #f-status name="status" style="width:auto" {
                option value="" { (user.t(Msg::CatAll)) }
                @for s in CatalogueStatus::ALL { option value=(s.key()) selected[status == Some(s)] { (label(s)) } }
            }
            button.secondary type="submit" { (user.t(Msg::CatFind)) }
        }
        p.muted { (user.t(Msg::CatPublic)) " " a href={"/publik/sop/" (agency)} { "/publik/sop/" (agency) } }
        table #daftar-sop {
            thead { tr {
                th { (user.t(Msg::SopNumber)) } th { (user.t(Msg::SopName)) } th.hide-sm { (user.t(Msg::EdUnit)) }
                th { (user.t(Msg::ColStatus)) } th.hide-sm { (user.t(Msg::Version)) }
                th.hide-sm { (user.t(Msg::EdTanggalPengesahan)) } th.hide-sm { (user.t(Msg::EdTanggalEfektif)) }
                @if user.account.is_admin { th {} }
            } }
            tbody {
                @if entries.is_empty() { tr { td colspan="8" { span.muted { (user.t(Msg::CatNone)) } } } }
                @for e in &entries {
                    tr data-sop=(e.sop_id) data-status=(e.status.key()) {
                        td { (e.number) }
                        td {
                            @match (&e.draft, e.status) {
                                (Some(d), _) => { a href={"/sop/tinjauan/" (d)} { (e.name) } }
                                (None, CatalogueStatus::Active) => { a href={"/sop/" (e.sop_id)} { (e.name) } }
                                (None, _) => { a href={"/sop/" (e.sop_id) "/versi"} { (e.name) } }
                            }
                        }
                        td.hide-sm { (e.unit) }
                        td { span.tag.(status_class(e.status)) { (label(e.status)) } }
                        td.hide-sm { (e.version.map(|v| v.to_string()).unwrap_or_default()) }
                        td.hide-sm { (date(e.ratified_on)) }
                        td.hide-sm { (date(e.effective_on)) }
                        @if user.account.is_admin {
                            td {
                                @if e.status == CatalogueStatus::Active {
                                    form.inline method="post" action="/admin/sop/tarik" {
                                        input type="hidden" name="csrf" value=(user.csrf);
                                        input type="hidden" name="sop" value=(e.sop_id);
                                        button.secondary type="submit" { (user.t(Msg::CatWithdraw)) }
                                    }
                                }
                                @if e.status == CatalogueStatus::Withdrawn {
                                    form.inline method="post" action="/admin/sop/berlakukan" {
                                        input type="hidden" name="csrf" value=(user.csrf);
                                        input type="hidden" name="sop" value=(e.sop_id);
                                        button.secondary type="submit" { (user.t(Msg::CatRestore)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, user.t(Msg::LibraryTitle), "/sop", body).into_response())
}

fn status_class(status: CatalogueStatus) -> &'static str {
    match status {
        CatalogueStatus::Active => "ok",
        CatalogueStatus::Ratified | CatalogueStatus::InReview | CatalogueStatus::Approved => "warn",
        CatalogueStatus::Draft | CatalogueStatus::Withdrawn => "muted",
    }
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    csrf: Option<String>,
    sop: String,
}

/// An administrator withdraws an SOP from use.
pub async fn withdraw(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<WithdrawForm>,
) -> Result<Response, WebError> {
    set_in_use(&state, &user, form, false).await
}

/// An administrator puts a withdrawn SOP back in use.
pub async fn restore(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<WithdrawForm>,
) -> Result<Response, WebError> {
    set_in_use(&state, &user, form, true).await
}

async fn set_in_use(
    state: &AppState,
    user: &User,
    form: WithdrawForm,
    in_use: bool,
) -> Result<Response, WebError> {
    if !user.account.is_admin {
        return Err(WebError::Forbidden);
    }
    user.check_csrf(form.csrf.as_deref())?;
    let (agency, by, at) = (user.agency_id(), user.person(), crate::now_ms());
    let (done, said) = if in_use {
        (state.store.restore_sop(agency, &form.sop, by, at).await, "/sop?berlaku=1")
    } else {
        (state.store.withdraw_sop(agency, &form.sop, by, at).await, "/sop?ditarik=1")
    };
    done?;
    Ok(axum::response::Redirect::to(said).into_response())
}

#[derive(Deserialize)]
pub struct Download {
    format: Option<String>,
}

pub async fn document(
    State(state): State<AppState>,
    user: User,
    Path((agency, slug)): Path<(String, String)>,
    Query(download): Query<Download>,
) -> Result<Response, WebError> {
    if agency != user.agency_id() {
        return Err(WebError::Forbidden);
    }
    let sop = state.store.sop(user.agency_id(), &format!("{agency}/{slug}"), None).await?;
    let profile = &user.agency;
    let download = match download.format.as_deref() {
        Some("svg") => Some(("svg", "image/svg+xml", sop::render::svg(&sop, Some(profile)).into_bytes())),
        Some("html") => {
            Some(("html", "text/html; charset=utf-8", sop::render::html(&sop, Some(profile)).into_bytes()))
        }
        // A ratified version is the document its head signed.
        Some("pdf") => {
            let signed = state.store.signed_sop(user.agency_id(), &sop.id, sop.version).await?;
            let pdf = signed.map_or_else(|| documents::sop_document::to_pdf(&sop, Some(profile)), |s| s.pdf);
            Some(("pdf", "application/pdf", pdf))
        }
        _ => None,
    };
    if let Some((ext, kind, document)) = download {
        let disposition = format!("attachment; filename=\"{agency}-{slug}.{ext}\"");
        return Ok((
            [(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, disposition)],
            document,
        )
            .into_response());
    }
    let pages = sop::render::pages(&sop, Some(profile));
    let body = html! {
        h1 { (sop.identity.nama.value) }
        p {
            (user.t(Msg::SopNumber)) " " (sop.identity.nomor.value) " · " (user.t(Msg::Version)) " " (sop.version) " · "
            a href={"/sop/" (sop.id) "?format=pdf"} { "PDF" } " · "
            a href={"/sop/" (sop.id) "?format=svg"} { "SVG" } " · "
            a href={"/sop/" (sop.id) "?format=html"} { (user.t(Msg::PrintableHtml)) } " · "
            a #riwayat-versi href={"/sop/" (sop.id) "/versi"} { (user.t(Msg::VerHistory)) }
        }
        div.doc {
            // Generated by the sop crate, which escapes every text it draws.
            @for page in &pages { (PreEscaped(page.svg.clone())) }
        }
    };
    Ok(layout::page(&user, &sop.identity.nama.value, "/sop", body).into_response())
}
