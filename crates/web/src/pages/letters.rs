//! Letters on screen: the documents section of the case page (incoming
//! register row, disposition sheet, draft versions, signed letter), the
//! draft editor and signing controls inside the action form, the
//! disposition sheet as page and PDF, the agency's registers, and the
//! public verification page a letter's QR code opens.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use engine::CaseState;
use maud::{Markup, html};
use serde::Deserialize;
use sop::definition::{Segment, segments};
use sop::{ActionKind, Sop, Step};
use store::letters::{
    DraftReview, DraftVersion, ENCLOSURE_FIELD, Enclosure, FromSrikandi, SENT_AT, SENT_VIA, SRIKANDI_FILE,
    SendVia, Sending,
};
use store::{IncomingLetter, LetterDraft, OutgoingLetter, Paperwork, Signing};

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::{Lang, Msg};
use crate::{AppState, layout, upload};

/// What the case page shows besides its timeline: the case's letters and
/// registers, and its visit when the SOP admits visitors.
#[derive(Default)]
pub struct CaseRecords {
    pub visit: Option<store::visits::VisitRow>,
    /// The entries an access-review case covers.
    pub review: Vec<store::review::ReviewItem>,
    pub incoming: Option<IncomingLetter>,
    /// The letter's draft versions — empty for whoever may not see them
    /// (see [`store::Store::may_see_drafts`]).
    pub drafts: Vec<DraftVersion>,
    pub outgoing: Option<OutgoingLetter>,
    /// What the draft editor starts from (`None`: the SOP has no letter, or
    /// the viewer may not see its drafts).
    pub current: Option<LetterDraft>,
    pub srikandi: bool,
    /// The letter's Lampiran (position, file name).
    pub enclosures: Vec<(i64, String)>,
    /// What connectors did with the entries the case registered.
    pub provisioning: Vec<store::provisioning::Run>,
}

impl CaseRecords {
    pub async fn load(state: &AppState, user: &User, case: &str) -> Result<CaseRecords, WebError> {
        let agency = user.agency_id();
        let internal = may_see_drafts(state, user, case).await?;
        let outgoing = state.store.outgoing_letter(agency, case).await?;
        // The Lampiran are internal like the drafts until the letter is signed.
        let signed = outgoing.as_ref().is_some_and(|o| o.signed_with.is_some());
        Ok(CaseRecords {
            visit: state.store.visit(agency, case).await?,
            provisioning: state.store.runs_of_case(agency, case).await?,
            review: state.store.review_items(agency, case).await?,
            incoming: state.store.incoming_letter(agency, case).await?,
            drafts: if internal { state.store.letter_drafts(agency, case).await? } else { Vec::new() },
            outgoing,
            current: if internal { state.store.current_draft(agency, case).await? } else { None },
            srikandi: user.agency.letters.srikandi,
            enclosures: if internal || signed {
                state.store.letter_enclosures(agency, case).await?
            } else {
                Vec::new()
            },
        })
    }
}

/// Whether `case`'s letter is signed: its Lampiran are then the
/// requester's to read too.
async fn outgoing_signed(state: &AppState, agency: &str, case: &str) -> Result<bool, WebError> {
    Ok(state.store.outgoing_letter(agency, case).await?.is_some_and(|o| o.signed_with.is_some()))
}

async fn may_see_drafts(state: &AppState, user: &User, case: &str) -> Result<bool, WebError> {
    Ok(state.store.may_see_drafts(user.agency_id(), case, user.person(), user.account.is_admin).await?)
}

/// `text` with each unfilled `{placeholder}` (the rule of
/// [`sop::definition::segments`]) shown as a highlighted "[label belum diisi]".
fn marked(user: &User, sop: &Sop, text: &str) -> Markup {
    html! {
        @for segment in segments(text) {
            @match segment {
                Segment::Text(t) => (t),
                Segment::Placeholder(name) => {
                    mark.missing data-placeholder=(name) {
                        "[" (sop.placeholder_label(name).unwrap_or(name)) " " (user.t(Msg::NotFilledIn)) "]"
                    }
                }
            }
        }
    }
}

