//! Admin: publishing the agency's SOPs at run time. An administrator
//! uploads a definition file; it is checked as a whole (parse, lint, the
//! agency's own, a version not yet taken) and every finding is shown with
//! its line, column and the line itself. A file with an error changes
//! nothing; a valid one is published as a new version, recorded with its
//! publisher in the audit chain, and running cases keep theirs. The page
//! lists what is live, by whom and when it was published. The API's
//! `POST /api/v1/sops` publishes through the same [`publish`].
//!
//! The page also imports an existing SOP document (.docx, .odt or a text
//! PDF, [`sop::import`]): the draft definition is shown with what the
//! import was unsure of and the linter's findings, and offered for
//! download. An import stores nothing.

use std::collections::BTreeMap;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use sop::import::{Draft, ImportError};
use sop::{Diagnostic, Severity, Sop};
use store::PublishedVersion;

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::pages::admin_form::admin_form;
use crate::{AppState, layout, now_ms};

/// Largest definition file taken (the built-in ones are under 30 KB).
pub const MAX_SOP_BYTES: usize = 256 * 1024;

/// The name a definition sent without one is checked and kept under.
pub const UPLOADED_FILE: &str = "unggahan.toml";

/// Why a definition was not published; nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The text has errors (or is another agency's).
    Invalid,
    /// Its version is taken by another text, or older than the newest.
    Version,
}

/// What became of a definition an administrator sent.
#[derive(Debug)]
pub enum Outcome {
    /// Published (`new`), or this very text was published already.
    Published { sop: Box<Sop>, new: bool, findings: Vec<Diagnostic> },
    /// Every finding; at least one is an error.
    Refused { why: Refusal, findings: Vec<Diagnostic> },
}

/// Checks `text` and publishes it for `user`'s agency, recording `user`
/// as its publisher. Administrators only.
pub async fn publish(state: &AppState, user: &User, file: &str, text: &str) -> Result<Outcome, WebError> {
    if !user.account.is_admin {
        return Err(WebError::Forbidden);
    }
    let checked = sop::publication::check(file, text, user.agency_id());
    let Some(sop) = checked.publishable() else {
        return Ok(Outcome::Refused { why: Refusal::Invalid, findings: checked.findings });
    };
    // A kind another of the agency's SOPs declares otherwise is refused
    // where it is written, like any other error in the text.
    let conflicts = state.store.registry_kind_conflicts(sop).await?;
    if !conflicts.is_empty() {
        let mut findings = checked.findings.clone();
        findings.extend(conflicts);
        findings.sort_by_key(|d| d.at);
        return Ok(Outcome::Refused { why: Refusal::Invalid, findings });
    }
    let refused = |code, e: store::StoreError| {
        let mut findings = checked.findings.clone();
        findings.push(sop::publication::at_version(sop, code, e.to_string()));
        findings.sort_by_key(|d| d.at);
        Ok(Outcome::Refused { why: Refusal::Version, findings })
    };
    match state.store.publish_sop_by(file, text, now_ms(), Some(user.person())).await {
        Ok(published) => Ok(Outcome::Published {
            sop: Box::new(published.sop),
            new: published.new,
            findings: checked.findings,
        }),
        Err(e @ store::StoreError::VersionConflict { .. }) => refused("version-conflict", e),
        Err(e @ store::StoreError::StaleVersion { .. }) => refused("version-stale", e),
        Err(e) => Err(e.into()),
    }
}

