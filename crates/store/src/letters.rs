//! The letters of a case and the registers they go into: the request is
//! entered in the incoming register (agenda surat masuk) when it arrives;
//! the notification letter is drafted from the SOP's template, each
//! version kept with its review; at signing the letter takes the next
//! outgoing number, is rendered to PDF, signed with the official's
//! certificate and entered in the outgoing register (agenda surat keluar);
//! the send step records when it left. All of it happens inside the
//! transaction of the task that causes it, so a refused or failed step
//! leaves no number used and no row behind.

use std::collections::BTreeMap;

use documents::{Letter, Letterhead, UnlockedKey, Verification};
use engine::case::Verdict;
use engine::disposition::Nature;
use engine::error::Duty;
use engine::form::FieldError;
use engine::notice::NoticeKind;
use engine::{CaseState, Context, EngineError, Organisation};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use sha2::{Digest, Sha256};
use sop::definition::{ActionKind, LETTER_PLACEHOLDERS, LetterTemplate, Unfilled};
use sop::{Agency, Sop};
use sqlx::{Any, Row};

use crate::command::Complete;
use crate::effects::StepDone;
use crate::idempotency::Replay;
use crate::letter_reservation::{self, Reservation, VOID_SIGNATURE_FAILED};
use crate::notice_delivery::Notice;
use crate::record_event::{self, Change, Owner};
use crate::signing_queue::SignedWith;
use crate::{Store, StoreError, WriteTx, new_id};

/// The notification letter's text as the Kasi edits it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LetterDraft {
    pub subject: String,
    /// One line each.
    pub recipient: String,
    pub body: String,
    /// Tembusan: who gets a copy, one per line; may be empty.
    pub copies: String,
}

/// Most lines of a Tembusan.
pub const MAX_COPIES: usize = 10;

/// The refusal field of a signing without a configured public address.
pub const PUBLIC_ADDRESS: &str = "alamat_publik";

/// What signing needs besides the task: the official's passphrase (used
/// for this call only), the number typed from SRIKANDI where the agency
/// numbers there, and the address letters are verified at.
#[derive(Debug, Clone)]
pub struct Signing {
    pub passphrase: String,
    pub srikandi_number: Option<String>,
    /// e.g. `https://sopir.lumajangkab.go.id/verifikasi/`, from the
    /// configured public address — never from a request. `None`: none is
    /// configured, and the letter is not signed (its QR code is permanent).
    pub verify_base: Option<String>,
}

/// A reviewer or signer refused for acting on the draft they wrote
/// themselves (the engine's `OwnDraft`), as reported to their heads.
pub(crate) struct OwnDraftAttempt<'a> {
    pub task: &'a str,
    pub by: &'a str,
    pub duty: Duty,
    pub at: i64,
}

/// Paperwork that comes with completing a task.
#[derive(Debug, Clone, Default)]
pub struct Paperwork {
    pub draft: Option<LetterDraft>,
    pub signing: Option<Signing>,
    pub sending: Option<Sending>,
    /// At the signing step, the letter finalised and signed in SRIKANDI.
    pub from_srikandi: Option<FromSrikandi>,
    /// At the drafting step, the letter's Lampiran anew (replacing those
    /// given before); `None` keeps them.
    pub enclosures: Option<Vec<Enclosure>>,
}

/// A file enclosed with a letter (Lampiran).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enclosure {
    pub filename: String,
    pub data: Vec<u8>,
}

/// Most files a letter encloses.
pub const MAX_ENCLOSURES: usize = 5;

/// The refusal field of the Lampiran.
pub const ENCLOSURE_FIELD: &str = "lampiran";

/// A letter finalised in SRIKANDI, taken back: its signed PDF and the
/// number SRIKANDI gave it.
#[derive(Debug, Clone, Default)]
pub struct FromSrikandi {
    pub pdf: Vec<u8>,
    pub number: String,
}

/// The refusal field of the PDF taken back from SRIKANDI.
pub const SRIKANDI_FILE: &str = "berkas_srikandi";

/// How a signed letter left the agency, as "Kirim" records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendVia {
    Srikandi,
    Email,
    ByHand,
    Courier,
}

/// The lanes of case `$1` (of agency `$2`) in which person `$3` was offered
/// a task. It starts from the case's tasks, not from every task the person
/// was ever offered, whatever the planner knows.
pub(crate) const LANES_OF_CANDIDATE: &str = "SELECT DISTINCT t.lane FROM tasks t
    WHERE t.case_id = $1 AND t.agency_id = $2
        AND EXISTS (SELECT 1 FROM task_candidates k WHERE k.task_id = t.id AND k.person_id = $3)";

impl SendVia {
    pub const ALL: [SendVia; 4] = [SendVia::Srikandi, SendVia::Email, SendVia::ByHand, SendVia::Courier];

    /// As forms send it and the register keeps it.
    pub const fn key(self) -> &'static str {
        match self {
            SendVia::Srikandi => "srikandi",
            SendVia::Email => "email",
            SendVia::ByHand => "langsung",
            SendVia::Courier => "ekspedisi",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            SendVia::Srikandi => "SRIKANDI",
            SendVia::Email => "E-mail",
            SendVia::ByHand => "Diantar langsung",
            SendVia::Courier => "Ekspedisi / pos",
        }
    }

    pub fn parse(key: &str) -> Option<SendVia> {
        SendVia::ALL.into_iter().find(|v| v.key() == key)
    }
}

/// What the sender gives at "Kirim", as typed: how (a [`SendVia`] key)
/// and, when not now, when (`YYYY-MM-DDTHH:MM` on the agency's clock).
#[derive(Debug, Clone, Default)]
pub struct Sending {
    pub via: Option<String>,
    pub at: Option<String>,
}

/// The refusal fields of [`Sending`].
pub const SENT_VIA: &str = "dikirim_melalui";
pub const SENT_AT: &str = "waktu_kirim";

/// An official's PKCS#12 certificate as the letter settings show it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SigningCertificate {
    pub subject: String,
    /// Empty for a certificate uploaded before issuers were kept.
    pub issuer: String,
    /// End of validity, epoch ms.
    pub not_after: Option<i64>,
}

/// How long before a certificate's end administrators are warned.
pub const CERTIFICATE_WARNING_DAYS: i64 = 30;

impl SigningCertificate {
    /// Whether it ends within [`CERTIFICATE_WARNING_DAYS`] of `now` (or has ended).
    pub fn expires_soon(&self, now: i64) -> bool {
        self.not_after.is_some_and(|end| end - now < CERTIFICATE_WARNING_DAYS * 24 * 3_600_000)
    }
}

/// A row of the incoming register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingLetter {
    pub case_id: String,
    /// e.g. `0042/2026`.
    pub agenda: String,
    pub agenda_no: i64,
    pub year: i64,
    pub received_at: i64,
    pub sender: String,
    pub letter_number: String,
    pub letter_date: String,
    pub subject: String,
    pub attachments: String,
    pub forwarded_to: String,
    pub remarks: String,
}

/// What the review of a draft said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftReview {
    Approved,
    /// Sent back to the drafter for another version.
    Returned,
}

impl DraftReview {
    /// As stored.
    pub const fn key(self) -> &'static str {
        match self {
            DraftReview::Approved => "disetujui",
            DraftReview::Returned => "dikembalikan",
        }
    }

    fn parse(key: &str) -> Result<DraftReview, StoreError> {
        [DraftReview::Approved, DraftReview::Returned]
            .into_iter()
            .find(|r| r.key() == key)
            .ok_or_else(|| StoreError::Corrupt(format!("hasil pemeriksaan konsep surat \"{key}\"")))
    }
}

/// One version of a notification letter and what its review said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftVersion {
    pub version: i64,
    pub draft: LetterDraft,
    pub written_by: String,
    pub written_at: i64,
    /// Once reviewed.
    pub review: Option<DraftReview>,
    pub review_note: Option<String>,
    pub reviewed_by: Option<String>,
}

/// A row of the outgoing register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingLetter {
    pub id: String,
    pub case_id: String,
    pub number: String,
    pub seq: Option<i64>,
    pub dated_at: i64,
    pub recipient: String,
    pub subject: String,
    pub signer: String,
    pub signer_title: String,
    pub sent_at: Option<i64>,
    pub code: String,
    pub sha256: String,
    /// How it was signed; `None` while it waits in the signing queue.
    pub signed_with: Option<SignedWith>,
    pub sent_via: Option<SendVia>,
}

/// What the public verification page shows of a signed letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub agency: String,
    pub number: String,
    pub dated_at: i64,
    pub timezone: String,
    pub signer: String,
    pub signer_title: String,
    pub subject: String,
    pub sha256: String,
    /// The stored file still has the recorded hash.
    pub intact: bool,
    pub signed_with: SignedWith,
}

fn local(at: i64, zone: &TimeZone) -> jiff::Zoned {
    Timestamp::from_millisecond(at).expect("valid instant").to_zoned(zone.clone())
}