/// The letter as it would go out, each missing value marked, and above it
/// what is missing (the same rule that refuses approval and signing).
pub fn preview(user: &User, sop: &Sop, draft: &LetterDraft) -> Markup {
    let missing = draft.unfilled(sop);
    html! {
        div.letter-preview #pratinjau-surat {
            @if !missing.is_empty() {
                div.flash.error role="alert" {
                    (user.t(Msg::DraftUnfilled))
                    ul { @for u in &missing { li { strong { (u.label) } " — " code { "{" (u.name) "}" } } } }
                }
            }
            p { strong { (user.t(Msg::LetterSubject)) ": " } (marked(user, sop, &draft.subject)) }
            p.letter-recipient { "Yth. " (marked(user, sop, &draft.recipient)) }
            div.letter-body { (marked(user, sop, &draft.body)) }
            @if !draft.copies.trim().is_empty() {
                div.letter-copies { p { strong { (user.t(Msg::LetterCopies)) ":" } } ol { @for c in draft.copies.lines().filter(|l| !l.trim().is_empty()) { li { (c) } } } }
            }
        }
    }
}

/// The preview of the text being edited, for the editor's live pane.
pub async fn draft_preview(
    State(state): State<AppState>,
    user: User,
    Path(case): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Markup, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    if !may_see_drafts(&state, &user, &case).await? {
        return Err(WebError::Forbidden);
    }
    let stored = state.store.case(user.agency_id(), &case).await?;
    let sop = state.store.sop(user.agency_id(), &stored.sop_id, Some(stored.sop_version)).await?;
    let get = |f: &str| form.get(f).cloned().unwrap_or_default();
    let draft = draft_of(get);
    Ok(preview(&user, &sop, &draft))
}

/// The form fields letter steps add, read back from a submitted form.
pub const DRAFT_FIELDS: [&str; 4] = ["perihal", "kepada", "isi", "tembusan"];

/// The draft a form's fields give, by name.
fn draft_of(get: impl Fn(&str) -> String) -> LetterDraft {
    LetterDraft {
        subject: get("perihal"),
        recipient: get("kepada"),
        body: get("isi"),
        copies: get("tembusan"),
    }
}

/// The paperwork a submitted action form carries for `step`.
pub fn paperwork(
    state: &AppState,
    step: &Step,
    form: &upload::FormData,
) -> (Paperwork, BTreeMap<String, String>) {
    let mut kept = BTreeMap::new();
    let mut paperwork = Paperwork::default();
    if step.action == ActionKind::Draft {
        let files: Vec<Enclosure> = form
            .files
            .iter()
            .filter(|f| f.name == ENCLOSURE_FIELD)
            .map(|f| Enclosure { filename: f.filename.clone(), data: f.data.clone() })
            .collect();
        paperwork.enclosures = (!files.is_empty()).then_some(files);
    }
    match step.action {
        ActionKind::Draft if DRAFT_FIELDS.iter().any(|f| form.text(f).is_some()) => {
            let get = |f: &str| form.text(f).unwrap_or_default().to_string();
            for f in DRAFT_FIELDS {
                kept.insert(f.to_string(), get(f));
            }
            paperwork.draft = Some(draft_of(get));
        }
        ActionKind::Send => {
            let via = form.text(SENT_VIA).map(str::to_string);
            let at = form.text(SENT_AT).map(str::to_string);
            for (name, value) in [(SENT_VIA, &via), (SENT_AT, &at)] {
                if let Some(v) = value {
                    kept.insert(name.to_string(), v.clone());
                }
            }
            paperwork.sending = Some(Sending { via, at });
        }
        ActionKind::Sign => {
            let number = form.text("nomor_srikandi").map(str::to_string);
            if let Some(n) = &number {
                kept.insert("nomor_srikandi".into(), n.clone());
            }
            // An empty passphrase is the store's "wajib diisi", not a wrong
            // one; a returned draft needs none.
            let returned = form.text("verdict") == Some(engine::Verdict::Tidak.key());
            let from_srikandi = form.files.iter().find(|f| f.name == SRIKANDI_FILE);
            paperwork.from_srikandi = from_srikandi
                .filter(|_| !returned)
                .map(|f| FromSrikandi { pdf: f.data.clone(), number: number.clone().unwrap_or_default() });
            let returned = returned || paperwork.from_srikandi.is_some();
            paperwork.signing =
                form.text("kata_sandi").filter(|p| !p.is_empty() && !returned).map(|p| Signing {
                    passphrase: p.to_string(),
                    srikandi_number: number,
                    verify_base: verify_base(state),
                });
        }
        _ => {}
    }
    (paperwork, kept)
}

