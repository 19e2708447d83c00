//! Permohonan: a requester's own cases; the case page with its timeline —
//! planned (lane, standard time) against actual (who, when, how long,
//! breach) — and the action form for the step the person may act on;
//! withdrawal; attachments.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use engine::disposition::{
    Disposition, FIELD_ADDRESSEE, FIELD_DUE, FIELD_INSTRUCTIONS, FIELD_NATURE, Nature,
};
use engine::form::FieldError;
use engine::{ActionInput, CaseState, CaseStatus, EngineError, TaskState, TaskStatus, Verdict};
use maud::{Markup, html};
use serde::Deserialize;
use sop::{ActionKind, Sop};

use super::form;
use super::letters::{self, CaseRecords};
use super::services::check_before_storing;
use crate::auth::User;
use crate::display;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::{AppState, layout, now_ms, upload};
use store::CaseSummary;

fn status_tag(user: &User, status: CaseStatus) -> Markup {
    let class = match status {
        CaseStatus::Open => "warn",
        CaseStatus::Completed => "ok",
        CaseStatus::Rejected => "bad",
        CaseStatus::Withdrawn => "muted",
    };
    html! { span class={"tag " (class)} data-status=(status.key()) { (user.lang.case_status(status)) } }
}

/// The most cases a list page shows at once.
pub(super) const PAGE: i64 = 50;

/// The last case of the previous page, as a list's `setelah=opened_at.id`
/// names it; none (or blank) for the first page.
pub(super) fn page_after(user: &User, key: Option<&str>) -> Result<Option<(i64, String)>, WebError> {
    let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else { return Ok(None) };
    let bad = || WebError::BadRequest(format!("{} (setelah=\"{key}\").", user.t(Msg::BadPageLink)));
    let (at, id) = key.split_once('.').ok_or_else(bad)?;
    Ok(Some((at.parse::<i64>().map_err(|_| bad())?, id.to_string())))
}

/// The link to the page after `last`, in the `setelah` form [`page_after`] reads.
pub(super) fn next_page(path: &str, last: &CaseSummary) -> String {
    let joint = match path.contains('?') {
        false => "?",
        true if path.ends_with(['?', '&']) => "",
        true => "&",
    };
    format!("{path}{joint}setelah={}.{}", last.opened_at, last.id)
}