/// A signature's time as PDF writes it: `D:20261126101500+07'00'`.
pub(crate) fn pdf_date(at: i64, zone: &TimeZone) -> String {
    let z = local(at, zone);
    let offset = z.offset().seconds();
    format!("D:{}{:+03}'{:02}'", z.strftime("%Y%m%d%H%M%S"), offset / 3600, (offset.abs() % 3600) / 60)
}

/// "26 November 2026".
pub fn long_date(at: i64, zone: &TimeZone) -> String {
    civil_date(local(at, zone).date())
}

/// A calendar date written out: "26 November 2026".
pub fn civil_date(d: jiff::civil::Date) -> String {
    format!("{} {} {}", d.day(), sop::date::MONTHS[d.month() as usize - 1], d.year())
}

/// "26 November 2026 09.15" — Indonesian writes times with a dot.
pub fn long_date_time(at: i64, zone: &TimeZone) -> String {
    let z = local(at, zone);
    format!("{} {:02}.{:02}", long_date(at, zone), z.hour(), z.minute())
}

/// An ISO date typed in a form, written out; other text as it is.
fn written_date(text: &str) -> String {
    sop::date::Date::parse_iso(text).map_or_else(|| text.to_string(), |d| d.indonesian())
}

/// A short code that is easy to read aloud and type: no 0/O, 1/I/L.
fn verification_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let chars: Vec<char> =
        bytes.iter().take(12).map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// The values a letter template may use: every field given in the case so
/// far (the latest value wins) and the case's particulars.
fn template_values(
    state: &CaseState,
    org: &Organisation,
    unit_name: &str,
    zone: &TimeZone,
) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    for task in &state.tasks {
        if let Some(input) = &task.input {
            for (name, value) in &input.fields {
                values.insert(name.clone(), written_date(value));
            }
        }
    }
    let [number, requester, unit, date] = LETTER_PLACEHOLDERS;
    values.insert(number.into(), state.number.clone());
    values.insert(requester.into(), org.name(&state.requester));
    values.insert(unit.into(), unit_name.to_string());
    values.insert(date.into(), long_date(state.opened_at, zone));
    values
}

impl LetterDraft {
    /// The placeholders its text still holds (see [`Sop::unfilled`]): while
    /// there is any, the letter is not finished.
    pub fn unfilled(&self, sop: &Sop) -> Vec<Unfilled> {
        sop.unfilled(&[&self.subject, &self.recipient, &self.body, &self.copies])
    }
}

/// What an unfinished letter was refused.
#[derive(Debug, Clone, Copy)]
enum Refused {
    /// Completing the draft, where no review step follows.
    Drafting,
    Approval,
    Signing,
}

