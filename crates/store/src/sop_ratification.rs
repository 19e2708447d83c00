//! Review and ratification (pengesahan) of SOP drafts. Its drafters send
//! a draft that passes the checks to a reviewer they name; the reviewer
//! comments on its fields and returns it to them or approves it; a head of
//! the agency ratifies an approved draft: it gets its number (the agency's
//! SOP numbering, or typed), its dates and its approver are filled in, the
//! document is signed with the head's certificate as letters are, and it
//! is published as a version that new cases start on from its effective
//! date. A reviewer never reviews what they sent, and every step is in the
//! audit chain.

use jiff::civil::Date;
use sha2::{Digest, Sha256};
use sop::draft_form::SopForm;
use sop::organisation::PositionRight;

use crate::letters::{next_in_sequence, pdf_date, signing_certificate_file};
use crate::record_event::{self, Change, Owner, append};
use crate::report_months::{day_start, local_date, zone_of};
use crate::sop_drafts::{DraftOrigin, DraftStatus, SopDraft};
use crate::{Store, StoreError, WriteTx};

/// Longest comment, and longest typed SOP number.
pub const MAX_COMMENT_CHARS: usize = 2000;
const MAX_NUMBER_CHARS: usize = 100;

/// Someone acting on a draft they saw at `revision`.
#[derive(Debug, Clone, Copy)]
pub struct DraftAct<'a> {
    pub agency: &'a str,
    pub draft: &'a str,
    pub revision: i64,
    /// The person acting.
    pub by: &'a str,
    pub at: i64,
}

/// What the head gives when ratifying.
#[derive(Debug, Clone, Copy)]
pub struct Ratify<'a> {
    /// The SOP's number as typed; `None` or blank: from the agency's SOP
    /// numbering.
    pub number: Option<&'a str>,
    /// The day it takes effect; `None`: the day of ratification.
    pub effective: Option<Date>,
    /// Of the head's signing certificate; never kept.
    pub passphrase: &'a str,
}

/// A ratified SOP version.
#[derive(Debug, Clone)]
pub struct Ratified {
    pub sop: sop::Sop,
    pub number: String,
    pub effective_at: i64,
}

/// A comment on one field of a draft.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DraftComment {
    pub id: String,
    /// The editor's field name; empty: the draft as a whole.
    pub field: String,
    /// What the field said when the comment was written.
    pub quoted: String,
    pub body: String,
    /// The draft's revision the comment was written on.
    pub revision: i64,
    pub written_by: String,
    pub written_at: i64,
}

/// The signed document of a ratified version.
#[derive(Debug, Clone)]
pub struct SignedSop {
    pub pdf: Vec<u8>,
    pub ratified_by: String,
    pub effective_at: i64,
}

impl Store {
    /// Sends an open draft whose text passes the checks to `reviewer`, a
    /// person of the agency other than the sender.
    pub async fn send_sop_draft_for_review(
        &self,
        act: DraftAct<'_>,
        reviewer: &str,
    ) -> Result<SopDraft, StoreError> {
        let draft = self.draft_in(act, DraftStatus::Open).await?;
        let org = self.organisation(act.agency).await?;
        if org.person(reviewer).is_none() {
            return Err(StoreError::invalid("peninjau", "Peninjau", "pilih salah satu pegawai instansi ini"));
        }
        if reviewer == act.by {
            return Err(StoreError::invalid(
                "peninjau",
                "Peninjau",
                "tidak dapat meninjau konsep yang dikirimnya sendiri; pilih orang lain",
            ));
        }
        refuse_findings(&draft, act.agency, "dikirim untuk ditinjau")?;
        let marks = sop::import::mark::marks(&draft.source).len();
        if marks > 0 {
            return Err(StoreError::invalid(
                "konsep",
                "Konsep SOP",
                format!(
                    "masih ada {marks} nilai hasil impor bertanda TIDAK PASTI; periksa dan tandai sudah diperiksa dahulu"
                ),
            ));
        }
        let change = Change::SopDraftSentForReview {
            draft: draft.id.clone(),
            revision: draft.revision,
            reviewer: reviewer.to_string(),
        };
        self.move_draft(act, DraftStatus::Open, DraftStatus::InReview, Some(reviewer), change).await
    }