/// A list's paging: back to its first page (`path`) from a later one, and
/// on to the page after `next`, the last case shown when more follow.
pub(super) fn page_links(user: &User, path: &str, later: bool, next: Option<&CaseSummary>) -> Markup {
    html! {
        @if later || next.is_some() {
            p.paging {
                @if later { a href=(path) { (user.t(Msg::FirstPage)) } }
                @if later && next.is_some() { " · " }
                @if let Some(last) = next { a href=(next_page(path, last)) { (user.t(Msg::NextPage)) } }
            }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    /// The last case of the previous page: `opened_at.id`.
    setelah: Option<String>,
}

/// The requester's own cases (and those filed on their behalf), newest
/// first, a page at a time: a unit that files often still gets a quick page.
pub async fn my_requests(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<ListQuery>,
) -> Result<Markup, WebError> {
    let after = page_after(&user, q.setelah.as_deref())?;
    let mut cases = state
        .store
        .cases_after(
            user.agency_id(),
            Some(user.person()),
            after.as_ref().map(|(at, id)| (*at, id.as_str())),
            PAGE + 1,
        )
        .await?;
    let more = cases.len() as i64 > PAGE;
    cases.truncate(PAGE as usize);
    let clock = user.clock();
    let mut rows = Vec::new();
    for c in &cases {
        let sop = state.store.sop(user.agency_id(), &c.sop_id, Some(c.sop_version)).await?;
        rows.push((c, sop.identity.nama.value.clone(), c.status));
    }
    let body = html! {
        h1 { (user.t(Msg::MyRequestsTitle)) }
        @if rows.is_empty() {
            p.card { (user.t(Msg::MyRequestsEmpty)) " " a href="/layanan" { (user.t(Msg::NavServices)) } }
        } @else {
            table {
                thead { tr { th { (user.t(Msg::ColCase)) } th { (user.t(Msg::ColService)) } th.hide-sm { (user.t(Msg::ColOpened)) } th { (user.t(Msg::ColStatus)) } } }
                tbody {
                    @for (c, name, status) in &rows {
                        tr {
                            td { a href={"/permohonan/" (c.id)} { (c.number) } }
                            td { (name) }
                            td.hide-sm { (clock.datetime(c.opened_at)) }
                            td { (status_tag(&user, *status)) }
                        }
                    }
                }
            }
        }
        (page_links(&user, "/permohonan", after.is_some(), cases.last().filter(|_| more)))
    };
    Ok(layout::page(&user, user.t(Msg::MyRequestsTitle), "/permohonan", body))
}

#[derive(Deserialize, Default)]
pub struct Notice {
    baru: Option<String>,
    ok: Option<String>,
    /// Back from the satisfaction survey.
    survei: Option<String>,
    /// The letter signed at this step waits in the signing queue.
    antre: Option<String>,
}

/// What the page shows besides the case: a message, or a failed action.
#[derive(Default)]
struct Outcome {
    info: Option<String>,
    /// Link the signing queue under the message.
    queue: bool,
    error: Option<String>,
    failed: Option<FailedAction>,
    /// Personal data shown in full (after a logged reveal).
    reveal: bool,
    /// The viewer is asked the satisfaction survey of this case.
    survey: bool,
}

/// An action form that was refused: which task, what was entered, why.
struct FailedAction {
    task: String,
    fields: BTreeMap<String, String>,
    note: Option<String>,
    verdict: Option<Verdict>,
    errors: Vec<FieldError>,
}

async fn load(
    state: &AppState,
    user: &User,
    case: &str,
) -> Result<(CaseState, Arc<Sop>, engine::Organisation, engine::Calendar), WebError> {
    // Another agency's case and a case one has no part in look the same.
    let case = state
        .store
        .case_seen_by(user.agency_id(), case, user.person(), user.account.is_admin)
        .await?
        .ok_or(WebError::Forbidden)?;
    let sop = state.store.sop(user.agency_id(), &case.sop_id, Some(case.sop_version)).await?;
    let org = state.store.organisation(user.agency_id()).await?;
    let calendar = state.store.calendar(user.agency_id()).await?;
    Ok((case, sop, org, calendar))
}

pub async fn case_page(
    State(state): State<AppState>,
    user: User,
    Path(case): Path<String>,
    Query(notice): Query<Notice>,
) -> Result<Response, WebError> {
    let (case, sop, org, calendar) = load(&state, &user, &case).await?;
    let mut outcome = Outcome::default();
    if notice.baru.is_some() {
        outcome.info = Some(format!("{} {}", user.t(Msg::RequestSent), case.number));
    } else if notice.ok.is_some() {
        outcome.info = Some(user.t(Msg::ActionSaved).to_string());
    } else if notice.survei.is_some() {
        outcome.info = Some(user.t(Msg::SkmThanks).to_string());
    } else if notice.antre.is_some() {
        outcome.error = Some(user.t(Msg::LetterWaitsForSignature).to_string());
        outcome.queue = true;
    }
    outcome.survey = state.store.survey_open(&case, user.person()).await?;
    let letters = CaseRecords::load(&state, &user, &case.id).await?;
    Ok(render(&user, &case, &sop, &org, &calendar, &letters, &outcome).into_response())
}

fn action_form(
    user: &User,
    case: &CaseState,
    ctx: &engine::Context<'_>,
    task: &TaskState,
    letters: &CaseRecords,
    outcome: &Outcome,
) -> Markup {
    let (sop, org) = (ctx.sop, ctx.org);
    let step = sop.step(task.step).expect("task steps exist");
    // A lane acting with the first lane of a joint step confirms its part.
    let partner = step.each_lane_acts() && task.lane != step.lane;
    let (fields, attachments) =
        if partner { (&[][..], &[][..]) } else { (&step.fields[..], &step.attachments[..]) };
    let people: Vec<(String, String)> =
        if fields.iter().any(|f| f.kind == sop::definition::FieldKind::Pegawai) {
            org.people.iter().map(|p| (p.id.clone(), p.name.clone())).collect()
        } else {
            Vec::new()
        };
    let empty = BTreeMap::new();
    let (values, note, verdict, errors) = match &outcome.failed {
        Some(f) if f.task == task.id => (&f.fields, f.note.clone(), f.verdict, f.errors.as_slice()),
        _ => (&empty, None, None, &[][..]),
    };
    let prefix = format!("t{}-", task.step);
    let note_label = match step.action {
        ActionKind::Dispose => Msg::NoteDispose,
        ActionKind::Decide => Msg::NoteDecide,
        ActionKind::Review => Msg::NoteReview,
        _ => Msg::NoteOptional,
    };
    let note_error = errors.iter().find(|e| e.field == "catatan").map(|e| e.message.clone());
    let verdict_error = errors.iter().find(|e| e.field == "keputusan").map(|e| e.message.clone());
    let (ya, tidak) = match (&step.decision, step.action) {
        (Some(d), _) => (d.ya_label.clone(), d.tidak_label.clone()),
        (None, ActionKind::Review) => {
            (user.t(Msg::Approve).to_string(), user.t(Msg::ReturnDraft).to_string())
        }
        (None, ActionKind::Sign) => {
            (user.t(Msg::SignLetter).to_string(), user.t(Msg::ReturnDraft).to_string())
        }
        _ => (String::new(), String::new()),
    };
    let general = form::unplaced(errors, fields, attachments);
    let placed = [
        "catatan",
        "keputusan",
        "kata_sandi",
        "nomor_srikandi",
        FIELD_INSTRUCTIONS,
        FIELD_NATURE,
        FIELD_DUE,
        FIELD_ADDRESSEE,
    ];
    let disposes = matches!(step.action, ActionKind::Dispose | ActionKind::Forward) && !partner;
    let general: Vec<_> = general
        .into_iter()
        .filter(|e| !placed.contains(&e.field.as_str()) && !letters::DRAFT_FIELDS.contains(&e.field.as_str()))
        .collect();
    html! {
        section.card #action {
            h2 { (user.t(Msg::YourAction)) ": " (step.no) ". " (user.lang.action(step.action)) }
            p { (step.activity) }
            @if partner {
                p.muted.joint { (user.t(Msg::JointConfirm)) " " (sop.lane(&step.lane).map_or(step.lane.as_str(), |l| l.name.as_str())) "." }
            }
            @if !step.requirements.is_empty() {
                p.muted { (user.t(Msg::Requirements)) ": " (step.requirements.join("; ")) }
            }
            @if !errors.is_empty() {
                div.flash.error role="alert" { (user.t(Msg::FixErrors)) @for e in &general { br; (e.label) ": " (e.message) } }
            }
            form method="post" action={"/permohonan/" (case.id) "/tugas/" (task.id)} enctype="multipart/form-data" novalidate {
                input type="hidden" name="csrf" value=(user.csrf);
                @if !ya.is_empty() {
                    fieldset.radio class=[verdict_error.as_ref().map(|_| "has-error")] {
                        legend { strong { (user.t(Msg::Decision)) } }
                        label { input type="radio" name="verdict" value=(Verdict::Ya.key()) checked[verdict == Some(Verdict::Ya)]; " " (ya) }
                        label { input type="radio" name="verdict" value=(Verdict::Tidak.key()) checked[verdict == Some(Verdict::Tidak)]; " " (tidak) }
                        @if let Some(e) = &verdict_error { p.field-error { (e) } }
                    }
                }
                div.field class=[note_error.as_ref().map(|_| "has-error")] {
                    label for={(prefix) "catatan"} { (user.t(note_label)) }
                    textarea id={(prefix) "catatan"} name="note" maxlength="2000" { (note.unwrap_or_default()) }
                    @if let Some(e) = &note_error { p.field-error { (e) } }
                }
                @if disposes { (disposition_controls(user, ctx, case, task, values, errors)) }
                (form::controls(&prefix, fields, attachments, values, errors, &people, user.lang))
                @if !partner { (letters::controls(user, case, sop, step, letters, values, errors)) }
                button.primary type="submit" { (user.lang.action(step.action)) }
            }
        }
    }
}

/// The lembar disposisi's parts of a disposition step's form: the agency's
/// instruction boxes, the sifat, a due date and the addressee among the
/// next step's people; refused values come back as given.
fn disposition_controls(
    user: &User,
    ctx: &engine::Context<'_>,
    case: &CaseState,
    task: &TaskState,
    values: &BTreeMap<String, String>,
    errors: &[FieldError],
) -> Markup {
    let error = |field: &str| errors.iter().find(|e| e.field == field).map(|e| e.message.clone());
    let boxes = &user.agency.letters.disposition_instructions;
    let ticked = |label: &String| values.iter().any(|(k, v)| k.starts_with(INSTRUCTION_PREFIX) && v == label);
    let nature = values.get(FIELD_NATURE).and_then(|k| Nature::parse(k)).unwrap_or_default();
    let people = engine::workflow::next_candidates(ctx, case, &task.id, now_ms());
    let chosen = values.get(FIELD_ADDRESSEE).map(String::as_str).unwrap_or_default();
    let today = jiff::Timestamp::now().to_zoned(user.clock().zone).date().to_string();
    html! {
        fieldset.disposition {
            legend { strong { (user.t(Msg::DispositionSheet)) } }
            fieldset class={"checks" @if error(FIELD_INSTRUCTIONS).is_some() { " has-error" }} {
                legend { (user.t(Msg::DispositionInstructions)) ":" }
                @for (i, b) in boxes.iter().enumerate() {
                    label { input type="checkbox" name={(INSTRUCTION_PREFIX) (i)} value=(b) checked[ticked(b)]; " " (b) }
                }
                @if let Some(e) = error(FIELD_INSTRUCTIONS) { p.field-error { (e) } }
            }
            div class={"field" @if error(FIELD_NATURE).is_some() { " has-error" }} {
                label for="d-sifat" { (user.t(Msg::DispositionNature)) }
                select #d-sifat name=(FIELD_NATURE) {
                    @for n in Nature::ALL { option value=(n.key()) selected[n == nature] { (n.label()) } }
                }
                @if let Some(e) = error(FIELD_NATURE) { p.field-error { (e) } }
            }
            div class={"field" @if error(FIELD_DUE).is_some() { " has-error" }} {
                label for="d-due" { (user.t(Msg::DispositionDue)) }
                input #d-due type="date" name=(FIELD_DUE) min=(today) value=(values.get(FIELD_DUE).map(String::as_str).unwrap_or_default());
                p.muted { (user.t(Msg::DispositionDueHelp)) }
                @if let Some(e) = error(FIELD_DUE) { p.field-error { (e) } }
            }
            @if people.len() > 1 {
                div class={"field" @if error(FIELD_ADDRESSEE).is_some() { " has-error" }} {
                    label for="d-to" { (user.t(Msg::DispositionTo)) }
                    select #d-to name=(FIELD_ADDRESSEE) {
                        option value="" { (user.t(Msg::DispositionToLane)) }
                        @for c in &people { option value=(c.person) selected[c.person == chosen] { (ctx.org.name(&c.person)) } }
                    }
                    @if let Some(e) = error(FIELD_ADDRESSEE) { p.field-error { (e) } }
                }
            }
        }
    }
}