/// Refuses an unfinished letter (see [`LetterDraft::unfilled`]), naming
/// each value it lacks: the error's field is `konsep.<name>`, its label
/// the field's own.
fn refuse_unfinished(sop: &Sop, draft: &LetterDraft, refused: Refused) -> Result<(), StoreError> {
    let then = match refused {
        Refused::Drafting => "jadi belum dapat diteruskan untuk ditandatangani; tulis nilainya di konsep",
        Refused::Approval => "jadi belum dapat disetujui; kembalikan kepada penyusunnya untuk dilengkapi",
        Refused::Signing => "jadi belum dapat ditandatangani; penyusunnya harus melengkapinya lebih dulu",
    };
    let errors: Vec<FieldError> = draft
        .unfilled(sop)
        .into_iter()
        .map(|u| {
            let message = format!("belum diisi — konsep surat masih memuat {{{}}}, {then}", u.name);
            FieldError::new(&format!("konsep.{}", u.name), &u.label, message)
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(StoreError::Engine(EngineError::Invalid(errors))) }
}

/// The draft a signing step signs: the latest, approved if the SOP has a
/// review, with every placeholder filled.
fn draft_to_sign(sop: &Sop, latest: Option<DraftVersion>) -> Result<DraftVersion, StoreError> {
    let reviewed = sop.steps.iter().any(|s| s.action == ActionKind::Review);
    let draft = match latest {
        Some(v) if !reviewed || v.review == Some(DraftReview::Approved) => v,
        Some(_) => {
            return Err(StoreError::invalid(
                "kata_sandi",
                "Tanda tangan",
                "konsep surat terakhir belum disetujui",
            ));
        }
        None => {
            return Err(StoreError::invalid(
                "kata_sandi",
                "Tanda tangan",
                "belum ada konsep surat untuk ditandatangani",
            ));
        }
    };
    refuse_unfinished(sop, &draft.draft, Refused::Signing)?;
    Ok(draft)
}

/// Where a signed letter's verification link points: required, since the
/// link and QR code printed on it last for ever.
fn verify_base_of(signing: &Signing) -> Result<String, StoreError> {
    signing.verify_base.clone().ok_or_else(|| {
        StoreError::invalid(
            PUBLIC_ADDRESS,
            "Alamat publik Sopir",
            "belum diatur, jadi surat belum dapat ditandatangani: tautan verifikasi dan kode QR surat \
             bertanda tangan berlaku selamanya. Minta administrator menjalankan Sopir dengan --public-url \
             (atau SOPIR_PUBLIC_URL) berisi alamat yang dibuka masyarakat, mis. https://sopir.lumajangkab.go.id",
        )
    })
}

/// How a signing step's letter gets its signature.
#[allow(clippy::large_enum_variant)]
pub(crate) enum SignatureWork {
    /// In the step's command, with the signer's key if it was opened
    /// beforehand.
    InCommand(Option<UnlockedKey>),
    /// Before the command ([`Store::sign_ahead`]): the command files it.
    Ahead(SignedAhead),
}

/// A letter numbered, rendered and signed before its step's command.
pub(crate) struct SignedAhead {
    pub reservation: Reservation,
    /// What it was made of, checked again in the command.
    pub draft_version: i64,
    pub title: String,
    pub at: i64,
    pub code: String,
    pub pdf: Vec<u8>,
}

/// A letter of a signing step ready to be rendered once it has a number.
struct LetterToSign {
    letterhead: Letterhead,
    place: String,
    attached: Vec<documents::EmbeddedFile>,
    draft: LetterDraft,
    signer_title: String,
    signer_name: String,
    signer_nip: String,
    verify_base: String,
}

impl LetterToSign {
    /// The unsigned PDF with its signature slot.
    fn pdf(self, number: &str, code: &str, at: i64, zone: &TimeZone) -> Vec<u8> {
        let slot = documents::SignatureSlot {
            signer_name: self.signer_name.clone(),
            reason: format!("Surat {number}"),
            location: self.place.clone(),
            date: pdf_date(at, zone),
        };
        let letter = Letter {
            letterhead: self.letterhead,
            place: self.place,
            date: long_date(at, zone),
            number: number.to_string(),
            nature: "Biasa".into(),
            enclosures: enclosure_count(self.attached.len()),
            attached: self.attached,
            subject: self.draft.subject,
            recipient: self.draft.recipient.lines().map(str::to_string).collect(),
            body: self.draft.body,
            signer_title: self.signer_title.replace('\n', ", "),
            signer_name: self.signer_name,
            signer_nip: self.signer_nip,
            copies: self.draft.copies.lines().map(str::to_string).collect(),
            verification: Some(Verification {
                url: format!("{}{code}", self.verify_base),
                code: code.to_string(),
            }),
            draft: false,
        };
        letter.to_pdf(Some(&slot))
    }
}

fn check_draft(draft: LetterDraft) -> Result<LetterDraft, StoreError> {
    let draft = LetterDraft {
        subject: draft.subject.trim().to_string(),
        recipient: draft.recipient.trim().replace("\r\n", "\n"),
        body: draft.body.trim().replace("\r\n", "\n"),
        copies: draft.copies.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n"),
    };
    let mut errors = Vec::new();
    for (field, label, value, max) in [
        ("perihal", "Hal", &draft.subject, 300),
        ("kepada", "Kepada", &draft.recipient, 500),
        ("isi", "Isi surat", &draft.body, 20_000),
    ] {
        if value.is_empty() {
            errors.push(FieldError::new(field, label, "wajib diisi"));
        } else if value.chars().count() > max {
            errors.push(FieldError::new(field, label, format!("paling banyak {max} karakter")));
        }
    }
    if draft.copies.lines().count() > MAX_COPIES || draft.copies.chars().count() > 1000 {
        let message = format!("paling banyak {MAX_COPIES} baris, 1000 karakter");
        errors.push(FieldError::new("tembusan", "Tembusan", message));
    }
    if errors.is_empty() { Ok(draft) } else { Err(StoreError::Engine(EngineError::Invalid(errors))) }
}

impl Store {
    pub(crate) async fn unit_name(&self, agency: &str, unit: &str) -> Result<String, StoreError> {
        let row = sqlx::query("SELECT name FROM units WHERE agency_id = $1 AND id = $2")
            .bind(agency)
            .bind(unit)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("name")).transpose()?.unwrap_or_else(|| unit.to_string()))
    }

    /// Enters a newly submitted request in the incoming register.
    pub(crate) async fn register_incoming(
        &self,
        tx: &mut WriteTx,
        sop: &Sop,
        state: &CaseState,
        attachments: &[String],
        zone: &TimeZone,
    ) -> Result<(), StoreError> {
        let fields =
            state.tasks.first().and_then(|t| t.input.as_ref()).map(|i| i.fields.clone()).unwrap_or_default();
        let sender = match fields.get("unit_kerja") {
            Some(unit) => unit.clone(),
            None => self.unit_name(&state.agency, &state.unit).await?,
        };
        let year = i64::from(local(state.opened_at, zone).year());
        let agenda_no = next_in_sequence(tx, &state.agency, "masuk", "", year).await?;
        let subject = sop.first_step().output_text().unwrap_or_else(|| sop.identity.nama.value.clone());
        sqlx::query(
            "INSERT INTO incoming_letters (case_id, agency_id, year, agenda_no, received_at, sender, letter_number,
                 letter_date, subject, attachments)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&state.id)
        .bind(&state.agency)
        .bind(year)
        .bind(agenda_no)
        .bind(state.opened_at)
        .bind(sender)
        .bind(fields.get("nomor_surat").cloned().unwrap_or_else(|| state.number.clone()))
        .bind(fields.get("tanggal_surat").map_or_else(|| long_date(state.opened_at, zone), |d| written_date(d)))
        .bind(subject)
        .bind(if attachments.is_empty() { "-".to_string() } else { attachments.join(", ") })
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The paperwork of the step `done` in `state` (after the completion):
    /// drafts, reviews, signing and sending of the letter.
    pub(crate) async fn on_completed(
        &self,
        tx: &mut WriteTx,
        ctx: &Context<'_>,
        state: &CaseState,
        done: &StepDone<'_>,
        paperwork: Paperwork,
        signature: SignatureWork,
    ) -> Result<(), StoreError> {
        let (sop, org, zone) = (ctx.sop, ctx.org, &ctx.calendar.zone);
        let StepDone { step, by, at, .. } = *done;
        let input = state.tasks.iter().rev().find(|t| t.step == step.no && t.done_by.as_deref() == Some(by));
        let input = input.and_then(|t| t.input.clone()).unwrap_or_default();
        if matches!(step.action, ActionKind::Dispose | ActionKind::Forward) {
            // The register says where the letter went first.
            let next =
                state.tasks.last().map(|t| sop.lane(&t.lane).map_or(t.lane.clone(), |l| l.name.clone()));
            sqlx::query(
                "UPDATE incoming_letters SET forwarded_to = $1 WHERE case_id = $2 AND forwarded_to = ''",
            )
            .bind(next.unwrap_or_default())
            .bind(&state.id)
            .execute(&mut **tx)
            .await?;
        }
        let Some(template) = &sop.letter else { return Ok(()) };
        match step.action {
            ActionKind::Draft => {
                let draft = match paperwork.draft {
                    Some(d) => d,
                    None => {
                        let latest = drafts(&mut **tx, &state.agency, &state.id).await?.pop();
                        self.draft_or_template(latest, template, org, zone, state).await?
                    }
                };
                let draft = check_draft(draft)?;
                if !sop.steps.iter().any(|s| s.action == ActionKind::Review) {
                    // Nobody reviews it: the drafter's word is the approval.
                    refuse_unfinished(sop, &draft, Refused::Drafting)?;
                }
                let version: i64 = sqlx::query(
                    "SELECT COALESCE(MAX(version), 0) + 1 AS next FROM letter_drafts WHERE case_id = $1",
                )
                .bind(&state.id)
                .fetch_one(&mut **tx)
                .await?
                .try_get("next")?;
                sqlx::query(
                    "INSERT INTO letter_drafts (case_id, version, agency_id, subject, recipient, body, written_by, written_at, copies)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&state.id)
                .bind(version)
                .bind(&state.agency)
                .bind(&draft.subject)
                .bind(&draft.recipient)
                .bind(&draft.body)
                .bind(by)
                .bind(at)
                .bind(&draft.copies)
                .execute(&mut **tx)
                .await?;
                if let Some(enclosures) = paperwork.enclosures {
                    replace_enclosures(tx, &state.agency, &state.id, enclosures, by, at).await?;
                }
            }
            ActionKind::Review | ActionKind::Sign if input.verdict == Some(Verdict::Tidak) => {
                // Returned, at the review or at the signing: the version
                // stays, with who returned it and why.
                let review = (DraftReview::Returned, input.note.as_deref());
                if !mark_latest_draft(tx, &state.id, review, by, at).await? {
                    return Err(StoreError::invalid(
                        "keputusan",
                        "Hasil pemeriksaan",
                        "belum ada konsep surat untuk dikembalikan",
                    ));
                }
            }
            ActionKind::Review => {
                if let Some(latest) = drafts(&mut **tx, &state.agency, &state.id).await?.pop() {
                    refuse_unfinished(sop, &latest.draft, Refused::Approval)?;
                }
                let review = (DraftReview::Approved, input.note.as_deref());
                if !mark_latest_draft(tx, &state.id, review, by, at).await? {
                    return Err(StoreError::invalid(
                        "keputusan",
                        "Hasil pemeriksaan",
                        "belum ada konsep surat untuk diperiksa",
                    ));
                }
            }
            ActionKind::Sign if paperwork.from_srikandi.is_some() => {
                let taken = paperwork.from_srikandi.unwrap_or_default();
                self.take_back_from_srikandi(tx, ctx, state, done, taken).await?;
            }
            ActionKind::Sign => {
                let signing = paperwork.signing.ok_or_else(|| {
                    StoreError::invalid(
                        "kata_sandi",
                        "Kata sandi sertifikat",
                        "wajib diisi untuk menandatangani surat",
                    )
                })?;
                self.sign_letter(tx, ctx, state, done, signing, signature).await?;
            }
            ActionKind::Send => {
                let letter = sqlx::query(
                    "SELECT number, dated_at, signed_with FROM outgoing_letters WHERE case_id = $1",
                )
                .bind(&state.id)
                .fetch_optional(&mut **tx)
                .await?;
                let dated_at: Option<i64> = letter.as_ref().map(|r| r.try_get("dated_at")).transpose()?;
                let waiting = letter
                    .filter(|r| r.try_get::<Option<String>, _>("signed_with").is_ok_and(|w| w.is_none()));
                if let Some(row) = waiting {
                    let number: String = row.try_get("number")?;
                    return Err(StoreError::invalid(
                        "surat",
                        "Surat",
                        format!(
                            "surat nomor {number} belum bertanda tangan — masih di antrean tanda tangan; \
                             kirim setelah ditandatangani"
                        ),
                    ));
                }
                let (via, sent_at) =
                    check_sending(paperwork.sending.unwrap_or_default(), (dated_at, at), zone)?;
                sqlx::query(
                    "UPDATE outgoing_letters SET sent_at = $1, sent_by = $2, sent_via = $3
                     WHERE case_id = $4 AND sent_at IS NULL",
                )
                .bind(sent_at)
                .bind(by)
                .bind(via.key())
                .bind(&state.id)
                .execute(&mut **tx)
                .await?;
            }
            _ => {}
        }
        Ok(())
    }

    async fn sign_letter(
        &self,
        tx: &mut WriteTx,
        ctx: &Context<'_>,
        state: &CaseState,
        done: &StepDone<'_>,
        signing: Signing,
        work: SignatureWork,
    ) -> Result<(), StoreError> {
        let (sop, org, zone) = (ctx.sop, ctx.org, &ctx.calendar.zone);
        let StepDone { by, position, at, .. } = *done;
        let draft = draft_to_sign(sop, drafts(&mut **tx, &state.agency, &state.id).await?.pop())?;
        let verify_base = verify_base_of(&signing)?;
        let key = match work {
            SignatureWork::Ahead(ahead) => {
                return self.file_signed_ahead(tx, ctx, state, done, draft, ahead).await;
            }
            SignatureWork::InCommand(key) => key,
        };
        // Through the agency's signing service, the letter is numbered
        // here and signed by the service once this task is kept (the
        // passphrase goes to the service then, never to the database).
        let remote = self.signing_service(&state.agency).await?.is_some();
        if remote && self.signer_nik(&state.agency, by).await?.is_none() {
            return Err(StoreError::invalid(
                "kata_sandi",
                "NIK penanda tangan",
                "NIK Anda untuk layanan tanda tangan elektronik belum diatur; minta administrator mengisinya di Admin → Kop surat dan sertifikat tanda tangan",
            ));
        }
        // A wrong passphrase is refused before a number is taken.
        let key = match key {
            _ if remote => None,
            Some(key) => Some(key),
            None => Some({
                let p12 = signing_certificate_file(&mut **tx, &state.agency, by).await?.ok_or_else(|| {
                    StoreError::invalid(
                        "kata_sandi",
                        "Sertifikat elektronik",
                        "Anda belum memiliki sertifikat elektronik di Sopir; minta administrator mengunggah berkas PKCS#12 Anda",
                    )
                })?;
                self.unlock(p12, signing.passphrase.clone()).await?
            }),
        };

        let agency = self.cached_agency(&state.agency).await?;
        let year = i64::from(local(at, zone).year());
        let (seq, number) = if agency.letters.srikandi {
            (None, srikandi_number(signing.srikandi_number)?)
        } else {
            let scope = agency.letters.sequence_scope().to_string();
            let seq = next_in_sequence(tx, &state.agency, "keluar", &scope, year).await?;
            let classification = sop.letter.as_ref().and_then(|l| l.classification.as_deref());
            (Some(seq), agency.letters.format_number(classification, seq, year as i16))
        };
        refuse_number_taken(tx, &state.agency, &number).await?;
        let title = org.signing_title(by, position, local(at, zone).date());
        let attached = enclosures_of(&mut **tx, &state.agency, &state.id).await?;
        let letter = self.letter_to_sign(ctx, &agency, (by, &title), &draft, attached, verify_base).await?;
        let code = verification_code();
        let pdf = letter.pdf(&number, &code, at, zone);
        let (signed, signed_with) = match key {
            Some(key) => {
                let signed = key
                    .sign(pdf)
                    .map_err(|e| StoreError::invalid("kata_sandi", "Tanda tangan", e.to_string()))?;
                (signed, Some(SignedWith::Certificate))
            }
            // Waits in the signing queue for the service.
            None => (pdf, None),
        };
        let filed = Filed { draft: &draft, number: &number, seq, year, signer: (by, &title), at, code };
        file_outgoing(tx, state, filed, signed, signed_with).await
    }

    /// Files the letter numbered, rendered and signed before this command
    /// ([`Store::sign_ahead`]) if it is still the letter this step signs:
    /// the same draft, the same signer's title.
    async fn file_signed_ahead(
        &self,
        tx: &mut WriteTx,
        ctx: &Context<'_>,
        state: &CaseState,
        done: &StepDone<'_>,
        draft: DraftVersion,
        ahead: SignedAhead,
    ) -> Result<(), StoreError> {
        let StepDone { by, position, at, .. } = *done;
        let title = ctx.org.signing_title(by, position, local(at, &ctx.calendar.zone).date());
        if ahead.draft_version != draft.version || ahead.title != title || ahead.at != at {
            return Err(StoreError::invalid(
                "kata_sandi",
                "Tanda tangan",
                "konsep surat atau jabatan penanda tangan berubah ketika surat ditandatangani; kirim ulang",
            ));
        }
        let number = ahead.reservation.number.clone();
        refuse_number_taken(tx, &state.agency, &number).await?;
        letter_reservation::file_under(tx, &ahead.reservation).await?;
        let (seq, year) = (Some(ahead.reservation.seq), ahead.reservation.year);
        let filed =
            Filed { draft: &draft, number: &number, seq, year, signer: (by, &title), at, code: ahead.code };
        file_outgoing(tx, state, filed, ahead.pdf, Some(SignedWith::Certificate)).await
    }

    /// What the letter of a signing step is made of, all but its number:
    /// signed by `by` as `title`.
    async fn letter_to_sign(
        &self,
        ctx: &Context<'_>,
        agency: &Agency,
        (by, title): (&str, &str),
        draft: &DraftVersion,
        attached: Vec<documents::EmbeddedFile>,
        verify_base: String,
    ) -> Result<LetterToSign, StoreError> {
        let person = ctx.org.person(by).ok_or_else(|| EngineError::UnknownPerson(by.to_string()))?;
        Ok(LetterToSign {
            letterhead: self.letterhead(agency).await?,
            place: agency.letters.place.clone(),
            attached,
            draft: draft.draft.clone(),
            signer_title: title.to_string(),
            signer_name: person.name.clone(),
            signer_nip: person.nip.clone().unwrap_or_else(|| "-".into()),
            verify_base,
        })
    }

    /// Numbers, renders and signs the letter of `command`'s signing step
    /// before the command takes the write queue, with the signer's `key`
    /// (see [`crate::letter_reservation`]). The key is given back
    /// (`Ok(Err(key))`) when the letter is signed in the command instead:
    /// the step is not a signing of Sopir's own numbering, or something is
    /// not ready — the command then refuses it in its usual order.
    pub(crate) async fn sign_ahead(
        &self,
        command: &Complete,
        key: UnlockedKey,
        replay: Option<&Replay>,
    ) -> Result<Result<SignedAhead, UnlockedKey>, StoreError> {
        let (agency_id, by, at) = (command.agency.as_str(), command.by.as_str(), command.at);
        let paperwork = &command.paperwork;
        let Some(signing) = paperwork.signing.as_ref().filter(|_| paperwork.from_srikandi.is_none()) else {
            return Ok(Err(key));
        };
        if command.input.verdict == Some(Verdict::Tidak) {
            return Ok(Err(key));
        }
        let Ok(state) = self.case(agency_id, &command.case).await else { return Ok(Err(key)) };
        let Some(task) = state.task(&command.task).filter(|t| t.status == engine::TaskStatus::Open) else {
            return Ok(Err(key));
        };
        let Some(position) = task.candidates.iter().find(|c| c.person == by).map(|c| c.position.clone())
        else {
            return Ok(Err(key));
        };
        let sop = self.sop(agency_id, &state.sop_id, Some(state.sop_version)).await?;
        let agency = self.cached_agency(agency_id).await?;
        if agency.letters.srikandi || sop.step(task.step).is_none_or(|s| s.action != ActionKind::Sign) {
            return Ok(Err(key));
        }
        let (org, calendar) =
            (self.cached_organisation(agency_id).await?, self.cached_calendar(agency_id).await?);
        let ctx = Context { sop: &sop, org: &org, calendar: &calendar };
        let zone = calendar.zone.clone();
        let Ok(draft) = draft_to_sign(&sop, drafts(&self.pool, agency_id, &state.id).await?.pop()) else {
            return Ok(Err(key));
        };
        let Ok(verify_base) = verify_base_of(signing) else { return Ok(Err(key)) };
        let title = org.signing_title(by, &position, local(at, &zone).date());
        let attached = enclosures_of(&self.pool, agency_id, &state.id).await?;
        let Ok(letter) =
            self.letter_to_sign(&ctx, &agency, (by, &title), &draft, attached, verify_base).await
        else {
            return Ok(Err(key));
        };
        let year = i64::from(local(at, &zone).year());
        let classification = sop.letter.as_ref().and_then(|l| l.classification.as_deref());
        let number = |seq: i64| agency.letters.format_number(classification, seq, year as i16);
        let scope = agency.letters.sequence_scope();
        let holder = (state.id.as_str(), by, at);
        let reservation = self.reserve_number(agency_id, scope, year, number, holder, replay).await?;
        let code = verification_code();
        let rendered = {
            let (number, code) = (reservation.number.clone(), code.clone());
            tokio::task::spawn_blocking(move || key.sign(letter.pdf(&number, &code, at, &zone))).await
        };
        let failure = match rendered {
            Ok(Ok(pdf)) => {
                let ahead = SignedAhead { reservation, draft_version: draft.version, title, at, code, pdf };
                return Ok(Ok(ahead));
            }
            Ok(Err(e)) => StoreError::invalid("kata_sandi", "Tanda tangan", e.to_string()),
            Err(e) => StoreError::Corrupt(format!("penandatanganan terhenti: {e}")),
        };
        tracing::warn!("surat nomor {} tidak dapat ditandatangani: {failure}", reservation.number);
        if let Err(e) = self.release_reservation(&reservation, VOID_SIGNATURE_FAILED, at).await {
            tracing::warn!("nomor surat {} belum dilepas (dicoba lagi nanti): {e}", reservation.number);
        }
        Err(failure)
    }

    /// Records the letter of `state` finalised and signed in SRIKANDI: the
    /// approved draft's PDF taken back with SRIKANDI's number, its
    /// signature checked, the number entered in the outgoing register
    /// (never one of Sopir's own: no double numbering).
    async fn take_back_from_srikandi(
        &self,
        tx: &mut WriteTx,
        ctx: &Context<'_>,
        state: &CaseState,
        done: &StepDone<'_>,
        taken: FromSrikandi,
    ) -> Result<(), StoreError> {
        let (org, zone) = (ctx.org, &ctx.calendar.zone);
        let StepDone { by, position, at, .. } = *done;
        let agency = self.cached_agency(&state.agency).await?;
        if !agency.letters.srikandi {
            return Err(StoreError::invalid(
                SRIKANDI_FILE,
                "Surat dari SRIKANDI",
                "instansi ini tidak menyelesaikan surat di SRIKANDI; tandatangani surat di Sopir",
            ));
        }
        let draft = match drafts(&mut **tx, &state.agency, &state.id).await?.pop() {
            Some(v) if v.review != Some(DraftReview::Returned) => v,
            _ => {
                return Err(StoreError::invalid(
                    SRIKANDI_FILE,
                    "Surat dari SRIKANDI",
                    "belum ada konsep surat yang disetujui untuk diselesaikan di SRIKANDI",
                ));
            }
        };
        let number = srikandi_number(Some(taken.number))?;
        let checked = documents::verify_pdf(&taken.pdf).map_err(|e| {
            StoreError::invalid(SRIKANDI_FILE, "Surat bertanda tangan dari SRIKANDI", e.to_string())
        })?;
        if !checked.covers_whole_file {
            return Err(StoreError::invalid(
                SRIKANDI_FILE,
                "Surat bertanda tangan dari SRIKANDI",
                "berkas diubah setelah ditandatangani (tanda tangannya tidak mencakup seluruh berkas)",
            ));
        }
        refuse_number_taken(tx, &state.agency, &number).await?;
        let year = i64::from(local(at, zone).year());
        let title = org.signing_title(by, position, local(at, zone).date());
        let code = verification_code();
        let filed = Filed { draft: &draft, number: &number, seq: None, year, signer: (by, &title), at, code };
        file_outgoing(tx, state, filed, taken.pdf, Some(SignedWith::Srikandi)).await
    }

    /// Tells the heads of `by` — one level above the position in which
    /// `by` would have acted on `task`, and whoever an acting official
    /// stands in for — that `by` tried to review or sign a letter they
    /// drafted themselves and was refused, so that someone else is
    /// assigned. Told once per case and person, however often it is tried.
    pub(crate) async fn report_own_draft(
        &self,
        tx: &mut WriteTx,
        ctx: &Context<'_>,
        state: &CaseState,
        attempt: OwnDraftAttempt<'_>,
    ) -> Result<(), StoreError> {
        let OwnDraftAttempt { task, by, duty, at } = attempt;
        let org = ctx.org;
        let Some(candidate) =
            state.task(task).and_then(|t| t.candidates.iter().find(|c| c.person == by)).cloned()
        else {
            return Ok(());
        };
        let today = ctx.local_date(at);
        let mut heads = org.escalation_chain(std::slice::from_ref(&candidate), 1, today);
        heads.extend(candidate.acting_for.clone().filter(|h| h != by));
        heads.sort();
        heads.dedup();
        let step = state.task(task).map_or(0, |t| t.step);
        let message = format!(
            "{} menyusun sendiri konsep surat permohonan {} dan ditolak ketika hendak {} juga (langkah {step}). \
             Pemeriksa dan penanda tangan harus orang lain dari penyusunnya: tunjuk pejabat lain (mis. Plh) untuk langkah itu.",
            org.name(by),
            state.number,
            match duty {
                Duty::Review => "memeriksanya",
                Duty::Sign => "menandatanganinya",
            },
        );
        for head in heads {
            let told = sqlx::query(
                "SELECT 1 FROM notifications WHERE agency_id = $1 AND person_id = $2 AND case_id = $3 AND message = $4",
            )
            .bind(&state.agency)
            .bind(&head)
            .bind(&state.id)
            .bind(&message)
            .fetch_optional(&mut **tx)
            .await?;
            if told.is_none() {
                let notice =
                    Notice::new(&state.agency, &head, &state.id, NoticeKind::Oversight, &message, at);
                self.notify(tx, notice).await?;
            }
        }
        Ok(())
    }

    /// The signer's key for completing `task` of `case`, opened before the
    /// command takes the write queue when the task is a signing step: the
    /// passphrase's key derivation is slow on purpose, and the queue serves
    /// everyone else meanwhile. `None` when there is nothing to open or it
    /// cannot be opened — the signing inside the queue then opens it itself
    /// and reports what is wrong in its usual order (the draft first).
    pub(crate) async fn unlock_ahead(
        &self,
        agency: &str,
        case: &str,
        task: &str,
        by: &str,
        signing: Option<&Signing>,
    ) -> Result<Option<UnlockedKey>, StoreError> {
        let Some(signing) = signing else { return Ok(None) };
        let row = sqlx::query(
            "SELECT t.step, c.sop_id, c.sop_version FROM tasks t JOIN cases c ON c.id = t.case_id
             WHERE t.id = $1 AND t.case_id = $2 AND c.agency_id = $3",
        )
        .bind(task)
        .bind(case)
        .bind(agency)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let version = u32::try_from(row.try_get::<i64, _>("sop_version")?).unwrap_or_default();
        let sop = self.sop(agency, &row.try_get::<String, _>("sop_id")?, Some(version)).await?;
        let step = u32::try_from(row.try_get::<i64, _>("step")?).ok().and_then(|no| sop.step(no));
        if sop.letter.is_none() || step.is_none_or(|s| s.action != ActionKind::Sign) {
            return Ok(None);
        }
        // Through a signing service no key of Sopir's is opened.
        if self.signing_service(agency).await?.is_some() {
            return Ok(None);
        }
        let Some(p12) = signing_certificate_file(&self.pool, agency, by).await? else { return Ok(None) };
        Ok(self.unlock(p12, signing.passphrase.clone()).await.ok())
    }

    /// The draft the Kasi starts from: the latest version, or the SOP's
    /// template filled with the case's data.
    async fn draft_or_template(
        &self,
        latest: Option<DraftVersion>,
        template: &LetterTemplate,
        org: &Organisation,
        zone: &TimeZone,
        state: &CaseState,
    ) -> Result<LetterDraft, StoreError> {
        if let Some(latest) = latest {
            return Ok(latest.draft);
        }
        let unit = self.unit_name(&state.agency, &state.unit).await?;
        let values = template_values(state, org, &unit, zone);
        Ok(LetterDraft {
            subject: LetterTemplate::fill(&template.subject, &values),
            recipient: LetterTemplate::fill(&template.recipient, &values),
            body: LetterTemplate::fill(template.body.trim(), &values),
            copies: String::new(),
        })
    }

    /// Whether `person` may read the drafts of `case`'s letter: they are
    /// the agency's internal work, for the officials handling the case
    /// (candidates of a step outside the requester's lane) and the agency's
    /// administrators — not for the requester, who gets the signed letter.
    pub async fn may_see_drafts(
        &self,
        agency: &str,
        case: &str,
        person: &str,
        is_admin: bool,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT sop_id, sop_version FROM cases WHERE agency_id = $1 AND id = $2")
            .bind(agency)
            .bind(case)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(false) };
        if is_admin {
            return Ok(true);
        }
        let version = u32::try_from(row.try_get::<i64, _>("sop_version")?).unwrap_or_default();
        let sop = self.sop(agency, &row.try_get::<String, _>("sop_id")?, Some(version)).await?;
        let lanes = sqlx::query(LANES_OF_CANDIDATE)
            .bind(case)
            .bind(agency)
            .bind(person)
            .fetch_all(&self.pool)
            .await?;
        for lane in lanes {
            let lane: String = lane.try_get("lane")?;
            if sop.lane(&lane).is_some_and(|l| !l.requester) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The draft to show in the editor of `case` (see [`Store::draft_or_template`]);
    /// `None` when its SOP has no letter.
    pub async fn current_draft(&self, agency: &str, case: &str) -> Result<Option<LetterDraft>, StoreError> {
        let state = self.case(agency, case).await?;
        let sop = self.sop(agency, &state.sop_id, Some(state.sop_version)).await?;
        let Some(template) = &sop.letter else { return Ok(None) };
        let org = self.organisation(agency).await?;
        let zone = self.calendar(agency).await?.zone;
        // No transaction here: holding one connection while asking the pool
        // for another can exhaust a small pool under load.
        let latest = drafts(&self.pool, agency, case).await?.pop();
        Ok(Some(self.draft_or_template(latest, template, &org, &zone, &state).await?))
    }

    /// The letterhead of `agency`, with its logo when one was uploaded.
    pub async fn letterhead(&self, agency: &Agency) -> Result<Letterhead, StoreError> {
        let logo = sqlx::query("SELECT png FROM agency_logos WHERE agency_id = $1")
            .bind(&agency.id)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get::<Vec<u8>, _>("png"))
            .transpose()?
            .and_then(|png| documents::Image::from_png(&png).ok());
        Ok(Letterhead { lines: agency.letterhead.clone(), address: agency.address.clone(), logo })
    }

    /// Sets the logo printed in `agency`'s letterhead; the PNG is decoded
    /// first. `by`: the administrator.
    pub async fn put_logo(
        &self,
        agency: &str,
        png: Vec<u8>,
        at: i64,
        by: Option<&str>,
    ) -> Result<(), StoreError> {
        documents::Image::from_png(&png).map_err(|e| StoreError::invalid("logo", "Logo", e.to_string()))?;
        let change = Change::LogoSet { sha256: record_event::sha256(&png) };
        let upsert = sqlx::query(
            "INSERT INTO agency_logos (agency_id, png, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (agency_id) DO UPDATE SET png = $2, updated_at = $3",
        )
        .bind(agency)
        .bind(png)
        .bind(at);
        self.write_recorded(upsert, Owner::Agency(agency), by, change, at).await?;
        Ok(())
    }

    /// Keeps `person`'s PKCS#12 signing certificate, once it opens with
    /// `passphrase` (which is not kept). Returns the certificate's subject.
    /// `by`: the administrator.
    pub async fn put_signing_certificate(
        &self,
        agency: &str,
        person: &str,
        p12: Vec<u8>,
        passphrase: &str,
        at: i64,
        by: Option<&str>,
    ) -> Result<String, StoreError> {
        let info = self
            .open_p12(p12.clone(), passphrase.to_string())
            .await?
            .map_err(|e| StoreError::invalid("sertifikat", "Sertifikat elektronik", e.to_string()))?
            .info();
        let org = self.organisation(agency).await?;
        if org.person(person).is_none() {
            return Err(StoreError::NotFound(format!("pegawai {person}")));
        }
        let change = Change::SigningCertificateSet {
            person: person.into(),
            subject: info.subject.clone(),
            sha256: record_event::sha256(&p12),
        };
        let upsert = sqlx::query(
            "INSERT INTO signing_certificates (person_id, agency_id, p12, subject, created_at, issuer, not_after)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (person_id) DO UPDATE SET p12 = $3, subject = $4, created_at = $5, issuer = $6, not_after = $7",
        )
        .bind(person)
        .bind(agency)
        .bind(p12)
        .bind(&info.subject)
        .bind(at)
        .bind(&info.issuer)
        .bind(info.not_after_unix().map(|s| s * 1000));
        self.write_recorded(upsert, Owner::Agency(agency), by, change, at).await?;
        Ok(info.subject)
    }

    /// `person`'s signing certificate kept in Sopir, if any: whose, by
    /// whom issued, until when.
    pub async fn signing_certificate(
        &self,
        agency: &str,
        person: &str,
    ) -> Result<Option<SigningCertificate>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT subject, issuer, not_after FROM signing_certificates WHERE person_id = $1 AND agency_id = $2",
        )
        .bind(person)
        .bind(agency)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The incoming-register row of `case`.
    pub async fn incoming_letter(
        &self,
        agency: &str,
        case: &str,
    ) -> Result<Option<IncomingLetter>, StoreError> {
        self.incoming_letter_in(&self.hot, agency, case).await
    }

    /// As [`Store::incoming_letter`], read through `executor` (a command's
    /// transaction sees what it wrote).
    pub(crate) async fn incoming_letter_in<'e, E>(
        &self,
        executor: E,
        agency: &str,
        case: &str,
    ) -> Result<Option<IncomingLetter>, StoreError>
    where
        E: sqlx::Executor<'e, Database = Any>,
    {
        let rows =
            self.incoming_rows(executor, "WHERE agency_id = $1 AND case_id = $2", agency, case).await?;
        Ok(rows.into_iter().next())
    }

    /// The incoming register of `agency` for `year`, in agenda order.
    pub async fn incoming_register(
        &self,
        agency: &str,
        year: i64,
    ) -> Result<Vec<IncomingLetter>, StoreError> {
        self.incoming_rows(
            &self.pool,
            "WHERE agency_id = $1 AND year = CAST($2 AS BIGINT) ORDER BY agenda_no",
            agency,
            &year.to_string(),
        )
        .await
    }

    async fn incoming_rows<'e, E>(
        &self,
        executor: E,
        filter: &'static str,
        agency: &str,
        arg: &str,
    ) -> Result<Vec<IncomingLetter>, StoreError>
    where
        E: sqlx::Executor<'e, Database = Any>,
    {
        // `filter` is one of this module's constant clauses.
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT case_id, year, agenda_no, received_at, sender, letter_number, letter_date, subject, attachments,
                 forwarded_to, remarks FROM incoming_letters {filter}"
        )))
        .bind(agency)
        .bind(arg)
        .fetch_all(executor)
        .await?;
        rows.iter()
            .map(|r| {
                let year: i64 = r.try_get("year")?;
                let agenda_no: i64 = r.try_get("agenda_no")?;
                Ok(IncomingLetter {
                    case_id: r.try_get("case_id")?,
                    agenda: format!("{agenda_no:04}/{year}"),
                    agenda_no,
                    year,
                    received_at: r.try_get("received_at")?,
                    sender: r.try_get("sender")?,
                    letter_number: r.try_get("letter_number")?,
                    letter_date: r.try_get("letter_date")?,
                    subject: r.try_get("subject")?,
                    attachments: r.try_get("attachments")?,
                    forwarded_to: r.try_get("forwarded_to")?,
                    remarks: r.try_get("remarks")?,
                })
            })
            .collect()
    }

    /// Every version of `case`'s notification letter, oldest first.
    pub async fn letter_drafts(&self, agency: &str, case: &str) -> Result<Vec<DraftVersion>, StoreError> {
        let org = self.cached_organisation(agency).await?;
        let mut versions = drafts(&self.pool, agency, case).await?;
        for v in &mut versions {
            v.written_by = org.name(&v.written_by);
            v.reviewed_by = v.reviewed_by.as_deref().map(|p| org.name(p));
        }
        Ok(versions)
    }

    /// The outgoing register of `agency` for `year`, in number order.
    pub async fn outgoing_register(
        &self,
        agency: &str,
        year: i64,
    ) -> Result<Vec<OutgoingLetter>, StoreError> {
        self.outgoing_rows(
            &self.pool,
            "WHERE agency_id = $1 AND year = CAST($2 AS BIGINT) ORDER BY dated_at, number",
            agency,
            &year.to_string(),
        )
        .await
    }

    /// The signed letter of `case`, if it has been signed.
    pub async fn outgoing_letter(
        &self,
        agency: &str,
        case: &str,
    ) -> Result<Option<OutgoingLetter>, StoreError> {
        self.outgoing_letter_in(&self.hot, agency, case).await
    }

    /// As [`Store::outgoing_letter`], read through `executor` (a command's
    /// transaction sees what it wrote).
    pub(crate) async fn outgoing_letter_in<'e, E>(
        &self,
        executor: E,
        agency: &str,
        case: &str,
    ) -> Result<Option<OutgoingLetter>, StoreError>
    where
        E: sqlx::Executor<'e, Database = Any>,
    {
        let rows =
            self.outgoing_rows(executor, "WHERE agency_id = $1 AND case_id = $2", agency, case).await?;
        Ok(rows.into_iter().next())
    }

    async fn outgoing_rows<'e, E>(
        &self,
        executor: E,
        filter: &'static str,
        agency: &str,
        arg: &str,
    ) -> Result<Vec<OutgoingLetter>, StoreError>
    where
        E: sqlx::Executor<'e, Database = Any>,
    {
        let org = self.cached_organisation(agency).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id, case_id, number, seq, dated_at, recipient, subject, signer_id, signer_title, sent_at, code, sha256,
                 signed_with, sent_via
             FROM outgoing_letters {filter}"
        )))
        .bind(agency)
        .bind(arg)
        .fetch_all(executor)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OutgoingLetter {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    number: r.try_get("number")?,
                    seq: r.try_get("seq")?,
                    dated_at: r.try_get("dated_at")?,
                    recipient: r.try_get("recipient")?,
                    subject: r.try_get("subject")?,
                    signer: org.name(&r.try_get::<String, _>("signer_id")?),
                    signer_title: r.try_get("signer_title")?,
                    sent_at: r.try_get("sent_at")?,
                    code: r.try_get("code")?,
                    sha256: r.try_get("sha256")?,
                    signed_with: r
                        .try_get::<Option<String>, _>("signed_with")?
                        .as_deref()
                        .and_then(SignedWith::parse),
                    sent_via: r.try_get::<Option<String>, _>("sent_via")?.as_deref().and_then(SendVia::parse),
                })
            })
            .collect()
    }

    /// The signed PDF of `case`'s letter.
    pub async fn letter_pdf(&self, agency: &str, case: &str) -> Result<(String, Vec<u8>), StoreError> {
        let row = sqlx::query(
            "SELECT number, pdf FROM outgoing_letters
                 WHERE agency_id = $1 AND case_id = $2 AND signed_with IS NOT NULL",
        )
        .bind(agency)
        .bind(case)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound("surat bertanda tangan".into()))?;
        Ok((row.try_get("number")?, row.try_get("pdf")?))
    }

    /// The latest draft of `case`'s letter as an unsigned PDF marked KONSEP.
    pub async fn draft_pdf(&self, agency: &str, case: &str) -> Result<Vec<u8>, StoreError> {
        let draft = self
            .current_draft(agency, case)
            .await?
            .ok_or_else(|| StoreError::NotFound("templat surat".into()))?;
        let profile = self.agency(agency).await?;
        let zone = self.calendar(agency).await?.zone;
        let now = Timestamp::now().as_millisecond();
        let number = profile.letters.format_number(None, 0, local(now, &zone).year()).replace("/0/", "/…/");
        self.unsigned_letter((agency, case), draft, number, true).await
    }

    /// The names of `case`'s Lampiran, by position.
    pub async fn letter_enclosures(
        &self,
        agency: &str,
        case: &str,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT position, filename FROM letter_enclosures WHERE agency_id = $1 AND case_id = $2 ORDER BY position",
        )
        .bind(agency)
        .bind(case)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("position")?, r.try_get("filename")?))).collect()
    }

    /// One of `case`'s Lampiran: its name and content.
    pub async fn letter_enclosure(
        &self,
        agency: &str,
        case: &str,
        position: i64,
    ) -> Result<Option<Enclosure>, StoreError> {
        let row = sqlx::query(
            "SELECT filename, data FROM letter_enclosures WHERE agency_id = $1 AND case_id = $2 AND position = $3",
        )
        .bind(agency)
        .bind(case)
        .bind(position)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok(Enclosure { filename: r.try_get("filename")?, data: r.try_get("data")? })).transpose()
    }

    /// The approved draft of `case`'s letter as SRIKANDI takes it: without
    /// the KONSEP mark, a number, a signature or Sopir's QR code — SRIKANDI
    /// gives the number and the signature.
    pub async fn letter_for_srikandi(&self, agency: &str, case: &str) -> Result<Vec<u8>, StoreError> {
        let approved = drafts(&self.pool, agency, case)
            .await?
            .pop()
            .filter(|v| v.review == Some(DraftReview::Approved))
            .ok_or_else(|| StoreError::NotFound("konsep surat yang disetujui".into()))?;
        self.unsigned_letter((agency, case), approved.draft, String::new(), false).await
    }

    /// `draft` of `case` laid out as the agency's letter, unsigned.
    async fn unsigned_letter(
        &self,
        (agency, case): (&str, &str),
        draft: LetterDraft,
        number: String,
        mark: bool,
    ) -> Result<Vec<u8>, StoreError> {
        let attached = enclosures_of(&self.pool, agency, case).await?;
        let profile = self.agency(agency).await?;
        let zone = self.calendar(agency).await?.zone;
        let now = Timestamp::now().as_millisecond();
        let letter = Letter {
            letterhead: self.letterhead(&profile).await?,
            place: profile.letters.place.clone(),
            date: long_date(now, &zone),
            number,
            nature: "Biasa".into(),
            enclosures: enclosure_count(attached.len()),
            attached,
            subject: draft.subject,
            recipient: draft.recipient.lines().map(str::to_string).collect(),
            body: draft.body,
            // Whoever signs, the letter is the Head's.
            signer_title: self
                .organisation(agency)
                .await?
                .positions
                .iter()
                .find(|p| p.has(engine::organisation::PositionRight::HeadsAgency))
                .map_or_else(|| profile.name.clone(), |p| p.name.clone()),
            signer_name: "(nama pejabat penanda tangan)".into(),
            signer_nip: "…".into(),
            copies: draft.copies.lines().map(str::to_string).collect(),
            verification: None,
            draft: mark,
        };
        Ok(letter.to_pdf(None))
    }

    /// The letter behind a verification code, for anyone holding the code.
    pub async fn verify(&self, code: &str) -> Result<Option<Verified>, StoreError> {
        let row = sqlx::query(
            "SELECT o.number, o.dated_at, o.signer_title, o.subject, o.sha256, o.pdf, o.signed_with, p.name AS signer,
                 a.government, a.name AS agency, a.timezone
             FROM outgoing_letters o JOIN people p ON p.id = o.signer_id JOIN agencies a ON a.id = o.agency_id
             WHERE o.code = $1 AND o.signed_with IS NOT NULL",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let pdf: Vec<u8> = row.try_get("pdf")?;
        let sha256: String = row.try_get("sha256")?;
        let actual: String = Sha256::digest(&pdf).iter().map(|b| format!("{b:02x}")).collect();
        Ok(Some(Verified {
            agency: format!(
                "{} {}",
                row.try_get::<String, _>("agency")?,
                row.try_get::<String, _>("government")?.replace("Pemerintah ", "")
            ),
            number: row.try_get("number")?,
            dated_at: row.try_get("dated_at")?,
            timezone: row.try_get("timezone")?,
            signer: row.try_get("signer")?,
            signer_title: row.try_get("signer_title")?,
            subject: row.try_get("subject")?,
            intact: actual == sha256,
            sha256,
            signed_with: row
                .try_get::<Option<String>, _>("signed_with")?
                .as_deref()
                .and_then(SignedWith::parse)
                .unwrap_or(SignedWith::Certificate),
        }))
    }

    /// The disposition sheet of `case`: the incoming letter's particulars
    /// and each hop of its disposition.
    pub async fn disposition_sheet(
        &self,
        agency: &str,
        case: &str,
    ) -> Result<documents::DispositionSheet, StoreError> {
        let state = self.case(agency, case).await?;
        let sop = self.sop(agency, &state.sop_id, Some(state.sop_version)).await?;
        let org = self.organisation(agency).await?;
        let zone = self.calendar(agency).await?.zone;
        let profile = self.agency(agency).await?;
        let incoming = self.incoming_letter(agency, case).await?;
        let lane_name = |lane: &str| sop.lane(lane).map_or_else(|| lane.to_string(), |l| l.name.clone());
        let mut hops = Vec::new();
        for (i, task) in state.tasks.iter().enumerate() {
            let step = sop.step(task.step);
            let (Some(step), Some(by), Some(done_at)) = (step, &task.done_by, task.done_at) else { continue };
            if !matches!(step.action, ActionKind::Dispose | ActionKind::Forward) {
                continue;
            }
            let to = state.tasks.get(i + 1).map_or_else(String::new, |next| {
                let mut to = lane_name(&next.lane);
                if let [only] = next.candidates.as_slice() {
                    to = format!("{to} ({})", org.name(&only.person));
                }
                to
            });
            let input = task.input.clone().unwrap_or_default();
            let disposition = input.disposition.unwrap_or_default();
            hops.push(documents::Hop {
                from: format!("{} ({})", lane_name(&task.lane), org.name(by)),
                to,
                instruction: input.note.unwrap_or_default(),
                at: long_date_time(done_at, &zone),
                ticked: disposition.instructions,
                nature: disposition.nature.label().to_string(),
                due: disposition.due.map(civil_date).unwrap_or_default(),
                paraf: org.name(by),
            });
        }
        let incoming = incoming.unwrap_or_else(|| IncomingLetter {
            case_id: state.id.clone(),
            agenda: "-".into(),
            agenda_no: 0,
            year: 0,
            received_at: state.opened_at,
            sender: "-".into(),
            letter_number: state.number.clone(),
            letter_date: "-".into(),
            subject: sop.identity.nama.value.clone(),
            attachments: "-".into(),
            forwarded_to: String::new(),
            remarks: String::new(),
        });
        Ok(documents::DispositionSheet {
            letterhead: self.letterhead(&profile).await?,
            sender: incoming.sender,
            letter_number: incoming.letter_number,
            letter_date: incoming.letter_date,
            received: long_date_time(incoming.received_at, &zone),
            agenda_number: incoming.agenda,
            // The sheet's sifat is the first official's.
            nature: hops.first().map_or_else(|| Nature::Biasa.label().to_string(), |h| h.nature.clone()),
            subject: incoming.subject,
            boxes: profile.letters.disposition_instructions.clone(),
            hops,
        })
    }
}

