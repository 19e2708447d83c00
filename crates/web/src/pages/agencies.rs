//! Agencies at run time: the installation administrator's list of agencies
//! and the form that makes a new one; each agency's profile (government,
//! name, address, time zone, letterhead, domains, letter numbering,
//! retention), edited by the installation administrator or the agency's
//! own administrators. Every field is checked by the same rules as an
//! `agency.toml`; a refused form changes nothing and says why beside each
//! field.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use engine::form::FieldError;
use maud::html;
use sop::agency::INDONESIAN_ZONES;

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::pages::admin_form::{Filled, field_errors, given};
use crate::pages::organisation::editable;
use crate::{AppState, layout};

#[derive(serde::Deserialize, Default)]
pub struct Notice {
    ok: Option<String>,
}

pub(crate) fn require_installation_admin(user: &User) -> Result<(), WebError> {
    if user.account.installation_admin { Ok(()) } else { Err(WebError::Forbidden) }
}

/// The installation's agencies.
pub async fn list(State(state): State<AppState>, user: User) -> Result<Response, WebError> {
    require_installation_admin(&user)?;
    let agencies = state.store.agencies().await?;
    let body = html! {
        h1 { (user.t(Msg::AgenciesTitle)) }
        p.help { (user.t(Msg::AgenciesHelp)) }
        table #agencies {
            thead { tr { th { (user.t(Msg::Code)) } th { (user.t(Msg::AgencyName)) } th.hide-sm { (user.t(Msg::Domain)) } th.hide-sm { (user.t(Msg::TimeZone)) } th {} } }
            tbody {
                @for a in &agencies {
                    tr {
                        td { code { (a.id) } }
                        td { (a.name) br; span.muted { (a.government) } }
                        td.hide-sm { (a.domain) }
                        td.hide-sm { (a.zone_abbreviation()) }
                        td {
                            a href={"/instansi/" (a.id) "/profil"} { (user.t(Msg::AgencyProfile)) } " · "
                            a href={"/instansi/" (a.id) "/organisasi"} { (user.t(Msg::OrganisationTitle)) }
                        }
                    }
                }
            }
        }
        p { a.button href="/instansi/baru" { (user.t(Msg::AddAgency)) } }
    };
    Ok(layout::page(&user, user.t(Msg::AgenciesTitle), "/instansi", body).into_response())
}

