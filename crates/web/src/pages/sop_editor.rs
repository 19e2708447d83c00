//! Admin: the SOP editor, for people who do not write TOML. An agency's
//! administrators begin drafts (from scratch, from an uploaded file, or as
//! the next version of a live SOP) and fill in the identity page, the
//! lanes, the steps as rows, the request's fields and attachments and the
//! letter template; beside the form the official document is drawn live
//! with the checks' findings, each linked to its field. A draft saves
//! itself as it is typed (htmx) and with the Save button (without script
//! too), always on the revision it was read at: when someone else saved
//! it meanwhile the save is refused and what was typed stays on the page.
//! The TOML text stays the exchange format: download and upload give the
//! same bytes. Publishing goes through [`super::sop_publishing::publish`],
//! the upload's own checks.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use sop::draft_form::{AttachmentRow, Edit, FieldRow, FormError, LaneRow, SopForm, StepRow};
use sop::{Diagnostic, Severity};
use store::StoreError;
use store::sop_drafts::{DraftOrigin, DraftStatus, SopDraft};

use super::sop_publishing::{self, MAX_SOP_BYTES, Outcome};
use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::{AppState, layout, now_ms};

const BASE: &str = "/admin/sop/konsep";

/// Drafts are the agency's administrators' (who publish its SOPs).
fn admin(user: &User) -> Result<(), WebError> {
    if user.account.is_admin { Ok(()) } else { Err(WebError::Forbidden) }
}

/// The HTML id of the control of form field `name` (`steps.2.time` →
/// `f-steps-2-time`): what a finding links to.
fn fid(name: &str) -> String {
    format!("f-{}", name.replace('.', "-"))
}

/// A form as posted: every name with its values, line ends as `\n` (a
/// browser sends a text area's as `\r\n`).
struct Posted(Vec<(String, String)>);

impl Posted {
    fn new(pairs: Vec<(String, String)>) -> Posted {
        Posted(pairs.into_iter().map(|(k, v)| (k, v.replace("\r\n", "\n"))).collect())
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_string()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).filter(|v| !v.is_empty()).collect()
    }

    fn on(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// One item a line, blank lines left out.
    fn lines(&self, name: &str) -> Vec<String> {
        self.text(name).split('\n').filter(|l| !l.trim().is_empty()).map(str::to_string).collect()
    }

    fn origin(&self, prefix: &str) -> Option<Option<usize>> {
        self.get(&format!("{prefix}.origin")).map(|o| o.parse().ok())
    }

    fn revision(&self) -> i64 {
        self.get("revisi").and_then(|r| r.parse().ok()).unwrap_or(-1)
    }

    /// The form the page sent.
    fn form(&self) -> SopForm {
        let t = |name: &str| self.text(name);
        let mut form = SopForm {
            id: t("id"),
            version: t("version"),
            agency: t("agency"),
            service: t("service"),
            rest: t("rest"),
            ..SopForm::default()
        };
        let i = &mut form.identity;
        for (field, name) in [
            (&mut i.nomor, "nomor"),
            (&mut i.nama, "nama"),
            (&mut i.unit, "unit"),
            (&mut i.tanggal_pembuatan, "tanggal_pembuatan"),
            (&mut i.tanggal_revisi, "tanggal_revisi"),
            (&mut i.tanggal_pengesahan, "tanggal_pengesahan"),
            (&mut i.tanggal_efektif, "tanggal_efektif"),
            (&mut i.judul_prosedur, "judul_prosedur"),
            (&mut i.rest, "rest"),
        ] {
            *field = t(&format!("identity.{name}"));
        }
        for (field, name) in [
            (&mut i.dasar_hukum, "dasar_hukum"),
            (&mut i.kualifikasi_pelaksana, "kualifikasi_pelaksana"),
            (&mut i.keterkaitan, "keterkaitan"),
            (&mut i.peralatan, "peralatan"),
            (&mut i.peringatan, "peringatan"),
            (&mut i.pencatatan, "pencatatan"),
            (&mut i.catatan, "catatan"),
        ] {
            *field = self.lines(&format!("identity.{name}"));
        }
        let a = &mut i.approver;
        for (field, name) in [
            (&mut a.jabatan, "jabatan"),
            (&mut a.nama, "nama"),
            (&mut a.pangkat, "pangkat"),
            (&mut a.nip, "nip"),
            (&mut a.rest, "rest"),
        ] {
            *field = t(&format!("identity.disahkan_oleh.{name}"));
        }
        form.lanes = (0..)
            .map_while(|n| {
                let p = format!("lanes.{n}");
                let origin = self.origin(&p)?;
                Some(LaneRow {
                    origin,
                    id: t(&format!("{p}.id")),
                    name: t(&format!("{p}.name")),
                    positions: self.all(&format!("{p}.positions")),
                    requester: self.on(&format!("{p}.requester")),
                    anyone: self.on(&format!("{p}.anyone")),
                    rest: t(&format!("{p}.rest")),
                })
            })
            .collect();
        form.steps = (0..).map_while(|n| self.step(n)).collect();
        form.letter = sop::draft_form::LetterForm {
            subject: t("letter.subject"),
            recipient: t("letter.recipient"),
            body: t("letter.body"),
            classification: t("letter.classification"),
            rest: t("letter.rest"),
        };
        let r = |name: &str| t(&format!("registry.{name}"));
        form.registry = sop::draft_form::RegistryForm {
            kind: r("kind"),
            label: r("label"),
            name_rule: r("name_rule"),
            action: r("action"),
            step: r("step"),
            key: r("key"),
            person: r("person"),
            valid_until: r("valid_until"),
            details: self.lines("registry.details"),
            unit: r("unit"),
            requested: r("requested"),
            other_name_reason: r("other_name_reason"),
            record_type: r("record_type"),
            record_value: r("record_value"),
            provision: r("provision"),
            requested_value: r("requested_value"),
            rest: r("rest"),
        };
        form
    }

    fn step(&self, n: usize) -> Option<StepRow> {
        let p = format!("steps.{n}");
        let origin = self.origin(&p)?;
        let t = |name: &str| self.text(&format!("{p}.{name}"));
        let mut lanes: Vec<String> = self.all(&format!("{p}.lane"));
        lanes.extend(t("partners").split(',').map(str::trim).filter(|l| !l.is_empty()).map(str::to_string));
        let fields = (0..)
            .map_while(|j| {
                let f = format!("{p}.fields.{j}");
                let origin = self.origin(&f)?;
                let t = |name: &str| self.text(&format!("{f}.{name}"));
                Some(FieldRow {
                    origin,
                    name: t("name"),
                    label: t("label"),
                    kind: t("type"),
                    required: self.on(&format!("{f}.required")),
                    options: self.lines(&format!("{f}.options")),
                    help: t("help"),
                    rest: t("rest"),
                })
            })
            .collect();
        let attachments = (0..)
            .map_while(|j| {
                let a = format!("{p}.attachments.{j}");
                let origin = self.origin(&a)?;
                let t = |name: &str| self.text(&format!("{a}.{name}"));
                Some(AttachmentRow {
                    origin,
                    name: t("name"),
                    label: t("label"),
                    required: self.on(&format!("{a}.required")),
                    accept: self.all(&format!("{a}.accept")),
                    max_kb: t("max_kb"),
                    rest: t("rest"),
                })
            })
            .collect();
        Some(StepRow {
            origin,
            no: t("no"),
            lanes,
            action: t("action"),
            activity: t("activity"),
            requirements: self.lines(&format!("{p}.requirements")),
            time: t("time"),
            outputs: self.lines(&format!("{p}.outputs")),
            remarks: t("remarks"),
            next: t("next"),
            ya: t("ya"),
            tidak: t("tidak"),
            fields,
            attachments,
            rest: t("rest"),
        })
    }
}

/// The name a draft's text is checked under.
pub(crate) fn file_name(draft: &SopDraft) -> String {
    let slug = draft.sop_id.rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or("konsep");
    format!("{slug}.toml")
}

// ---------------------------------------------------------------- list