/// What the page says above the form.
enum Said<'a> {
    Nothing,
    /// A refusal before any check (no file, not text).
    Refused(&'a str),
    /// What became of the text sent.
    Outcome(&'a Outcome, &'a str),
    /// A document imported as a draft, with the linter's findings on it.
    Imported(&'a Draft, &'a [Diagnostic]),
    /// A document that could not be imported.
    ImportRefused(&'a ImportError),
}

pub async fn page(State(state): State<AppState>, user: User) -> Result<Response, WebError> {
    render(&state, &user, Said::Nothing, StatusCode::OK).await
}

pub async fn upload(
    State(state): State<AppState>,
    user: User,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (_, file) = super::letter_settings::read(multipart, "sop", MAX_SOP_BYTES, &user).await?;
    let unreadable = StatusCode::UNPROCESSABLE_ENTITY;
    let Some(bytes) = file else {
        return render(&state, &user, Said::Refused(user.t(Msg::ChooseFile)), unreadable).await;
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return render(&state, &user, Said::Refused(user.t(Msg::NotUtf8)), unreadable).await;
    };
    let outcome = publish(&state, &user, UPLOADED_FILE, &text).await?;
    let status = match &outcome {
        Outcome::Published { .. } => StatusCode::OK,
        Outcome::Refused { why: Refusal::Invalid, .. } => StatusCode::UNPROCESSABLE_ENTITY,
        Outcome::Refused { why: Refusal::Version, .. } => StatusCode::CONFLICT,
    };
    render(&state, &user, Said::Outcome(&outcome, &text), status).await
}

/// The form field carrying the document to import.
const DOCUMENT_FIELD: &str = "dokumen";

/// Imports an SOP document sent from the page as a draft; nothing is stored.
pub async fn import_document(
    State(state): State<AppState>,
    user: User,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (_, file) =
        super::letter_settings::read(multipart, DOCUMENT_FIELD, sop::import::MAX_DOCUMENT_BYTES, &user)
            .await?;
    let unreadable = StatusCode::UNPROCESSABLE_ENTITY;
    let Some(bytes) = file else {
        return render(&state, &user, Said::Refused(user.t(Msg::ChooseFile)), unreadable).await;
    };
    let agency = state.store.agency(user.agency_id()).await?;
    // Reading a document of some megabytes is work for a blocking thread.
    let imported = tokio::task::spawn_blocking(move || {
        let draft = sop::import::import(&bytes, Some(&agency))?;
        let findings = sop::publication::check(DRAFT_FILE, &draft.toml, &agency.id).findings;
        Ok::<_, ImportError>((draft, findings))
    })
    .await
    .map_err(|e| WebError::BadRequest(e.to_string()))?;
    match imported {
        Ok((draft, findings)) => {
            render(&state, &user, Said::Imported(&draft, &findings), StatusCode::OK).await
        }
        Err(e) => {
            tracing::info!(code = e.code(), "SOP document refused: {e}");
            render(&state, &user, Said::ImportRefused(&e), unreadable).await
        }
    }
}

/// The name a draft's findings are given (and, without an id, its download).
const DRAFT_FILE: &str = "draf.toml";

/// Sends back a draft shown on the page as a file to download: the text
/// comes from the form, nothing is kept.
pub async fn download_draft(
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    let text = form.get("toml").cloned().unwrap_or_default();
    if text.len() > MAX_SOP_BYTES {
        return Err(WebError::TooLarge(format!("{} {} KB", user.t(Msg::FileTooLarge), MAX_SOP_BYTES / 1024)));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "application/toml; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", draft_file_name(&text))),
        ],
        text,
    )
        .into_response())
}

/// `draf-<name>.toml` after the draft's id, or `draf.toml`.
fn draft_file_name(text: &str) -> String {
    let id = text.lines().find_map(|l| l.strip_prefix("id = \"")).and_then(|rest| rest.split('"').next());
    let name = id.and_then(|id| id.rsplit('/').next()).unwrap_or_default();
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        format!("draf-{name}.toml")
    } else {
        DRAFT_FILE.to_string()
    }
}

/// The page's message for a refused document.
fn refusal(e: &ImportError) -> Msg {
    match e {
        ImportError::TooLarge { .. } => Msg::ImportTooLarge,
        ImportError::UnknownFormat => Msg::ImportUnknownFormat,
        ImportError::Encrypted => Msg::ImportEncrypted,
        ImportError::NoText => Msg::ImportNoText,
        ImportError::NotAnSop(_) => Msg::ImportNotAnSop,
        ImportError::Damaged(_) => Msg::ImportDamaged,
    }
}

