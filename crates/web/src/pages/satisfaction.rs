//! Survei Kepuasan Masyarakat in the browser: the requester of an ended
//! case answers the nine elements once (/permohonan/{case}/survei, linked
//! from the case page and from the closing notice), and heads read the
//! index per service, unit and the whole agency for a period, with the
//! respondents against the sample the period needs (/laporan/ikm, and its
//! CSV). A refused answer stays on the page with every choice kept.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use engine::form::FieldError;
use engine::satisfaction::{Element, Index, MIN_RESPONDENTS, Response as Answers, Tally, sample_size};
use jiff::civil::Date;
use maud::{Markup, html};
use store::StoreError;
use store::satisfaction::ServiceSatisfaction;

use super::reports::{Period, csv, instants, period};
use crate::auth::User;
use crate::display::hundredths;
use crate::error::WebError;
use crate::i18n::{Lang, Msg};
use crate::{AppState, layout, now_ms};

/// The case, if `user` may answer its survey now; otherwise why not.
pub(crate) async fn open_case(
    state: &AppState,
    user: &User,
    case: &str,
) -> Result<engine::CaseState, WebError> {
    let case = state
        .store
        .case_seen_by(user.agency_id(), case, user.person(), false)
        .await?
        .ok_or(WebError::Forbidden)?;
    if !state.store.survey_open(&case, user.person()).await? {
        return Err(WebError::NotFoundBecause(user.t(Msg::SkmNotOpen).to_string()));
    }
    Ok(case)
}

pub async fn survey_page(
    State(state): State<AppState>,
    user: User,
    Path(case): Path<String>,
) -> Result<Markup, WebError> {
    let case = open_case(&state, &user, &case).await?;
    let sop = state.store.sop(user.agency_id(), &case.sop_id, Some(case.sop_version)).await?;
    Ok(survey(&user, &case, &sop, &BTreeMap::new(), &[]))
}

fn survey(
    user: &User,
    case: &engine::CaseState,
    sop: &sop::Sop,
    values: &BTreeMap<String, String>,
    errors: &[FieldError],
) -> Markup {
    let error = |code: &str| errors.iter().find(|e| e.field == code);
    let body = html! {
        h1 { (user.t(Msg::SkmTitle)) }
        p { (user.t(Msg::SkmFor)) " " a href={"/permohonan/" (case.id)} { (case.number) } " — " strong { (sop.identity.nama.value) } }
        p.muted { (user.t(Msg::SkmAnonymous)) }
        @if !errors.is_empty() {
            div.flash.error role="alert" {
                p { (user.t(Msg::SkmIncomplete)) }
                ul { @for e in errors { li { a href={"#" (e.field)} { (e.label) } ": " (e.message) } } }
            }
        }
        form.card.survey method="post" action={"/permohonan/" (case.id) "/survei"} {
            input type="hidden" name="csrf" value=(user.csrf);
            @for (n, element) in Element::ALL.into_iter().enumerate() {
                fieldset #(element.code()) class=[error(element.code()).map(|_| "invalid")] {
                    legend { (n + 1) ". " (element.question()) }
                    @if let Some(e) = error(element.code()) { p.field-error { (e.message) } }
                    @for (i, answer) in element.answers().into_iter().enumerate() {
                        @let value = (i + 1).to_string();
                        label.choice {
                            input type="radio" name=(element.code()) value=(value)
                                checked[values.get(element.code()) == Some(&value)];
                            " " (answer)
                        }
                    }
                }
            }
            label for="komentar" { (user.t(Msg::SkmComment)) }
            @if let Some(e) = error("komentar") { p.field-error { (e.message) } }
            textarea #komentar name="komentar" maxlength=(engine::satisfaction::COMMENT_MAX_CHARS) {
                (values.get("komentar").map_or("", String::as_str))
            }
            button.primary type="submit" { (user.t(Msg::SkmSend)) }
        }
    };
    layout::page(user, user.t(Msg::SkmTitle), "/permohonan", body)
}