#[derive(Deserialize)]
pub struct ListQuery {
    dihapus: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    user: User,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let said =
        query.dihapus.is_some().then(|| html! { p.flash.info role="status" { (user.t(Msg::EdDeleted)) } });
    list_page(&state, &user, said, StatusCode::OK).await
}

async fn list_page(
    state: &AppState,
    user: &User,
    said: Option<Markup>,
    status: StatusCode,
) -> Result<Response, WebError> {
    admin(user)?;
    let agency = user.agency_id();
    let drafts = state.store.sop_drafts(agency).await?;
    let org = state.store.organisation(agency).await?;
    let live = state.store.sop_ids(agency).await?;
    let clock = user.clock();
    let origin = |o: DraftOrigin| match o {
        DraftOrigin::Blank => Msg::EdOriginBlank,
        DraftOrigin::Upload => Msg::EdOriginUpload,
        DraftOrigin::Revision => Msg::EdOriginRevision,
        DraftOrigin::Import => Msg::EdOriginImport,
    };
    let body = html! {
        h1 { (user.t(Msg::EdDrafts)) }
        p { a href="/admin/sop" { "← " (user.t(Msg::SopPublishing)) } }
        @if let Some(said) = said { (said) }
        p.help { (user.t(Msg::EdDraftsHelp)) }
        div.card #konsep-baru {
            form.inline method="post" action={(BASE) "/baru"} {
                input type="hidden" name="csrf" value=(user.csrf);
                button.primary #buat-konsep type="submit" { (user.t(Msg::EdNewBlank)) }
            }
            @if !live.is_empty() {
                form.inline method="post" action={(BASE) "/revisi"} {
                    input type="hidden" name="csrf" value=(user.csrf);
                    label for="revisi-sop" { (user.t(Msg::EdRevise)) }
                    select #revisi-sop name="sop" style="width:auto" {
                        @for id in &live { option value=(id) { (id) } }
                    }
                    button.secondary type="submit" { (user.t(Msg::EdReviseButton)) }
                }
            }
            form.inline #unggah-konsep method="post" action={(BASE) "/unggah"} enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(user.csrf);
                label for="berkas-konsep" { (user.t(Msg::EdUploadNew)) }
                input #berkas-konsep type="file" name="berkas" accept=".toml,text/plain,application/toml";
                button.secondary type="submit" { (user.t(Msg::Upload)) }
            }
        }
        @if drafts.is_empty() {
            p.muted { (user.t(Msg::EdNoDrafts)) }
        } @else {
            table #daftar-konsep {
                thead { tr {
                    th { (user.t(Msg::EdNama)) } th { (user.t(Msg::EdSopId)) } th.hide-sm { (user.t(Msg::ColStatus)) }
                    th.hide-sm { (user.t(Msg::EdLastSaved)) }
                } }
                tbody {
                    @for d in &drafts {
                        tr data-draft=(d.id) {
                            td {
                                a href={(BASE) "/" (d.id)} { @if d.title.trim().is_empty() { "(" (user.t(Msg::EdNama)) ")" } @else { (d.title) } }
                                br; small.muted { (user.t(origin(d.origin))) }
                            }
                            td { code { (d.sop_id) } }
                            td.hide-sm {
                                (super::sop_review::status_line(user, &org, d))
                                @if d.status == DraftStatus::Open { " " (user.t(Msg::EdRevision)) " " (d.revision) }
                            }
                            td.hide-sm { (clock.datetime(d.updated_at)) " · " (org.name(&d.updated_by)) }
                        }
                    }
                }
            }
        }
    };
    Ok((status, layout::page(user, user.t(Msg::EdDrafts), "/admin", body)).into_response())
}

#[derive(Deserialize)]
pub struct Token {
    csrf: Option<String>,
}

/// A new draft from an almost empty definition, under an id not yet taken.
pub async fn create_blank(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<Token>,
) -> Result<Response, WebError> {
    admin(&user)?;
    user.check_csrf(form.csrf.as_deref())?;
    let agency = user.agency_id();
    let text = blank_text(&state, agency).await?;
    let draft =
        state.store.create_sop_draft(agency, DraftOrigin::Blank, &text, user.person(), now_ms()).await?;
    Ok(Redirect::to(&format!("{BASE}/{}", draft.id)).into_response())
}

/// An almost empty definition for `agency`, under an SOP id that neither
/// a live SOP nor a draft has taken.
pub(crate) async fn blank_text(state: &AppState, agency: &str) -> Result<String, StoreError> {
    let mut taken = state.store.sop_ids(agency).await?;
    taken.extend(state.store.sop_drafts(agency).await?.into_iter().map(|d| d.sop_id));
    let id = (1..)
        .map(|n| if n == 1 { format!("{agency}/sop-baru") } else { format!("{agency}/sop-baru-{n}") })
        .find(|id| !taken.contains(id))
        .expect("some number is free");
    Ok(sop::draft_form::blank(agency, &id))
}

#[derive(Deserialize)]
pub struct ReviseForm {
    csrf: Option<String>,
    sop: String,
}

/// A new draft from the live version of one of the agency's SOPs, as its next version.
pub async fn create_revision(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<ReviseForm>,
) -> Result<Response, WebError> {
    admin(&user)?;
    user.check_csrf(form.csrf.as_deref())?;
    let agency = user.agency_id();
    let live = state.store.sop(agency, &form.sop, None).await?;
    let text = sop::draft_form::with_version(&live.source, live.version + 1)
        .map_err(|e| WebError::BadRequest(e.message))?;
    let draft =
        state.store.create_sop_draft(agency, DraftOrigin::Revision, &text, user.person(), now_ms()).await?;
    Ok(Redirect::to(&format!("{BASE}/{}", draft.id)).into_response())
}

/// A file's text, or why it is refused.
fn uploaded_text(user: &User, file: Option<Vec<u8>>) -> Result<String, &'static str> {
    let bytes = file.ok_or(user.t(Msg::ChooseFile))?;
    String::from_utf8(bytes).map_err(|_| user.t(Msg::NotUtf8))
}

