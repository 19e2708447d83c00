//! SOP review and ratification (pengesahan) in the browser. The drafts
//! waiting for someone — in review by them, or approved and theirs to
//! ratify as a head of the agency — are listed at /sop/tinjauan; a draft's
//! page shows its official document and findings, the comments written on
//! it (each on a field of the editor) and what the viewer may do: the
//! reviewer comments, returns or approves; a head comments, returns or
//! ratifies with their certificate's passphrase. The agency's
//! administrators read along. Refusals stay on the page with their reason
//! and change nothing.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use sop::draft_form::SopForm;
use store::StoreError;
use store::sop_drafts::{DraftStatus, SopDraft};
use store::sop_ratification::{DraftAct, DraftComment, Ratify};

use super::sop_editor;
use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::{AppState, layout, now_ms};

const BASE: &str = "/sop/tinjauan";

/// What the viewer may do with a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Reads along (an administrator of the agency).
    Reader,
    /// Its named reviewer, while it is in review.
    Reviewer,
    /// A head of the agency, once it is approved.
    Head,
}

async fn role(state: &AppState, user: &User, draft: &SopDraft) -> Result<Role, WebError> {
    let head = state.store.heads_agency(user.agency_id(), user.person(), now_ms()).await?;
    match draft.status {
        DraftStatus::InReview if draft.reviewer.as_deref() == Some(user.person()) => Ok(Role::Reviewer),
        DraftStatus::Approved if head => Ok(Role::Head),
        _ if user.account.is_admin || head || draft.reviewer.as_deref() == Some(user.person()) => {
            Ok(Role::Reader)
        }
        _ => Err(WebError::Forbidden),
    }
}

/// Refuses anyone who may not read `draft`: its administrators, its
/// reviewer and the heads of the agency may.
pub(crate) async fn may_read(state: &AppState, user: &User, draft: &SopDraft) -> Result<(), WebError> {
    role(state, user, draft).await.map(|_| ())
}

/// The label of a commentable field (`steps.2.time` → "Langkah 3 · Waktu").
pub(super) fn field_label(user: &User, form: &SopForm, field: &str) -> String {
    let parts: Vec<&str> = field.split('.').collect();
    let part = |name: &str| {
        user.t(match name {
            "nomor" => Msg::EdNomor,
            "nama" => Msg::EdNama,
            "unit" => Msg::EdUnit,
            "tanggal_pembuatan" => Msg::EdTanggalPembuatan,
            "tanggal_efektif" => Msg::EdTanggalEfektif,
            "tanggal_revisi" => Msg::EdTanggalRevisi,
            "tanggal_pengesahan" => Msg::EdTanggalPengesahan,
            "no" => Msg::EdNo,
            "dasar_hukum" => Msg::EdDasarHukum,
            "kualifikasi_pelaksana" => Msg::EdKualifikasi,
            "keterkaitan" => Msg::EdKeterkaitan,
            "peralatan" => Msg::EdPeralatan,
            "peringatan" => Msg::EdPeringatan,
            "pencatatan" => Msg::EdPencatatan,
            "activity" => Msg::EdActivity,
            "lane" => Msg::EdLane,
            "requirements" => Msg::EdRequirements,
            "time" => Msg::EdTime,
            "outputs" => Msg::EdOutput,
            "name" => Msg::EdLaneName,
            "subject" => Msg::LetterSubject,
            "body" => Msg::RvLetterBody,
            _ => return name.to_string(),
        })
        .to_string()
    };
    match parts.as_slice() {
        [] | [""] => user.t(Msg::RvWhole).to_string(),
        ["identity", name] => format!("{} · {}", user.t(Msg::EdIdentity), part(name)),
        ["lanes", n, name] => {
            format!("{} {} · {}", user.t(Msg::EdLane), n.parse::<usize>().map_or(0, |n| n + 1), part(name))
        }
        ["steps", n, name] => {
            let no = n.parse::<usize>().ok().and_then(|n| form.steps.get(n)).map_or("?", |s| s.no.as_str());
            format!("{} {no} · {}", user.t(Msg::RvStep), part(name))
        }
        ["letter", name] => format!("{} · {}", user.t(Msg::EdLetter), part(name)),
        _ => field.to_string(),
    }
}