/// A draft made from a document: what was unsure, the linter's findings,
/// the text, and the way to download it.
fn imported_view(user: &User, draft: &Draft, findings: &[Diagnostic]) -> Markup {
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let summary = format!(
        "{} {}: {} {}, {} {} ({} {}).",
        user.t(Msg::ImportDone),
        draft.kind.extension(),
        draft.unsure.len(),
        user.t(Msg::ImportUnsureCount),
        findings.len(),
        user.t(Msg::ImportFindingsCount),
        errors,
        user.t(Msg::SeverityError),
    );
    html! {
        section #import-result data-kind=(draft.kind.extension()) {
            p.flash.info role="status" { (summary) " " (user.t(Msg::ImportNotPublished)) }
            h2 { (user.t(Msg::ImportUnsure)) }
            @if draft.unsure.is_empty() {
                p.muted { (user.t(Msg::ImportNothingUnsure)) }
            } @else {
                ol.findings #unsure {
                    @for u in &draft.unsure {
                        @let line = sop::diagnostic::source_line(&draft.toml, u.line);
                        li.finding.unsure data-line=(u.line) {
                            strong { (user.t(Msg::SopLine)) " " (u.line) } " " span.tag.warn { (u.place) }
                            @if !u.value.is_empty() { " " code { (u.value) } }
                            p { (u.why) }
                            @if !line.trim().is_empty() { pre.excerpt { (u.line) " | " (line) } }
                        }
                    }
                }
            }
            @if !findings.is_empty() {
                section #findings {
                    h2 { (user.t(Msg::SopFindings)) }
                    ol.findings {
                        @for finding in findings { (finding_view(user, finding, &draft.toml)) }
                    }
                }
            }
            h2 { (user.t(Msg::DraftToml)) }
            div.card.actions {
                form.inline #draft-open method="post" action="/admin/sop/konsep/impor" {
                    input type="hidden" name="csrf" value=(user.csrf);
                    input type="hidden" name="toml" value=(draft.toml);
                    button.primary type="submit" { (user.t(Msg::ImportOpenInEditor)) }
                }
                form.inline #draft-download method="post" action="/admin/sop/impor/unduh" {
                    input type="hidden" name="csrf" value=(user.csrf);
                    input type="hidden" name="toml" value=(draft.toml);
                    button.secondary type="submit" { (user.t(Msg::DownloadDraft)) }
                }
            }
            pre #draft-toml { (draft.toml) }
        }
    }
}

async fn render(
    state: &AppState,
    user: &User,
    said: Said<'_>,
    status: StatusCode,
) -> Result<Response, WebError> {
    if !user.account.is_admin {
        return Err(WebError::Forbidden);
    }
    let agency = user.agency_id();
    let org = state.store.organisation(agency).await?;
    let clock = user.clock();
    let mut by_sop: BTreeMap<String, Vec<PublishedVersion>> = BTreeMap::new();
    for version in state.store.published_versions(agency).await? {
        by_sop.entry(version.sop_id.clone()).or_default().push(version);
    }
    let mut live = Vec::new();
    for (id, versions) in &by_sop {
        let newest = &versions[0];
        let version = u32::try_from(newest.version).unwrap_or_default();
        let sop = state.store.sop(agency, id, Some(version)).await?;
        let older: Vec<&PublishedVersion> = versions[1..].iter().filter(|v| v.open_cases > 0).collect();
        live.push((sop, newest, older));
    }
    let body = html! {
        h1 { (user.t(Msg::SopPublishing)) }
        p { a href="/admin" { "← " (user.t(Msg::AdminTitle)) } " · " a href="/admin/sop/konsep" { (user.t(Msg::EdDrafts)) } }
        @match said {
            Said::Nothing => {}
            Said::Refused(why) => { p.flash.error role="alert" { (why) } }
            Said::Outcome(outcome, text) => { (outcome_view(user, outcome, text)) }
            Said::Imported(draft, findings) => { (imported_view(user, draft, findings)) }
            Said::ImportRefused(e) => {
                p.flash.error role="alert" data-code=(e.code()) {
                    (user.t(refusal(e))) " " (user.t(Msg::ImportNothingStored))
                    br; small { (e.to_string()) }
                }
            }
        }
        form.card #sop-upload method="post" action="/admin/sop" enctype="multipart/form-data" {
            p.help { (user.t(Msg::SopPublishingHelp)) }
            input type="hidden" name="csrf" value=(user.csrf);
            label for="sop-file" { (user.t(Msg::SopFile)) }
            input #sop-file type="file" name="sop" accept=".toml,text/plain,application/toml";
            button.primary type="submit" { (user.t(Msg::CheckAndPublish)) }
        }
        form.card #sop-import method="post" action="/admin/sop/impor" enctype="multipart/form-data" {
            h2 { (user.t(Msg::SopImport)) }
            p.help { (user.t(Msg::SopImportHelp)) }
            input type="hidden" name="csrf" value=(user.csrf);
            label for="sop-document" { (user.t(Msg::SopDocumentFile)) }
            input #sop-document type="file" name=(DOCUMENT_FIELD)
                accept=".docx,.odt,.pdf,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.oasis.opendocument.text";
            button.primary type="submit" { (user.t(Msg::ImportDocument)) }
        }
        h2 { (user.t(Msg::LiveSops)) }
        table #live-sops {
            thead { tr {
                th { (user.t(Msg::SopNumber)) } th { (user.t(Msg::SopName)) } th { (user.t(Msg::LiveVersion)) }
                th.hide-sm { (user.t(Msg::PublishedAt)) } th.hide-sm { (user.t(Msg::By)) } th.hide-sm { (user.t(Msg::OlderVersionsRunning)) }
            } }
            tbody {
                @for (sop, newest, older) in &live {
                    tr data-sop=(sop.id) {
                        td { (sop.identity.nomor.value) }
                        td { a href={"/sop/" (sop.id)} { (sop.identity.nama.value) } br; small.muted { code { (sop.id) } } }
                        td.version { (newest.version) }
                        td.hide-sm { (clock.datetime(newest.published_at)) }
                        td.hide-sm {
                            @match &newest.published_by {
                                Some(person) => { (org.name(person)) }
                                None => { span.muted { (user.t(Msg::PublishedByServer)) } br; small.muted { code { (newest.file) } } }
                            }
                        }
                        td.hide-sm {
                            @if older.is_empty() { "-" }
                            @for v in older { (user.t(Msg::Version)) " " (v.version) ": " (v.open_cases) " " (user.t(Msg::RunningRequests)) br; }
                        }
                    }
                }
            }
        }
    };
    Ok((status, layout::page(user, user.t(Msg::SopPublishing), "/admin", body)).into_response())
}

