//! The organisation editor of one agency, for the installation
//! administrator and the agency's own administrators: its units, its list
//! of positions (unit, superior, rights, Pemda officials), its people and
//! their logins, and who holds which position from when to when (Plt/Plh
//! included) — a position always chosen from the list. Each form is
//! checked by the store; a refusal changes nothing and comes back with
//! what was typed and the reason beside each field.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use engine::Organisation;
use engine::form::FieldError;
use engine::organisation::{ActingKind, Holding, Person, Position, PositionRight};
use maud::{Markup, html};
use sop::organisation::{Unit, UnitKind};

use crate::auth::{MIN_PASSWORD_CHARS, User, hashing};
use crate::error::WebError;
use crate::i18n::{Lang, Msg};
use crate::pages::admin_form::{Filled, field_errors, given};
use crate::{AppState, layout, now_ms};

/// The editor's forms, each refused on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Unit,
    Position,
    Person,
    Login,
    Holding,
}

impl Part {
    const ALL: [Part; 5] = [Part::Unit, Part::Position, Part::Person, Part::Login, Part::Holding];

    /// As named in the address that says it was saved (`?ok=jabatan`).
    fn key(self) -> &'static str {
        match self {
            Part::Unit => "unit",
            Part::Position => "jabatan",
            Part::Person => "pegawai",
            Part::Login => "akun",
            Part::Holding => "penugasan",
        }
    }

    fn saved(self) -> Msg {
        match self {
            Part::Unit => Msg::SavedUnit,
            Part::Position => Msg::SavedPosition,
            Part::Person => Msg::SavedPerson,
            Part::Login => Msg::SavedAccount,
            Part::Holding => Msg::SavedHolding,
        }
    }
}

/// What the editor opens with: what was just saved, or what to edit.
#[derive(serde::Deserialize, Default)]
pub struct Opening {
    ok: Option<String>,
    unit: Option<String>,
    jabatan: Option<String>,
    pegawai: Option<String>,
    /// After a deactivation: how many open tasks its person could act on.
    tugas: Option<usize>,
}

fn right_label(lang: Lang, right: PositionRight) -> &'static str {
    lang.t(match right {
        PositionRight::HeadsAgency => Msg::RightHeadsAgency,
        PositionRight::SignsLetters => Msg::RightSignsLetters,
        PositionRight::ReadsReports => Msg::RightReadsReports,
        PositionRight::KeepsRegistry => Msg::RightKeepsRegistry,
    })
}

fn kind_label(lang: Lang, kind: UnitKind) -> &'static str {
    lang.t(match kind {
        UnitKind::Dinas => Msg::UnitKindDinas,
        UnitKind::Opd => Msg::UnitKindOpd,
    })
}

/// The form field of a right's checkbox.
fn right_field(right: PositionRight) -> String {
    format!("right.{}", right.code())
}

/// The agency `id`, if this person may edit it.
pub(crate) async fn editable(state: &AppState, user: &User, id: &str) -> Result<sop::Agency, WebError> {
    if !user.may_edit_agency(id) {
        return Err(WebError::Forbidden);
    }
    match state.store.agency(id).await {
        Err(store::StoreError::NotFound(_)) => Err(WebError::NotFound),
        other => Ok(other?),
    }
}

/// Positions in the order of their chain: each under the one it reports
/// to, with its depth.
fn as_tree(positions: &[Position]) -> Vec<(usize, &Position)> {
    fn below<'a>(
        positions: &'a [Position],
        parent: Option<&str>,
        depth: usize,
        out: &mut Vec<(usize, &'a Position)>,
    ) {
        for p in positions.iter().filter(|p| p.reports_to.as_deref() == parent) {
            if out.iter().any(|(_, seen)| seen.id == p.id) {
                continue;
            }
            out.push((depth, p));
            below(positions, Some(&p.id), depth + 1, out);
        }
    }
    let mut out: Vec<(usize, &Position)> = Vec::new();
    // Heads first, then the other roots (requesters, Pemda officials).
    let mut roots: Vec<&Position> = positions
        .iter()
        .filter(|p| p.reports_to.as_deref().is_none_or(|up| !positions.iter().any(|q| q.id == up)))
        .collect();
    roots.sort_by_key(|p| (!p.has(PositionRight::HeadsAgency), p.pemda, p.id.clone()));
    for root in roots {
        if out.iter().any(|(_, seen)| seen.id == root.id) {
            continue;
        }
        out.push((0, root));
        below(positions, Some(&root.id), 1, &mut out);
    }
    out
}