/// A new draft holding an uploaded file exactly.
pub async fn create_upload(
    State(state): State<AppState>,
    user: User,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (_, file) = super::letter_settings::read(multipart, "berkas", MAX_SOP_BYTES, &user).await?;
    let text = match uploaded_text(&user, file) {
        Ok(text) => text,
        Err(why) => {
            let said = html! { p.flash.error role="alert" { (why) } };
            return list_page(&state, &user, Some(said), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let agency = user.agency_id();
    let draft =
        state.store.create_sop_draft(agency, DraftOrigin::Upload, &text, user.person(), now_ms()).await?;
    Ok(Redirect::to(&format!("{BASE}/{}", draft.id)).into_response())
}

#[derive(Deserialize)]
pub struct ImportedForm {
    csrf: Option<String>,
    toml: Option<String>,
}

/// A new draft holding what the import of an SOP document made of it,
/// marks and all, opened in the editor.
pub async fn create_imported(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<ImportedForm>,
) -> Result<Response, WebError> {
    admin(&user)?;
    user.check_csrf(form.csrf.as_deref())?;
    let toml = form.toml.unwrap_or_default();
    if toml.len() > MAX_SOP_BYTES {
        return Err(WebError::TooLarge(format!("{} {} KB", user.t(Msg::FileTooLarge), MAX_SOP_BYTES / 1024)));
    }
    let text = toml.replace("\r\n", "\n");
    let agency = user.agency_id();
    let draft =
        state.store.create_sop_draft(agency, DraftOrigin::Import, &text, user.person(), now_ms()).await?;
    Ok(Redirect::to(&format!("{BASE}/{}", draft.id)).into_response())
}

// ---------------------------------------------------------------- editor

/// What the editor says above the form.
enum Said {
    Nothing,
    /// Saved by someone else since this page read it: nothing was saved.
    Conflict {
        by: String,
        at: i64,
    },
    /// A part of the form could not be written (its TOML text).
    NotWritten(FormError),
    /// A publication refused, with its findings.
    Refused(Vec<Diagnostic>),
    Published(i64),
    /// An upload that could not be taken.
    BadUpload(&'static str),
    /// Not sent for review, and why.
    NotSent(String),
}

#[derive(Deserialize)]
pub struct EditorQuery {
    fokus: Option<String>,
    terbit: Option<i64>,
}

pub async fn editor(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Query(query): Query<EditorQuery>,
) -> Result<Response, WebError> {
    admin(&user)?;
    let draft = state.store.sop_draft(user.agency_id(), &id).await?;
    let said = query.terbit.map_or(Said::Nothing, Said::Published);
    let focus = query.fokus.filter(|f| f.starts_with("f-"));
    render(&state, &user, &draft, None, said, focus.as_deref(), StatusCode::OK).await
}

/// The editor page: `form` as sent (after a refused save) or else as read
/// from the draft, the document and findings of the draft's text.
async fn render(
    state: &AppState,
    user: &User,
    draft: &SopDraft,
    form: Option<SopForm>,
    said: Said,
    focus: Option<&str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let org = state.store.organisation(user.agency_id()).await?;
    let clock = user.clock();
    let read = form.map_or_else(|| SopForm::read(&draft.source), Ok);
    let title = match &read {
        Ok(f) if !f.identity.nama.trim().is_empty() => f.identity.nama.clone(),
        _ => draft.title.clone(),
    };
    let flash = match &said {
        Said::Nothing => html! {},
        Said::Conflict { by, at } => html! {
            div.flash.error #konflik role="alert" data-code="draft-changed" {
                p { (user.t(Msg::EdConflict)) }
                p { (user.t(Msg::EdConflictBy)) " " strong { (org.name(by)) } ", " (clock.datetime(*at)) ". "
                    a href={(BASE) "/" (draft.id)} { (user.t(Msg::EdOpenNewest)) } }
            }
        },
        Said::NotWritten(e) => html! {
            p.flash.error role="alert" data-code="form-not-written" { a href={"#" (fid(&e.field))} data-focus { (e.message) } }
        },
        Said::Refused(_) => {
            html! { p.flash.error role="alert" data-code="publish-refused" { (user.t(Msg::EdPublishRefused)) } }
        }
        Said::Published(v) => html! { p.flash.info role="status" { (user.t(Msg::EdPublished)) " " (v) "." } },
        Said::BadUpload(why) => html! { p.flash.error role="alert" { (why) } },
        Said::NotSent(why) => html! {
            p.flash.error role="alert" data-code="not-sent" { (user.t(Msg::RvNotSent)) " " (why) }
        },
    };
    let refused = match &said {
        Said::Refused(findings) => Some(findings.as_slice()),
        _ => None,
    };
    let open = draft.status == DraftStatus::Open;
    let comments = state.store.sop_draft_comments(user.agency_id(), &draft.id).await?;
    let evaluation = state.store.evaluation_of_draft(user.agency_id(), &draft.id).await?;
    let body = html! {
        div #sop-editor.sop-editor {
            div.editor-head {
                h1 { (user.t(Msg::EdEditorTitle)) ": " (title) }
                p {
                    a href=(BASE) { "← " (user.t(Msg::EdDrafts)) } " · "
                    a #unduh-toml href={(BASE) "/" (draft.id) "/unduh"} { (user.t(Msg::EdDownload)) }
                    @if open { " · " a href={(BASE) "/" (draft.id) "/teks"} { (user.t(Msg::EdTextEditor)) } }
                }
                (flash)
                @match draft.status {
                    DraftStatus::Open => { p #status-simpan.muted role="status" { (saved_line(user, &org, draft)) } }
                    DraftStatus::InReview | DraftStatus::Approved => {
                        p.flash.info {
                            (super::sop_review::status_line(user, &org, draft)) ". " (user.t(Msg::RvInReviewReadOnly)) " "
                            a href={"/sop/tinjauan/" (draft.id)} { (user.t(Msg::RvOpenReview)) }
                        }
                    }
                    DraftStatus::Ratified | DraftStatus::Published => {
                        p.flash.info { (user.t(Msg::EdReadOnly)) " " (user.t(Msg::EdPublished)) " " (draft.published_version.unwrap_or_default()) "." }
                    }
                }
                @if !comments.is_empty() {
                    @if let Ok(form) = &read { (super::sop_review::comments_view(user, form, &comments, &org, open)) }
                }
                @if let Some(e) = &evaluation { (super::evaluation::findings_view(user, &org, e)) }
                @if open { (marks_view(user, draft)) }
            }
            div.editor-body {
                div.editor-form {
                    @match (&read, open) {
                        (Ok(form), true) => { (form_view(user, draft, form, focus)) }
                        (Err(e), true) => {
                            p.flash.error { (user.t(Msg::EdNotToml)) " " (e.message) }
                            (text_form(user, draft))
                        }
                        _ => {}
                    }
                    @if open { (side_forms(user, &org, draft)) }
                }
                aside #pratinjau.editor-preview aria-label=(user.t(Msg::EdPreview)) {
                    (preview(user, draft, refused))
                }
            }
        }
        script src="/static/sop-editor.js" defer {}
    };
    Ok((status, layout::page(user, &format!("{} · {title}", user.t(Msg::EdEditorTitle)), "/admin", body))
        .into_response())
}

fn saved_line(user: &User, org: &engine::organisation::Organisation, draft: &SopDraft) -> Markup {
    html! {
        (user.t(Msg::EdSaved)) " " (user.clock().datetime(draft.updated_at)) " · " (org.name(&draft.updated_by))
        " · " (user.t(Msg::EdRevision)) " " span #revisi-tersimpan { (draft.revision) }
    }
}

/// Sending for review, uploading into and deleting the draft: forms of their own.
fn side_forms(user: &User, org: &engine::organisation::Organisation, draft: &SopDraft) -> Markup {
    html! {
        div.card.editor-actions {
            form #kirim-tinjauan method="post" action={(BASE) "/" (draft.id) "/tinjau"} {
                input type="hidden" name="csrf" value=(user.csrf);
                input.revisi type="hidden" name="revisi" value=(draft.revision);
                label for="f-peninjau" { (user.t(Msg::RvReviewer)) }
                select #f-peninjau name="peninjau" required {
                    option value="" { "—" }
                    @for p in org.people.iter().filter(|p| p.id != user.person()) {
                        option value=(p.id) selected[draft.reviewer.as_deref() == Some(p.id.as_str())] { (p.name) }
                    }
                }
                button.primary type="submit" { (user.t(Msg::RvSend)) }
                p.help { (user.t(Msg::RvSendHelp)) }
            }
            form #unggah-ke-konsep method="post" action={(BASE) "/" (draft.id) "/unggah"} enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(user.csrf);
                input.revisi type="hidden" name="revisi" value=(draft.revision);
                label for="berkas-ganti" { (user.t(Msg::EdUploadInto)) }
                input #berkas-ganti type="file" name="berkas" accept=".toml,text/plain,application/toml";
                button.secondary type="submit" { (user.t(Msg::Upload)) }
                p.help { (user.t(Msg::EdUploadIntoHelp)) }
            }
            form #hapus-konsep method="post" action={(BASE) "/" (draft.id) "/hapus"} {
                input type="hidden" name="csrf" value=(user.csrf);
                input.revisi type="hidden" name="revisi" value=(draft.revision);
                button.secondary type="submit" { (user.t(Msg::EdDelete)) }
            }
        }
    }
}