/// What a letter is entered in the outgoing register with.
struct Filed<'a> {
    draft: &'a DraftVersion,
    number: &'a str,
    /// Its place in the agency's own sequence of `year`; `None`: numbered elsewhere.
    seq: Option<i64>,
    year: i64,
    /// Who signed, in which capacity.
    signer: (&'a str, &'a str),
    at: i64,
    code: String,
}

/// Enters `state`'s letter in the outgoing register with its `pdf`, signed
/// (`with`) or waiting for its signature (`None`).
async fn file_outgoing(
    tx: &mut WriteTx,
    state: &CaseState,
    filed: Filed<'_>,
    pdf: Vec<u8>,
    with: Option<SignedWith>,
) -> Result<(), StoreError> {
    let Filed { draft, number, seq, year, signer: (by, title), at, code } = filed;
    let digest = record_event::sha256(&pdf);
    sqlx::query(
        "INSERT INTO outgoing_letters (id, agency_id, case_id, draft_version, year, seq, number, dated_at,
             recipient, subject, signer_id, signer_title, code, sha256, pdf, signed_with)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(new_id())
    .bind(&state.agency)
    .bind(&state.id)
    .bind(draft.version)
    .bind(year)
    .bind(seq)
    .bind(number)
    .bind(at)
    .bind(&draft.draft.recipient)
    .bind(&draft.draft.subject)
    .bind(by)
    .bind(title)
    .bind(code)
    .bind(&digest)
    .bind(pdf)
    .bind(with.map(SignedWith::key))
    .execute(&mut **tx)
    .await?;
    // Signed as it is filed: recorded as the signing service's signatures
    // are when they come back (`signing_queue`), so the event feed tells
    // every signed letter the same way.
    if let Some(with) = with {
        let change =
            Change::LetterSigned { number: number.to_string(), with: with.key().to_string(), sha256: digest };
        record_event::append(tx, Owner::Agency(&state.agency), Some(by), change, at).await?;
    }
    Ok(())
}

