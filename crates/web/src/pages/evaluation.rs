//! Evaluasi penerapan SOP in the browser, for heads and administrators:
//! /laporan/evaluasi lists each SOP in use with its last evaluation and
//! (for administrators) the agency's checklist to edit; an SOP's form asks
//! each question Ya/Tidak with a note, then notes and a recommendation. An
//! evaluation that recommends a revision opens a revision draft whose
//! editor shows the findings. A refused form keeps every answer.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use engine::form::FieldError;
use maud::{Markup, html};
use serde::Deserialize;
use store::StoreError;
use store::evaluation::{Evaluate, Evaluation};

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::{AppState, layout, now_ms};

const BASE: &str = "/laporan/evaluasi";

pub(crate) fn may_evaluate(user: &User) -> Result<(), WebError> {
    if user.may_report { Ok(()) } else { Err(WebError::Forbidden) }
}

/// The findings an evaluation hands to the revision draft it opened.
pub(super) fn findings_view(user: &User, org: &engine::Organisation, e: &Evaluation) -> Markup {
    html! {
        section.card.evaluation-findings {
            h2 { (user.t(Msg::EvFindings)) }
            p.muted { (org.name(&e.by)) " · " (user.clock().datetime(e.at)) }
            ul { @for line in e.findings() { li { (line) } } }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    /// Just saved: the evaluation's id.
    ok: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<ListQuery>,
) -> Result<Markup, WebError> {
    may_evaluate(&user)?;
    list_page(&state, &user, q.ok.as_deref(), &[]).await
}

async fn list_page(
    state: &AppState,
    user: &User,
    saved: Option<&str>,
    errors: &[FieldError],
) -> Result<Markup, WebError> {
    let agency = user.agency_id();
    let evaluations = state.store.evaluations(agency).await?;
    let questions = state.store.evaluation_questions(agency).await?;
    let org = state.store.organisation(agency).await?;
    let sops: Vec<(String, String)> = state.store.sop_names(agency).await?.into_iter().collect();
    let name = |id: &str| sops.iter().find(|(i, _)| i == id).map_or(id.to_string(), |(_, n)| n.clone());
    let saved = saved.and_then(|id| evaluations.iter().find(|e| e.id == id));
    let body = html! {
        h1 { (user.t(Msg::EvTitle)) }
        p.muted { (user.t(Msg::EvHelp)) }
        @if let Some(e) = saved {
            div.flash.info role="status" {
                p { (user.t(Msg::EvSaved)) " " strong { (name(&e.sop_id)) } "." }
                @if let Some(draft) = &e.draft {
                    p { (user.t(Msg::EvDraftOpened)) " "
                        @if user.account.is_admin { a href={"/admin/sop/konsep/" (draft)} { (user.t(Msg::EvOpenDraft)) } }
                        @else { (user.t(Msg::EvDraftForAdmins)) } }
                }
            }
        }
        table.evaluations {
            thead { tr { th { (user.t(Msg::ColService)) } th { (user.t(Msg::EvLast)) } th {} } }
            tbody { @for (id, sop_name) in &sops {
                @let last = evaluations.iter().find(|e| e.sop_id == *id);
                tr data-sop=(id) {
                    td { (sop_name) }
                    td { @match last {
                        Some(e) => { (user.clock().datetime(e.at)) " · " (org.name(&e.by))
                            " · " (e.answers.iter().filter(|a| a.yes).count()) "/" (e.answers.len()) " " (user.t(Msg::EvYes))
                            @if e.draft.is_some() { " · " span.tag.warn { (user.t(Msg::EvRevise)) } } }
                        None => { span.muted { (user.t(Msg::EvNever)) } }
                    } }
                    td { a.button href={(BASE) "/" (id)} { (user.t(Msg::EvEvaluate)) } }
                }
            } }
        }
        @if user.account.is_admin {
            h2 { (user.t(Msg::EvQuestions)) }
            @for e in errors { p.flash.error role="alert" { (e.label) ": " (e.message) } }
            form.card method="post" action={(BASE) "/pertanyaan"} {
                input type="hidden" name="csrf" value=(user.csrf);
                label for="pertanyaan" { (user.t(Msg::EvQuestionsHelp)) }
                textarea #pertanyaan name="pertanyaan" rows="9" { (questions.join("\n")) }
                button.secondary type="submit" { (user.t(Msg::Save)) }
            }
        }
    };
    Ok(layout::page(user, user.t(Msg::EvTitle), "/laporan", body))
}

#[derive(Deserialize)]
pub struct QuestionsForm {
    csrf: Option<String>,
    pertanyaan: Option<String>,
}

pub async fn set_questions(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<QuestionsForm>,
) -> Result<Response, WebError> {
    user.check_csrf(form.csrf.as_deref())?;
    if !user.account.is_admin {
        return Err(WebError::Forbidden);
    }
    let questions: Vec<String> = form.pertanyaan.unwrap_or_default().lines().map(str::to_string).collect();
    match state.store.set_evaluation_questions(user.agency_id(), &questions, user.person(), now_ms()).await {
        Ok(()) => Ok(Redirect::to(BASE).into_response()),
        Err(StoreError::Engine(engine::EngineError::Invalid(errors))) => {
            let page = list_page(&state, &user, None, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn form_page(
    state: &AppState,
    user: &User,
    sop_id: &str,
    values: &BTreeMap<String, String>,
    errors: &[FieldError],
) -> Result<Markup, WebError> {
    let sop = state.store.sop(user.agency_id(), sop_id, None).await?;
    let questions = state.store.evaluation_questions(user.agency_id()).await?;
    let value = |k: &str| values.get(k).map_or("", String::as_str);
    let error = |k: &str| errors.iter().find(|e| e.field == k);
    let body = html! {
        h1 { (user.t(Msg::EvFormTitle)) }
        div.card { p { strong { (sop.identity.nama.value) } " (" (sop.identity.nomor.value) ", " (user.t(Msg::Version)) " " (sop.version) ")" } }
        @if !errors.is_empty() {
            div.flash.error role="alert" {
                p { (user.t(Msg::MonIncomplete)) }
                ul { @for e in errors { li { a href={"#" (e.field)} { (e.label) } ": " (e.message) } } }
            }
        }
        form.card method="post" action={(BASE) "/" (sop_id)} {
            input type="hidden" name="csrf" value=(user.csrf);
            table.evaluation-form {
                thead { tr { th { "No" } th { (user.t(Msg::EvQuestion)) } th { (user.t(Msg::EvAnswer)) } th { (user.t(Msg::MonNote)) } } }
                tbody { @for (i, q) in questions.iter().enumerate() {
                    @let field = format!("jawaban.{i}");
                    tr {
                        td { (i + 1) }
                        td { (q) }
                        td #(field) class=[error(&field).map(|_| "invalid")] {
                            @for (v, label) in [("ya", "Ya"), ("tidak", "Tidak")] {
                                label.choice { input type="radio" name=(field) value=(v) checked[value(&field) == v]; " " (label) }
                            }
                        }
                        td { textarea #{"catatan." (i)} name={"catatan." (i)} rows="2" maxlength=(store::evaluation::TEXT_MAX_CHARS) { (value(&format!("catatan.{i}"))) } }
                    }
                } }
            }
            label for="catatan" { (user.t(Msg::EvNotes)) }
            textarea #catatan name="catatan" rows="3" maxlength=(store::evaluation::TEXT_MAX_CHARS) { (value("catatan")) }
            label for="rekomendasi" { (user.t(Msg::EvRecommendation)) }
            @if let Some(e) = error("rekomendasi") { p.field-error { (e.message) } }
            textarea #rekomendasi name="rekomendasi" rows="3" maxlength=(store::evaluation::TEXT_MAX_CHARS) { (value("rekomendasi")) }
            label.choice { input type="checkbox" name="revisi" value="1" checked[!value("revisi").is_empty()]; " " (user.t(Msg::EvReviseBox)) }
            button.primary type="submit" { (user.t(Msg::EvSave)) }
        }
    };
    Ok(layout::page(user, user.t(Msg::EvFormTitle), "/laporan", body))
}

pub(crate) fn own_sop(user: &User, agency: &str, slug: &str) -> Result<String, WebError> {
    may_evaluate(user)?;
    if agency != user.agency_id() {
        return Err(WebError::NotFound);
    }
    Ok(format!("{agency}/{slug}"))
}

pub async fn page(
    State(state): State<AppState>,
    user: User,
    Path((agency, slug)): Path<(String, String)>,
) -> Result<Markup, WebError> {
    let sop_id = own_sop(&user, &agency, &slug)?;
    form_page(&state, &user, &sop_id, &BTreeMap::new(), &[]).await
}

pub async fn save(
    State(state): State<AppState>,
    user: User,
    Path((agency, slug)): Path<(String, String)>,
    axum::Form(values): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(values.get("csrf").map(String::as_str))?;
    let sop_id = own_sop(&user, &agency, &slug)?;
    let count = state.store.evaluation_questions(&agency).await?.len();
    let text = |k: &str| values.get(k).cloned().unwrap_or_default();
    let answers = (0..count)
        .map(|i| {
            let yes = match values.get(&format!("jawaban.{i}")).map(String::as_str) {
                Some("ya") => Some(true),
                Some("tidak") => Some(false),
                _ => None,
            };
            (yes, text(&format!("catatan.{i}")))
        })
        .collect();
    let (notes, recommendation) = (text("catatan"), text("rekomendasi"));
    let evaluate = Evaluate {
        agency: &agency,
        sop_id: &sop_id,
        answers,
        notes: &notes,
        recommendation: &recommendation,
        revise: values.contains_key("revisi"),
        by: user.person(),
        at: now_ms(),
    };
    match state.store.evaluate_sop(evaluate).await {
        Ok(e) => Ok(Redirect::to(&format!("{BASE}?ok={}", e.id)).into_response()),
        Err(StoreError::Engine(engine::EngineError::Invalid(errors))) => {
            let page = form_page(&state, &user, &sop_id, &values, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