/// The values the import was unsure of, each linked to its field, with a
/// button saying it was checked (which takes its mark away).
fn marks_view(user: &User, draft: &SopDraft) -> Markup {
    let marks = sop::import::mark::marks(&draft.source);
    let form = SopForm::read(&draft.source).unwrap_or_default();
    html! {
        @if !marks.is_empty() {
            section.card #tidak-pasti data-marks=(marks.len()) {
                h2 { (user.t(Msg::EdUnsureTitle)) " " span.tag.warn { (marks.len()) } }
                p.help { (user.t(Msg::EdUnsureHelp)) }
                ol.findings {
                    @for m in &marks {
                        li.finding.unsure data-line=(m.line) data-field=[m.field.as_deref()] {
                            @match &m.field {
                                Some(field) => {
                                    strong { a href={"#" (fid(field))} data-focus { (super::sop_review::field_label(user, &form, field)) } }
                                    ": " (m.why)
                                }
                                None => { (m.why) }
                            }
                            " " small.muted { (user.t(Msg::SopLine)) " " (m.line) }
                            form.inline method="post" action={(BASE) "/" (draft.id) "/diperiksa"} {
                                input type="hidden" name="csrf" value=(user.csrf);
                                input.revisi type="hidden" name="revisi" value=(draft.revision);
                                input type="hidden" name="baris" value=(m.line);
                                button.secondary type="submit" { (user.t(Msg::EdUnsureChecked)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The whole text in one text area: for a text that is no form yet.
fn text_form(user: &User, draft: &SopDraft) -> Markup {
    html! {
        form.card #teks-toml method="post" action={(BASE) "/" (draft.id) "/teks"} {
            input type="hidden" name="csrf" value=(user.csrf);
            input.revisi type="hidden" name="revisi" value=(draft.revision);
            label for="f-teks" { (user.t(Msg::EdTextEditor)) }
            p.help { (user.t(Msg::EdTextHelp)) }
            textarea #f-teks.toml name="teks" rows="30" spellcheck="false" { (draft.source) }
            button.primary type="submit" { (user.t(Msg::Save)) }
        }
    }
}

fn input(name: &str, value: &str, label: &str, focus: Option<&str>) -> Markup {
    let id = fid(name);
    html! {
        label for=(id) { (label) }
        input type="text" id=(id) name=(name) value=(value) autofocus[focus == Some(id.as_str())];
    }
}

/// A text area of one item a line.
fn lines(name: &str, items: &[String], label: &str, hint: &str) -> Markup {
    let id = fid(name);
    let rows = items.len().clamp(2, 8);
    html! {
        label for=(id) { (label) " " span.muted { "(" (hint) ")" } }
        textarea id=(id) name=(name) rows=(rows) { (items.join("\n")) }
    }
}

/// The TOML of keys without a field, folded away unless it holds any.
fn rest(user: &User, name: &str, value: &str) -> Markup {
    let id = fid(name);
    html! {
        details.rest open[!value.is_empty()] {
            summary { (user.t(Msg::EdMore)) }
            p.help { (user.t(Msg::EdMoreHelp)) }
            textarea.toml id=(id) name=(name) rows=(value.lines().count().clamp(2, 12)) spellcheck="false" { (value) }
        }
    }
}

/// A button that changes the form's shape: it sends the form as typed with
/// the edit it names, and the page it leads to puts focus back on it (or on
/// the row it made).
fn op_button(action: &str, id: &str, op: &str, label: &str, text: &str, focus: Option<&str>) -> Markup {
    html! {
        button.op type="submit" formaction=(action) name="op" value=(op) id=(id) title=(label) aria-label=(label)
            autofocus[focus == Some(id)] { (text) }
    }
}

fn form_view(user: &User, draft: &SopDraft, form: &SopForm, focus: Option<&str>) -> Markup {
    let t = |m| user.t(m);
    let action = format!("{BASE}/{}", draft.id);
    let i = &form.identity;
    let a = &i.approver;
    let positions = &user.agency.positions;
    let targets: Vec<String> = form
        .steps
        .iter()
        .map(|s| s.no.clone())
        .filter(|n| !n.is_empty())
        .chain(["selesai".to_string(), "ditolak".to_string()])
        .collect();
    html! {
        form #sop-form.editor method="post" action=(action)
            hx-post={(action) "/otomatis"} hx-trigger="input changed delay:800ms, change"
            hx-target="#pratinjau" hx-swap="innerHTML" hx-sync="this:queue all" {
            input type="hidden" name="csrf" value=(user.csrf);
            input #f-revisi.revisi type="hidden" name="revisi" value=(draft.revision);
            input type="hidden" name="agency" value=(form.agency);
            p.help { (t(Msg::EdAutosaveHelp)) " " button.primary #simpan type="submit" { (t(Msg::Save)) } }
            datalist #f-targets { @for n in &targets { option value=(n) {} } }
            datalist #f-times { @for time in ["-", "5 menit", "10 menit", "15 menit", "30 menit", "1 jam", "2 jam", "1 hari", "3 hari"] { option value=(time) {} } }

            fieldset.card #identitas {
                legend { (t(Msg::EdIdentity)) }
                div.grid2 {
                    div { (input("identity.nama", &i.nama, t(Msg::EdNama), focus)) }
                    div { (input("identity.nomor", &i.nomor, t(Msg::EdNomor), focus)) }
                    div { (input("id", &form.id, t(Msg::EdSopId), focus)) }
                    div { (input("version", &form.version, t(Msg::EdVersion), focus)) }
                    div { (input("identity.unit", &i.unit, t(Msg::EdUnit), focus)) }
                    div { (input("service", &form.service, t(Msg::EdService), focus)) }
                    @for (name, value, label) in [
                        ("tanggal_pembuatan", &i.tanggal_pembuatan, Msg::EdTanggalPembuatan),
                        ("tanggal_revisi", &i.tanggal_revisi, Msg::EdTanggalRevisi),
                        ("tanggal_pengesahan", &i.tanggal_pengesahan, Msg::EdTanggalPengesahan),
                        ("tanggal_efektif", &i.tanggal_efektif, Msg::EdTanggalEfektif),
                    ] {
                        div {
                            label for=(fid(&format!("identity.{name}"))) { (t(label)) }
                            input type="text" id=(fid(&format!("identity.{name}"))) name={"identity." (name)} value=(value)
                                placeholder=(t(Msg::EdDateHelp)) inputmode="numeric";
                        }
                    }
                }
                (input("identity.judul_prosedur", &i.judul_prosedur, t(Msg::EdJudul), focus))
                fieldset.approver {
                    legend { (t(Msg::EdApprover)) }
                    div.grid2 {
                        div { (input("identity.disahkan_oleh.jabatan", &a.jabatan, t(Msg::EdJabatan), focus)) }
                        div { (input("identity.disahkan_oleh.nama", &a.nama, t(Msg::EdNamaPejabat), focus)) }
                        div { (input("identity.disahkan_oleh.pangkat", &a.pangkat, t(Msg::EdPangkat), focus)) }
                        div { (input("identity.disahkan_oleh.nip", &a.nip, t(Msg::EdNip), focus)) }
                    }
                    (rest(user, "identity.disahkan_oleh.rest", &a.rest))
                }
                @for (name, items, label) in [
                    ("dasar_hukum", &i.dasar_hukum, Msg::EdDasarHukum),
                    ("kualifikasi_pelaksana", &i.kualifikasi_pelaksana, Msg::EdKualifikasi),
                    ("keterkaitan", &i.keterkaitan, Msg::EdKeterkaitan),
                    ("peralatan", &i.peralatan, Msg::EdPeralatan),
                    ("peringatan", &i.peringatan, Msg::EdPeringatan),
                    ("pencatatan", &i.pencatatan, Msg::EdPencatatan),
                    ("catatan", &i.catatan, Msg::EdCatatan),
                ] {
                    (lines(&format!("identity.{name}"), items, t(label), t(Msg::EdOnePerLine)))
                }
                (rest(user, "identity.rest", &i.rest))
            }

            fieldset.card #pelaksana {
                legend { (t(Msg::EdLanes)) }
                table.lanes {
                    thead { tr { th { (t(Msg::EdLaneName)) } th { (t(Msg::EdPositions)) } th { span.sr-only { (t(Msg::EdMoveUp)) } } } }
                    @for (n, lane) in form.lanes.iter().enumerate() {
                        (lane_row(user, &action, n, lane, form.lanes.len(), positions, focus))
                    }
                }
                (op_button(&action, "f-lanes-add", "lane-add", t(Msg::EdAddLane), &format!("+ {}", t(Msg::EdAddLane)), focus))
            }

            fieldset.card #langkah {
                legend { (t(Msg::EdSteps)) }
                table.steps {
                    thead { tr {
                        th.no { (t(Msg::EdNo)) } th { (t(Msg::EdActivity)) } th { (t(Msg::EdLane)) }
                        th { (t(Msg::EdAction)) } th.time { (t(Msg::EdTime)) } th { span.sr-only { (t(Msg::EdMoveUp)) } }
                    } }
                    @for (n, step) in form.steps.iter().enumerate() {
                        (step_row(user, &action, n, step, form, focus))
                    }
                }
                (op_button(&action, "f-steps-add", "step-add", t(Msg::EdAddStep), &format!("+ {}", t(Msg::EdAddStep)), focus))
            }

            fieldset.card #surat {
                legend { (t(Msg::EdLetter)) }
                p.help { (t(Msg::EdLetterHelp)) }
                (input("letter.subject", &form.letter.subject, t(Msg::EdSubject), focus))
                label for="f-letter-recipient" { (t(Msg::EdRecipient)) }
                textarea #f-letter-recipient name="letter.recipient" rows="2" { (form.letter.recipient) }
                label for="f-letter-body" { (t(Msg::EdBody)) }
                textarea #f-letter-body name="letter.body" rows="10" { (form.letter.body) }
                (input("letter.classification", &form.letter.classification, t(Msg::EdClassification), focus))
                (rest(user, "letter.rest", &form.letter.rest))
            }

            (registry_view(user, form, focus))

            fieldset.card #bagian-lain {
                legend { (t(Msg::EdRest)) }
                p.help { (t(Msg::EdRestHelp)) }
                textarea #f-rest.toml name="rest" rows=(form.rest.lines().count().clamp(3, 24)) spellcheck="false" { (form.rest) }
            }
            p {
                button.primary type="submit" { (t(Msg::Save)) } " "
                button.secondary #terbitkan type="submit" formaction={(action) "/terbitkan"} { (t(Msg::EdPublish)) }
            }
            p.help { (t(Msg::EdPublishHelp)) }
        }
    }
}

/// `[registry]`: what the work produced is kept, named by step fields.
fn registry_view(user: &User, form: &SopForm, focus: Option<&str>) -> Markup {
    let t = |m| user.t(m);
    let g = &form.registry;
    let names: Vec<&str> = form.steps.iter().flat_map(|s| &s.fields).map(|f| f.name.as_str()).collect();
    let field = |key: &str, value: &str, label: Msg| {
        let name = format!("registry.{key}");
        html! {
            div {
                label for=(fid(&name)) { (t(label)) }
                input type="text" id=(fid(&name)) name=(name) value=(value) list="f-field-names" autofocus[focus == Some(fid(&name).as_str())];
            }
        }
    };
    html! {
        fieldset.card #registri {
            legend { (t(Msg::EdRegistry)) }
            p.help { (t(Msg::EdRegistryHelp)) }
            datalist #f-field-names { @for n in &names { option value=(n) {} } }
            datalist #f-kinds { @for k in sop::definition::RegistryKind::builtin() { option value=(k.key()) { (k.label()) } } }
            div.grid3 {
                div {
                    label for="f-registry-kind" { (t(Msg::EdRegistryKind)) }
                    input #f-registry-kind type="text" name="registry.kind" value=(g.kind) list="f-kinds";
                }
                div { (input("registry.label", &g.label, t(Msg::EdRegistryLabel), focus)) }
                div {
                    label for="f-registry-name_rule" { (t(Msg::EdNameRule)) }
                    select #f-registry-name_rule name="registry.name_rule" {
                        option value="" selected[g.name_rule.is_empty()] { "—" }
                        @if !g.name_rule.is_empty() && sop::definition::NameRule::parse(&g.name_rule).is_none() {
                            option value=(g.name_rule) selected { (g.name_rule) }
                        }
                        @for rule in sop::definition::NameRule::ALL { option value=(rule.key()) selected[rule.key() == g.name_rule] { (rule.key()) } }
                    }
                }
                div {
                    label for="f-registry-step" { (t(Msg::EdRegistryStep)) }
                    input #f-registry-step type="text" name="registry.step" value=(g.step) inputmode="numeric" list="f-targets";
                }
                div {
                    label for="f-registry-action" { (t(Msg::EdRegistryAction)) }
                    select #f-registry-action name="registry.action" {
                        option value="" selected[g.action.is_empty()] { (t(Msg::EdRegistryCreate)) }
                        @if !g.action.is_empty() && g.action != "buat" && g.action != "cabut" { option value=(g.action) selected { (g.action) } }
                        option value="buat" selected[g.action == "buat"] { "buat" }
                        option value="cabut" selected[g.action == "cabut"] { (t(Msg::EdRegistryRevoke)) }
                    }
                }
                (field("key", &g.key, Msg::EdRegistryKey))
                (field("person", &g.person, Msg::EdRegistryPerson))
                (field("valid_until", &g.valid_until, Msg::EdRegistryValidUntil))
                (field("unit", &g.unit, Msg::EdRegistryUnit))
                (field("requested", &g.requested, Msg::EdRegistryRequested))
                (field("other_name_reason", &g.other_name_reason, Msg::EdRegistryReason))
                (field("record_type", &g.record_type, Msg::EdRegistryRecordType))
                (field("record_value", &g.record_value, Msg::EdRegistryRecordValue))
                (field("requested_value", &g.requested_value, Msg::EdRegistryRequestedValue))
                div {
                    label for="f-registry-provision" { (t(Msg::EdRegistryProvision)) }
                    select #f-registry-provision name="registry.provision" {
                        option value="" selected[g.provision.is_empty()] { (t(Msg::EdRegistryByHand)) }
                        @if !g.provision.is_empty() && sop::ConnectorKind::parse(&g.provision).is_none() {
                            option value=(g.provision) selected { (g.provision) }
                        }
                        @for kind in sop::ConnectorKind::ALL {
                            option value=(kind.key()) selected[kind.key() == g.provision] { (kind.label()) }
                        }
                    }
                }
            }
            (lines("registry.details", &g.details, t(Msg::EdRegistryDetails), t(Msg::EdOnePerLine)))
            (rest(user, "registry.rest", &g.rest))
        }
    }
}