/// "Lampiran" as the letter prints it.
fn enclosure_count(n: usize) -> String {
    if n == 0 { "-".into() } else { format!("{n} berkas") }
}

/// The Lampiran of `case`'s letter, in order, as embedded files.
async fn enclosures_of<'e, E>(
    executor: E,
    agency: &str,
    case: &str,
) -> Result<Vec<documents::EmbeddedFile>, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let rows = sqlx::query(
        "SELECT filename, data FROM letter_enclosures WHERE agency_id = $1 AND case_id = $2 ORDER BY position",
    )
    .bind(agency)
    .bind(case)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|r| Ok(documents::EmbeddedFile { name: r.try_get("filename")?, data: r.try_get("data")? }))
        .collect()
}

/// Sets `case`'s Lampiran to `enclosures` (PDF files, at most
/// [`MAX_ENCLOSURES`]), replacing those given before.
async fn replace_enclosures(
    tx: &mut WriteTx,
    agency: &str,
    case: &str,
    enclosures: Vec<Enclosure>,
    by: &str,
    at: i64,
) -> Result<(), StoreError> {
    if enclosures.len() > MAX_ENCLOSURES {
        return Err(StoreError::invalid(
            ENCLOSURE_FIELD,
            "Lampiran",
            format!("paling banyak {MAX_ENCLOSURES} berkas"),
        ));
    }
    if let Some(e) = enclosures.iter().find(|e| !e.data.starts_with(b"%PDF-")) {
        return Err(StoreError::invalid(
            ENCLOSURE_FIELD,
            "Lampiran",
            format!("{} bukan berkas PDF", e.filename),
        ));
    }
    sqlx::query("DELETE FROM letter_enclosures WHERE agency_id = $1 AND case_id = $2")
        .bind(agency)
        .bind(case)
        .execute(&mut **tx)
        .await?;
    for (position, e) in enclosures.into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO letter_enclosures (case_id, position, agency_id, filename, data, added_by, added_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(case)
        .bind(position as i64 + 1)
        .bind(agency)
        .bind(e.filename)
        .bind(e.data)
        .bind(by)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The number typed from SRIKANDI, checked.
fn srikandi_number(typed: Option<String>) -> Result<String, StoreError> {
    let label = "Nomor surat dari SRIKANDI";
    let number = typed.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).ok_or_else(|| {
        StoreError::invalid("nomor_srikandi", label, "wajib diisi — instansi ini menomori surat di SRIKANDI")
    })?;
    if number.chars().count() > 100 {
        return Err(StoreError::invalid("nomor_srikandi", label, "paling banyak 100 karakter"));
    }
    Ok(number)
}

/// Refuses a number another letter of `agency` already has.
async fn refuse_number_taken(tx: &mut WriteTx, agency: &str, number: &str) -> Result<(), StoreError> {
    let taken = sqlx::query("SELECT 1 FROM outgoing_letters WHERE agency_id = $1 AND number = $2")
        .bind(agency)
        .bind(number)
        .fetch_optional(&mut **tx)
        .await?;
    if taken.is_some() {
        return Err(StoreError::invalid(
            "nomor_srikandi",
            "Nomor surat",
            format!("nomor {number} sudah dipakai surat lain"),
        ));
    }
    Ok(())
}

/// How and when a letter was sent, read from what the sender typed: a
/// time in the future or before the letter was signed is refused, none is
/// `at` (now).
fn check_sending(
    sending: Sending,
    (signed_at, at): (Option<i64>, i64),
    zone: &TimeZone,
) -> Result<(SendVia, i64), StoreError> {
    let keys: Vec<&str> = SendVia::ALL.iter().map(|v| v.label()).collect();
    let via = sending.via.as_deref().map(str::trim).filter(|v| !v.is_empty());
    let via = via.and_then(SendVia::parse).ok_or_else(|| {
        StoreError::invalid(
            SENT_VIA,
            "Dikirim melalui",
            format!("pilih cara surat dikirim: {}", keys.join(", ")),
        )
    })?;
    let Some(text) = sending.at.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok((via, at));
    };
    let sent_at = text
        .parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|d| d.to_zoned(zone.clone()).ok())
        .map(|z| z.timestamp().as_millisecond())
        .ok_or_else(|| {
            StoreError::invalid(SENT_AT, "Waktu kirim", "tulis tanggal dan jam, mis. 2026-11-30T10:15")
        })?;
    if sent_at > at + 60_000 {
        return Err(StoreError::invalid(SENT_AT, "Waktu kirim", "tidak boleh di masa depan"));
    }
    // A minute's grace: the form gives minutes, the signing its second.
    if signed_at.is_some_and(|signed| sent_at + 60_000 <= signed) {
        return Err(StoreError::invalid(SENT_AT, "Waktu kirim", "tidak boleh sebelum surat ditandatangani"));
    }
    Ok((via, sent_at))
}