/// Where signed letters are verified: under the configured public address
/// only — never the request's `Host`, which the client chooses and a
/// signed letter would carry for good. `None` when none is configured
/// (the store then refuses to sign).
pub(crate) fn verify_base(state: &AppState) -> Option<String> {
    state.public_url.as_deref().map(|url| format!("{}/verifikasi/", url.trim_end_matches('/')))
}

fn field_error<'a>(errors: &'a [engine::form::FieldError], field: &str) -> Option<&'a str> {
    errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
}

/// The draft editor or signing controls inside the action form of `step`.
pub fn controls(
    user: &User,
    case: &CaseState,
    sop: &Sop,
    step: &Step,
    letters: &CaseRecords,
    values: &BTreeMap<String, String>,
    errors: &[engine::form::FieldError],
) -> Markup {
    let Some(current) = &letters.current else { return html! {} };
    let value = |f: &str, fallback: &str| values.get(f).cloned().unwrap_or_else(|| fallback.to_string());
    let row = |name: &str, label: Msg, body: Markup| {
        let error = field_error(errors, name);
        html! {
            div.field class=[error.map(|_| "has-error")] {
                label for={"surat-" (name)} { (user.t(label)) }
                (body)
                @if let Some(e) = error { p.field-error { (e) } }
            }
        }
    };
    let returned = letters.drafts.last().filter(|v| v.review == Some(DraftReview::Returned));
    let editing = LetterDraft {
        subject: value("perihal", &current.subject),
        recipient: value("kepada", &current.recipient),
        body: value("isi", &current.body),
        copies: value("tembusan", &current.copies),
    };
    // The preview follows the editor as it is typed in (htmx posts the
    // enclosing form; without script it shows the text as loaded).
    let live = "input changed delay:400ms from:#surat-perihal, input changed delay:400ms from:#surat-kepada, input changed delay:400ms from:#surat-isi, input changed delay:400ms from:#surat-tembusan";
    html! {
        @match step.action {
            ActionKind::Draft => {
                @if let Some(back) = returned {
                    div.flash.warn #catatan-pengembalian role="note" {
                        (user.t(Msg::ReturnedBy)) " " strong { (back.reviewed_by.as_deref().unwrap_or("")) }
                        " (" (user.t(Msg::DraftVersion)) " " (back.version) ")"
                        @if let Some(note) = &back.review_note { ": " q { (note) } }
                    }
                }
                (row("perihal", Msg::LetterSubject, html! {
                    input #surat-perihal type="text" name="perihal" maxlength="300" value=(value("perihal", &current.subject));
                }))
                (row("kepada", Msg::LetterRecipient, html! {
                    textarea #surat-kepada name="kepada" rows="2" maxlength="500" { (value("kepada", &current.recipient)) }
                }))
                (row("isi", Msg::LetterBody, html! {
                    textarea #surat-isi name="isi" rows="14" maxlength="20000" { (value("isi", &current.body)) }
                }))
                (row(ENCLOSURE_FIELD, Msg::LetterEnclosures, html! {
                    @if !letters.enclosures.is_empty() {
                        ul.enclosures { @for (n, name) in &letters.enclosures { li { a href={"/permohonan/" (case.id) "/lampiran-surat/" (n)} { (name) } } } }
                    }
                    input #surat-lampiran type="file" name=(ENCLOSURE_FIELD) accept="application/pdf" multiple;
                    p.muted { (user.t(Msg::LetterEnclosuresHelp)) }
                }))
                (row("tembusan", Msg::LetterCopies, html! {
                    textarea #surat-tembusan name="tembusan" rows="3" maxlength="1000" { (value("tembusan", &current.copies)) }
                    p.muted { (user.t(Msg::LetterCopiesHelp)) }
                }))
                h3 { (user.t(Msg::LetterPreview)) }
                div hx-post={"/permohonan/" (case.id) "/konsep/pratinjau"} hx-trigger=(live) hx-target="this" hx-swap="innerHTML" {
                    (preview(user, sop, &editing))
                }
            }
            ActionKind::Send => {
                @let chosen = value(SENT_VIA, "");
                (row(SENT_VIA, Msg::SentVia, html! {
                    select #surat-dikirim_melalui name=(SENT_VIA) required {
                        option value="" { "—" }
                        @for v in SendVia::ALL { option value=(v.key()) selected[v.key() == chosen] { (v.label()) } }
                    }
                }))
                (row(SENT_AT, Msg::SentAt, html! {
                    input #surat-waktu_kirim type="datetime-local" name=(SENT_AT) value=(value(SENT_AT, ""));
                    p.muted { (user.t(Msg::SentAtHelp)) }
                }))
            }
            ActionKind::Review | ActionKind::Sign => {
                p { a href={"/permohonan/" (case.id) "/konsep.pdf"} target="_blank" { (user.t(Msg::DraftPreview)) } }
                @if let Some(latest) = letters.drafts.last() {
                    details.draft open {
                        summary { (user.t(Msg::DraftVersion)) " " (latest.version) ": " (latest.draft.subject) }
                        (preview(user, sop, &latest.draft))
                    }
                }
                @if step.action == ActionKind::Sign {
                    @if letters.srikandi {
                        (row("nomor_srikandi", Msg::SrikandiNumber, html! {
                            input #surat-nomor_srikandi type="text" name="nomor_srikandi" maxlength="100" value=(value("nomor_srikandi", ""));
                        }))
                        fieldset.srikandi {
                            legend { (user.t(Msg::SrikandiFinalise)) }
                            p.muted { (user.t(Msg::SrikandiFinaliseHelp)) " " a href={"/permohonan/" (case.id) "/srikandi.pdf"} { (user.t(Msg::SrikandiExport)) } }
                            (row(SRIKANDI_FILE, Msg::SrikandiSigned, html! {
                                input #surat-berkas_srikandi type="file" name=(SRIKANDI_FILE) accept="application/pdf";
                            }))
                        }
                    }
                    (row("kata_sandi", Msg::Passphrase, html! {
                        input #surat-kata_sandi type="password" name="kata_sandi" autocomplete="off";
                        p.muted { (user.t(Msg::PassphraseHelp)) }
                    }))
                }
            }
            _ => {}
        }
    }
}