/// The disposition a form gives, and its raw values to show again if refused.
fn disposition_of(
    data: &upload::FormData,
) -> (Result<Option<Disposition>, Vec<FieldError>>, BTreeMap<String, String>) {
    let raw: BTreeMap<String, String> = data
        .fields
        .iter()
        .filter(|(k, _)| {
            k.starts_with(INSTRUCTION_PREFIX)
                || [FIELD_NATURE, FIELD_DUE, FIELD_ADDRESSEE].contains(&k.as_str())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let instructions =
        raw.iter().filter(|(k, _)| k.starts_with(INSTRUCTION_PREFIX)).map(|(_, v)| v.clone()).collect();
    let read = Disposition::read(
        instructions,
        data.text(FIELD_NATURE),
        data.text(FIELD_DUE),
        data.text(FIELD_ADDRESSEE),
    );
    (read, raw)
}

/// The form names of the instruction boxes: `instruksi.0`, `instruksi.1`, …
const INSTRUCTION_PREFIX: &str = "instruksi.";

fn render(
    user: &User,
    case: &CaseState,
    sop: &Sop,
    org: &engine::Organisation,
    calendar: &engine::Calendar,
    letters: &CaseRecords,
    outcome: &Outcome,
) -> Markup {
    let clock = user.clock();
    let ctx = engine::Context { sop, org, calendar };
    let mine: Vec<&TaskState> =
        case.open_tasks().filter(|t| t.candidates.iter().any(|c| c.person == user.person())).collect();
    let requester = org.person(&case.requester);
    let body = html! {
        h1 { (user.t(Msg::CaseTitle)) " " (case.number) " " (status_tag(user, case.status)) }
        @if let Some(i) = &outcome.info { p.flash.info role="status" { (i) } }
        @if let Some(e) = &outcome.error {
            p.flash.error role="alert" { (e) @if outcome.queue { " " a href="/agenda/antrean" { (user.t(Msg::SigningQueue)) } } }
        }
        div.card {
            p { strong { (sop.identity.nama.value) } " (" (sop.identity.nomor.value) ", " (user.t(Msg::Version)) " " (case.sop_version) ")" }
            @if let Some(period) = &case.routine {
                p.routine { (user.t(Msg::RoutinePeriod)) " " (period) " · " (user.t(Msg::RoutineStarted)) " " (clock.datetime(case.opened_at)) }
            } @else {
                p { (user.t(Msg::Requester)) ": " (requester.map_or(case.requester.as_str(), |p| p.name.as_str()))
                    @if let Some(behalf) = &case.on_behalf_of { span.on-behalf { " " (user.t(Msg::OnBehalfOf)) " " strong { (org.name(behalf)) } } }
                    " · " (user.t(Msg::Opened)) " " (clock.datetime(case.opened_at)) }
            }
            @if let Some(closed) = case.closed_at { p { (user.t(Msg::Closed)) " " (clock.datetime(closed)) } }
            @if let Some(due) = case.due_at {
                p.procedure-deadline { (user.t(Msg::ProcedureDeadline)) ": " (clock.datetime(due))
                    @if let Some(late) = case.late_minutes { " " span.tag.bad { (user.t(Msg::Late)) " " (display::minutes(late, user.lang)) } }
                    @else if case.status == CaseStatus::Open && due < now_ms() { " " span.tag.bad { (user.t(Msg::Overdue)) } }
                }
            }
            @if let (CaseStatus::Open, Some(decided)) = (case.status, case.outcome) {
                p { (user.t(Msg::OutcomeDecided)) ": " (status_tag(user, decided.status())) }
            }
        }
        @if outcome.survey {
            div.card.survey-invite {
                p { strong { (user.t(Msg::SkmTitle)) } " — " (user.t(Msg::SkmInvite)) }
                a.button.primary href={"/permohonan/" (case.id) "/survei"} { (user.t(Msg::SkmAnswer)) }
            }
        }
        @if let Some(visit) = &letters.visit {
            (super::visits::section(user, case, visit, sop.visit.as_ref().map(|v| v.escort_step), outcome.reveal))
        }
        @if !letters.review.is_empty() {
            (super::access_review::section(user, case, &letters.review, sop.review.as_ref().map(|r| r.step)))
        }
        @for task in &mine { (action_form(user, case, &ctx, task, letters, outcome)) }
        (letters::section(user, case, letters))
        h2 { (user.t(Msg::Timeline)) }
        table.timeline {
            thead { tr {
                th { (user.t(Msg::ColStep)) }
                th { (user.t(Msg::ColActivity)) }
                th.hide-sm { (user.t(Msg::ColPlanned)) }
                th { (user.t(Msg::ColActual)) }
            } }
            tbody {
                @for step in &sop.steps {
                    @let tasks: Vec<&TaskState> = case.tasks.iter().filter(|t| t.step == step.no).collect();
                    tr data-step=(step.no) {
                        td.step { (step.no) }
                        td { (step.activity) }
                        td.hide-sm {
                            (step.lanes().map(|id| sop.lane(id).map_or(id, |l| l.name.as_str())).collect::<Vec<_>>().join(" & "))
                            @if !step.partners.is_empty() { " " span.muted { "(" (user.t(Msg::JointStep)) ")" } }
                            br;
                            span.muted { (user.t(Msg::StandardTime)) ": " (step.time.map_or("-".to_string(), |t| t.to_string())) }
                        }
                        td {
                            @if tasks.is_empty() { span.muted { "—" } }
                            @for t in &tasks { (actual(user, &ctx, case, step, t, outcome.reveal)) }
                        }
                    }
                    @if sop.registry.as_ref().is_some_and(|r| r.step == step.no) {
                        (super::provisioning::case_rows(user, &case.id, case.requester == user.person(), &letters.provisioning))
                    }
                }
            }
        }
        @if has_personal_data(case, sop) && handles(case, user) && !outcome.reveal {
            form method="post" action={"/permohonan/" (case.id) "/nik"} {
                input type="hidden" name="csrf" value=(user.csrf);
                button.secondary type="submit" { (user.t(Msg::RevealNik)) }
            }
        }
        @if case.status == CaseStatus::Open && case.requester == user.person() {
            form.card method="post" action={"/permohonan/" (case.id) "/tarik"} {
                input type="hidden" name="csrf" value=(user.csrf);
                label for="reason" { (user.t(Msg::WithdrawReason)) }
                textarea #reason name="reason" maxlength="2000" {}
                button.secondary type="submit" { (user.t(Msg::Withdraw)) }
            }
        }
    };
    layout::page(user, &case.number, "/permohonan", body)
}

/// The case page again with `error` on top (422), for actions handled
/// elsewhere (check-in).
pub(crate) async fn refused(
    state: &AppState,
    user: &User,
    case_id: &str,
    error: String,
) -> Result<Response, WebError> {
    let (case, sop, org, calendar) = load(state, user, case_id).await?;
    let letters = CaseRecords::load(state, user, &case.id).await?;
    let outcome = Outcome { error: Some(error), ..Default::default() };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(user, &case, &sop, &org, &calendar, &letters, &outcome))
        .into_response())
}