/// Records what the review (or the signer) said of `case`'s latest draft
/// version; `false` when there is no draft.
async fn mark_latest_draft(
    tx: &mut WriteTx,
    case: &str,
    (review, note): (DraftReview, Option<&str>),
    by: &str,
    at: i64,
) -> Result<bool, StoreError> {
    let updated = sqlx::query(
        "UPDATE letter_drafts SET review = $1, review_note = $2, reviewed_by = $3, reviewed_at = $4
         WHERE case_id = $5 AND version = (SELECT MAX(version) FROM letter_drafts WHERE case_id = $5)",
    )
    .bind(review.key())
    .bind(note)
    .bind(by)
    .bind(at)
    .bind(case)
    .execute(&mut **tx)
    .await?;
    Ok(updated.rows_affected() > 0)
}

/// The PKCS#12 file of `person`'s signing certificate, if one was uploaded.
pub(crate) async fn signing_certificate_file<'e, E>(
    executor: E,
    agency: &str,
    person: &str,
) -> Result<Option<Vec<u8>>, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let row = sqlx::query("SELECT p12 FROM signing_certificates WHERE person_id = $1 AND agency_id = $2")
        .bind(person)
        .bind(agency)
        .fetch_optional(executor)
        .await?;
    Ok(row.map(|r| r.try_get("p12")).transpose()?)
}