/// Up, down and remove buttons of row `n` of `count`.
fn row_buttons(user: &User, action: &str, what: &str, n: usize, count: usize, focus: Option<&str>) -> Markup {
    let p = format!("f-{what}s-{n}");
    html! {
        div.row-ops {
            @if n > 0 { (op_button(action, &format!("{p}-up"), &format!("{what}-up:{n}"), user.t(Msg::EdMoveUp), "↑", focus)) }
            @if n + 1 < count { (op_button(action, &format!("{p}-down"), &format!("{what}-down:{n}"), user.t(Msg::EdMoveDown), "↓", focus)) }
            (op_button(action, &format!("{p}-remove"), &format!("{what}-remove:{n}"), user.t(Msg::Remove), "✕", focus))
        }
    }
}

fn origin_input(name: &str, origin: Option<usize>) -> Markup {
    html! { input type="hidden" name={(name) ".origin"} value=(origin.map(|o| o.to_string()).unwrap_or_default()); }
}

fn lane_row(
    user: &User,
    action: &str,
    n: usize,
    lane: &LaneRow,
    count: usize,
    positions: &[sop::Position],
    focus: Option<&str>,
) -> Markup {
    let p = format!("lanes.{n}");
    let unknown: Vec<&String> =
        lane.positions.iter().filter(|id| !positions.iter().any(|q| &q.id == *id)).collect();
    html! {
        tbody.lane data-row=(n) {
            tr {
                td {
                    (origin_input(&p, lane.origin))
                    (input(&format!("{p}.name"), &lane.name, user.t(Msg::EdLaneName), focus))
                    (input(&format!("{p}.id"), &lane.id, user.t(Msg::EdLaneId), focus))
                    label.check { input type="checkbox" name={(p) ".requester"} id=(fid(&format!("{p}.requester"))) checked[lane.requester]; " " (user.t(Msg::EdRequester)) }
                    label.check { input type="checkbox" name={(p) ".anyone"} id=(fid(&format!("{p}.anyone"))) checked[lane.anyone]; " " (user.t(Msg::EdAnyone)) }
                }
                td {
                    fieldset.positions id=(fid(&format!("{p}.positions"))) {
                        legend.sr-only { (user.t(Msg::EdPositions)) }
                        @for q in positions {
                            label.check { input type="checkbox" name={(p) ".positions"} value=(q.id) checked[lane.positions.contains(&q.id)]; " " (q.name) }
                        }
                        @for id in unknown {
                            label.check.unknown { input type="checkbox" name={(p) ".positions"} value=(id) checked; " " code { (id) } " (" (user.t(Msg::EdUnknownPosition)) ")" }
                        }
                    }
                    (rest(user, &format!("{p}.rest"), &lane.rest))
                }
                td { (row_buttons(user, action, "lane", n, count, focus)) }
            }
        }
    }
}