/// The form values of a stored position.
fn position_values(p: &Position) -> BTreeMap<String, String> {
    let mut values: BTreeMap<String, String> = [
        ("id", p.id.clone()),
        ("name", p.name.clone()),
        ("unit", p.unit.clone().unwrap_or_default()),
        ("reports_to", p.reports_to.clone().unwrap_or_default()),
        ("editing", p.id.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for right in &p.rights {
        values.insert(right_field(*right), "1".into());
    }
    if p.pemda {
        values.insert("pemda".into(), "1".into());
    }
    values
}

struct Editor<'a> {
    user: &'a User,
    agency: &'a sop::Agency,
    org: &'a Organisation,
    holdings: &'a [store::ListedHolding],
    accounts: &'a [store::Account],
    emails: &'a std::collections::HashMap<String, String>,
    today: jiff::civil::Date,
}

impl Editor<'_> {
    fn t(&self, msg: Msg) -> &'static str {
        self.user.t(msg)
    }

    fn action(&self, part: &str) -> String {
        format!("/instansi/{}/organisasi/{part}", self.agency.id)
    }

    fn unit_name(&self, id: &str) -> String {
        self.agency.units.iter().find(|u| u.id == id).map_or_else(|| id.to_string(), |u| u.name.clone())
    }

    fn unit_options(&self) -> Vec<(String, String)> {
        self.agency.units.iter().map(|u| (u.id.clone(), u.name.clone())).collect()
    }

    fn position_options(&self) -> Vec<(String, String)> {
        as_tree(&self.org.positions)
            .into_iter()
            .map(|(depth, p)| (p.id.clone(), format!("{}{} ({})", "· ".repeat(depth), p.name, p.id)))
            .collect()
    }

    fn people_options(&self) -> Vec<(String, String)> {
        self.org.people.iter().map(|p| (p.id.clone(), p.name.clone())).collect()
    }

    fn units(&self, filled: &Filled) -> Markup {
        let p = "u-";
        let editing = filled.checked("editing");
        let kinds: Vec<(String, String)> = UnitKind::ALL
            .iter()
            .map(|k| (k.code().to_string(), kind_label(self.user.lang, *k).to_string()))
            .collect();
        html! {
            section #unit {
                h2 { (self.t(Msg::Units)) }
                table #units {
                    thead { tr { th { (self.t(Msg::Name)) } th { (self.t(Msg::Code)) } th { (self.t(Msg::Kind)) } th {} } }
                    tbody {
                        @for u in &self.agency.units {
                            tr {
                                td { (u.name) }
                                td { code { (u.id) } }
                                td { (kind_label(self.user.lang, u.kind)) }
                                td { a href={"?unit=" (u.id) "#unit-form"} { (self.t(Msg::Edit)) } }
                            }
                        }
                    }
                }
                form.card #unit-form method="post" action=(self.action("unit")) {
                    h3 { (self.t(Msg::SaveUnit)) }
                    input type="hidden" name="csrf" value=(self.user.csrf);
                    @if editing {
                        input type="hidden" name="editing" value="1";
                        (filled.fixed(p, "id", self.t(Msg::Code), None))
                    } @else {
                        (filled.text(p, "id", self.t(Msg::Code), Some(self.t(Msg::UnitCodeHelp))))
                    }
                    (filled.text(p, "name", self.t(Msg::Name), None))
                    (filled.select(p, "kind", self.t(Msg::Kind), None, None, &kinds))
                    button.primary type="submit" { (self.t(Msg::Save)) }
                }
            }
        }
    }

    fn positions(&self, filled: &Filled) -> Markup {
        let p = "p-";
        let editing = filled.value("editing");
        let lang = self.user.lang;
        // A position cannot report to itself: it is left out of its own list.
        let superiors: Vec<(String, String)> =
            self.position_options().into_iter().filter(|(id, _)| id != editing).collect();
        html! {
            section #jabatan {
                h2 { (self.t(Msg::Positions)) }
                p.help { (self.t(Msg::OrganisationHelp)) }
                table #positions {
                    thead { tr {
                        th { (self.t(Msg::PositionName)) } th.hide-sm { (self.t(Msg::Code)) } th.hide-sm { (self.t(Msg::Unit)) }
                        th { (self.t(Msg::Rights)) } th { (self.t(Msg::HeldBy)) } th {}
                    } }
                    tbody {
                        @for (depth, pos) in as_tree(&self.org.positions) {
                            tr {
                                td style={"padding-left: " (0.5 + 1.4 * depth as f32) "rem"} {
                                    @if depth > 0 { span.muted { "↳ " } }
                                    (pos.name)
                                    @if pos.pemda { " " span.tag.muted { (self.t(Msg::Pemda)) } }
                                }
                                td.hide-sm { code { (pos.id) } }
                                td.hide-sm { (pos.unit.as_deref().map(|u| self.unit_name(u)).unwrap_or_default()) }
                                td { @for r in &pos.rights { span.tag.ok { (right_label(lang, *r)) } " " } }
                                td {
                                    @for c in self.org.candidates(std::slice::from_ref(&pos.id), self.today) {
                                        (self.org.name(&c.person))
                                        @if let Some(kind) = c.acting { " (" (kind.label()) ")" }
                                        br;
                                    }
                                }
                                td { a href={"?jabatan=" (pos.id) "#position-form"} { (self.t(Msg::Edit)) } }
                            }
                        }
                    }
                }
                form.card #position-form method="post" action=(self.action("jabatan")) {
                    h3 { (self.t(Msg::SavePosition)) }
                    input type="hidden" name="csrf" value=(self.user.csrf);
                    @if !editing.is_empty() {
                        input type="hidden" name="editing" value=(editing);
                        (filled.fixed(p, "id", self.t(Msg::Code), None))
                    } @else {
                        (filled.text(p, "id", self.t(Msg::Code), Some(self.t(Msg::PositionCodeHelp))))
                    }
                    (filled.text(p, "name", self.t(Msg::PositionName), Some(self.t(Msg::PositionNameHelp))))
                    (filled.select(p, "unit", self.t(Msg::Unit), None, Some(self.t(Msg::NoneChosen)), &self.unit_options()))
                    (filled.select(p, "reports_to", self.t(Msg::ReportsTo), Some(self.t(Msg::ReportsToHelp)), Some(self.t(Msg::NoneChosen)), &superiors))
                    fieldset.checks {
                        legend { (self.t(Msg::Rights)) }
                        @for right in PositionRight::ALL { (filled.checkbox(p, &right_field(right), right_label(lang, right))) }
                        (filled.error_line("rights"))
                    }
                    div.checks { (filled.checkbox(p, "pemda", self.t(Msg::PemdaOfficial))) }
                    button.primary type="submit" { (self.t(Msg::Save)) }
                }
            }
        }
    }

    fn people(&self, person: &Filled, login: &Filled) -> Markup {
        let editing = person.value("editing");
        let without_login: Vec<(String, String)> = self
            .people_options()
            .into_iter()
            .filter(|(id, _)| !self.accounts.iter().any(|a| &a.person_id == id))
            .collect();
        html! {
            section #pegawai {
                h2 { (self.t(Msg::People)) }
                table #people {
                    thead { tr {
                        th { (self.t(Msg::Name)) } th.hide-sm { "NIP" } th.hide-sm { (self.t(Msg::Unit)) }
                        th { (self.t(Msg::PositionsToday)) } th { (self.t(Msg::Username)) } th {}
                    } }
                    tbody {
                        @for p in &self.org.people {
                            tr {
                                td { (p.name) }
                                td.hide-sm { (p.nip.as_deref().unwrap_or("-")) }
                                td.hide-sm { (self.unit_name(&p.unit)) }
                                td {
                                    @for h in self.org.positions_of(&p.id, self.today) {
                                        @if let Some((kind, _)) = &h.acting { (kind.label()) " " }
                                        (self.org.position_name(&h.position)) br;
                                    }
                                }
                                td {
                                    @match self.accounts.iter().find(|a| a.person_id == p.id) {
                                        Some(a) => {
                                            code { (a.username) }
                                            @if a.is_admin { " " span.tag.warn { (self.t(Msg::AgencyAdmin)) } }
                                            @if !a.active() { " " span.tag.bad { (self.t(Msg::Deactivated)) } }
                                            @else if !a.has_password() { " " span.tag.muted { (self.t(Msg::NoPasswordYet)) } }
                                            (self.account_actions(a, self.emails.contains_key(&p.id)))
                                        }
                                        None => { span.muted { (self.t(Msg::NoLogin)) } }
                                    }
                                }
                                td { a href={"?pegawai=" (p.id) "#person-form"} { (self.t(Msg::Edit)) } }
                            }
                        }
                    }
                }
                @if self.agency.units.is_empty() {
                    p.flash.warn { (self.t(Msg::UnitsFirst)) }
                } @else {
                    form.card #person-form method="post" action=(self.action("pegawai")) {
                        h3 { (self.t(Msg::SavePerson)) }
                        input type="hidden" name="csrf" value=(self.user.csrf);
                        @if !editing.is_empty() { input type="hidden" name="editing" value=(editing); }
                        (person.text("g-", "name", self.t(Msg::Name), None))
                        (person.text("g-", "nip", "NIP", Some(self.t(Msg::Optional))))
                        (person.input("g-", "email", "E-mail", Some(self.t(Msg::PersonEmailHelp)), "email", false))
                        (person.select("g-", "unit", self.t(Msg::Unit), None, None, &self.unit_options()))
                        button.primary type="submit" { (self.t(Msg::Save)) }
                    }
                }
                @if !without_login.is_empty() {
                    form.card #login-form method="post" action=(self.action("akun")) {
                        h3 { (self.t(Msg::AddLogin)) }
                        input type="hidden" name="csrf" value=(self.user.csrf);
                        (login.select("l-", "person", self.t(Msg::Name), None, None, &without_login))
                        (login.text("l-", "username", self.t(Msg::Username), None))
                        (login.input("l-", "password", self.t(Msg::Password), Some(self.t(Msg::PasswordRule)), "password", false))
                        div.checks { (login.checkbox("l-", "admin", self.t(Msg::AgencyAdmin))) }
                        button.primary type="submit" { (self.t(Msg::Save)) }
                    }
                }
            }
        }
    }

    /// What an administrator may do with a login: not their own, and an
    /// installation administrator's only if they are one too.
    fn account_actions(&self, account: &store::Account, has_email: bool) -> Markup {
        let me = &self.user.account;
        if account.username == me.username || (account.installation_admin && !me.installation_admin) {
            return html! {};
        }
        let action = |what: &str| self.action(&format!("akun/{}/{what}", account.username));
        html! {
            div.account-actions {
                @if account.active() {
                    form.inline method="post" action=(action("nonaktifkan")) {
                        input type="hidden" name="csrf" value=(self.user.csrf);
                        button.secondary type="submit" aria-label={(self.t(Msg::Deactivate)) " " (account.username)} { (self.t(Msg::Deactivate)) }
                    }
                    form.inline method="post" action=(action("reset")) {
                        input type="hidden" name="csrf" value=(self.user.csrf);
                        input type="hidden" name="cara" value="kode";
                        button.secondary type="submit" aria-label={(self.t(Msg::ResetWithCode)) " " (account.username)} { (self.t(Msg::ResetWithCode)) }
                    }
                    @if has_email {
                        form.inline method="post" action=(action("reset")) {
                            input type="hidden" name="csrf" value=(self.user.csrf);
                            input type="hidden" name="cara" value="tautan";
                            button.secondary type="submit" aria-label={(self.t(Msg::ResetWithLink)) " " (account.username)} { (self.t(Msg::ResetWithLink)) }
                        }
                    }
                } @else {
                    form.inline method="post" action=(action("aktifkan")) {
                        input type="hidden" name="csrf" value=(self.user.csrf);
                        button.secondary type="submit" aria-label={(self.t(Msg::Reactivate)) " " (account.username)} { (self.t(Msg::Reactivate)) }
                    }
                }
            }
        }
    }

    fn holdings(&self, filled: &Filled) -> Markup {
        let p = "h-";
        let acting: Vec<(String, String)> =
            ActingKind::ALL.iter().map(|k| (k.key().into(), k.label().into())).collect();
        html! {
            section #penugasan {
                h2 { (self.t(Msg::Holdings)) }
                table #holdings {
                    thead { tr {
                        th { (self.t(Msg::Name)) } th { (self.t(Msg::Position)) } th { (self.t(Msg::From)) }
                        th { (self.t(Msg::Until)) } th {}
                    } }
                    tbody {
                        @for listed in self.holdings {
                            @let h = &listed.holding;
                            tr {
                                td {
                                    (self.org.name(&h.person))
                                    @if let Some((kind, holder)) = &h.acting {
                                        " (" (kind.label())
                                        @if let Some(holder) = holder { " " (self.user.t(Msg::ActingFor).to_lowercase()) " " (self.org.name(holder)) }
                                        ")"
                                    }
                                }
                                td { (self.org.position_name(&h.position)) }
                                td { (h.from) }
                                td { (h.until.map_or("-".to_string(), |d| d.to_string())) }
                                td {
                                    @if h.until.is_none_or(|u| u >= self.today) {
                                        form.inline method="post" action=(self.action(&format!("penugasan/{}/akhiri", listed.id))) {
                                            input type="hidden" name="csrf" value=(self.user.csrf);
                                            label.sr-only for={"end-" (listed.id)} { (self.t(Msg::LastDay)) }
                                            input id={"end-" (listed.id)} type="date" name="until" value=(self.today.to_string());
                                            button.secondary type="submit" { (self.t(Msg::EndHolding)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                form.card #holding-form method="post" action=(self.action("penugasan")) {
                    h3 { (self.t(Msg::AssignPosition)) }
                    input type="hidden" name="csrf" value=(self.user.csrf);
                    (filled.select(p, "person", self.t(Msg::Name), None, None, &self.people_options()))
                    (filled.select(p, "position", self.t(Msg::Position), None, None, &self.position_options()))
                    (filled.input(p, "from", self.t(Msg::From), None, "date", false))
                    (filled.input(p, "until", self.t(Msg::Until), Some(self.t(Msg::Optional)), "date", false))
                    (filled.select(p, "acting", self.t(Msg::Acting), None, Some("—"), &acting))
                    (filled.select(p, "acting_for", self.t(Msg::ActingFor), Some(self.t(Msg::Optional)), Some("—"), &self.people_options()))
                    button.primary type="submit" { (self.t(Msg::Save)) }
                }
            }
        }
    }
}

/// The editor with `refused` (a form, what it sent, why) or what was saved.
async fn render(
    state: &AppState,
    user: &User,
    agency_id: &str,
    opening: &Opening,
    refused: Option<(Part, Filled)>,
) -> Result<Response, WebError> {
    let agency = editable(state, user, agency_id).await?;
    let org = state.store.organisation(agency_id).await?;
    let holdings = state.store.listed_holdings(agency_id).await?;
    let accounts = state.store.accounts(agency_id).await?;
    let emails = state.store.people_emails(agency_id).await?;
    let calendar = state.store.calendar(agency_id).await?;
    let today = jiff::Timestamp::now().to_zoned(calendar.zone).date();
    let editor = Editor {
        user,
        agency: &agency,
        org: &org,
        holdings: &holdings,
        accounts: &accounts,
        emails: &emails,
        today,
    };
    let status = if refused.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let (refused_part, refused_filled) = match refused {
        Some((part, filled)) => (Some(part), filled),
        None => (None, Filled::default()),
    };
    // Each form: as refused, or opened to edit a row, or empty.
    let mut forms: BTreeMap<&str, Filled> = BTreeMap::new();
    let mut unit = Filled::default();
    unit.values.insert("kind".into(), UnitKind::Dinas.code().into());
    if let Some(u) = opening.unit.as_deref().and_then(|id| agency.units.iter().find(|u| u.id == id)) {
        unit.values = [
            ("id", u.id.clone()),
            ("name", u.name.clone()),
            ("kind", u.kind.code().into()),
            ("editing", "1".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    }
    forms.insert(Part::Unit.key(), unit);
    let mut position = Filled::default();
    if let Some(p) = opening.jabatan.as_deref().and_then(|id| org.position(id)) {
        position.values = position_values(p);
    }
    forms.insert(Part::Position.key(), position);
    let mut person = Filled::default();
    if let Some(p) = opening.pegawai.as_deref().and_then(|id| org.person(id)) {
        person.values = [
            ("name", p.name.clone()),
            ("nip", p.nip.clone().unwrap_or_default()),
            ("email", emails.get(&p.id).cloned().unwrap_or_default()),
            ("unit", p.unit.clone()),
            ("editing", p.id.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    }
    forms.insert(Part::Person.key(), person);
    forms.insert(Part::Login.key(), Filled::default());
    let mut holding = Filled::default();
    holding.values.insert("from".into(), today.to_string());
    forms.insert(Part::Holding.key(), holding);
    if let Some(part) = refused_part {
        forms.insert(part.key(), refused_filled);
    }
    let saved = opening.ok.as_deref().and_then(|key| match key {
        "instansi" => Some(Msg::SavedAgency),
        "akhiri" => Some(Msg::SavedHoldingEnded),
        "nonaktif" => Some(Msg::SavedDeactivated),
        "aktif" => Some(Msg::SavedReactivated),
        "tautan" => Some(Msg::SavedResetLink),
        "impor" => Some(Msg::ImportApplied),
        _ => Part::ALL.into_iter().find(|p| p.key() == key).map(Part::saved),
    });
    let form = |part: Part| &forms[part.key()];
    let body = html! {
        h1 { (user.t(Msg::OrganisationTitle)) ": " (agency.name) " " span.muted { (agency.government) } }
        p {
            @if user.account.installation_admin { a href="/instansi" { "← " (user.t(Msg::AgenciesTitle)) } " · " }
            a href={"/instansi/" (agency.id) "/profil"} { (user.t(Msg::AgencyProfile)) }
        }
        @if let Some(msg) = saved {
            p.flash.info role="status" {
                (user.t(msg))
                @if msg == Msg::SavedDeactivated {
                    " " (user.t(Msg::DeactivatedTasks).replace("{n}", &opening.tugas.unwrap_or(0).to_string()))
                    " " (user.t(Msg::DeactivatedHoldings))
                }
            }
        }
        @if refused_part.is_some() { p.flash.error role="alert" { (user.t(Msg::FixErrors)) } }
        (editor.units(form(Part::Unit)))
        (editor.positions(form(Part::Position)))
        (editor.people(form(Part::Person), form(Part::Login)))
        (super::roster_import::upload_form(user, &agency.id))
        (editor.holdings(form(Part::Holding)))
    };
    Ok((status, layout::page(user, user.t(Msg::OrganisationTitle), "/instansi", body)).into_response())
}

pub async fn editor(
    State(state): State<AppState>,
    user: User,
    Path(agency): Path<String>,
    Query(opening): Query<Opening>,
) -> Result<Response, WebError> {
    render(&state, &user, &agency, &opening, None).await
}

/// A form of the editor, from someone who may edit `agency`.
async fn submitted(
    state: &AppState,
    user: &User,
    agency: &str,
    form: &BTreeMap<String, String>,
) -> Result<sop::Agency, WebError> {
    let found = editable(state, user, agency).await?;
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    Ok(found)
}

/// After a form was saved (`key` names what): back to the editor, which
/// says so, at the section of `part`.
fn back(agency: &str, key: &str, part: Part) -> Response {
    let section = match part {
        Part::Login => Part::Person.key(),
        other => other.key(),
    };
    Redirect::to(&format!("/instansi/{agency}/organisasi?ok={key}#{section}")).into_response()
}

/// The editor again, with `part`'s form as sent and `errors` beside it.
async fn refuse(
    state: &AppState,
    user: &User,
    agency: &str,
    part: Part,
    form: BTreeMap<String, String>,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    render(state, user, agency, &Opening::default(), Some((part, Filled { values: form, errors }))).await
}

/// A slug of `text`, for ids made from names.
fn slug(text: &str) -> String {
    let s: String =
        text.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-")
}

/// One change the editor makes: a form of it, or ending a holding. The
/// page and the API both apply it here, so both refuse alike.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Edit<'a> {
    /// Adds a unit, or with `editing` set changes the one of `id`.
    Unit,
    /// Adds a position, or with `editing` (its id) changes it.
    Position,
    /// Adds a person, or with `editing` (their id) changes them.
    Person,
    /// Gives a person their login.
    Login,
    Holding,
    /// Ends the holding of this id on `until`.
    EndHolding(&'a str),
}

impl Edit<'_> {
    fn part(self) -> Part {
        match self {
            Edit::Unit => Part::Unit,
            Edit::Position => Part::Position,
            Edit::Person => Part::Person,
            Edit::Login => Part::Login,
            Edit::Holding | Edit::EndHolding(_) => Part::Holding,
        }
    }
}

/// Applies `edit` to `agency` as `user` (who may edit it) from the form's
/// fields: the id of what was saved, or each refused field — and then
/// nothing was changed.
pub(crate) async fn apply(
    state: &AppState,
    user: &User,
    agency: &sop::Agency,
    edit: Edit<'_>,
    form: &BTreeMap<String, String>,
) -> Result<Result<String, Vec<FieldError>>, WebError> {
    let store = &state.store;
    let by = Some(user.person());
    let id = agency.id.as_str();
    let stored = match edit {
        Edit::Unit => {
            let unit = match unit_from(user, agency, form) {
                Ok(unit) => unit,
                Err(errors) => return Ok(Err(errors)),
            };
            store.put_unit(id, &unit, by).await.map(|()| unit.id)
        }
        Edit::Position => {
            let position = match position_from(user, agency, form) {
                Ok(position) => position,
                Err(errors) => return Ok(Err(errors)),
            };
            store.put_position(id, &position, by).await.map(|()| position.id)
        }
        Edit::Person => {
            let person = person_from(state, id, form).await?;
            let email = given(form, "email");
            // Every field is checked before anything is written: a refusal
            // names them all and changes nothing.
            let mut errors = match store::mail::check_address(email) {
                Ok(_) => Vec::new(),
                Err(e) => field_errors(e)?,
            };
            let problems = store.person_problems(id, &person).await?;
            errors.extend(problems.into_iter().map(|p| FieldError::new(p.field, p.label, p.message)));
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            let saved = async {
                store.put_person(id, &person, by).await?;
                store.set_person_email(id, &person.id, email, by).await
            };
            saved.await.map(|()| person.id)
        }
        Edit::Login => {
            let errors = login_problems(state, user, id, form).await?;
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            let (username, person) = (given(form, "username").to_string(), given(form, "person").to_string());
            let password = form.get("password").cloned().unwrap_or_default();
            let admin = !given(form, "admin").is_empty();
            let hash = hashing(state, move || store::hash_password(&password)).await;
            store.add_account(id, &username, &person, &hash, admin, now_ms()).await.map(|()| username)
        }
        Edit::Holding => {
            let holding = match holding_from(user, form) {
                Ok(holding) => holding,
                Err(errors) => return Ok(Err(errors)),
            };
            store.add_holding(id, &holding, by).await
        }
        Edit::EndHolding(holding) => {
            let Some(until) = date_of(form, "until") else {
                return Ok(Err(vec![FieldError::new("until", user.t(Msg::LastDay), user.t(Msg::BadDate))]));
            };
            store.end_holding(id, holding, until, by).await.map(|()| holding.to_string())
        }
    };
    match stored {
        Ok(saved) => Ok(Ok(saved)),
        Err(e) => field_errors(e).map(Err),
    }
}

/// The unit a form describes; a new one may not take an id in use.
fn unit_from(
    user: &User,
    agency: &sop::Agency,
    form: &BTreeMap<String, String>,
) -> Result<Unit, Vec<FieldError>> {
    let editing = !given(form, "editing").is_empty();
    let name = given(form, "name").to_string();
    let id = match given(form, "id") {
        "" if !editing && !name.is_empty() => format!("{}-{}", agency.id, slug(&name)),
        id => id.to_string(),
    };
    if !editing && agency.units.iter().any(|u| u.id == id) {
        return Err(vec![taken(user, &id)]);
    }
    Ok(Unit { id, name, kind: UnitKind::parse(given(form, "kind")).unwrap_or_default() })
}

/// The position a form describes; a new one may not take an id in use.
fn position_from(
    user: &User,
    agency: &sop::Agency,
    form: &BTreeMap<String, String>,
) -> Result<Position, Vec<FieldError>> {
    let editing = given(form, "editing");
    let id = if editing.is_empty() { given(form, "id") } else { editing }.to_string();
    if editing.is_empty() && agency.positions.iter().any(|p| p.id == id) {
        return Err(vec![taken(user, &id)]);
    }
    let optional = |name: &str| Some(given(form, name).to_string()).filter(|v| !v.is_empty());
    Ok(Position {
        id,
        name: given(form, "name").to_string(),
        unit: optional("unit"),
        reports_to: optional("reports_to"),
        rights: PositionRight::ALL
            .into_iter()
            .filter(|r| !given(form, &right_field(*r)).is_empty())
            .collect(),
        pemda: !given(form, "pemda").is_empty(),
    })
}

/// The person a form describes: a new one (with a new id), or the one
/// `editing` names, who must be the agency's.
async fn person_from(
    state: &AppState,
    agency: &str,
    form: &BTreeMap<String, String>,
) -> Result<Person, WebError> {
    let editing = given(form, "editing");
    let id = if editing.is_empty() {
        store::new_person_id(agency)
    } else {
        let org = state.store.organisation(agency).await?;
        org.person(editing).ok_or(WebError::NotFound)?.id.clone()
    };
    let nip: String = given(form, "nip").chars().filter(|c| !c.is_whitespace()).collect();
    Ok(Person {
        id,
        name: given(form, "name").to_string(),
        nip: Some(nip).filter(|n| !n.is_empty()),
        unit: given(form, "unit").to_string(),
    })
}

/// What is wrong with a new login: a person of the agency without one, a
/// free and well-formed username, a long enough password.
async fn login_problems(
    state: &AppState,
    user: &User,
    agency: &str,
    form: &BTreeMap<String, String>,
) -> Result<Vec<FieldError>, WebError> {
    let org = state.store.organisation(agency).await?;
    let person = given(form, "person");
    let username = given(form, "username");
    let mut errors = Vec::new();
    if org.person(person).is_none() {
        errors.push(FieldError::new("person", user.t(Msg::Name), user.t(Msg::Required)));
    } else if state.store.accounts(agency).await?.iter().any(|a| a.person_id == person) {
        errors.push(FieldError::new("person", user.t(Msg::Name), user.t(Msg::PersonHasLogin)));
    }
    if let Err(why) = store::check_username(username) {
        errors.push(FieldError::new("username", user.t(Msg::Username), why));
    } else if state.store.account(username).await?.is_some() {
        errors.push(FieldError::new("username", user.t(Msg::Username), user.t(Msg::UsernameTaken)));
    }
    // Not trimmed: a password is what it is.
    if form.get("password").map_or(0, |p| p.chars().count()) < MIN_PASSWORD_CHARS {
        errors.push(FieldError::new("password", user.t(Msg::Password), user.t(Msg::PasswordRule)));
    }
    Ok(errors)
}

/// The holding a form describes, once its dates can be read.
fn holding_from(user: &User, form: &BTreeMap<String, String>) -> Result<Holding, Vec<FieldError>> {
    let mut errors = Vec::new();
    let from = date_of(form, "from");
    if from.is_none() {
        errors.push(FieldError::new("from", user.t(Msg::From), user.t(Msg::BadDate)));
    }
    let until = date_of(form, "until");
    if !given(form, "until").is_empty() && until.is_none() {
        errors.push(FieldError::new("until", user.t(Msg::Until), user.t(Msg::BadDate)));
    }
    let Some(from) = from.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    let acting_for = Some(given(form, "acting_for").to_string()).filter(|p| !p.is_empty());
    let acting = ActingKind::parse(given(form, "acting")).map(|kind| (kind, acting_for));
    Ok(Holding {
        person: given(form, "person").to_string(),
        position: given(form, "position").to_string(),
        from,
        until,
        acting,
    })
}

fn date_of(form: &BTreeMap<String, String>, name: &str) -> Option<jiff::civil::Date> {
    given(form, name).parse().ok()
}

/// A form of the editor sent by its page: saved and back to the editor,
/// or the editor again with the refusals.
async fn sent(
    state: &AppState,
    user: &User,
    agency: &str,
    edit: Edit<'_>,
    form: BTreeMap<String, String>,
) -> Result<Response, WebError> {
    let found = submitted(state, user, agency, &form).await?;
    let part = edit.part();
    match apply(state, user, &found, edit, &form).await? {
        Ok(_) => {
            let key = if matches!(edit, Edit::EndHolding(_)) { "akhiri" } else { part.key() };
            Ok(back(agency, key, part))
        }
        // Ending a holding is a date beside a listed holding, not the
        // form that adds one: that form stays empty.
        Err(errors) if matches!(edit, Edit::EndHolding(_)) => {
            refuse(state, user, agency, part, BTreeMap::new(), errors).await
        }
        Err(errors) => refuse(state, user, agency, part, form, errors).await,
    }
}

/// A new unit or position may not take an id the list already has.
fn taken(user: &User, id: &str) -> FieldError {
    FieldError::new("id", user.t(Msg::Code), format!("\"{id}\" {}", user.t(Msg::UnitOrPositionExists)))
}

pub async fn save_unit(
    State(state): State<AppState>,
    user: User,
    Path(agency): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    sent(&state, &user, &agency, Edit::Unit, form).await
}

pub async fn save_position(
    State(state): State<AppState>,
    user: User,
    Path(agency): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    sent(&state, &user, &agency, Edit::Position, form).await
}

pub async fn save_person(
    State(state): State<AppState>,
    user: User,
    Path(agency): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    sent(&state, &user, &agency, Edit::Person, form).await
}

pub async fn add_account(
    State(state): State<AppState>,
    user: User,
    Path(agency): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    sent(&state, &user, &agency, Edit::Login, form).await
}

pub async fn add_holding(
    State(state): State<AppState>,
    user: User,
    Path(agency): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    sent(&state, &user, &agency, Edit::Holding, form).await
}

pub async fn end_holding(
    State(state): State<AppState>,
    user: User,
    Path((agency, holding)): Path<(String, String)>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    sent(&state, &user, &agency, Edit::EndHolding(&holding), form).await
}