/// The comments on a draft, each with the field it is on (linked to the
/// editor's control when `link`).
pub(super) fn comments_view(
    user: &User,
    form: &SopForm,
    comments: &[DraftComment],
    org: &engine::organisation::Organisation,
    link: bool,
) -> Markup {
    let clock = user.clock();
    html! {
        section #catatan-tinjauan {
            h2 { (user.t(Msg::RvComments)) " " span.tag.muted { (comments.len()) } }
            @if comments.is_empty() {
                p.muted { (user.t(Msg::RvNoComments)) }
            } @else {
                ol.comments {
                    @for c in comments {
                        li.comment data-field=(c.field) {
                            strong {
                                @if link && !c.field.is_empty() {
                                    a href={"#f-" (c.field.replace('.', "-"))} data-focus { (field_label(user, form, &c.field)) }
                                } @else {
                                    (field_label(user, form, &c.field))
                                }
                            }
                            @if !c.quoted.is_empty() { " " q.muted { (c.quoted) } }
                            p { (c.body) }
                            small.muted { (org.name(&c.written_by)) " · " (clock.datetime(c.written_at)) " · " (user.t(Msg::EdRevision)) " " (c.revision) }
                        }
                    }
                }
            }
        }
    }
}

/// The status of a draft in words.
pub(super) fn status_line(user: &User, org: &engine::organisation::Organisation, draft: &SopDraft) -> Markup {
    let reviewer = draft.reviewer.as_deref().map(|r| org.name(r)).unwrap_or_default();
    html! {
        @match draft.status {
            DraftStatus::Open => span.tag.muted data-status="konsep" { (user.t(Msg::EdStatusOpen)) },
            DraftStatus::InReview => { span.tag.warn data-status="ditinjau" { (user.t(Msg::RvStatusInReview)) } " " (reviewer) },
            DraftStatus::Approved => { span.tag.warn data-status="disetujui" { (user.t(Msg::RvStatusApproved)) } " " (reviewer) },
            DraftStatus::Ratified => { span.tag.ok data-status="disahkan" { (user.t(Msg::RvStatusRatified)) } " " (user.t(Msg::Version)) " " (draft.published_version.unwrap_or_default()) },
            DraftStatus::Published => { span.tag.ok data-status="terbit" { (user.t(Msg::EdStatusPublished)) } " " (user.t(Msg::Version)) " " (draft.published_version.unwrap_or_default()) },
        }
    }
}