    /// A comment by the draft's reviewer (while in review) or a head (once
    /// approved) on `field` (an editor field name, or empty for the whole).
    pub async fn comment_on_sop_draft(
        &self,
        act: DraftAct<'_>,
        field: &str,
        body: &str,
    ) -> Result<DraftComment, StoreError> {
        let draft = self.sop_draft(act.agency, act.draft).await?;
        self.refuse_unless_judge(&draft, act).await?;
        let body = body.trim();
        if body.is_empty() {
            return Err(StoreError::invalid("catatan", "Catatan", "wajib diisi"));
        }
        if body.chars().count() > MAX_COMMENT_CHARS {
            return Err(StoreError::invalid(
                "catatan",
                "Catatan",
                format!("paling banyak {MAX_COMMENT_CHARS} karakter"),
            ));
        }
        let form = SopForm::read(&draft.source).unwrap_or_default();
        let quoted = if field.is_empty() {
            String::new()
        } else {
            form.commentable()
                .into_iter()
                .find(|(name, _)| name == field)
                .map(|(_, value)| value)
                .ok_or_else(|| {
                    StoreError::invalid("bagian", "Bagian", format!("\"{field}\" bukan bagian konsep ini"))
                })?
        };
        let comment = DraftComment {
            id: crate::new_id(),
            field: field.to_string(),
            quoted,
            body: body.to_string(),
            revision: draft.revision,
            written_by: act.by.to_string(),
            written_at: act.at,
        };
        let insert = sqlx::query(
            "INSERT INTO sop_draft_comments (id, agency_id, draft_id, revision, field, quoted, body, written_by, written_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&comment.id)
        .bind(act.agency)
        .bind(act.draft)
        .bind(comment.revision)
        .bind(&comment.field)
        .bind(&comment.quoted)
        .bind(&comment.body)
        .bind(act.by)
        .bind(act.at);
        let change = Change::SopDraftCommented {
            draft: draft.id.clone(),
            field: comment.field.clone(),
            sha256: record_event::sha256(comment.body.as_bytes()),
        };
        self.write_recorded(insert, Owner::Agency(act.agency), Some(act.by), change, act.at).await?;
        Ok(comment)
    }

    /// The comments on a draft, oldest first.
    pub async fn sop_draft_comments(
        &self,
        agency: &str,
        draft: &str,
    ) -> Result<Vec<DraftComment>, StoreError> {
        Ok(sqlx::query_as::<_, DraftComment>(
            "SELECT id, field, quoted, body, revision, written_by, written_at FROM sop_draft_comments
             WHERE agency_id = $1 AND draft_id = $2 ORDER BY written_at, id",
        )
        .bind(agency)
        .bind(draft)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Returns a draft in review (by its reviewer) or approved (by a head)
    /// to its drafters, who may change it again.
    pub async fn return_sop_draft(&self, act: DraftAct<'_>) -> Result<SopDraft, StoreError> {
        let draft = self.sop_draft(act.agency, act.draft).await?;
        self.refuse_unless_judge(&draft, act).await?;
        let change = Change::SopDraftReturned { draft: draft.id.clone(), revision: draft.revision };
        self.move_draft(act, draft.status, DraftStatus::Open, None, change).await
    }

    /// The reviewer approves the draft for ratification.
    pub async fn approve_sop_draft(&self, act: DraftAct<'_>) -> Result<SopDraft, StoreError> {
        let draft = self.draft_in(act, DraftStatus::InReview).await?;
        self.refuse_unless_judge(&draft, act).await?;
        let change = Change::SopDraftApproved { draft: draft.id.clone(), revision: draft.revision };
        self.move_draft(act, DraftStatus::InReview, DraftStatus::Approved, None, change).await
    }

    /// A head ratifies an approved draft: numbered, dated, the head as its
    /// approver, signed with the head's certificate and published as a
    /// version that new cases start on from its effective date. Refused,
    /// changing nothing, for a wrong passphrase, a number already given,
    /// an effective date before today, or a text that then fails the checks.
    pub async fn ratify_sop_draft(
        &self,
        act: DraftAct<'_>,
        ratify: Ratify<'_>,
    ) -> Result<Ratified, StoreError> {
        let draft = self.draft_in(act, DraftStatus::Approved).await?;
        self.refuse_unless_judge(&draft, act).await?;
        let agency = self.agency(act.agency).await?;
        let zone = zone_of(&agency.timezone);
        let today = local_date(act.at, &zone)?;
        let effective = ratify.effective.unwrap_or(today);
        if effective < today {
            return Err(StoreError::invalid(
                "tanggal_efektif",
                "Tanggal efektif",
                "tidak boleh sebelum hari ini",
            ));
        }
        let typed = ratify.number.map(str::trim).filter(|n| !n.is_empty());
        if let Some(number) = typed {
            if number.chars().count() > MAX_NUMBER_CHARS || number.contains(['\n', '"']) {
                return Err(StoreError::invalid(
                    "nomor",
                    "Nomor SOP",
                    format!("paling banyak {MAX_NUMBER_CHARS} karakter, tanpa tanda petik"),
                ));
            }
        } else if agency.letters.sop_number.trim().is_empty() {
            return Err(StoreError::invalid(
                "nomor",
                "Nomor SOP",
                "wajib diisi — instansi ini belum memiliki templat nomor SOP",
            ));
        }
        let p12 = signing_certificate_file(&self.pool, act.agency, act.by).await?.ok_or_else(|| {
            StoreError::invalid(
                "kata_sandi",
                "Sertifikat elektronik",
                "Anda belum memiliki sertifikat elektronik di Sopir; minta administrator mengunggah berkas PKCS#12 Anda",
            )
        })?;
        // Opened before the write queue: its key derivation is slow on purpose.
        let key = self.unlock(p12, ratify.passphrase.to_string()).await?;
        let org = self.organisation(act.agency).await?;
        let head = org.person(act.by).ok_or_else(|| StoreError::NotFound(format!("pegawai {}", act.by)))?;
        let position = org
            .positions_of(act.by, today)
            .into_iter()
            .find(|h| org.position(&h.position).is_some_and(|p| p.has(PositionRight::HeadsAgency)))
            .map(|h| h.position.clone())
            .unwrap_or_default();
        let jabatan = org.signing_title(act.by, &position, today).replace('\n', " ");

        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let current = self.sop_draft(act.agency, act.draft).await?;
            if current.status != DraftStatus::Approved || current.revision != act.revision {
                return Err(crate::sop_drafts::changed(&current));
            }
            let year = i64::from(today.year());
            let number = match typed {
                Some(number) => number.to_string(),
                None => {
                    let seq = next_in_sequence(tx, act.agency, "sop", "", year).await?;
                    agency.letters.format_sop_number(seq, today.year()).expect("a template, checked above")
                }
            };
            refuse_number_taken(tx, act.agency, &current.sop_id, &number).await?;
            let mut form = SopForm::read(&current.source).map_err(|e| refused_text(&e.message))?;
            let i = &mut form.identity;
            i.nomor = number.clone();
            i.tanggal_pengesahan = today.to_string();
            i.tanggal_efektif = effective.to_string();
            if i.tanggal_pembuatan.trim().is_empty() {
                i.tanggal_pembuatan = local_date(current.created_at, &zone)?.to_string();
            }
            if current.origin == DraftOrigin::Revision {
                i.tanggal_revisi = today.to_string();
            }
            i.approver.jabatan = jabatan.clone();
            i.approver.nama = head.name.clone();
            i.approver.nip = head.nip.clone().unwrap_or_default();
            let missing = unfilled(&form);
            if !missing.is_empty() {
                return Err(refused_text(&format!("identitas belum lengkap: {}", missing.join(", "))));
            }
            let text = form.write(&current.source).map_err(|e| refused_text(&e.message))?;
            let file = format!("{}.toml", current.sop_id.rsplit('/').next().unwrap_or("sop"));
            let checked = sop::publication::check(&file, &text, act.agency);
            let sop = match checked.sop {
                Some(sop) if checked.errors() == 0 => sop,
                _ => {
                    let errors: Vec<String> = checked
                        .findings
                        .iter()
                        .filter(|d| d.severity == sop::Severity::Error)
                        .map(|d| d.message.clone())
                        .collect();
                    return Err(refused_text(&errors.join("; ")));
                }
            };
            if !self.is_new_version(&sop).await? {
                return Err(StoreError::invalid(
                    "konsep",
                    "Konsep SOP",
                    format!("versi {} sudah diterbitkan dengan teks yang sama", sop.version),
                ));
            }
            let conflicts = self.registry_kind_conflicts(&sop).await?;
            if !conflicts.is_empty() {
                let message = conflicts.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
                return Err(refused_text(&message));
            }
            let slot = documents::SignatureSlot {
                signer_name: head.name.clone(),
                reason: format!("Pengesahan SOP {number}"),
                location: agency.letters.place.clone(),
                date: pdf_date(act.at, &zone),
            };
            let pdf = documents::sop_document::to_pdf_for_signing(&sop, Some(&agency), &slot);
            let signed =
                key.sign(pdf).map_err(|e| StoreError::invalid("kata_sandi", "Tanda tangan", e.to_string()))?;
            let effective_at = day_start(effective, &zone)?;
            sqlx::query(
                "INSERT INTO sop_versions (agency_id, sop_id, version, source, file, published_at, published_by,
                     effective_at, ratified_by, signed_pdf)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(act.agency)
            .bind(&sop.id)
            .bind(i64::from(sop.version))
            .bind(&text)
            .bind(&file)
            .bind(act.at)
            .bind(act.by)
            .bind(effective_at)
            .bind(act.by)
            .bind(signed.clone())
            .execute(&mut **tx)
            .await?;
            sqlx::query(
                "UPDATE sop_drafts SET status = $1, source = $2, revision = revision + 1, published_version = $3,
                     updated_by = $4, updated_at = $5
                 WHERE agency_id = $6 AND id = $7 AND revision = $8 AND status = $9",
            )
            .bind(DraftStatus::Ratified.key())
            .bind(&text)
            .bind(i64::from(sop.version))
            .bind(act.by)
            .bind(act.at)
            .bind(act.agency)
            .bind(act.draft)
            .bind(act.revision)
            .bind(DraftStatus::Approved.key())
            .execute(&mut **tx)
            .await?;
            let change = Change::SopRatified {
                draft: current.id.clone(),
                sop: sop.id.clone(),
                version: sop.version,
                number: number.clone(),
                effective: effective.to_string(),
                sha256: Sha256::digest(&signed).iter().map(|b| format!("{b:02x}")).collect(),
            };
            append(tx, Owner::Agency(act.agency), Some(act.by), change, act.at).await?;
            Ok(Ratified { sop, number, effective_at })
        }
        .await;
        write.finish(result).await
    }

    /// The signed document of a ratified version; `None` for a version
    /// published without ratification.
    pub async fn signed_sop(
        &self,
        agency: &str,
        id: &str,
        version: u32,
    ) -> Result<Option<SignedSop>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            signed_pdf: Option<Vec<u8>>,
            ratified_by: Option<String>,
            effective_at: Option<i64>,
        }
        let row = sqlx::query_as::<_, Row>(
            "SELECT signed_pdf, ratified_by, effective_at FROM sop_versions
             WHERE agency_id = $1 AND sop_id = $2 AND version = $3",
        )
        .bind(agency)
        .bind(id)
        .bind(i64::from(version))
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("SOP {id} versi {version}")))?;
        Ok(match row {
            Row {
                signed_pdf: Some(pdf),
                ratified_by: Some(ratified_by),
                effective_at: Some(effective_at),
            } => Some(SignedSop { pdf, ratified_by, effective_at }),
            _ => None,
        })
    }

    /// Drafts waiting for `person`: in review by them, or approved and
    /// theirs to ratify as a head of the agency.
    pub async fn sop_drafts_awaiting(
        &self,
        agency: &str,
        person: &str,
        at: i64,
    ) -> Result<Vec<SopDraft>, StoreError> {
        let head = self.heads_agency(agency, person, at).await?;
        Ok(self
            .sop_drafts(agency)
            .await?
            .into_iter()
            .filter(|d| match d.status {
                DraftStatus::InReview => d.reviewer.as_deref() == Some(person),
                DraftStatus::Approved => head,
                _ => false,
            })
            .collect())
    }

    /// Whether `person` holds a position heading the agency at `at`.
    pub async fn heads_agency(&self, agency: &str, person: &str, at: i64) -> Result<bool, StoreError> {
        let today = local_date(at, &zone_of(&self.agency(agency).await?.timezone))?;
        Ok(self.organisation(agency).await?.may(person, PositionRight::HeadsAgency, today))
    }

    /// The draft, refused unless it stands at `status` on `act.revision`.
    async fn draft_in(&self, act: DraftAct<'_>, status: DraftStatus) -> Result<SopDraft, StoreError> {
        let draft = self.sop_draft(act.agency, act.draft).await?;
        if draft.status != status {
            return Err(StoreError::NotPermitted(format!(
                "konsep SOP {} berstatus \"{}\", bukan \"{}\"",
                draft.sop_id,
                draft.status.key(),
                status.key()
            )));
        }
        if draft.revision != act.revision {
            return Err(crate::sop_drafts::changed(&draft));
        }
        Ok(draft)
    }

    /// In review only its reviewer judges a draft; approved, only a head
    /// of the agency.
    async fn refuse_unless_judge(&self, draft: &SopDraft, act: DraftAct<'_>) -> Result<(), StoreError> {
        let allowed = match draft.status {
            DraftStatus::InReview => draft.reviewer.as_deref() == Some(act.by),
            DraftStatus::Approved => self.heads_agency(act.agency, act.by, act.at).await?,
            _ => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(StoreError::NotPermitted(match draft.status {
                DraftStatus::InReview => {
                    "hanya peninjau yang ditunjuk yang dapat meninjau konsep ini".to_string()
                }
                DraftStatus::Approved => "hanya pimpinan instansi yang dapat mengesahkan SOP".to_string(),
                _ => format!("konsep SOP {} tidak sedang ditinjau", draft.sop_id),
            }))
        }
    }

    /// Moves the draft seen at `act.revision` from `from` to `to` (and to
    /// `reviewer`, when given), recorded with `change`; a draft changed
    /// meanwhile is refused as a save is.
    async fn move_draft(
        &self,
        act: DraftAct<'_>,
        from: DraftStatus,
        to: DraftStatus,
        reviewer: Option<&str>,
        change: Change,
    ) -> Result<SopDraft, StoreError> {
        let set = sqlx::query(
            "UPDATE sop_drafts SET status = $1, reviewer_id = COALESCE($2, reviewer_id), updated_by = $3,
                 updated_at = $4
             WHERE agency_id = $5 AND id = $6 AND revision = $7 AND status = $8",
        )
        .bind(to.key())
        .bind(reviewer)
        .bind(act.by)
        .bind(act.at)
        .bind(act.agency)
        .bind(act.draft)
        .bind(act.revision)
        .bind(from.key());
        if self.write_recorded(set, Owner::Agency(act.agency), Some(act.by), change, act.at).await? == 0 {
            let current = self.sop_draft(act.agency, act.draft).await?;
            if current.status != from {
                return Err(StoreError::NotPermitted(format!(
                    "konsep SOP {} sudah berstatus \"{}\"",
                    current.sop_id,
                    current.status.key()
                )));
            }
            return Err(crate::sop_drafts::changed(&current));
        }
        self.sop_draft(act.agency, act.draft).await
    }
}