fn step_row(
    user: &User,
    action: &str,
    n: usize,
    step: &StepRow,
    form: &SopForm,
    focus: Option<&str>,
) -> Markup {
    let p = format!("steps.{n}");
    let f = |name: &str| fid(&format!("{p}.{name}"));
    let lane = step.lanes.first().cloned().unwrap_or_default();
    let partners = step.lanes.iter().skip(1).cloned().collect::<Vec<_>>().join(", ");
    let known_lane = form.lanes.iter().any(|l| l.id == lane);
    let known_action = sop::ActionKind::ALL.iter().any(|k| k.key() == step.action);
    let decide = step.action == sop::ActionKind::Decide.key();
    let t = |m| user.t(m);
    html! {
        tbody.step data-row=(n) draggable="true" class=[decide.then_some("decision")] {
            tr.main {
                td.no {
                    span.drag aria-hidden="true" title=(t(Msg::EdDrag)) { "⠿" }
                    (origin_input(&p, step.origin))
                    label.sr-only for=(f("no")) { (t(Msg::EdNo)) }
                    input type="text" id=(f("no")) name={(p) ".no"} value=(step.no) inputmode="numeric" size="3";
                }
                td {
                    label.sr-only for=(f("activity")) { (t(Msg::EdActivity)) }
                    textarea id=(f("activity")) name={(p) ".activity"} rows="2" autofocus[focus == Some(f("activity").as_str())] { (step.activity) }
                }
                td {
                    label.sr-only for=(f("lane")) { (t(Msg::EdLane)) }
                    select id=(f("lane")) name={(p) ".lane"} {
                        @if !known_lane { option value=(lane) selected { (lane) } }
                        @for l in &form.lanes { option value=(l.id) selected[l.id == lane] { (l.name) } }
                    }
                    @if !partners.is_empty() {
                        small.muted { (t(Msg::EdTogether)) ": " (partners) }
                    }
                    input type="hidden" name={(p) ".partners"} value=(partners);
                }
                td {
                    label.sr-only for=(f("action")) { (t(Msg::EdAction)) }
                    select.action id=(f("action")) name={(p) ".action"} {
                        @if !known_action { option value=(step.action) selected { (step.action) } }
                        @for k in sop::ActionKind::ALL { option value=(k.key()) selected[k.key() == step.action] { (user.lang.action(k)) } }
                    }
                }
                td.time {
                    label.sr-only for=(f("time")) { (t(Msg::EdTime)) }
                    input type="text" id=(f("time")) name={(p) ".time"} value=(step.time) placeholder=(t(Msg::EdTimeHelp)) list="f-times";
                }
                td { (row_buttons(user, action, "step", n, form.steps.len(), focus)) }
            }
            tr.detail {
                td {}
                td colspan="5" {
                    div.cells {
                        div.branch {
                            label for=(f("ya")) { (t(Msg::EdYa)) }
                            input type="text" id=(f("ya")) name={(p) ".ya"} value=(step.ya) list="f-targets" placeholder="—";
                        }
                        div.branch {
                            label for=(f("tidak")) { (t(Msg::EdTidak)) }
                            input type="text" id=(f("tidak")) name={(p) ".tidak"} value=(step.tidak) list="f-targets" placeholder="—";
                        }
                        div.next {
                            label for=(f("next")) { (t(Msg::EdNext)) }
                            input type="text" id=(f("next")) name={(p) ".next"} value=(step.next) list="f-targets" title=(t(Msg::EdNextHelp)) placeholder="—";
                        }
                        div {
                            label for=(f("requirements")) { (t(Msg::EdRequirements)) }
                            textarea id=(f("requirements")) name={(p) ".requirements"} rows="2" { (step.requirements.join("\n")) }
                        }
                        div {
                            label for=(f("outputs")) { (t(Msg::EdOutput)) }
                            textarea id=(f("outputs")) name={(p) ".outputs"} rows="2" { (step.outputs.join("\n")) }
                        }
                        div {
                            label for=(f("remarks")) { (t(Msg::EdRemarks)) }
                            textarea id=(f("remarks")) name={(p) ".remarks"} rows="2" { (step.remarks) }
                        }
                    }
                    details.fields open[!step.fields.is_empty() || !step.attachments.is_empty() || focus.is_some_and(|x| x.starts_with(&fid(&format!("{p}.fields"))) || x.starts_with(&fid(&format!("{p}.attachments"))))] {
                        summary { (t(Msg::EdFieldsAndAttachments)) " (" (step.fields.len() + step.attachments.len()) ")" }
                        (fields_table(user, action, &p, step, focus))
                    }
                    (rest(user, &format!("{p}.rest"), &step.rest))
                }
            }
        }
    }
}

fn fields_table(user: &User, action: &str, p: &str, step: &StepRow, focus: Option<&str>) -> Markup {
    let t = |m| user.t(m);
    html! {
        h4 { (t(Msg::EdFields)) }
        @for (j, field) in step.fields.iter().enumerate() {
            @let q = format!("{p}.fields.{j}");
            @let known = sop::definition::FieldKind::ALL.iter().any(|k| k.key() == field.kind);
            div.subrow data-field=(j) {
                (origin_input(&q, field.origin))
                div.grid3 {
                    div { (input(&format!("{q}.label"), &field.label, t(Msg::EdFieldLabel), focus)) }
                    div { (input(&format!("{q}.name"), &field.name, t(Msg::EdFieldName), focus)) }
                    div {
                        label for=(fid(&format!("{q}.type"))) { (t(Msg::EdFieldType)) }
                        select id=(fid(&format!("{q}.type"))) name={(q) ".type"} {
                            @if !known { option value=(field.kind) selected { (field.kind) } }
                            @for k in sop::definition::FieldKind::ALL { option value=(k.key()) selected[k.key() == field.kind] { (k.key()) } }
                        }
                    }
                    div { label.check { input type="checkbox" name={(q) ".required"} id=(fid(&format!("{q}.required"))) checked[field.required]; " " (t(Msg::EdRequired)) } }
                    div { (input(&format!("{q}.help"), &field.help, t(Msg::EdHelpText), focus)) }
                    div { (lines(&format!("{q}.options"), &field.options, t(Msg::EdOptions), t(Msg::EdOnePerLine))) }
                }
                (rest(user, &format!("{q}.rest"), &field.rest))
                (op_button(action, &fid(&format!("{q}.remove")), &format!("field-remove:{}:{j}", step_index(p)), t(Msg::Remove), &format!("✕ {}", t(Msg::Remove)), focus))
            }
        }
        (op_button(action, &fid(&format!("{p}.fields.add")), &format!("field-add:{}", step_index(p)), t(Msg::EdAddField), &format!("+ {}", t(Msg::EdAddField)), focus))
        h4 { (t(Msg::EdAttachments)) }
        @for (j, attachment) in step.attachments.iter().enumerate() {
            @let q = format!("{p}.attachments.{j}");
            div.subrow data-attachment=(j) {
                (origin_input(&q, attachment.origin))
                div.grid3 {
                    div { (input(&format!("{q}.label"), &attachment.label, t(Msg::EdFieldLabel), focus)) }
                    div { (input(&format!("{q}.name"), &attachment.name, t(Msg::EdFieldName), focus)) }
                    div { (input(&format!("{q}.max_kb"), &attachment.max_kb, t(Msg::EdMaxKb), focus)) }
                    div { label.check { input type="checkbox" name={(q) ".required"} id=(fid(&format!("{q}.required"))) checked[attachment.required]; " " (t(Msg::EdRequired)) } }
                }
                fieldset.checks id=(fid(&format!("{q}.accept"))) {
                    legend { (t(Msg::EdAccept)) }
                    @for kind in sop::ACCEPTED_FILE_KINDS.iter().map(|k| k.to_string()).chain(attachment.accept.iter().filter(|a| !sop::ACCEPTED_FILE_KINDS.contains(&a.as_str())).cloned()) {
                        label.check { input type="checkbox" name={(q) ".accept"} value=(kind) checked[attachment.accept.contains(&kind)]; " " (kind) }
                    }
                }
                (rest(user, &format!("{q}.rest"), &attachment.rest))
                (op_button(action, &fid(&format!("{q}.remove")), &format!("attachment-remove:{}:{j}", step_index(p)), t(Msg::Remove), &format!("✕ {}", t(Msg::Remove)), focus))
            }
        }
        (op_button(action, &fid(&format!("{p}.attachments.add")), &format!("attachment-add:{}", step_index(p)), t(Msg::EdAddAttachment), &format!("+ {}", t(Msg::EdAddAttachment)), focus))
    }
}