impl Store {
    /// Opens a PKCS#12 file on a blocking thread: its key derivations take
    /// milliseconds of CPU, which would stall the other requests of a
    /// runtime thread. A file opened before, at upload or at a signing,
    /// opens its key alone (see [`documents::KnownCertificates`]).
    async fn open_p12(
        &self,
        p12: Vec<u8>,
        passphrase: String,
    ) -> Result<Result<UnlockedKey, documents::DocumentError>, StoreError> {
        let known = self.certificates.clone();
        tokio::task::spawn_blocking(move || known.unlock(&p12, &passphrase))
            .await
            .map_err(|e| StoreError::Corrupt(format!("membuka sertifikat terhenti: {e}")))
    }

    /// [`Store::open_p12`] for a file kept at upload, whose refusal can
    /// only be the passphrase's.
    pub(crate) async fn unlock(&self, p12: Vec<u8>, passphrase: String) -> Result<UnlockedKey, StoreError> {
        self.open_p12(p12, passphrase).await?.map_err(|e| {
            let why = match e {
                documents::DocumentError::Passphrase => {
                    "Kata sandi sertifikat salah. Periksa lalu coba lagi.".to_string()
                }
                other => other.to_string(),
            };
            StoreError::invalid("kata_sandi", "Kata sandi sertifikat", why)
        })
    }
}

