//! Layanan: the agency's service catalogue (its SOPs) with what each needs
//! and how long it takes, and the request form generated from an SOP's
//! first step.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use engine::form::FieldError;
use engine::{ActionInput, EngineError};
use maud::{Markup, html};
use sop::{Sop, StandardTime};

use super::form;
use crate::auth::User;
use crate::error::WebError;
use crate::i18n::{Lang, Msg};
use crate::{AppState, layout, now_ms, upload};

/// The sum of the standard times, e.g. "1 jam 10 menit" or "5 hari".
pub fn total_time(sop: &Sop, lang: Lang) -> String {
    let (mut minutes, mut days) = (0i64, 0u32);
    for t in sop.steps.iter().filter_map(|s| s.time) {
        match t {
            StandardTime::Minutes(m) => minutes += i64::from(m),
            StandardTime::Hours(h) => minutes += i64::from(h) * 60,
            StandardTime::Days(d) => days += d,
        }
    }
    let day_word = lang.t(Msg::WorkingDays);
    match (minutes, days) {
        (0, 0) => "-".into(),
        (m, 0) => crate::display::minutes(m, lang),
        (0, d) => format!("{d} {day_word}"),
        (m, d) => format!("{d} {day_word} + {}", crate::display::minutes(m, lang)),
    }
}

/// What the sum of standard times leaves out: the internal steps the SOP
/// gives no time (most often the officials' dispositions), said plainly
/// so the sum is not read as the whole.
pub fn untimed(sop: &Sop, lang: Lang) -> Option<String> {
    let untimed: Vec<&sop::Step> = sop
        .steps
        .iter()
        .filter(|s| {
            s.time.is_none() && s.lanes().any(|l| sop.lane(l).is_some_and(|l| !l.requester && !l.anyone))
        })
        .filter(|s| s.no != sop.first_step().no)
        .collect();
    if untimed.is_empty() {
        return None;
    }
    let numbers = |dispositions: bool| -> Vec<String> {
        let chosen = untimed.iter().filter(|s| (s.action == sop::ActionKind::Dispose) == dispositions);
        chosen.map(|s| s.no.to_string()).collect()
    };
    let mut parts = Vec::new();
    for (dispositions, msg) in [(true, Msg::UntimedDispositions), (false, Msg::UntimedSteps)] {
        let steps = numbers(dispositions);
        if !steps.is_empty() {
            parts.push(lang.t(msg).replace("{steps}", &steps.join(", ")));
        }
    }
    Some(lang.t(Msg::Untimed).replace("{parts}", &parts.join(&format!(" {} ", lang.t(Msg::And)))))
}

/// Whether `user` may start a case of `sop` today.
pub(crate) async fn may_submit(state: &AppState, user: &User, sop: &Sop) -> Result<bool, WebError> {
    let org = state.store.organisation(user.agency_id()).await?;
    let today = jiff::Timestamp::now().to_zoned(user.clock().zone).date();
    Ok(engine::workflow::submitters(sop, &org, today).iter().any(|c| c.person == user.person()))
}

pub async fn catalogue(State(state): State<AppState>, user: User) -> Result<Markup, WebError> {
    let mut sops = Vec::new();
    for id in state.store.sop_ids(user.agency_id()).await? {
        let sop = state.store.sop(user.agency_id(), &id, None).await?;
        let allowed = may_submit(&state, &user, &sop).await?;
        sops.push((sop, allowed));
    }
    let body = html! {
        h1 { (user.t(Msg::ServicesTitle)) }
        @for (sop, allowed) in &sops {
            section.card {
                h2 { (sop.identity.nama.value) }
                p.muted { (user.t(Msg::SopNumber)) " " (sop.identity.nomor.value) }
                p { strong { (user.t(Msg::Requirements)) ": " } }
                ul { @for r in &sop.first_step().requirements { li { (r) } } }
                p { strong { (user.t(Msg::StandardDuration)) ": " } (total_time(sop, user.lang))
                    @if let Some(note) = untimed(sop, user.lang) { br; span.muted.untimed { "(" (note) ")" } } }
                @if let Some(deadline) = &sop.deadline {
                    p { strong { (user.t(Msg::ProcedureDeadline)) ": " } (deadline.time) }
                }
                @if let Some(schedule) = &sop.schedule {
                    p { strong { (user.t(Msg::RoutineStarted)) ": " } (schedule.describe()) }
                } @else if *allowed {
                    a.button href={"/layanan/" (sop.id)} { (user.t(Msg::SubmitRequest)) }
                } @else {
                    p.muted { (user.t(Msg::StartedBy)) " " (first_lane_name(sop)) "." }
                }
            }
        }
    };
    Ok(layout::page(&user, user.t(Msg::ServicesTitle), "/layanan", body))
}

