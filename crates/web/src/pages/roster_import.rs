//! Importing an agency's people from a SIMPEG/SIASN CSV in the organisation
//! editor: the upload shows a preview (new, changed, gone, unchanged, or
//! the problems of each line) and writes nothing; the preview's form
//! carries the file and its SHA-256, so "Terapkan" imports exactly the file
//! that was previewed.

use std::collections::BTreeMap;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use engine::roster::{Column, Entry, Member};
use maud::{Markup, html};
use store::roster::RosterPreview;

use crate::AppState;
use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::layout;
use crate::pages::admin_form::given;

/// The largest roster taken (a regency's 20,000 people are ~3 MB): its
/// base64 (4/3 as long, its `+` and `/` sent as `%2B`, `%2F`) in the
/// preview's form stays under the body limit.
pub const MAX_ROSTER_BYTES: usize = 6 * 1024 * 1024;

/// Rows of each list shown in a preview; the counts are always whole.
const SHOWN: usize = 1000;

/// The upload form, as the organisation editor shows it.
pub fn upload_form(user: &User, agency: &str) -> Markup {
    html! {
        section #impor {
            h2 { (user.t(Msg::ImportPeople)) }
            form.card #import-form method="post" enctype="multipart/form-data"
                action={"/instansi/" (agency) "/organisasi/impor"} {
                input type="hidden" name="csrf" value=(user.csrf);
                p.help { (user.t(Msg::ImportHelp)) }
                label for="import-file" { (user.t(Msg::ImportFile)) }
                input #import-file type="file" name="berkas" accept=".csv,text/csv" required;
                button.primary type="submit" { (user.t(Msg::ImportPreviewButton)) }
            }
        }
    }
}

/// The agency, if this person may edit it, and today there.
pub(crate) async fn editable(
    state: &AppState,
    user: &User,
    id: &str,
) -> Result<(sop::Agency, jiff::civil::Date), WebError> {
    let agency = super::organisation::editable(state, user, id).await?;
    let calendar = state.store.calendar(id).await?;
    Ok((agency, jiff::Timestamp::now().to_zoned(calendar.zone).date()))
}

pub async fn preview(
    State(state): State<AppState>,
    user: User,
    Path(agency): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (found, today) = editable(&state, &user, &agency).await?;
    let (_, file) = super::letter_settings::read_form(multipart, "berkas", MAX_ROSTER_BYTES, &user).await?;
    let Some(bytes) = file else {
        return Err(WebError::BadRequest(user.t(Msg::ChooseFile).to_string()));
    };
    let preview = state.store.roster_preview(&agency, &bytes, today).await?;
    Ok(render(&user, &found, &preview, &bytes))
}

pub async fn apply(
    State(state): State<AppState>,
    user: User,
    Path(agency): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let (found, today) = editable(&state, &user, &agency).await?;
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(given(&form, "isi"))
        .map_err(|_| WebError::BadRequest(user.t(Msg::BadForm).to_string()))?;
    let end_gone = !given(&form, "akhiri").is_empty();
    let applied = state
        .store
        .apply_roster(&agency, &bytes, given(&form, "sha256"), today, end_gone, Some(user.person()))
        .await?;
    if applied.plan().is_none() {
        // The agency's lists changed since the preview: show what is wrong now.
        return Ok(render(&user, &found, &applied, &bytes));
    }
    Ok(Redirect::to(&format!("/instansi/{agency}/organisasi?ok=impor#pegawai")).into_response())
}

fn count_row(label: &str, id: &str, n: usize) -> Markup {
    html! { tr { th { (label) } td id=(id) { (n) } } }
}

fn more(user: &User, total: usize) -> Markup {
    html! {
        @if total > SHOWN {
            p.muted { (user.t(Msg::ImportMore).replace("{n}", &(total - SHOWN).to_string())) }
        }
    }
}

/// A changed field, before and after.
fn change(agency: &sop::Agency, column: Column, was: &Member, entry: &Entry) -> (String, String) {
    let unit = |id: &str| agency.units.iter().find(|u| u.id == id).map_or(id.to_string(), |u| u.name.clone());
    let position =
        |id: &str| agency.positions.iter().find(|p| p.id == id).map_or(id.to_string(), |p| p.name.clone());
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    match column {
        Column::Name => (was.name.clone(), entry.name.clone()),
        Column::Title => (text(&was.title), text(&entry.title)),
        Column::Unit => (unit(&was.unit), unit(&entry.unit)),
        Column::Position => {
            let held: Vec<String> = was.positions.iter().map(|p| position(p)).collect();
            (if held.is_empty() { "—".into() } else { held.join(", ") }, position(&entry.position))
        }
        Column::Email => (text(&was.email), text(&entry.email)),
        Column::Phone => (text(&was.phone), text(&entry.phone)),
        Column::Nip => (text(&was.nip), entry.nip.clone()),
    }
}