/// Takes the next number of a yearly sequence. Runs inside the writer's
/// transaction, after the chain lock, so concurrent signers queue and no
/// number is used twice or skipped (a rolled-back signing gives its number back).
pub(crate) async fn next_in_sequence(
    tx: &mut WriteTx,
    agency: &str,
    register: &str,
    scope: &str,
    year: i64,
) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO letter_sequences (agency_id, register, scope, year, last) VALUES ($1, $2, $3, $4, 1)
         ON CONFLICT (agency_id, register, scope, year) DO UPDATE SET last = letter_sequences.last + 1
         RETURNING last",
    )
    .bind(agency)
    .bind(register)
    .bind(scope)
    .bind(year)
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get("last")?)
}

async fn drafts<'e, E>(executor: E, agency: &str, case: &str) -> Result<Vec<DraftVersion>, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let rows = sqlx::query(
        "SELECT version, subject, recipient, body, copies, written_by, written_at, review, review_note, reviewed_by
         FROM letter_drafts WHERE agency_id = $1 AND case_id = $2 ORDER BY version",
    )
    .bind(agency)
    .bind(case)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DraftVersion {
                version: r.try_get("version")?,
                draft: LetterDraft {
                    subject: r.try_get("subject")?,
                    recipient: r.try_get("recipient")?,
                    body: r.try_get("body")?,
                    copies: r.try_get("copies")?,
                },
                written_by: r.try_get("written_by")?,
                written_at: r.try_get("written_at")?,
                review: r
                    .try_get::<Option<String>, _>("review")?
                    .as_deref()
                    .map(DraftReview::parse)
                    .transpose()?,
                review_note: r.try_get("review_note")?,
                reviewed_by: r.try_get("reviewed_by")?,
            })
        })
        .collect()
}