/// What became of the file just sent, with its findings.
fn outcome_view(user: &User, outcome: &Outcome, text: &str) -> Markup {
    let (flash, findings) = match outcome {
        Outcome::Published { sop, new, findings } => {
            let said = if *new { Msg::SopPublishedNew } else { Msg::SopPublishedUnchanged };
            let line = format!(
                "{}: {} ({}), {} {}.",
                user.t(said),
                sop.identity.nama.value,
                sop.id,
                user.t(Msg::Version),
                sop.version
            );
            (html! { p.flash.info role="status" { (line) } }, findings)
        }
        Outcome::Refused { findings, .. } => {
            (html! { p.flash.error role="alert" { (user.t(Msg::SopRefused)) } }, findings)
        }
    };
    html! {
        (flash)
        @if !findings.is_empty() {
            section #findings {
                h2 { (user.t(Msg::SopFindings)) }
                ol.findings {
                    @for finding in findings { (finding_view(user, finding, text)) }
                }
            }
        }
    }
}

/// One finding: where, how serious, its code and message, and the line it
/// is about with a caret under the column.
fn finding_view(user: &User, finding: &Diagnostic, text: &str) -> Markup {
    let (class, severity) = match finding.severity {
        Severity::Error => ("bad", Msg::SeverityError),
        Severity::Warning => ("warn", Msg::SeverityWarning),
    };
    let line = sop::diagnostic::source_line(text, finding.at.line).replace('\t', " ");
    let caret = format!("{}^", " ".repeat(finding.at.column.saturating_sub(1)));
    html! {
        li.finding data-line=(finding.at.line) data-column=(finding.at.column) data-code=(finding.code) {
            strong { (user.t(Msg::SopLine)) " " (finding.at.line) ", " (user.t(Msg::SopColumn)) " " (finding.at.column) }
            " " span.tag.(class) { (user.t(severity)) } " " code { (finding.code) }
            p { (finding.message) }
            @if !line.trim().is_empty() {
                pre.excerpt { (finding.at.line) " | " (line) "\n" (" ".repeat(finding.at.line.to_string().len())) " | " (caret) }
            }
        }
    }
}
