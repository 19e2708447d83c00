//! Provisioning as people see it: the runs of a case (on its timeline) and
//! of a registry entry, each with what the connector did or why it failed;
//! an administrator's task on a failed run (try again, or record that it
//! was done by hand); and the one-time handover to the requester of what a
//! run left for them (an initial password, a VPN configuration).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use maud::{Markup, PreEscaped, html};
use store::provisioning::{Run, RunState};

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::pages::admin_form::{admin_form, given};
use crate::{AppState, layout, now_ms, upload};

/// A run's state as a tag.
fn state_tag(user: &User, run: &Run) -> Markup {
    let clock = user.clock();
    html! {
        @match run.state {
            RunState::Done => span.tag.ok { (user.t(Msg::RunDone)) },
            RunState::Failed => span.tag.bad { (user.t(Msg::RunFailed)) },
            RunState::DryRun => span.tag { (user.t(Msg::RunDryRun)) },
            RunState::Manual => span.tag.ok { (user.t(Msg::RunManual)) },
            RunState::Superseded => span.tag.muted { (user.t(Msg::RunSuperseded)) },
            RunState::Waiting if run.attempts == 0 => span.tag { (user.t(Msg::RunWaiting)) },
            RunState::Waiting => span.tag.warn {
                (user.t(Msg::RunRetrying)) " " (run.attempts + 1) ", " (clock.datetime(run.next_attempt_at))
            },
        }
    }
}

/// What a run is about: "membuat layanan.contoh.go.id (DNS)".
fn what(run: &Run) -> String {
    format!("{} {} — {}", run.operation.label(), run.entry_name, run.connector.label())
}

/// The runs as a table; an administrator gets the task of each failed
/// run, coming back to `back` afterwards.
pub fn runs_table(user: &User, runs: &[Run], back: &str) -> Markup {
    let clock = user.clock();
    html! {
        table.provisioning {
            thead { tr {
                th { (user.t(Msg::Date)) } th { (user.t(Msg::ColActivity)) } th { (user.t(Msg::ColStatus)) } th { (user.t(Msg::RunMessage)) }
            } }
            tbody {
                @for run in runs {
                    tr data-run=(run.id) data-state=(run.state.key()) {
                        td { (clock.datetime(run.updated_at)) }
                        td { (what(run)) }
                        td { (state_tag(user, run)) }
                        td {
                            (run.message)
                            @if !run.answer.is_empty() {
                                details { summary { (user.t(Msg::RunAnswer)) } pre { (run.answer) } }
                            }
                            @if user.account.is_admin && run.state.may_retry() { (task(user, run, back)) }
                        }
                    }
                }
            }
        }
    }
}

/// An administrator's task on a failed (or dry) run.
fn task(user: &User, run: &Run, back: &str) -> Markup {
    html! {
        div.run-task {
            form method="post" action={"/penyediaan/" (run.id) "/ulang"} {
                input type="hidden" name="csrf" value=(user.csrf);
                input type="hidden" name="kembali" value=(back);
                button.secondary type="submit" { (user.t(Msg::RunRetry)) }
            }
            form method="post" action={"/penyediaan/" (run.id) "/manual"} {
                input type="hidden" name="csrf" value=(user.csrf);
                input type="hidden" name="kembali" value=(back);
                label for={"manual-" (run.id)} { (user.t(Msg::RunByHandNote)) }
                textarea id={"manual-" (run.id)} name="catatan" maxlength="1000" required {}
                button.secondary type="submit" { (user.t(Msg::RunByHand)) }
            }
        }
    }
}