pub async fn answer(
    State(state): State<AppState>,
    user: User,
    Path(case): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    let case = open_case(&state, &user, &case).await?;
    let answers = match Answers::read(|k| form.get(k).map(String::as_str)) {
        Ok(answers) => answers,
        Err(errors) => {
            let sop = state.store.sop(user.agency_id(), &case.sop_id, Some(case.sop_version)).await?;
            let page = survey(&user, &case, &sop, &form, &errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    match state.store.answer_survey(user.agency_id(), &case.id, user.person(), &answers, now_ms()).await {
        Ok(()) => Ok(Redirect::to(&format!("/permohonan/{}?survei=terima-kasih", case.id)).into_response()),
        // Answered meanwhile in another tab: the first answer stands.
        Err(StoreError::AlreadyExists(_)) => {
            Ok(Redirect::to(&format!("/permohonan/{}?survei=terima-kasih", case.id)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The tallies of several groups together; a service whose unit changed
/// within the period stands in two groups, its population counted once.
fn together<'a>(
    groups: impl Iterator<Item = &'a ServiceSatisfaction>,
) -> (i64, i64, BTreeMap<Element, Tally>) {
    let (mut respondents, mut population, mut tallies) = (0, 0, BTreeMap::<Element, Tally>::new());
    let mut counted = std::collections::BTreeSet::new();
    for g in groups {
        respondents += g.respondents;
        if counted.insert(g.sop_id.as_str()) {
            population += g.population;
        }
        for (element, t) in &g.tallies {
            let sum = tallies.entry(*element).or_default();
            sum.sum += t.sum;
            sum.count += t.count;
        }
    }
    (respondents, population, tallies)
}

/// Each service's respondents and index (with enough respondents), the
/// groups of a service under several units together.
pub(super) fn by_service(found: &[ServiceSatisfaction]) -> Vec<(String, i64, Option<Index>)> {
    let mut services: BTreeMap<&str, Vec<&ServiceSatisfaction>> = BTreeMap::new();
    for s in found {
        services.entry(s.sop_id.as_str()).or_default().push(s);
    }
    services
        .into_iter()
        .map(|(sop, groups)| {
            let (respondents, _, tallies) = together(groups.into_iter());
            let index = if respondents >= MIN_RESPONDENTS { Index::of(&tallies) } else { None };
            (sop.to_string(), respondents, index)
        })
        .collect()
}

/// A row of figures: what was counted and, with answers, the index.
pub(crate) struct Row {
    /// The service's SOP id and name; `None` for a unit's or the agency's row.
    pub service: Option<(String, String)>,
    pub unit: String,
    pub respondents: i64,
    pub population: i64,
    /// Absent below [`MIN_RESPONDENTS`].
    pub index: Option<Index>,
}

impl Row {
    /// The respondents the period's population needs.
    pub fn sample(&self) -> i64 {
        i64::try_from(sample_size(u64::try_from(self.population).unwrap_or_default())).unwrap_or(i64::MAX)
    }
}

pub(crate) struct Figures {
    pub from: Date,
    pub until: Date,
    /// Each service's row and its comments.
    pub services: Vec<(Row, Vec<String>)>,
    pub units: Vec<Row>,
    pub agency: Row,
}

pub(crate) async fn load(state: &AppState, user: &User, p: &Period) -> Result<Figures, WebError> {
    if !user.may_report {
        return Err(WebError::Forbidden);
    }
    // The survey is asked at least once a year: this year by default.
    let (from, until) = period(user, p, Date::first_of_year)?;
    let (start, end) = instants(user, from, until)?;
    let mut found = state.store.satisfaction(user.agency_id(), start, end).await?;
    let mut names = BTreeMap::new();
    for s in &mut found {
        if let Ok(sop) = state.store.sop(user.agency_id(), &s.sop_id, None).await {
            if s.unit.is_empty() {
                s.unit = sop.identity.unit.clone().unwrap_or_default();
            }
            names.insert(s.sop_id.clone(), sop.identity.nama.value.clone());
        }
    }
    let row = |service: Option<(String, String)>,
               unit: &str,
               (respondents, population, tallies): (i64, i64, _)| Row {
        service,
        unit: unit.to_string(),
        respondents,
        population,
        index: if respondents >= MIN_RESPONDENTS { Index::of(&tallies) } else { None },
    };
    let services = found
        .iter()
        .map(|s| {
            let name = (s.sop_id.clone(), names.get(&s.sop_id).cloned().unwrap_or_else(|| s.sop_id.clone()));
            let comments = if s.respondents >= MIN_RESPONDENTS { s.comments.clone() } else { Vec::new() };
            (row(Some(name), &s.unit, together(std::iter::once(s))), comments)
        })
        .collect();
    let mut by_unit: BTreeMap<&str, Vec<&ServiceSatisfaction>> = BTreeMap::new();
    for s in &found {
        by_unit.entry(s.unit.as_str()).or_default().push(s);
    }
    let units =
        by_unit.iter().map(|(unit, group)| row(None, unit, together(group.iter().copied()))).collect();
    let agency = row(None, "", together(found.iter()));
    Ok(Figures { from, until, services, units, agency })
}

fn element_headers() -> Markup {
    html! { @for n in 1..=Element::ALL.len() { th.hide-sm { "U" (n) } } }
}

fn figure_cells(user: &User, row: &Row) -> Markup {
    let sample = row.sample();
    html! {
        td { (row.respondents) }
        td { (row.population) }
        td class=[(row.respondents < sample).then_some("overdue")] {
            (sample)
            @if row.respondents < sample { " " span.muted { "(" (user.t(Msg::IkmShort)) ")" } }
        }
        @match &row.index {
            Some(index) => {
                @for element in Element::ALL { td.hide-sm { (hundredths(index.averages[&element], user.lang)) } }
                td.ikm { strong { (hundredths(index.hundredths, user.lang)) } }
                td.grade { (index.grade.letter()) " · " (index.grade.performance()) }
            }
            None => {
                @for _ in Element::ALL { td.hide-sm { "-" } }
                td.ikm { "-" }
                td.grade { @if row.respondents > 0 { span.muted { (user.t(Msg::IkmTooFew)) } } @else { "-" } }
            }
        }
    }
}

pub async fn results(
    State(state): State<AppState>,
    user: User,
    Query(p): Query<Period>,
) -> Result<Markup, WebError> {
    let figures = load(&state, &user, &p).await?;
    let query = format!("dari={}&sampai={}", figures.from, figures.until);
    let no_unit = |unit: &str| if unit.is_empty() { "—".to_string() } else { unit.to_string() };
    let head = |first: Msg, unit: bool| {
        html! { thead { tr {
            th { (user.t(first)) }
            @if unit { th.hide-sm { (user.t(Msg::EdUnit)) } }
            th { (user.t(Msg::IkmRespondents)) } th { (user.t(Msg::IkmPopulation)) } th { (user.t(Msg::IkmSample)) }
            (element_headers())
            th { "IKM" } th { (user.t(Msg::IkmGrade)) }
        } } }
    };
    let body = html! {
        h1 { (user.t(Msg::IkmTitle)) }
        p.muted { (user.t(Msg::IkmHelp)) }
        form.card method="get" action="/laporan/ikm" {
            label for="dari" { (user.t(Msg::From)) }
            input #dari type="date" name="dari" value=(figures.from.to_string());
            label for="sampai" { (user.t(Msg::Until)) }
            input #sampai type="date" name="sampai" value=(figures.until.to_string());
            button.primary type="submit" { (user.t(Msg::Show)) }
        }
        p { a href={"/laporan/ikm.csv?" (query)} { (user.t(Msg::DownloadCsv)) } }
        @if figures.services.is_empty() {
            p.empty { (user.t(Msg::IkmNothing)) }
        } @else {
            h2 { (user.t(Msg::IkmPerService)) }
            table.ikm-services {
                (head(Msg::ColService, true))
                tbody { @for (row, _) in &figures.services {
                    tr { td { (row.service.as_ref().map_or("", |(_, name)| name.as_str())) } td.hide-sm { (no_unit(&row.unit)) } (figure_cells(&user, row)) }
                } }
            }
            h2 { (user.t(Msg::IkmPerUnit)) }
            table.ikm-units {
                (head(Msg::EdUnit, false))
                tbody {
                    @for row in &figures.units { tr { td { (no_unit(&row.unit)) } (figure_cells(&user, row)) } }
                    tr.total { td { strong { (user.t(Msg::IkmAgency)) } } (figure_cells(&user, &figures.agency)) }
                }
            }
            p.muted.legend {
                @for (n, element) in Element::ALL.into_iter().enumerate() { "U" (n + 1) " " (element.name()) @if n + 1 < Element::ALL.len() { " · " } }
            }
            h2 { (user.t(Msg::SkmComment)) }
            @for (row, comments) in figures.services.iter().filter(|(_, c)| !c.is_empty()) {
                h3 { (row.service.as_ref().map_or("", |(_, name)| name.as_str())) }
                ul.comments { @for c in comments { li { (c) } } }
            }
        }
    };
    Ok(layout::page(&user, user.t(Msg::IkmTitle), "/laporan", body))
}

pub async fn results_csv(
    State(state): State<AppState>,
    user: User,
    Query(p): Query<Period>,
) -> Result<Response, WebError> {
    let figures = load(&state, &user, &p).await?;
    let decimal = |h: i64| hundredths(h, Lang::En);
    let mut rows: Vec<Vec<String>> = vec![
        ["layanan", "unit", "responden", "permohonan_selesai", "sampel_minimal"]
            .into_iter()
            .map(str::to_string)
            .chain(Element::ALL.iter().map(|e| e.code().to_string()))
            .chain(["ikm", "mutu"].map(str::to_string))
            .collect(),
    ];
    let units = figures.units.iter().map(|r| (r, user.t(Msg::IkmPerUnit).to_string()));
    let services = figures
        .services
        .iter()
        .map(|(r, _)| (r, r.service.as_ref().map(|(_, name)| name.clone()).unwrap_or_default()));
    let agency = std::iter::once((&figures.agency, user.t(Msg::IkmAgency).to_string()));
    for (row, name) in services.chain(units).chain(agency) {
        let mut line = vec![
            name,
            row.unit.clone(),
            row.respondents.to_string(),
            row.population.to_string(),
            row.sample().to_string(),
        ];
        match &row.index {
            Some(index) => {
                line.extend(Element::ALL.iter().map(|e| decimal(index.averages[e])));
                line.push(decimal(index.hundredths));
                line.push(index.grade.letter().to_string());
            }
            None => line.extend(std::iter::repeat_n(String::new(), Element::ALL.len() + 2)),
        }
        rows.push(line);
    }
    Ok(csv(&format!("ikm-{}-{}.csv", figures.from, figures.until), rows))
}