fn render(user: &User, agency: &sop::Agency, preview: &RosterPreview, bytes: &[u8]) -> Response {
    let back = format!("/instansi/{}/organisasi", agency.id);
    let unit = |id: &str| agency.units.iter().find(|u| u.id == id).map_or(id.to_string(), |u| u.name.clone());
    let position =
        |id: &str| agency.positions.iter().find(|p| p.id == id).map_or(id.to_string(), |p| p.name.clone());
    let body = match &preview.outcome {
        Err(errors) => html! {
            h1 { (user.t(Msg::ImportPreview)) ": " (agency.name) }
            p { a href=(back) { "← " (user.t(Msg::BackToOrganisation)) } }
            p.flash.error role="alert" { (user.t(Msg::ImportErrors)) }
            table #import-errors {
                thead { tr { th { (user.t(Msg::LineNo)) } th { (user.t(Msg::ColumnName)) } th { (user.t(Msg::Problem)) } } }
                tbody {
                    @for e in errors.iter().take(SHOWN) {
                        tr {
                            td { (e.line) }
                            td { (e.column.map_or("", Column::label)) }
                            td { (e.message) }
                        }
                    }
                }
            }
            (more(user, errors.len()))
            (upload_form(user, &agency.id))
        },
        Ok(plan) => html! {
            h1 { (user.t(Msg::ImportPreview)) ": " (agency.name) }
            p { a href=(back) { "← " (user.t(Msg::BackToOrganisation)) } }
            table #import-counts {
                tbody {
                    (count_row(user.t(Msg::ImportNew), "count-new", plan.new.len()))
                    (count_row(user.t(Msg::ImportChanged), "count-changed", plan.changed.len()))
                    (count_row(user.t(Msg::ImportGone), "count-gone", plan.gone.len()))
                    (count_row(user.t(Msg::ImportUnchanged), "count-unchanged", plan.unchanged))
                    (count_row(user.t(Msg::ImportNewLogins), "count-logins", preview.new_accounts))
                }
            }
            @if plan.is_empty() {
                p.flash.info role="status" { (user.t(Msg::ImportNothing)) }
            }
            @if !plan.new.is_empty() {
                h2 { (user.t(Msg::ImportNew)) }
                table #import-new {
                    thead { tr { th { "NIP" } th { (user.t(Msg::Name)) } th { (user.t(Msg::Position)) } th { (user.t(Msg::Unit)) } } }
                    tbody {
                        @for e in plan.new.iter().take(SHOWN) {
                            tr {
                                td { (e.nip) }
                                td { (e.name) @if let Some(t) = &e.title { ", " (t) } }
                                td { (position(&e.position)) }
                                td { (unit(&e.unit)) }
                            }
                        }
                    }
                }
                (more(user, plan.new.len()))
            }
            @if !plan.changed.is_empty() {
                h2 { (user.t(Msg::ImportChanged)) }
                table #import-changed {
                    thead { tr { th { "NIP" } th { (user.t(Msg::Name)) } th { (user.t(Msg::ImportChangedFields)) } } }
                    tbody {
                        @for u in plan.changed.iter().take(SHOWN) {
                            tr {
                                td { (u.entry.nip) }
                                td { (u.was.name) }
                                td {
                                    @for column in &u.fields {
                                        @let (was, now) = change(agency, *column, &u.was, &u.entry);
                                        (column.label()) ": " (was) " → " (now) br;
                                    }
                                }
                            }
                        }
                    }
                }
                (more(user, plan.changed.len()))
            }
            @if !plan.gone.is_empty() {
                h2 { (user.t(Msg::ImportGone)) }
                p.help { (user.t(Msg::ImportGoneHelp)) }
                table #import-gone {
                    thead { tr { th { "NIP" } th { (user.t(Msg::Name)) } th { (user.t(Msg::Position)) } } }
                    tbody {
                        @for m in plan.gone.iter().take(SHOWN) {
                            tr {
                                td { (m.nip.as_deref().unwrap_or_default()) }
                                td { (m.name) }
                                td { (m.positions.iter().map(|p| position(p)).collect::<Vec<_>>().join(", ")) }
                            }
                        }
                    }
                }
                (more(user, plan.gone.len()))
            }
            @if !plan.is_empty() || !plan.gone.is_empty() {
                form.card #import-apply method="post" action={"/instansi/" (agency.id) "/organisasi/impor/terapkan"} {
                    input type="hidden" name="csrf" value=(user.csrf);
                    input type="hidden" name="sha256" value=(preview.sha256);
                    input type="hidden" name="isi" value=(base64::engine::general_purpose::STANDARD.encode(bytes));
                    @if !plan.gone.is_empty() {
                        div.checks {
                            input #import-end-gone type="checkbox" name="akhiri" value="1";
                            label for="import-end-gone" { (user.t(Msg::ImportEndGone)) }
                        }
                    }
                    button.primary type="submit" { (user.t(Msg::ImportApply)) }
                }
            }
        },
    };
    let status = if preview.outcome.is_err() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    (status, layout::page(user, user.t(Msg::ImportPreview), "/instansi", body)).into_response()
}