/// Whether any step of the case recorded personal data (a NIK, a visitor's name).
fn has_personal_data(case: &CaseState, sop: &Sop) -> bool {
    case.tasks.iter().any(|t| {
        let (Some(input), Some(step)) = (&t.input, sop.step(t.step)) else { return false };
        step.fields.iter().any(|f| f.personal && input.fields.contains_key(&f.name))
    })
}

/// Whether `user` is one of the people the case's tasks were given to.
fn handles(case: &CaseState, user: &User) -> bool {
    case.tasks.iter().any(|t| t.candidates.iter().any(|c| c.person == user.person()))
}

/// Shows the case's personal data in full to someone handling it; the
/// reveal is in the audit log before the page is drawn.
pub async fn reveal(
    State(state): State<AppState>,
    user: User,
    Path(case_id): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    let (_, sop, org, calendar) = load(&state, &user, &case_id).await?;
    let case = state.store.reveal_personal_data(user.agency_id(), &case_id, user.person(), now_ms()).await?;
    let letters = CaseRecords::load(&state, &user, &case.id).await?;
    let outcome = Outcome { info: Some(user.t(Msg::NikRevealed).into()), reveal: true, ..Default::default() };
    Ok(render(&user, &case, &sop, &org, &calendar, &letters, &outcome).into_response())
}

