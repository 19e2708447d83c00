//! The access-review block of a review case: every entry under review with
//! its decision, and for the reviewer, while the review step is open, a
//! keep-or-revoke form per entry.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use engine::CaseState;
use maud::{Markup, html};
use store::review::{ReviewDecision, ReviewItem};

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::{AppState, now_ms};

pub fn section(user: &User, case: &CaseState, items: &[ReviewItem], review_step: Option<u32>) -> Markup {
    let clock = user.clock();
    let reviewing = case
        .open_tasks()
        .any(|t| Some(t.step) == review_step && t.candidates.iter().any(|c| c.person == user.person()));
    let open = items.iter().filter(|i| i.decision.is_none()).count();
    html! {
        section.card #review {
            h2 { (user.t(Msg::AccessReview)) " (" (items.len()) ", " (open) " " (user.t(Msg::Undecided)) ")" }
            table {
                thead { tr { th { (user.t(Msg::Name)) } th { (user.t(Msg::Responsible)) } th { (user.t(Msg::ValidUntil)) } th { (user.t(Msg::Decision)) } } }
                tbody {
                    @for i in items {
                        tr data-entry=(i.name) {
                            td { (i.name) }
                            td { (i.responsible) }
                            td { (i.valid_until.clone().unwrap_or_else(|| "-".into())) }
                            td {
                                @match &i.decision {
                                    Some(d) => {
                                        span class={"tag " (if *d == ReviewDecision::Keep { "ok" } else { "bad" })} data-decision=(d) { (d) }
                                        @if let Some(r) = &i.reason { " " q { (r) } }
                                        @if let (Some(by), Some(at)) = (&i.decided_by, i.decided_at) { br; span.muted { (by) ", " (clock.datetime(at)) } }
                                    }
                                    None if reviewing => {
                                        form.inline method="post" action={"/permohonan/" (case.id) "/review/" (i.entry_id)} {
                                            input type="hidden" name="csrf" value=(user.csrf);
                                            select name="keputusan" aria-label=(user.t(Msg::Decision)) {
                                                @for choice in ReviewDecision::CHOICES { option value=(choice) { (choice) } }
                                            }
                                            input type="text" name="alasan" maxlength="1000" placeholder=(user.t(Msg::Reason)) aria-label=(user.t(Msg::Reason));
                                            button.secondary type="submit" { (user.t(Msg::Save)) }
                                        }
                                    }
                                    None => { span.muted { "—" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub async fn decide(
    State(state): State<AppState>,
    user: User,
    Path((case, entry)): Path<(String, String)>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    if !state.store.may_see_case(user.agency_id(), &case, user.person(), user.account.is_admin).await? {
        return Err(WebError::Forbidden);
    }
    let command = store::DecideReviewItem {
        agency: user.agency_id().to_string(),
        case: case.clone(),
        entry,
        by: user.person().to_string(),
        decision: form.get("keputusan").cloned().unwrap_or_default(),
        reason: form.get("alasan").cloned().unwrap_or_default(),
        at: now_ms(),
    };
    match state.store.decide_review_item(command).await {
        Ok(()) => Ok(Redirect::to(&format!("/permohonan/{case}#review")).into_response()),
        Err(store::StoreError::Engine(e)) => {
            super::cases::refused(&state, &user, &case, user.lang.refusal(&e)).await
        }
        Err(e) => Err(e.into()),
    }
}