/// The documents section of the case page.
pub fn section(user: &User, case: &CaseState, letters: &CaseRecords) -> Markup {
    let clock = user.clock();
    html! {
        section.card #dokumen {
            h2 { (user.t(Msg::Documents)) }
            ul {
                @if let Some(i) = &letters.incoming {
                    li { (user.t(Msg::IncomingRegister)) ": " strong { (i.agenda) } " · " (i.sender) " · " (i.letter_number) }
                }
                li {
                    a href={"/permohonan/" (case.id) "/disposisi"} { (user.t(Msg::DispositionSheet)) }
                    " (" a href={"/permohonan/" (case.id) "/disposisi.pdf"} { "PDF" } ")"
                }
                @if let Some(o) = letters.outgoing.as_ref().filter(|o| o.signed_with.is_none()) {
                    li.waiting-signature {
                        (user.t(Msg::Number)) " " strong { (o.number) } " · "
                        span.tag.warn { (user.t(Msg::WaitingForSignature)) } " "
                        a href="/agenda/antrean" { (user.t(Msg::SigningQueue)) }
                    }
                } @else if let Some(o) = &letters.outgoing {
                    li {
                        a href={"/permohonan/" (case.id) "/surat.pdf"} { (user.t(Msg::SignedLetter)) }
                        " · " (user.t(Msg::Number)) " " strong { (o.number) }
                        " · " (user.t(Msg::VerificationCode)) " " a href={"/verifikasi/" (o.code)} { code { (o.code) } }
                        @if let Some(sent) = o.sent_at {
                            " · " (user.t(Msg::Sent)) " " (clock.datetime(sent))
                            @if let Some(via) = o.sent_via { " (" (via.label()) ")" }
                        }
                    }
                } @else if letters.current.is_some() {
                    li { a href={"/permohonan/" (case.id) "/konsep.pdf"} { (user.t(Msg::DraftPreview)) } }
                }
                @for (n, name) in &letters.enclosures {
                    li.enclosure { (user.t(Msg::LetterEnclosures)) " " (n) ": " a href={"/permohonan/" (case.id) "/lampiran-surat/" (n)} { (name) } }
                }
            }
            @if !letters.drafts.is_empty() {
                h3 { (user.t(Msg::DraftVersions)) }
                table {
                    thead { tr { th { "#" } th { (user.t(Msg::LetterSubject)) } th { (user.t(Msg::WrittenBy)) } th { (user.t(Msg::Review)) } } }
                    tbody {
                        @for v in &letters.drafts {
                            tr {
                                td { (v.version) }
                                td { details { summary { (v.draft.subject) } pre.letter { (v.draft.recipient) "\n\n" (v.draft.body) } } }
                                td { (v.written_by) br; span.muted { (clock.datetime(v.written_at)) } }
                                td {
                                    @match v.review {
                                        Some(DraftReview::Approved) => { span.tag.ok { (user.t(Msg::Approved)) } }
                                        Some(DraftReview::Returned) => { span.tag.bad { (user.t(Msg::Returned)) } }
                                        None => { span.muted { "—" } }
                                    }
                                    @if let Some(by) = &v.reviewed_by { " " (by) }
                                    @if let Some(n) = &v.review_note { br; q { (n) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn may_see(state: &AppState, user: &User, case: &str) -> Result<(), WebError> {
    if state.store.may_see_case(user.agency_id(), case, user.person(), user.account.is_admin).await? {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

pub(crate) fn pdf_response(filename: &str, data: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}\"", upload::safe_filename(filename)),
            ),
        ],
        data,
    )
        .into_response()
}

pub async fn disposition_page(
    State(state): State<AppState>,
    user: User,
    Path(case): Path<String>,
) -> Result<Markup, WebError> {
    may_see(&state, &user, &case).await?;
    let sheet = state.store.disposition_sheet(user.agency_id(), &case).await?;
    let body = html! {
        h1 { (user.t(Msg::DispositionSheet)) }
        p { a href={"/permohonan/" (case)} { "← " (user.t(Msg::BackToCase)) } " · " a href={"/permohonan/" (case) "/disposisi.pdf"} { "PDF" } }
        table.sheet {
            tbody {
                tr { th { (user.t(Msg::Sender)) } td { (sheet.sender) } th { (user.t(Msg::Received)) } td { (sheet.received) } }
                tr { th { (user.t(Msg::LetterNumber)) } td { (sheet.letter_number) } th { (user.t(Msg::AgendaNumber)) } td { (sheet.agenda_number) } }
                tr { th { (user.t(Msg::LetterDate)) } td { (sheet.letter_date) } th { (user.t(Msg::Nature)) } td { (sheet.nature) } }
                tr { th { (user.t(Msg::LetterSubject)) } td colspan="3" { (sheet.subject) } }
            }
        }
        @if sheet.hops.is_empty() { p.muted { (user.t(Msg::NoDispositionYet)) } }
        @for (i, h) in sheet.hops.iter().enumerate() {
            section.card.hop data-hop=(i + 1) {
                h2 { (user.t(Msg::DispositionNo)) " " (i + 1) }
                table.sheet { tbody {
                    tr { th { (user.t(Msg::HopFrom)) } td { (h.from) } th { (user.t(Msg::DispositionTo)) } td { (h.to) } }
                    tr { th { (user.t(Msg::DispositionNature)) } td.nature { (h.nature) } th { (user.t(Msg::DispositionDue)) } td { @if h.due.is_empty() { "-" } @else { (h.due) } } }
                } }
                p { strong { (user.t(Msg::DispositionInstructions)) ":" } }
                ul.boxes {
                    @for b in &sheet.boxes {
                        @let ticked = h.ticked.contains(b);
                        li data-ticked=(ticked) { @if ticked { "☒ " } @else { "☐ " } (b) }
                    }
                }
                p { strong { (user.t(Msg::Instruction)) ": " } @if h.instruction.is_empty() { "-" } @else { (h.instruction) } }
                p.muted { (user.t(Msg::Paraf)) ": " (h.paraf) ", " (h.at) }
            }
        }
    };
    Ok(layout::page(&user, user.t(Msg::DispositionSheet), "/permohonan", body))
}

pub async fn disposition_pdf(
    State(state): State<AppState>,
    user: User,
    Path(case): Path<String>,
) -> Result<Response, WebError> {
    may_see(&state, &user, &case).await?;
    let sheet = state.store.disposition_sheet(user.agency_id(), &case).await?;
    let name = format!("disposisi-{}.pdf", sheet.agenda_number.replace('/', "-"));
    let pdf = tokio::task::spawn_blocking(move || sheet.to_pdf()).await.map_err(|_| WebError::NotFound)?;
    Ok(pdf_response(&name, pdf))
}

pub async fn letter_pdf(
    State(state): State<AppState>,
    user: User,
    Path(case): Path<String>,
) -> Result<Response, WebError> {
    may_see(&state, &user, &case).await?;
    let (number, pdf) = state.store.letter_pdf(user.agency_id(), &case).await?;
    Ok(pdf_response(&format!("surat-{}.pdf", number.replace('/', "-")), pdf))
}

pub async fn draft_pdf(
    State(state): State<AppState>,
    user: User,
    Path(case): Path<String>,
) -> Result<Response, WebError> {
    // The draft is internal: the requester waits for the signed letter.
    if !may_see_drafts(&state, &user, &case).await? {
        return Err(WebError::Forbidden);
    }
    let pdf = state.store.draft_pdf(user.agency_id(), &case).await?;
    Ok(pdf_response("konsep-surat.pdf", pdf))
}

/// One of the letter's Lampiran: for those handling the case, and for
/// whoever may see the case once the letter is signed.
pub async fn enclosure(
    State(state): State<AppState>,
    user: User,
    Path((case, position)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    // Internal like the drafts until the letter is signed.
    may_see(&state, &user, &case).await?;
    if !(may_see_drafts(&state, &user, &case).await?
        || outgoing_signed(&state, user.agency_id(), &case).await?)
    {
        return Err(WebError::Forbidden);
    }
    let file =
        state.store.letter_enclosure(user.agency_id(), &case, position).await?.ok_or(WebError::NotFound)?;
    Ok(pdf_response(&file.filename, file.data))
}

/// The rule for the Lampiran given at a drafting step.
pub fn enclosure_upload(user: &User) -> sop::definition::Attachment {
    pdf_upload(ENCLOSURE_FIELD, user.t(Msg::LetterEnclosures), 5 * 1024)
}

/// An optional PDF upload a letter step takes besides its SOP's attachments.
fn pdf_upload(name: &str, label: &str, max_kb: u32) -> sop::definition::Attachment {
    sop::definition::Attachment {
        name: name.into(),
        label: label.into(),
        required: false,
        accept: vec!["pdf".into()],
        max_kb,
    }
}

/// The approved draft as SRIKANDI takes it, to finalise and sign there.
pub async fn srikandi_pdf(
    State(state): State<AppState>,
    user: User,
    Path(case): Path<String>,
) -> Result<Response, WebError> {
    if !may_see_drafts(&state, &user, &case).await? {
        return Err(WebError::Forbidden);
    }
    let pdf = state.store.letter_for_srikandi(user.agency_id(), &case).await?;
    Ok(pdf_response("surat-untuk-srikandi.pdf", pdf))
}

/// The rule for the signed PDF taken back from SRIKANDI at a signing step.
pub fn srikandi_upload(user: &User) -> sop::definition::Attachment {
    pdf_upload(SRIKANDI_FILE, user.t(Msg::SrikandiSigned), 10 * 1024)
}

#[derive(Deserialize)]
pub struct YearQuery {
    /// Text, so a cleared or mistyped box shows the page with a note
    /// rather than a bare refusal.
    tahun: Option<String>,
}

/// The incoming and outgoing registers of the user's agency for a year.
pub async fn registers(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<YearQuery>,
) -> Result<Markup, WebError> {
    if !user.may_report {
        return Err(WebError::Forbidden);
    }
    let clock = user.clock();
    let this_year = i64::from(jiff::Timestamp::now().to_zoned(clock.zone.clone()).year());
    let asked = q.tahun.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let understood = asked.and_then(|t| t.parse::<i64>().ok()).filter(|y| (2000..=2100).contains(y));
    let year = understood.unwrap_or(this_year);
    let not_understood = asked.filter(|_| understood.is_none()).map(|asked| {
        user.t(Msg::YearNotUnderstood).replace("{asked}", asked).replace("{year}", &year.to_string())
    });
    let incoming = state.store.incoming_register(user.agency_id(), year).await?;
    let outgoing = state.store.outgoing_register(user.agency_id(), year).await?;
    let voided = state.store.void_numbers(user.agency_id(), year).await?;
    let body = html! {
        h1 { (user.t(Msg::NavRegisters)) " " (year) }
        @if let Some(note) = &not_understood { p.flash.error #tahun-salah role="alert" { (note) } }
        form method="get" action="/agenda" {
            label for="tahun" { (user.t(Msg::Year)) " " }
            input #tahun type="number" name="tahun" min="2000" max="2100" value=(year);
            " " button.secondary type="submit" { (user.t(Msg::Open)) }
        }
        h2 { (user.t(Msg::IncomingRegister)) }
        table #agenda-masuk {
            thead { tr {
                th { (user.t(Msg::AgendaNumber)) } th { (user.t(Msg::Received)) } th { (user.t(Msg::Sender)) }
                th { (user.t(Msg::LetterNumber)) " / " (user.t(Msg::LetterDate)) } th { (user.t(Msg::LetterSubject)) }
                th.hide-sm { (user.t(Msg::Attachments)) } th { (user.t(Msg::ForwardedTo)) }
            } }
            tbody {
                @for r in &incoming {
                    tr {
                        td { a href={"/permohonan/" (r.case_id)} { (r.agenda) } }
                        td { (clock.datetime(r.received_at)) }
                        td { (r.sender) }
                        td { (r.letter_number) br; span.muted { (r.letter_date) } }
                        td { (r.subject) }
                        td.hide-sm { (r.attachments) }
                        td { (r.forwarded_to) }
                    }
                }
            }
        }
        @if incoming.is_empty() { p.muted #agenda-masuk-kosong { (user.t(Msg::NoLettersThisYear)) } }
        h2 { (user.t(Msg::OutgoingRegister)) }
        p { a #ke-antrean href="/agenda/antrean" { (user.t(Msg::SigningQueue)) } }
        table #agenda-keluar {
            thead { tr {
                th { (user.t(Msg::Number)) } th { (user.t(Msg::Date)) } th { (user.t(Msg::Recipient)) }
                th { (user.t(Msg::LetterSubject)) } th.hide-sm { (user.t(Msg::Signer)) } th { (user.t(Msg::Sent)) }
            } }
            tbody {
                @for r in &outgoing {
                    tr {
                        td { a href={"/permohonan/" (r.case_id)} { (r.number) } }
                        td { (clock.datetime(r.dated_at)) }
                        td { (r.recipient) }
                        td { (r.subject) }
                        td.hide-sm { (r.signer) }
                        td {
                            @if r.signed_with.is_none() { span.tag.warn { (user.t(Msg::WaitingForSignature)) } }
                            @else { (clock.maybe(r.sent_at)) @if let Some(via) = r.sent_via { br; span.muted.sent-via { (via.label()) } } }
                        }
                    }
                }
            }
        }
        @if outgoing.is_empty() { p.muted #agenda-keluar-kosong { (user.t(Msg::NoLettersThisYear)) } }
        h3 { (user.t(Msg::VoidNumbers)) }
        @if voided.is_empty() {
            p.muted #nomor-batal-kosong { (user.t(Msg::NoVoidNumbers)) }
        } @else {
            p.muted { (user.t(Msg::VoidNumbersHelp)) }
            table #nomor-batal {
                thead { tr { th { (user.t(Msg::Number)) } th { (user.t(Msg::Date)) } th { (user.t(Msg::Reason)) } } }
                tbody {
                    @for v in &voided {
                        tr {
                            td { a href={"/permohonan/" (v.case_id)} { (v.number) } }
                            td { (clock.datetime(v.voided_at)) }
                            td { (v.reason) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, user.t(Msg::NavRegisters), "/agenda", body))
}

/// The public page a letter's QR code opens. It shows only what the letter
/// itself already shows (and its hash), and the same answer for every
/// unknown code.
pub async fn verify(State(state): State<AppState>, Path(code): Path<String>) -> Result<Response, WebError> {
    let lang = Lang::Id;
    let code = code.trim().to_uppercase();
    let found = if code.len() <= 20 { state.store.verify(&code).await? } else { None };
    let Some(v) = found else {
        // Anyone may open it: no link into the app, which needs a login.
        let body =
            html! { div.card { h1 { (lang.t(Msg::VerifyTitle)) } p { (lang.t(Msg::VerifyNotFound)) } } };
        let page = layout::bare_markup(lang, lang.t(Msg::VerifyTitle), body);
        return Ok((axum::http::StatusCode::NOT_FOUND, page).into_response());
    };
    let zone = jiff::tz::TimeZone::get(&v.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let body = html! {
        div.card #verifikasi {
            h1 { (lang.t(Msg::VerifyTitle)) }
            @if v.intact {
                p.flash.info role="status" { (lang.t(Msg::VerifyFound)) }
            } @else {
                p.flash.error role="alert" { (lang.t(Msg::VerifyBroken)) }
            }
            table {
                tbody {
                    tr { th { "Instansi" } td { (v.agency) } }
                    tr { th { (lang.t(Msg::Number)) } td { (v.number) } }
                    tr { th { (lang.t(Msg::Date)) } td { (store::letters::long_date(v.dated_at, &zone)) } }
                    tr { th { (lang.t(Msg::LetterSubject)) } td { (v.subject) } }
                    tr { th { (lang.t(Msg::Signer)) } td { (v.signer) br; span.muted { (v.signer_title) } } }
                    tr { th { (lang.t(Msg::SignedHow)) } td #cara-tanda-tangan { (v.signed_with.label()) } }
                    tr { th { "SHA-256" } td { code.hash { (v.sha256) } } }
                }
            }
            p.muted { (lang.t(Msg::VerifyHashHelp)) }
        }
    };
    Ok(layout::bare_markup(lang, lang.t(Msg::VerifyTitle), body).into_response())
}