/// What task `t` of `step` actually did (or waits for), with its time.
fn actual(
    user: &User,
    ctx: &engine::Context<'_>,
    case: &CaseState,
    step: &sop::Step,
    t: &TaskState,
    reveal: bool,
) -> Markup {
    let engine::Context { sop, org, calendar } = *ctx;
    let clock = user.clock();
    // Which time round a loop brought the case here, "k of N" where the SOP
    // bounds the loop.
    let round = case.round(t);
    let round = match sop.loop_bound(step.no) {
        Some((_, bound)) => {
            Some(user.t(Msg::RoundOf).replace("{k}", &round.to_string()).replace("{n}", &bound.to_string()))
        }
        None if round > 1 => Some(user.t(Msg::RoundNo).replace("{k}", &round.to_string())),
        None => None,
    };
    let waiting = t.status == TaskStatus::Done
        && case.waiting.iter().any(|&(from, _)| from == t.step)
        && case
            .tasks
            .iter()
            .rev()
            .find(|x| x.step == t.step && x.lane == t.lane)
            .is_some_and(|x| x.id == t.id);
    let exhausted = case.exhausted.iter().any(|(task, _)| *task == t.id);
    let took = |from: i64, to: i64| {
        let ts = |ms| jiff::Timestamp::from_millisecond(ms).expect("valid instant");
        display::minutes(calendar.working_minutes_between(ts(from), ts(to)), user.lang)
    };
    let input = t.input.clone().unwrap_or_default();
    html! {
        div.task data-task=(t.id) data-status=(t.status.key()) {
            @if let Some(r) = &round { span.tag.round data-round=(case.round(t)) { (r) } " " }
            @match t.status {
                TaskStatus::Open => {
                    span.tag.warn { (user.t(Msg::Waiting)) } " "
                    (t.candidates.iter().map(|c| org.name(&c.person)).collect::<Vec<_>>().join(" / "))
                    br; span.muted { (user.t(Msg::ColDue)) ": " (clock.maybe(t.due_at)) }
                    @if t.due_at.is_some_and(|d| d < now_ms()) { " " span.tag.bad { (user.t(Msg::Overdue)) } }
                }
                TaskStatus::Cancelled => { span.tag.muted { (user.t(Msg::Cancelled)) } }
                TaskStatus::Done => {
                    strong { (org.name(t.done_by.as_deref().unwrap_or("?"))) }
                    @if let Some(c) = t.candidates.iter().find(|c| Some(c.person.as_str()) == t.done_by.as_deref()) {
                        @if let Some(kind) = c.acting {
                            " (" (kind.label()) " " (c.acting_for.as_deref().map(|h| org.name(h)).unwrap_or_default()) ")"
                        }
                    }
                    br; span.muted { (clock.maybe(t.done_at)) " · " (took(t.started_at, t.done_at.unwrap_or(t.started_at))) }
                    @if let Some(late) = t.late_minutes { " " span.tag.bad { (user.t(Msg::Late)) " " (display::minutes(late, user.lang)) } }
                    @if let Some(v) = input.verdict {
                        br; (user.t(Msg::Decision)) ": " strong { @match v { Verdict::Ya => (step.decision.as_ref().map_or(user.t(Msg::Approve).to_string(), |d| d.ya_label.clone())), Verdict::Tidak => (step.decision.as_ref().map_or(user.t(Msg::ReturnDraft).to_string(), |d| d.tidak_label.clone())) } }
                    }
                    @if let Some(n) = &input.note { br; q { (n) } }
                    @if let Some(d) = &input.disposition {
                        br; span.muted { (user.t(Msg::DispositionNature)) ": " } span.nature { (d.nature.label()) }
                        @if !d.instructions.is_empty() { br; span.muted { (user.t(Msg::DispositionInstructions)) ": " } (d.instructions.join("; ")) }
                        @if let Some(due) = d.due { br; span.muted { (user.t(Msg::DispositionDue)) ": " } (store::letters::civil_date(due)) }
                        @if let Some(to) = &d.addressee { br; span.muted { (user.t(Msg::DispositionTo)) ": " } (org.name(to)) }
                    }
                    @for f in step.fields.iter().filter(|f| input.fields.contains_key(&f.name)) {
                        br; span.muted { (f.label) ": " }
                        @if f.kind == sop::definition::FieldKind::Pegawai { (org.name(&input.fields[&f.name])) }
                        @else { (form::shown(&step.fields, &f.name, &input.fields[&f.name], reveal)) }
                    }
                    @if waiting { br; span.tag.muted.waiting { (user.t(Msg::WaitingForBranches)) } }
                    @if exhausted { br; span.tag.bad.exhausted { (user.t(Msg::RoundsExhausted)) } }
                    @for (name, id) in &input.attachments {
                        br; a href={"/lampiran/" (id)} { (step.attachments.iter().find(|a| &a.name == name).map_or(name.as_str(), |a| a.label.as_str())) }
                    }
                }
            }
        }
    }
}