pub async fn list(State(state): State<AppState>, user: User) -> Result<Markup, WebError> {
    let agency = user.agency_id();
    let drafts = state.store.sop_drafts_awaiting(agency, user.person(), now_ms()).await?;
    let org = state.store.organisation(agency).await?;
    let body = html! {
        h1 { (user.t(Msg::RvTitle)) }
        p.help { (user.t(Msg::RvHelp)) }
        @if drafts.is_empty() {
            p.muted #tidak-ada-tinjauan { (user.t(Msg::RvNothing)) }
        } @else {
            table #daftar-tinjauan {
                thead { tr { th { (user.t(Msg::EdNama)) } th { (user.t(Msg::ColStatus)) } th.hide-sm { (user.t(Msg::EdLastSaved)) } } }
                tbody {
                    @for d in &drafts {
                        tr data-draft=(d.id) {
                            td { a href={(BASE) "/" (d.id)} { (d.title) } br; code { (d.sop_id) } }
                            td { (status_line(&user, &org, d)) }
                            td.hide-sm { (user.clock().datetime(d.updated_at)) " · " (org.name(&d.updated_by)) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, user.t(Msg::RvTitle), "/sop", body))
}

pub async fn page(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let draft = state.store.sop_draft(user.agency_id(), &id).await?;
    render(&state, &user, &draft, None, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    user: &User,
    draft: &SopDraft,
    said: Option<Markup>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let role = role(state, user, draft).await?;
    let agency = user.agency_id();
    let org = state.store.organisation(agency).await?;
    let comments = state.store.sop_draft_comments(agency, &draft.id).await?;
    let form = SopForm::read(&draft.source).unwrap_or_default();
    let profile = state.store.agency(agency).await?;
    let today = jiff::Timestamp::now().to_zoned(user.clock().zone).date();
    let action = |what: &str| format!("{BASE}/{}/{what}", draft.id);
    let judge = role != Role::Reader;
    let body = html! {
        h1 { (user.t(Msg::RvPageTitle)) ": " (draft.title) }
        p {
            a href=(BASE) { "← " (user.t(Msg::RvTitle)) }
            @if user.account.is_admin { " · " a href={"/admin/sop/konsep/" (draft.id)} { (user.t(Msg::EdEditorTitle)) } }
        }
        p #status-konsep { (user.t(Msg::ColStatus)) ": " (status_line(user, &org, draft)) " · " (user.t(Msg::EdRevision)) " " (draft.revision) }
        @if let Some(said) = said { (said) }
        @if judge {
            div.card #tindakan-tinjauan {
                form #tambah-catatan method="post" action=(action("catatan")) {
                    input type="hidden" name="csrf" value=(user.csrf);
                    input type="hidden" name="revisi" value=(draft.revision);
                    label for="f-bagian" { (user.t(Msg::RvField)) }
                    select #f-bagian name="bagian" {
                        option value="" { (user.t(Msg::RvWhole)) }
                        @for (name, value) in form.commentable() {
                            option value=(name) { (field_label(user, &form, &name)) @if !value.is_empty() { " — " (excerpt(&value)) } }
                        }
                    }
                    label for="f-catatan" { (user.t(Msg::RvComment)) }
                    textarea #f-catatan name="catatan" rows="3" maxlength=(store::sop_ratification::MAX_COMMENT_CHARS) {}
                    button.secondary type="submit" { (user.t(Msg::RvAddComment)) }
                }
                div.actions {
                    form.inline #kembalikan method="post" action=(action("kembalikan")) {
                        input type="hidden" name="csrf" value=(user.csrf);
                        input type="hidden" name="revisi" value=(draft.revision);
                        button.secondary type="submit" { (user.t(Msg::RvReturn)) }
                    }
                    @if role == Role::Reviewer {
                        form.inline #setujui method="post" action=(action("setujui")) {
                            input type="hidden" name="csrf" value=(user.csrf);
                            input type="hidden" name="revisi" value=(draft.revision);
                            button.primary type="submit" { (user.t(Msg::RvApprove)) }
                        }
                    }
                }
                @if role == Role::Head {
                    form #sahkan method="post" action=(action("sahkan")) autocomplete="off" {
                        h2 { (user.t(Msg::RvRatify)) }
                        input type="hidden" name="csrf" value=(user.csrf);
                        input type="hidden" name="revisi" value=(draft.revision);
                        label for="f-nomor" { (user.t(Msg::EdNomor)) }
                        input #f-nomor name="nomor" type="text" maxlength="100";
                        p.help {
                            @if profile.letters.sop_number.trim().is_empty() { (user.t(Msg::RvNumberTyped)) }
                            @else { (user.t(Msg::RvNumberTemplate)) " " code { (profile.letters.sop_number) } }
                        }
                        label for="f-tanggal-efektif" { (user.t(Msg::EdTanggalEfektif)) }
                        input #f-tanggal-efektif name="tanggal_efektif" type="date" value=(today.to_string()) min=(today.to_string());
                        label for="f-kata-sandi" { (user.t(Msg::Passphrase)) }
                        input #f-kata-sandi name="kata_sandi" type="password" required;
                        p.help { (user.t(Msg::RvRatifyHelp)) }
                        button.primary type="submit" { (user.t(Msg::RvRatifyButton)) }
                    }
                }
            }
        }
        (comments_view(user, &form, &comments, &org, false))
        aside #pratinjau { (sop_editor::preview(user, draft, None)) }
    };
    Ok((status, layout::page(user, &format!("{} · {}", user.t(Msg::RvPageTitle), draft.title), "/sop", body))
        .into_response())
}

/// The start of a long value, for a choice list.
fn excerpt(value: &str) -> String {
    let mut out: String = value.chars().take(60).collect();
    if value.chars().count() > 60 {
        out.push('…');
    }
    out
}

#[derive(Deserialize)]
pub struct CommentForm {
    csrf: Option<String>,
    revisi: Option<i64>,
    bagian: Option<String>,
    catatan: Option<String>,
}

#[derive(Deserialize)]
pub struct ActForm {
    csrf: Option<String>,
    revisi: Option<i64>,
}

#[derive(Deserialize)]
pub struct RatifyForm {
    csrf: Option<String>,
    revisi: Option<i64>,
    nomor: Option<String>,
    tanggal_efektif: Option<String>,
    kata_sandi: Option<String>,
}