/// Who starts a case of `sop`, in the SOP's own words (its first step's lane).
fn first_lane_name(sop: &Sop) -> &str {
    let first = sop.first_step();
    sop.lane(&first.lane).map_or(first.lane.as_str(), |l| l.name.as_str())
}

fn request_page(
    user: &User,
    sop: &Sop,
    people: &[(String, String)],
    values: &BTreeMap<String, String>,
    errors: &[FieldError],
) -> Markup {
    let step = sop.first_step();
    let general = form::unplaced(errors, &step.fields, &step.attachments);
    let body = html! {
        h1 { (user.t(Msg::RequestTitle)) ": " (sop.identity.nama.value) }
        @if !errors.is_empty() {
            div.flash.error role="alert" {
                (user.t(Msg::FixErrors))
                @for e in &general { br; (e.label) ": " (e.message) }
            }
        }
        p.muted { (step.activity) }
        form.card method="post" action={"/layanan/" (sop.id)} enctype="multipart/form-data" novalidate {
            input type="hidden" name="csrf" value=(user.csrf);
            // One id per rendering of the form: a double click sends it twice.
            input type="hidden" name=(SUBMISSION_FIELD) value=(store::new_id());
            (form::controls("f-", &step.fields, &step.attachments, values, errors, people, user.lang))
            button.primary type="submit" { (user.t(Msg::SendRequest)) }
        }
    };
    layout::page(user, user.t(Msg::RequestTitle), "/layanan", body)
}

async fn requested_sop(
    state: &AppState,
    user: &User,
    agency: &str,
    slug: &str,
) -> Result<Arc<Sop>, WebError> {
    if agency != user.agency_id() {
        return Err(WebError::Forbidden);
    }
    let sop = state.store.sop(user.agency_id(), &format!("{agency}/{slug}"), None).await?;
    if !may_submit(state, user, &sop).await? {
        return Err(WebError::Forbidden);
    }
    Ok(sop)
}

pub async fn request_form(
    State(state): State<AppState>,
    user: User,
    Path((agency, slug)): Path<(String, String)>,
) -> Result<Markup, WebError> {
    let sop = requested_sop(&state, &user, &agency, &slug).await?;
    let people = form::people(&state, &user, &sop.first_step().fields).await?;
    Ok(request_page(&user, &sop, &people, &BTreeMap::new(), &[]))
}

pub async fn submit(
    State(state): State<AppState>,
    user: User,
    Path((agency, slug)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let sop = requested_sop(&state, &user, &agency, &slug).await?;
    let step = sop.first_step();
    let people = form::people(&state, &user, &step.fields).await?;
    let data = upload::read(multipart, &step.attachments, user.lang).await?;
    user.check_csrf(data.text("csrf"))?;
    let fields = data.step_values(&step.fields);
    let input = ActionInput { fields: fields.clone(), ..Default::default() };
    let errors = check_before_storing(step, &input, &data);
    if !errors.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, request_page(&user, &sop, &people, &fields, &errors))
            .into_response());
    }
    let key = data.text(SUBMISSION_FIELD).filter(|k| !k.is_empty() && k.len() <= 64).map(str::to_string);
    let submitted = match key {
        Some(key) => submit_once(&state, &user, &sop, &key, input, data.files).await,
        None => state
            .store
            .submit(
                store::Submit::new(user.agency_id(), &sop.id, user.person(), input, now_ms())
                    .with_uploads(data.files),
            )
            .await
            .map(|case| case_location(&case.id))
            .map_err(WebError::from),
    };
    match submitted {
        Ok(location) => Ok(Redirect::to(&location).into_response()),
        Err(WebError::Store(store::StoreError::Engine(EngineError::Invalid(errors)))) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, request_page(&user, &sop, &people, &fields, &errors))
                .into_response())
        }
        Err(e) => Err(e),
    }
}