fn step_index(prefix: &str) -> &str {
    prefix.rsplit('.').next().unwrap_or("0")
}

/// The findings and the official document of the draft's text.
pub(super) fn preview(user: &User, draft: &SopDraft, refused: Option<&[Diagnostic]>) -> Markup {
    let checked = sop::publication::check(&file_name(draft), &draft.source, user.agency_id());
    let findings = refused.unwrap_or(&checked.findings);
    let errors = findings.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    html! {
        section #temuan data-errors=(errors) data-warnings=(warnings) {
            h2 { (user.t(Msg::SopFindings)) " "
                span.tag.bad { (errors) " " (user.t(Msg::SeverityError)) }
                " " span.tag.warn { (warnings) " " (user.t(Msg::SeverityWarning)) }
            }
            @if findings.is_empty() {
                p.muted { (user.t(Msg::EdNoFindings)) }
            } @else {
                ol.findings {
                    @for d in findings { (finding(user, &draft.source, d)) }
                }
            }
        }
        h2 { (user.t(Msg::EdPreview)) }
        @match &checked.sop {
            Some(sop) => {
                div.doc #dokumen {
                    // Drawn by the sop crate, which escapes every text it draws.
                    @for page in sop::render::pages(sop, Some(&user.agency)) { (PreEscaped(page.svg)) }
                }
            }
            None => { p.muted { (user.t(Msg::EdCannotDraw)) } }
        }
    }
}

fn finding(user: &User, text: &str, d: &Diagnostic) -> Markup {
    let (class, severity) = match d.severity {
        Severity::Error => ("bad", Msg::SeverityError),
        Severity::Warning => ("warn", Msg::SeverityWarning),
    };
    let field = sop::draft_form::field_of(text, d);
    html! {
        li.finding data-code=(d.code) data-field=[field.as_deref()] {
            span.tag.(class) { (user.t(severity)) } " "
            @match &field {
                Some(name) => { a href={"#" (fid(name))} data-focus { (d.message) } }
                None => { (d.message) }
            }
            " " small.muted { code { (d.code) } " · " (user.t(Msg::SopLine)) " " (d.at.line) }
        }
    }
}

/// Where focus goes after an edit of the form's shape.
fn focus_after(edit: Edit, form: &SopForm) -> String {
    match edit {
        Edit::AddLane => format!("f-lanes-{}-name", form.lanes.len().saturating_sub(1)),
        Edit::RemoveLane(_) => "f-lanes-add".into(),
        Edit::MoveLane { from, to } => moved("lanes", from, to, form.lanes.len()),
        Edit::AddStep => format!("f-steps-{}-activity", form.steps.len().saturating_sub(1)),
        Edit::RemoveStep(_) => "f-steps-add".into(),
        Edit::MoveStep { from, to } => moved("steps", from, to, form.steps.len()),
        Edit::AddField(i) => {
            fid(&format!("steps.{i}.fields.{}.label", form.steps[i].fields.len().saturating_sub(1)))
        }
        Edit::RemoveField(i, _) => fid(&format!("steps.{i}.fields.add")),
        Edit::AddAttachment(i) => {
            fid(&format!("steps.{i}.attachments.{}.label", form.steps[i].attachments.len().saturating_sub(1)))
        }
        Edit::RemoveAttachment(i, _) => fid(&format!("steps.{i}.attachments.add")),
    }
}

/// The same button again on the row moved, when it has one (the first row
/// has no "up", the last no "down").
fn moved(rows: &str, from: usize, to: usize, count: usize) -> String {
    let (up, has_up, has_down) = (to < from, to > 0, to + 1 < count);
    let dir = match (up, has_up, has_down) {
        (true, true, _) | (false, _, false) => "up",
        (true, false, _) | (false, _, true) => "down",
    };
    format!("f-{rows}-{to}-{dir}")
}

/// The form sent, with the shape edit its button names, written into the
/// draft's text; `Err` when a part of it is not TOML.
fn written(draft: &SopDraft, posted: &Posted) -> (SopForm, Option<Edit>, Result<String, FormError>) {
    let mut form = posted.form();
    let edit = posted.get("op").and_then(Edit::parse);
    if let Some(edit) = edit {
        form.edit(edit);
    }
    let text = form.write(&draft.source);
    (form, edit, text)
}