/// The form's values of a stored profile.
pub(crate) fn values_of(agency: &sop::Agency) -> BTreeMap<String, String> {
    let flag = |b: bool| if b { "1".to_string() } else { String::new() };
    [
        ("id", agency.id.clone()),
        ("government", agency.government.clone()),
        ("name", agency.name.clone()),
        ("address", agency.address.clone()),
        ("timezone", agency.timezone.clone()),
        ("letterhead", agency.letterhead.join("\n")),
        ("domain", agency.domain.clone()),
        ("mail_domain", agency.mail_domain.clone()),
        ("retention_days", agency.retention_days.to_string()),
        ("letters.number", agency.letters.number.clone()),
        ("letters.classification", agency.letters.classification.clone()),
        ("letters.unit", agency.letters.unit.clone()),
        ("letters.place", agency.letters.place.clone()),
        ("letters.per_unit", flag(agency.letters.per_unit)),
        ("letters.srikandi", flag(agency.letters.srikandi)),
        ("letters.sop_number", agency.letters.sop_number.clone()),
        ("letters.disposition_instructions", agency.letters.disposition_instructions.join("\n")),
        ("letters.wet_ink_fallback", flag(agency.letters.wet_ink_fallback)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The profile a submitted form describes, on top of `base` (the stored
/// agency, whose units and positions stay), with what cannot even be read.
fn profile_of(
    user: &User,
    form: &BTreeMap<String, String>,
    mut base: sop::Agency,
) -> (sop::Agency, Vec<FieldError>) {
    let mut unreadable = Vec::new();
    let text = |name: &str| given(form, name).to_string();
    base.government = text("government");
    base.name = text("name");
    base.address = text("address");
    base.timezone = text("timezone");
    base.letterhead = given(form, "letterhead")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    base.domain = text("domain").to_lowercase();
    base.mail_domain = text("mail_domain").to_lowercase();
    match given(form, "retention_days").parse::<u32>() {
        Ok(days) => base.retention_days = days,
        Err(_) => unreadable.push(FieldError::new(
            "retention_days",
            user.t(Msg::RetentionDays),
            user.t(Msg::WholeNumber),
        )),
    }
    base.letters.number = text("letters.number");
    base.letters.classification = text("letters.classification");
    base.letters.unit = text("letters.unit");
    base.letters.place = text("letters.place");
    base.letters.per_unit = !given(form, "letters.per_unit").is_empty();
    base.letters.srikandi = !given(form, "letters.srikandi").is_empty();
    base.letters.sop_number = text("letters.sop_number");
    let boxes: Vec<String> = given(form, "letters.disposition_instructions")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    // Left empty: the usual boxes.
    base.letters.disposition_instructions = if boxes.is_empty() {
        sop::agency::DEFAULT_DISPOSITION_INSTRUCTIONS.map(String::from).to_vec()
    } else {
        boxes
    };
    base.letters.wet_ink_fallback = !given(form, "letters.wet_ink_fallback").is_empty();
    base.fill_defaults();
    (base, unreadable)
}

/// The fields that could not be read, and what is wrong with the others
/// (by the rules the store applies), so one answer names every field.
fn with_the_rest(mut unreadable: Vec<FieldError>, agency: &sop::Agency) -> Vec<FieldError> {
    let others: Vec<FieldError> = agency
        .problems()
        .into_iter()
        .filter(|p| !unreadable.iter().any(|u| u.field == p.field))
        .map(|p| FieldError::new(p.field, p.label, p.message))
        .collect();
    unreadable.extend(others);
    unreadable
}

/// The profile form: a new agency (`existing` none) or an agency's profile.
fn render(
    user: &User,
    existing: Option<&str>,
    filled: &Filled,
    saved: Option<Msg>,
    status: StatusCode,
) -> Response {
    let (title, action) = match existing {
        Some(id) => (user.t(Msg::AgencyProfile), format!("/instansi/{id}/profil")),
        None => (user.t(Msg::AddAgency), "/instansi/baru".to_string()),
    };
    let zones: Vec<(String, String)> =
        INDONESIAN_ZONES.iter().map(|(zone, abbr)| (zone.to_string(), format!("{zone} ({abbr})"))).collect();
    let p = "a-";
    let body = html! {
        h1 { (title) @if let Some(id) = existing { " " code { (id) } } }
        p {
            @if user.account.installation_admin { a href="/instansi" { "← " (user.t(Msg::AgenciesTitle)) } }
            @if let Some(id) = existing {
                @if user.account.installation_admin { " · " }
                a href={"/instansi/" (id) "/organisasi"} { (user.t(Msg::OrganisationTitle)) }
            }
        }
        @if let Some(msg) = saved { p.flash.info role="status" { (user.t(msg)) } }
        @if !filled.errors.is_empty() { p.flash.error role="alert" { (user.t(Msg::FixErrors)) } }
        form.card #agency-profile method="post" action=(action) {
            input type="hidden" name="csrf" value=(user.csrf);
            @if existing.is_some() {
                (filled.fixed(p, "id", user.t(Msg::AgencyCode), Some(user.t(Msg::AgencyCodeHelp))))
            } @else {
                (filled.text(p, "id", user.t(Msg::AgencyCode), Some(user.t(Msg::AgencyCodeHelp))))
            }
            (filled.text(p, "government", user.t(Msg::Government), None))
            (filled.text(p, "name", user.t(Msg::AgencyName), None))
            (filled.lines(p, "address", user.t(Msg::Address), Some(user.t(Msg::AddressHelp))))
            (filled.select(p, "timezone", user.t(Msg::TimeZone), None, None, &zones))
            (filled.lines(p, "letterhead", user.t(Msg::Letterhead), Some(user.t(Msg::LetterheadHelp))))
            (filled.text(p, "domain", user.t(Msg::Domain), Some(user.t(Msg::DomainHelp))))
            (filled.text(p, "mail_domain", user.t(Msg::MailDomain), Some(user.t(Msg::MailDomainHelp))))
            (filled.input(p, "retention_days", user.t(Msg::RetentionDays), Some(user.t(Msg::RetentionHelp)), "number", false))
            h2 { (user.t(Msg::LetterNumbering)) }
            (filled.text(p, "letters.number", user.t(Msg::NumberTemplate), Some(user.t(Msg::NumberTemplateHelp))))
            (filled.text(p, "letters.classification", user.t(Msg::Classification), None))
            (filled.text(p, "letters.unit", user.t(Msg::UnitCode), None))
            (filled.text(p, "letters.place", user.t(Msg::LetterPlace), None))
            div.checks {
                (filled.checkbox(p, "letters.per_unit", user.t(Msg::PerUnit)))
                (filled.checkbox(p, "letters.srikandi", user.t(Msg::Srikandi)))
            }
            (filled.text(p, "letters.sop_number", user.t(Msg::SopNumberTemplate), Some(user.t(Msg::SopNumberTemplateHelp))))
            (filled.lines(p, "letters.disposition_instructions", user.t(Msg::DispositionBoxes), Some(user.t(Msg::DispositionBoxesHelp))))
            div.checks { (filled.checkbox(p, "letters.wet_ink_fallback", user.t(Msg::WetInkFallback))) }
            button.primary type="submit" { (user.t(Msg::Save)) }
        }
    };
    (status, layout::page(user, title, "/instansi", body)).into_response()
}

/// An empty profile with the usual defaults.
fn blank() -> sop::Agency {
    sop::Agency { timezone: INDONESIAN_ZONES[0].0.to_string(), retention_days: 365, ..sop::Agency::default() }
}

pub async fn new_form(user: User) -> Result<Response, WebError> {
    require_installation_admin(&user)?;
    let mut values = values_of(&blank());
    values.insert("id".into(), String::new());
    Ok(render(&user, None, &Filled { values, errors: Vec::new() }, None, StatusCode::OK))
}

pub async fn create(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    require_installation_admin(&user)?;
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    match created(&state, &user, &form).await? {
        Ok(id) => Ok(Redirect::to(&format!("/instansi/{id}/organisasi?ok=instansi")).into_response()),
        Err(refusal) => {
            let filled = Filled { values: form, errors: refusal };
            Ok(render(&user, None, &filled, None, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

/// Makes the agency a profile form describes (its `id` included), as an
/// installation administrator: its id, or every refused field.
pub(crate) async fn created(
    state: &AppState,
    user: &User,
    form: &BTreeMap<String, String>,
) -> Result<Result<String, Vec<FieldError>>, WebError> {
    let (mut agency, unreadable) = profile_of(user, form, blank());
    agency.id = given(form, "id").to_string();
    if !unreadable.is_empty() {
        return Ok(Err(with_the_rest(unreadable, &agency)));
    }
    match state.store.create_agency(&agency, Some(user.person())).await {
        Ok(()) => Ok(Ok(agency.id)),
        Err(e) => field_errors(e).map(Err),
    }
}

/// Saves the profile a form describes over `stored`: done, or every
/// refused field.
pub(crate) async fn updated(
    state: &AppState,
    user: &User,
    stored: sop::Agency,
    form: &BTreeMap<String, String>,
) -> Result<Result<(), Vec<FieldError>>, WebError> {
    let (agency, unreadable) = profile_of(user, form, stored);
    if !unreadable.is_empty() {
        return Ok(Err(with_the_rest(unreadable, &agency)));
    }
    match state.store.update_agency(&agency, Some(user.person())).await {
        Ok(()) => Ok(Ok(())),
        Err(e) => field_errors(e).map(Err),
    }
}

pub async fn profile(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Result<Response, WebError> {
    let agency = editable(&state, &user, &id).await?;
    let saved = (notice.ok.as_deref() == Some("profil")).then_some(Msg::SavedProfile);
    let filled = Filled { values: values_of(&agency), errors: Vec::new() };
    Ok(render(&user, Some(&id), &filled, saved, StatusCode::OK))
}

pub async fn save(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::Form(mut form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let stored = editable(&state, &user, &id).await?;
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    let refusal = match updated(&state, &user, stored, &form).await? {
        Ok(()) => return Ok(Redirect::to(&format!("/instansi/{id}/profil?ok=profil")).into_response()),
        Err(refusal) => refusal,
    };
    form.insert("id".into(), id.clone());
    let filled = Filled { values: form, errors: refusal };
    Ok(render(&user, Some(&id), &filled, None, StatusCode::UNPROCESSABLE_ENTITY))
}