fn act<'a>(user: &'a User, id: &'a str, revision: Option<i64>) -> DraftAct<'a> {
    DraftAct {
        agency: user.agency_id(),
        draft: id,
        revision: revision.unwrap_or(-1),
        by: user.person(),
        at: now_ms(),
    }
}

/// After an act: back to the page, or the page again with why it was refused.
async fn answer<T>(
    state: &AppState,
    user: &User,
    id: &str,
    result: Result<T, StoreError>,
    done: &str,
) -> Result<Response, WebError> {
    let (status, why) = match result {
        Ok(_) => return Ok(Redirect::to(done).into_response()),
        Err(StoreError::Engine(engine::EngineError::Invalid(fields))) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            fields.iter().map(|f| format!("{}: {}", f.label, f.message)).collect::<Vec<_>>().join("; "),
        ),
        Err(StoreError::NotPermitted(why)) => (StatusCode::FORBIDDEN, why),
        Err(e @ StoreError::DraftChanged { .. }) => (StatusCode::CONFLICT, e.to_string()),
        Err(e) => return Err(e.into()),
    };
    let draft = state.store.sop_draft(user.agency_id(), id).await?;
    let said = html! { p.flash.error role="alert" { (why) } };
    render(state, user, &draft, Some(said), status).await
}

pub async fn comment(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CommentForm>,
) -> Result<Response, WebError> {
    user.check_csrf(form.csrf.as_deref())?;
    let field = form.bagian.unwrap_or_default();
    let body = form.catatan.unwrap_or_default().replace("\r\n", "\n");
    let result = state.store.comment_on_sop_draft(act(&user, &id, form.revisi), &field, &body).await;
    answer(&state, &user, &id, result, &format!("{BASE}/{id}#catatan-tinjauan")).await
}

pub async fn return_draft(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ActForm>,
) -> Result<Response, WebError> {
    user.check_csrf(form.csrf.as_deref())?;
    let result = state.store.return_sop_draft(act(&user, &id, form.revisi)).await;
    answer(&state, &user, &id, result, &format!("{BASE}?dikembalikan=1")).await
}

pub async fn approve(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ActForm>,
) -> Result<Response, WebError> {
    user.check_csrf(form.csrf.as_deref())?;
    let result = state.store.approve_sop_draft(act(&user, &id, form.revisi)).await;
    answer(&state, &user, &id, result, &format!("{BASE}/{id}")).await
}

pub async fn ratify(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<RatifyForm>,
) -> Result<Response, WebError> {
    user.check_csrf(form.csrf.as_deref())?;
    let effective = match form.tanggal_efektif.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(text) => match text.parse::<jiff::civil::Date>() {
            Ok(date) => Some(date),
            Err(_) => {
                let refused: Result<(), StoreError> =
                    Err(StoreError::Engine(engine::EngineError::Invalid(vec![
                        engine::form::FieldError::new(
                            "tanggal_efektif",
                            user.t(Msg::EdTanggalEfektif),
                            user.t(Msg::RvBadDate),
                        ),
                    ])));
                return answer(&state, &user, &id, refused, "").await;
            }
        },
    };
    let passphrase = form.kata_sandi.unwrap_or_default();
    let given = Ratify { number: form.nomor.as_deref(), effective, passphrase: &passphrase };
    let result = state.store.ratify_sop_draft(act(&user, &id, form.revisi), given).await;
    answer(&state, &user, &id, result, &format!("{BASE}/{id}")).await
}

#[derive(Deserialize)]
pub struct SendForm {
    csrf: Option<String>,
    revisi: Option<i64>,
    peninjau: Option<String>,
}

/// From the editor: an administrator sends the draft to the reviewer they
/// choose. A draft with errors stays in the editor with its findings.
pub async fn send(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<SendForm>,
) -> Result<Response, WebError> {
    if !user.account.is_admin {
        return Err(WebError::Forbidden);
    }
    user.check_csrf(form.csrf.as_deref())?;
    let reviewer = form.peninjau.unwrap_or_default();
    let result = state.store.send_sop_draft_for_review(act(&user, &id, form.revisi), &reviewer).await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{BASE}/{id}")).into_response()),
        Err(e @ (StoreError::Engine(_) | StoreError::NotPermitted(_) | StoreError::DraftChanged { .. })) => {
            sop_editor::refused_send(&state, &user, &id, e).await
        }
        Err(e) => Err(e.into()),
    }
}