pub async fn act(
    State(state): State<AppState>,
    user: User,
    Path((case_id, task_id)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (case, sop, org, calendar) = load(&state, &user, &case_id).await?;
    let letters = CaseRecords::load(&state, &user, &case.id).await?;
    let task = case.task(&task_id).ok_or(WebError::NotFound)?.clone();
    let step = sop.step(task.step).ok_or(WebError::NotFound)?;
    // A lane acting with the first lane of a joint step only confirms its
    // part: no fields, no files.
    let confirmation;
    let step = if step.each_lane_acts() && task.lane != step.lane {
        confirmation = sop::Step { fields: Vec::new(), attachments: Vec::new(), ..step.clone() };
        &confirmation
    } else {
        step
    };
    // At the signing step of an agency that signs in SRIKANDI, the signed
    // PDF taken back from there.
    let mut accepted = step.attachments.clone();
    if step.action == ActionKind::Sign && user.agency.letters.srikandi {
        accepted.push(letters::srikandi_upload(&user));
    }
    if step.action == ActionKind::Draft && sop.letter.is_some() {
        accepted.push(letters::enclosure_upload(&user));
    }
    let mut data = upload::read(multipart, &accepted, user.lang).await?;
    user.check_csrf(data.text("csrf"))?;
    let verdict = data.text("verdict").and_then(Verdict::parse);
    let note = data.text("note").map(str::to_string);
    let (paperwork, kept) = letters::paperwork(&state, step, &data);
    // Kept with the letter, not as a file of the case.
    data.files.retain(|f| {
        ![store::letters::SRIKANDI_FILE, store::letters::ENCLOSURE_FIELD].contains(&f.name.as_str())
    });
    let (disposition, disposition_raw) = disposition_of(&data);
    let mut fields = data.step_values(&step.fields);
    let input = ActionInput {
        note: note.clone(),
        verdict,
        fields: fields.clone(),
        attachments: BTreeMap::new(),
        disposition: disposition.clone().unwrap_or_default(),
    };
    // Shown again if the form is refused (the passphrase never is).
    fields.extend(kept);
    fields.extend(disposition_raw);
    let fail = |errors: Vec<FieldError>| {
        let failed = FailedAction {
            task: task.id.clone(),
            fields: fields.clone(),
            note: note.clone(),
            verdict,
            errors,
        };
        let outcome = Outcome { failed: Some(failed), ..Default::default() };
        (StatusCode::UNPROCESSABLE_ENTITY, render(&user, &case, &sop, &org, &calendar, &letters, &outcome))
            .into_response()
    };
    // Only someone allowed to act gets field-by-field help; others are refused below.
    let allowed = task.candidates.iter().any(|c| c.person == user.person());
    let mut errors = check_before_storing(step, &input, &data);
    errors.extend(disposition.err().unwrap_or_default());
    if allowed && task.status == TaskStatus::Open && case.status == CaseStatus::Open && !errors.is_empty() {
        return Ok(fail(errors));
    }
    // Through a signing service, a certificate it knows to be inactive is
    // refused before a number is taken; the signature follows the step.
    let passphrase = paperwork.signing.as_ref().map(|s| s.passphrase.clone()).filter(|_| allowed);
    if let Some(message) = match &passphrase {
        Some(_) => {
            super::signing_queue::refusal_before_signing(&state, user.agency_id(), user.person()).await?
        }
        None => None,
    } {
        return Ok(fail(vec![FieldError::new("kata_sandi", user.t(Msg::Passphrase), message)]));
    }
    match state
        .store
        .complete(
            store::Complete::new(user.agency_id(), &case.id, &task.id, user.person(), input, now_ms())
                .with_uploads(data.files)
                .with_paperwork(paperwork),
        )
        .await
    {
        Ok(_) => {
            let waits = match &passphrase {
                Some(p) => matches!(
                    super::signing_queue::sign_after_step(
                        &state,
                        user.agency_id(),
                        &case.id,
                        user.person(),
                        p
                    )
                    .await?,
                    Some(super::signing_queue::Signed::Waiting(_))
                ),
                None => false,
            };
            let notice = if waits { "antre" } else { "ok" };
            Ok(Redirect::to(&format!("/permohonan/{}?{notice}=1", case.id)).into_response())
        }
        Err(store::StoreError::Engine(EngineError::Invalid(errors))) => Ok(fail(errors)),
        Err(store::StoreError::Engine(EngineError::NotAllowed { .. })) => Err(WebError::Forbidden),
        Err(store::StoreError::Engine(refusal)) => {
            let status = match refusal {
                EngineError::OwnDraft { .. } => StatusCode::FORBIDDEN,
                _ => StatusCode::CONFLICT,
            };
            let fresh = state.store.case(user.agency_id(), &case.id).await?;
            let letters = CaseRecords::load(&state, &user, &case.id).await?;
            let outcome = Outcome { error: Some(user.lang.refusal(&refusal)), ..Default::default() };
            Ok((status, render(&user, &fresh, &sop, &org, &calendar, &letters, &outcome)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn withdraw(
    State(state): State<AppState>,
    user: User,
    Path(case_id): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    let (case, sop, org, calendar) = load(&state, &user, &case_id).await?;
    let reason = form.get("reason").cloned();
    match state.store.withdraw(user.agency_id(), &case.id, user.person(), reason, now_ms()).await {
        Ok(_) => Ok(Redirect::to(&format!("/permohonan/{}?ok=1", case.id)).into_response()),
        Err(store::StoreError::Engine(EngineError::NotRequester { .. })) => Err(WebError::Forbidden),
        Err(store::StoreError::Engine(refusal)) => {
            let letters = CaseRecords::load(&state, &user, &case.id).await?;
            let outcome = Outcome { error: Some(user.lang.refusal(&refusal)), ..Default::default() };
            Ok((StatusCode::CONFLICT, render(&user, &case, &sop, &org, &calendar, &letters, &outcome))
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn attachment(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let file = state.store.attachment(user.agency_id(), &id).await?.ok_or(WebError::Forbidden)?;
    let case = file.case.clone().ok_or(WebError::Forbidden)?;
    if !state.store.may_see_case(user.agency_id(), &case, user.person(), user.account.is_admin).await? {
        return Err(WebError::Forbidden);
    }
    Ok(upload::download(file))
}