/// A draft with errors in the checks goes no further than its drafters.
fn refuse_findings(draft: &SopDraft, agency: &str, what: &str) -> Result<(), StoreError> {
    let file = format!("{}.toml", draft.sop_id.rsplit('/').next().unwrap_or("sop"));
    let errors = sop::publication::check(&file, &draft.source, agency).errors();
    if errors > 0 {
        return Err(StoreError::invalid(
            "konsep",
            "Konsep SOP",
            format!("masih ada {errors} kesalahan pada pemeriksaan; perbaiki dahulu sebelum {what}"),
        ));
    }
    Ok(())
}

/// The identity page's parts a ratified SOP must have filled (the rest —
/// revision date, related procedures, warnings — may rightly stay empty).
fn unfilled(form: &SopForm) -> Vec<&'static str> {
    let i = &form.identity;
    let blank = |items: &[String]| items.iter().all(|item| item.trim().is_empty() || item.trim() == "-");
    [
        (i.nama.trim().is_empty(), "Nama SOP"),
        (blank(&i.dasar_hukum), "Dasar hukum"),
        (blank(&i.kualifikasi_pelaksana), "Kualifikasi pelaksana"),
        (blank(&i.peralatan), "Peralatan/perlengkapan"),
        (blank(&i.pencatatan), "Pencatatan dan pendataan"),
    ]
    .into_iter()
    .filter_map(|(missing, label)| missing.then_some(label))
    .collect()
}

fn refused_text(message: &str) -> StoreError {
    StoreError::invalid("konsep", "Konsep SOP", format!("belum dapat disahkan: {message}"))
}

/// An SOP number is given once in an agency (another version of the same
/// SOP may keep it).
async fn refuse_number_taken(
    tx: &mut WriteTx,
    agency: &str,
    sop: &str,
    number: &str,
) -> Result<(), StoreError> {
    let sources: Vec<(String, String)> =
        sqlx::query_as("SELECT sop_id, source FROM sop_versions WHERE agency_id = $1 AND sop_id <> $2")
            .bind(agency)
            .bind(sop)
            .fetch_all(&mut **tx)
            .await?;
    let taken = sources
        .iter()
        .find(|(_, source)| SopForm::read(source).is_ok_and(|f| f.identity.nomor.trim() == number));
    if let Some((other, _)) = taken {
        return Err(StoreError::invalid(
            "nomor",
            "Nomor SOP",
            format!("nomor {number} sudah dipakai SOP {other}"),
        ));
    }
    Ok(())
}