pub async fn save(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    admin(&user)?;
    let posted = Posted::new(pairs);
    user.check_csrf(posted.get("csrf"))?;
    let agency = user.agency_id();
    let draft = state.store.sop_draft(agency, &id).await?;
    let (form, edit, text) = written(&draft, &posted);
    let text = match text {
        Ok(text) => text,
        Err(e) => {
            let focus = fid(&e.field);
            let said = Said::NotWritten(e);
            return render(
                &state,
                &user,
                &draft,
                Some(form),
                said,
                Some(&focus),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match state.store.save_sop_draft(agency, &id, posted.revision(), &text, user.person(), now_ms()).await {
        Ok(_) => {
            let focus = edit.map(|e| focus_after(e, &form));
            let to = match focus {
                Some(f) => format!("{BASE}/{id}?fokus={f}#{f}"),
                None => format!("{BASE}/{id}"),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(StoreError::DraftChanged { by, at, .. }) => {
            // The form as typed, on the revision it was read at: saving it
            // again is refused too, until the newest draft is opened.
            let current =
                SopDraft { revision: posted.revision(), ..state.store.sop_draft(agency, &id).await? };
            let said = Said::Conflict { by, at };
            render(&state, &user, &current, Some(form), said, None, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The save made as the form is typed in: the document and findings
/// again, the revision and the line saying when it was saved.
pub async fn autosave(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    admin(&user)?;
    let posted = Posted::new(pairs);
    user.check_csrf(posted.get("csrf"))?;
    let agency = user.agency_id();
    let draft = state.store.sop_draft(agency, &id).await?;
    let org = state.store.organisation(agency).await?;
    let (_, _, text) = written(&draft, &posted);
    let text = match text {
        Ok(text) => text,
        Err(e) => {
            let body = html! {
                p #status-simpan.field-error role="alert" hx-swap-oob="true" data-code="form-not-written" {
                    (user.t(Msg::EdNotSaved)) ": " a href={"#" (fid(&e.field))} data-focus { (e.message) }
                }
                (preview(&user, &draft, None))
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
        }
    };
    match state.store.save_sop_draft(agency, &id, posted.revision(), &text, user.person(), now_ms()).await {
        Ok(saved) => Ok(html! {
            input #f-revisi.revisi type="hidden" name="revisi" value=(saved.revision) hx-swap-oob="true";
            p #status-simpan.muted role="status" hx-swap-oob="true" { (saved_line(&user, &org, &saved)) }
            (preview(&user, &saved, None))
        }
        .into_response()),
        Err(StoreError::DraftChanged { by, at, .. }) => {
            let body = html! {
                div #status-simpan.flash.error role="alert" hx-swap-oob="true" data-code="draft-changed" {
                    p { (user.t(Msg::EdConflict)) }
                    p { (user.t(Msg::EdConflictBy)) " " strong { (org.name(&by)) } ", " (user.clock().datetime(at)) ". "
                        a href={(BASE) "/" (id)} { (user.t(Msg::EdOpenNewest)) } }
                }
                (preview(&user, &draft, None))
            };
            Ok((StatusCode::CONFLICT, body).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The draft's text, byte for byte.
pub async fn download(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    admin(&user)?;
    let draft = state.store.sop_draft(user.agency_id(), &id).await?;
    let disposition = format!("attachment; filename=\"{}\"", file_name(&draft));
    Ok((
        [
            (header::CONTENT_TYPE, "application/toml; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        draft.source,
    )
        .into_response())
}

/// A file's text as the draft's new text, exactly as uploaded.
pub async fn upload_into(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (fields, file) = super::letter_settings::read(multipart, "berkas", MAX_SOP_BYTES, &user).await?;
    let agency = user.agency_id();
    let draft = state.store.sop_draft(agency, &id).await?;
    let text = match uploaded_text(&user, file) {
        Ok(text) => text,
        Err(why) => {
            let said = Said::BadUpload(why);
            return render(&state, &user, &draft, None, said, None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let revision = fields.get("revisi").and_then(|r| r.parse().ok()).unwrap_or(-1);
    store_text(&state, &user, &draft, revision, &text).await
}

/// Saves a whole text (uploaded or typed as TOML), then back to the editor.
async fn store_text(
    state: &AppState,
    user: &User,
    draft: &SopDraft,
    revision: i64,
    text: &str,
) -> Result<Response, WebError> {
    let agency = user.agency_id();
    match state.store.save_sop_draft(agency, &draft.id, revision, text, user.person(), now_ms()).await {
        Ok(_) => Ok(Redirect::to(&format!("{BASE}/{}", draft.id)).into_response()),
        Err(StoreError::DraftChanged { by, at, .. }) => {
            let current = state.store.sop_draft(agency, &draft.id).await?;
            render(state, user, &current, None, Said::Conflict { by, at }, None, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The whole text as TOML in one text area.
pub async fn text_page(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    admin(&user)?;
    let draft = state.store.sop_draft(user.agency_id(), &id).await?;
    let body = html! {
        h1 { (user.t(Msg::EdTextEditor)) ": " (draft.title) }
        p { a href={(BASE) "/" (draft.id)} { "← " (user.t(Msg::EdEditorTitle)) } }
        (text_form(&user, &draft))
    };
    Ok(layout::page(&user, user.t(Msg::EdTextEditor), "/admin", body).into_response())
}

#[derive(Deserialize)]
pub struct TextForm {
    csrf: Option<String>,
    revisi: Option<i64>,
    teks: String,
}

pub async fn save_text(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<TextForm>,
) -> Result<Response, WebError> {
    admin(&user)?;
    user.check_csrf(form.csrf.as_deref())?;
    let draft = state.store.sop_draft(user.agency_id(), &id).await?;
    store_text(&state, &user, &draft, form.revisi.unwrap_or(-1), &form.teks.replace("\r\n", "\n")).await
}

#[derive(Deserialize)]
pub struct RevisionForm {
    csrf: Option<String>,
    revisi: Option<i64>,
}

/// Publishes the draft through the upload's own checks: the form as sent
/// is saved first (the Publish button is in it), then the text published.
pub async fn publish(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    admin(&user)?;
    let posted = Posted::new(pairs);
    user.check_csrf(posted.get("csrf"))?;
    let agency = user.agency_id();
    let mut draft = state.store.sop_draft(agency, &id).await?;
    let revision = posted.revision();
    if posted.get("id").is_some() {
        let (form, _, text) = written(&draft, &posted);
        let text = match text {
            Ok(text) => text,
            Err(e) => {
                let focus = fid(&e.field);
                let said = Said::NotWritten(e);
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return render(&state, &user, &draft, Some(form), said, Some(&focus), status).await;
            }
        };
        match state.store.save_sop_draft(agency, &id, revision, &text, user.person(), now_ms()).await {
            Ok(saved) => draft = saved,
            Err(StoreError::DraftChanged { by, at, .. }) => {
                let current = SopDraft { revision, ..state.store.sop_draft(agency, &id).await? };
                let said = Said::Conflict { by, at };
                return render(&state, &user, &current, Some(form), said, None, StatusCode::CONFLICT).await;
            }
            Err(e) => return Err(e.into()),
        }
    } else if draft.status != DraftStatus::Open || draft.revision != revision {
        let said = Said::Conflict { by: draft.updated_by.clone(), at: draft.updated_at };
        return render(&state, &user, &draft, None, said, None, StatusCode::CONFLICT).await;
    }
    match publish_draft(&state, &user, &draft).await? {
        Outcome::Published { sop, .. } => {
            Ok(Redirect::to(&format!("{BASE}/{id}?terbit={}", sop.version)).into_response())
        }
        Outcome::Refused { why, findings } => {
            let status = match why {
                sop_publishing::Refusal::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
                sop_publishing::Refusal::Version => StatusCode::CONFLICT,
            };
            render(&state, &user, &draft, None, Said::Refused(findings), None, status).await
        }
    }
}

/// Publishes `draft` as it is saved, through the upload's checks, and
/// marks it published under the version it became (the page's and the
/// API's way).
pub(crate) async fn publish_draft(
    state: &AppState,
    user: &User,
    draft: &SopDraft,
) -> Result<Outcome, WebError> {
    let outcome = sop_publishing::publish(state, user, &file_name(draft), &draft.source).await?;
    if let Outcome::Published { sop, .. } = &outcome {
        let (agency, by) = (user.agency_id(), user.person());
        state
            .store
            .mark_sop_draft_published(agency, &draft.id, draft.revision, sop.version, by, now_ms())
            .await?;
    }
    Ok(outcome)
}

pub async fn delete(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<RevisionForm>,
) -> Result<Response, WebError> {
    admin(&user)?;
    user.check_csrf(form.csrf.as_deref())?;
    let agency = user.agency_id();
    let draft = state.store.sop_draft(agency, &id).await?;
    match state.store.delete_sop_draft(agency, &id, form.revisi.unwrap_or(-1), user.person(), now_ms()).await
    {
        Ok(()) => Ok(Redirect::to(&format!("{BASE}?dihapus=1")).into_response()),
        Err(StoreError::DraftChanged { by, at, .. }) => {
            render(&state, &user, &draft, None, Said::Conflict { by, at }, None, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The editor again, saying why the draft was not sent for review (its
/// findings are beside it).
pub(super) async fn refused_send(
    state: &AppState,
    user: &User,
    id: &str,
    e: StoreError,
) -> Result<Response, WebError> {
    let status = match &e {
        StoreError::NotPermitted(_) => StatusCode::FORBIDDEN,
        StoreError::DraftChanged { .. } => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let why = match e {
        StoreError::Engine(engine::EngineError::Invalid(fields)) => {
            fields.iter().map(|f| format!("{}: {}", f.label, f.message)).collect::<Vec<_>>().join("; ")
        }
        StoreError::NotPermitted(why) => why,
        e => e.to_string(),
    };
    let draft = state.store.sop_draft(user.agency_id(), id).await?;
    render(state, user, &draft, None, Said::NotSent(why), None, status).await
}

#[derive(Deserialize)]
pub struct CheckedForm {
    csrf: Option<String>,
    revisi: Option<i64>,
    baris: Option<usize>,
}

/// A value the import was unsure of has been checked: its mark goes.
pub async fn mark_checked(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CheckedForm>,
) -> Result<Response, WebError> {
    admin(&user)?;
    user.check_csrf(form.csrf.as_deref())?;
    let draft = state.store.sop_draft(user.agency_id(), &id).await?;
    let Some(text) = form.baris.and_then(|line| sop::import::mark::without_mark(&draft.source, line)) else {
        return Err(WebError::BadRequest(user.t(Msg::EdUnsureGone).to_string()));
    };
    store_text(&state, &user, &draft, form.revisi.unwrap_or(-1), &text).await
}