/// The hidden field that names one filling-in of the request form.
const SUBMISSION_FIELD: &str = "kiriman";

/// How long a second send of a form waits for the first one to finish.
const SECOND_SEND_PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);

fn case_location(case: &str) -> String {
    format!("/permohonan/{case}?baru=1")
}

/// Submits a filled-in form once, however often it is sent (a double
/// click, a reload of the answer): the form's id is claimed as the API's
/// idempotency keys are, and every later send is led to the case the first
/// one made, after waiting for it if it is still running.
async fn submit_once(
    state: &AppState,
    user: &User,
    sop: &Sop,
    key: &str,
    input: ActionInput,
    files: Vec<store::Upload>,
) -> Result<String, WebError> {
    use store::idempotency::{Replay, Seen};
    // The send runs to its end, claim and act alike, even if the browser
    // drops it (a second click cancels the first send's page load).
    let state = state.clone();
    let (username, key) = (user.account.username.clone(), format!("form:{key}"));
    let (agency, person) = (user.agency_id().to_string(), user.person().to_string());
    // Every send of one form is the same request, whatever its bytes.
    let (sop_id, fingerprint) = (sop.id.clone(), format!("POST /layanan/{}", sop.id));
    let running = user.t(Msg::SubmissionRunning).to_string();
    let sending = tokio::spawn(async move {
        let started = std::time::Instant::now();
        let wait = || async {
            if started.elapsed() < SECOND_SEND_PATIENCE {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                true
            } else {
                false
            }
        };
        loop {
            let now = now_ms();
            match state.store.look_up_idempotency_key(&username, &key, &fingerprint, now).await? {
                Seen::Answered { body, .. } => return Ok(body),
                Seen::InProgress if wait().await => continue,
                Seen::InProgress | Seen::Mismatch => return Err(WebError::BadRequest(running)),
                Seen::New => {}
            }
            let replay = Replay {
                username: username.clone(),
                key: key.clone(),
                fingerprint: fingerprint.clone(),
                at: now,
            };
            let command =
                store::Submit::new(&agency, &sop_id, &person, input.clone(), now).with_uploads(files.clone());
            match state.store.submit_answering(command, replay).await {
                Ok(answering) => {
                    let location = case_location(&answering.value().id);
                    answering.answer(303, &location).await?;
                    return Ok(location);
                }
                // The first send holds the form's key: lead to its case
                // once it is kept.
                Err(store::StoreError::KeyTaken) if wait().await => continue,
                Err(store::StoreError::KeyTaken) => return Err(WebError::BadRequest(running)),
                Err(e) => return Err(e.into()),
            }
        }
    });
    sending.await.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

/// Every problem with a submission — fields, missing and refused files —
/// found before anything is stored, one message per control.
pub fn check_before_storing(
    step: &sop::Step,
    input: &ActionInput,
    data: &upload::FormData,
) -> Vec<FieldError> {
    let mut probe = input.clone();
    for file in &data.files {
        probe.attachments.insert(file.name.clone(), "pending".into());
    }
    let mut errors = data.file_errors.clone();
    if let Err(found) = engine::workflow::check_input(step, probe) {
        errors.extend(found.into_iter().filter(|e| !data.file_errors.iter().any(|f| f.field == e.field)));
    }
    errors
}