/// The runs of a case, for its timeline; the requester sees the link to
/// what a run left for them while it is not yet taken.
pub fn case_rows(user: &User, case_id: &str, requester: bool, runs: &[Run]) -> Markup {
    let clock = user.clock();
    // Servers, DNs and by-hand notes are the administrators' business.
    let insider = user.account.is_admin || user.keeps_registries;
    html! {
        @for run in runs {
            tr.provisioning data-run=(run.id) data-state=(run.state.key()) {
                td.step { "⚙" }
                td {
                    (user.t(Msg::Provisioning)) ": " (what(run))
                    @if insider { br; span.muted { (run.message) } }
                }
                td.hide-sm { span.muted { (user.t(Msg::ProvisioningAutomatic)) } }
                td {
                    (state_tag(user, run)) " " (clock.datetime(run.updated_at))
                    @if let (true, Some(name)) = (requester, &run.handover) {
                        form method="post" action={"/permohonan/" (case_id) "/serah-terima/" (run.id)} {
                            input type="hidden" name="csrf" value=(user.csrf);
                            button.primary type="submit" { (user.t(Msg::HandoverTake)) " " (name) }
                        }
                        p.help { (user.t(Msg::HandoverOnce)) }
                    }
                    @if requester && run.handover.is_none() && run.handover_taken_at.is_some() {
                        br; span.muted { (user.t(Msg::HandoverTaken)) " " (clock.datetime(run.handover_taken_at.unwrap_or_default())) }
                    }
                    @if user.account.is_admin && run.state.may_retry() {
                        (task(user, run, &format!("/permohonan/{case_id}")))
                    }
                }
            }
        }
    }
}

/// Where to go back to after a task: a page of this site only.
fn back_to(form: &BTreeMap<String, String>) -> String {
    let back = given(form, "kembali");
    if crate::auth::is_own_path(back) { back.to_string() } else { "/admin/konektor".into() }
}

/// Back to `back` once done; a refusal is said on a page of its own
/// (nothing changed), with the way back.
fn answer(user: &User, back: &str, done: Result<(), store::StoreError>) -> Result<Response, WebError> {
    match done {
        Ok(()) => Ok(Redirect::to(back).into_response()),
        Err(store::StoreError::Engine(e)) => {
            let body = html! {
                h1 { (user.t(Msg::Provisioning)) }
                p.flash.error role="alert" { (e) }
                p { a href=(back) { "← " (user.t(Msg::ProvisioningBack)) } }
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, layout::page(user, user.t(Msg::Provisioning), back, body))
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// An administrator has a failed run tried again now.
pub async fn retry(
    State(state): State<AppState>,
    user: User,
    Path(run): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    let done = state.store.retry_run(user.agency_id(), &run, user.person(), now_ms()).await;
    answer(&user, &back_to(&form), done)
}

/// An administrator records that a failed run's work was done by hand.
pub async fn by_hand(
    State(state): State<AppState>,
    user: User,
    Path(run): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    let done = state
        .store
        .run_done_by_hand(user.agency_id(), &run, user.person(), given(&form, "catatan"), now_ms())
        .await;
    answer(&user, &back_to(&form), done)
}

/// The requester takes what a run left for them — once, by a form (a link
/// followed by a prefetch or another site must not use it up): it is
/// deleted as it is shown. The page holds the text, a download link carrying it (a
/// data: URL, so no second request is needed) and, for a WireGuard
/// configuration, its QR code for a phone; it is never cached.
pub async fn take_handover(
    State(state): State<AppState>,
    user: User,
    Path((case, run)): Path<(String, String)>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    let found = state.store.case(user.agency_id(), &case).await.map_err(|_| WebError::Forbidden)?;
    if found.requester != user.person() {
        return Err(WebError::Forbidden);
    }
    let taken = state.store.take_handover(user.agency_id(), &case, &run, now_ms()).await?;
    tracing::info!(case, run, "serah terima penyediaan diambil oleh pemohon");
    let filename = upload::safe_filename(&taken.filename);
    let data_url = format!(
        "data:{};charset=utf-8;base64,{}",
        taken.content_type.split(';').next().unwrap_or("text/plain").trim(),
        base64::engine::general_purpose::STANDARD.encode(taken.body.as_bytes())
    );
    let body = html! {
        h1 { (user.t(Msg::HandoverTitle)) }
        p.flash.error role="alert" { (user.t(Msg::HandoverShownOnce)) }
        p { a.button.primary #unduh-serah-terima download=(filename) href=(data_url) { (user.t(Msg::HandoverDownload)) " " (filename) } }
        @if filename.ends_with(".conf") {
            div.qr #qr-serah-terima { (PreEscaped(connectors::wireguard::qr_svg(&taken.body))) }
            p.help { (user.t(Msg::HandoverScan)) }
        }
        pre #serah-terima { (taken.body) }
        p { a href={"/permohonan/" (case)} { "← " (user.t(Msg::BackToCase)) } }
    };
    let mut response = layout::page(&user, user.t(Msg::HandoverTitle), "/permohonan", body).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(response)
}
