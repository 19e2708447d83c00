//! SOP drafts: an agency's definitions being written in the browser's
//! editor before they are published. A draft keeps its TOML text exactly as
//! uploaded or last saved, who began and who last saved it, and a revision
//! that each save raises: a save made on an older revision is refused
//! ([`StoreError::DraftChanged`]), so two people editing one draft never
//! overwrite each other unawares. Every creation, save, deletion and
//! publication is in the audit chain. Every query is scoped to the agency.
//! Review and ratification move a draft on ([`crate::sop_ratification`]);
//! only an open draft is changed.

use crate::record_event::{self, Change, Owner, append};
use crate::{Store, StoreError, WriteTx};

/// How a draft was begun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftOrigin {
    /// From an almost empty definition.
    Blank,
    /// From a TOML file an administrator uploaded.
    Upload,
    /// From the active published version, as its next version.
    Revision,
    /// From an SOP document (Word, OpenDocument, PDF) read by the import.
    Import,
}

impl DraftOrigin {
    pub const ALL: [DraftOrigin; 4] =
        [DraftOrigin::Blank, DraftOrigin::Upload, DraftOrigin::Revision, DraftOrigin::Import];

    pub fn key(self) -> &'static str {
        match self {
            DraftOrigin::Blank => "baru",
            DraftOrigin::Upload => "unggahan",
            DraftOrigin::Revision => "revisi",
            DraftOrigin::Import => "impor",
        }
    }

    fn parse(key: &str) -> Result<DraftOrigin, StoreError> {
        DraftOrigin::ALL
            .into_iter()
            .find(|o| o.key() == key)
            .ok_or_else(|| StoreError::Corrupt(format!("asal konsep SOP \"{key}\"")))
    }
}

/// Where a draft stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftStatus {
    /// Being written by its drafters (tim penyusun); saved as often as it
    /// is changed.
    Open,
    /// Sent to the reviewer it names, who comments, returns or approves.
    InReview,
    /// Approved by its reviewer; a head of the agency ratifies it.
    Approved,
    /// Ratified (disahkan): numbered, signed and published as a version.
    Ratified,
    /// Published by an administrator without review (an SOP ratified
    /// elsewhere, on paper).
    Published,
}

impl DraftStatus {
    pub const ALL: [DraftStatus; 5] = [
        DraftStatus::Open,
        DraftStatus::InReview,
        DraftStatus::Approved,
        DraftStatus::Ratified,
        DraftStatus::Published,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DraftStatus::Open => "konsep",
            DraftStatus::InReview => "ditinjau",
            DraftStatus::Approved => "disetujui",
            DraftStatus::Ratified => "disahkan",
            DraftStatus::Published => "terbit",
        }
    }

    fn parse(key: &str) -> Result<DraftStatus, StoreError> {
        DraftStatus::ALL
            .into_iter()
            .find(|s| s.key() == key)
            .ok_or_else(|| StoreError::Corrupt(format!("status konsep SOP \"{key}\"")))
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct DraftRow {
    id: String,
    agency_id: String,
    origin: String,
    sop_id: String,
    title: String,
    source: String,
    revision: i64,
    status: String,
    published_version: Option<i64>,
    reviewer_id: Option<String>,
    created_by: String,
    created_at: i64,
    updated_by: String,
    updated_at: i64,
}

/// One draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SopDraft {
    pub id: String,
    pub agency_id: String,
    pub origin: DraftOrigin,
    /// The SOP id its text named when last saved (empty when it named none).
    pub sop_id: String,
    /// The SOP's name (Nama SOP) its text gave when last saved.
    pub title: String,
    /// The TOML text, byte for byte as uploaded or saved.
    pub source: String,
    /// Raised by one with each save that changed the text; 1 when begun.
    pub revision: i64,
    pub status: DraftStatus,
    /// The version it was published as.
    pub published_version: Option<i64>,
    /// The person it was last sent to for review.
    pub reviewer: Option<String>,
    /// People (person ids).
    pub created_by: String,
    pub created_at: i64,
    pub updated_by: String,
    pub updated_at: i64,
}

impl TryFrom<DraftRow> for SopDraft {
    type Error = StoreError;

    fn try_from(row: DraftRow) -> Result<SopDraft, StoreError> {
        Ok(SopDraft {
            origin: DraftOrigin::parse(&row.origin)?,
            status: DraftStatus::parse(&row.status)?,
            id: row.id,
            agency_id: row.agency_id,
            sop_id: row.sop_id,
            title: row.title,
            source: row.source,
            revision: row.revision,
            published_version: row.published_version,
            reviewer: row.reviewer_id,
            created_by: row.created_by,
            created_at: row.created_at,
            updated_by: row.updated_by,
            updated_at: row.updated_at,
        })
    }
}

/// The SOP id and name a text gives, as far as it can be read.
fn heading(source: &str) -> (String, String) {
    sop::draft_form::SopForm::read(source).map(|f| (f.id, f.identity.nama)).unwrap_or_default()
}

const COLUMNS: &str = "id, agency_id, origin, sop_id, title, source, revision, status, published_version,
     reviewer_id, created_by, created_at, updated_by, updated_at";

/// Writes a new draft and its `sop-draft-created` change in `tx`; its id.
pub(crate) async fn insert_draft(
    tx: &mut WriteTx,
    agency: &str,
    origin: DraftOrigin,
    source: &str,
    by: &str,
    at: i64,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let (sop_id, title) = heading(source);
    sqlx::query(
        "INSERT INTO sop_drafts (id, agency_id, origin, sop_id, title, source, revision, status,
             created_by, created_at, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $8, $9)",
    )
    .bind(&id)
    .bind(agency)
    .bind(origin.key())
    .bind(&sop_id)
    .bind(&title)
    .bind(source)
    .bind(DraftStatus::Open.key())
    .bind(by)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    let change = Change::SopDraftCreated {
        draft: id.clone(),
        origin: origin.key().to_string(),
        sop: sop_id,
        sha256: record_event::sha256(source.as_bytes()),
    };
    append(tx, Owner::Agency(agency), Some(by), change, at).await?;
    Ok(id)
}

impl Store {
    /// Begins a draft of `agency` with `source`, by the person `by`.
    pub async fn create_sop_draft(
        &self,
        agency: &str,
        origin: DraftOrigin,
        source: &str,
        by: &str,
        at: i64,
    ) -> Result<SopDraft, StoreError> {
        let mut write = self.write().await?;
        let id = async { insert_draft(write.tx(), agency, origin, source, by, at).await }.await;
        let id = write.finish(id).await?;
        self.sop_draft(agency, &id).await
    }

    /// The agency's drafts, the most recently saved first.
    pub async fn sop_drafts(&self, agency: &str) -> Result<Vec<SopDraft>, StoreError> {
        let rows = sqlx::query_as::<_, DraftRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM sop_drafts WHERE agency_id = $1 ORDER BY updated_at DESC, id"
        )))
        .bind(agency)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(SopDraft::try_from).collect()
    }

    /// One draft of the agency; [`StoreError::NotFound`] for another's.
    pub async fn sop_draft(&self, agency: &str, id: &str) -> Result<SopDraft, StoreError> {
        sqlx::query_as::<_, DraftRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM sop_drafts WHERE agency_id = $1 AND id = $2"
        )))
        .bind(agency)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("konsep SOP {id}")))?
        .try_into()
    }

    /// Saves `source` as the draft's text, made on revision `revision`.
    /// The same text again changes nothing; a revision other than the
    /// newest is refused ([`StoreError::DraftChanged`]) and changes nothing;
    /// a published draft is not changed ([`StoreError::NotPermitted`]).
    pub async fn save_sop_draft(
        &self,
        agency: &str,
        id: &str,
        revision: i64,
        source: &str,
        by: &str,
        at: i64,
    ) -> Result<SopDraft, StoreError> {
        let current = self.sop_draft(agency, id).await?;
        refuse_change(&current, revision)?;
        if current.source == source {
            return Ok(current);
        }
        let (sop_id, title) = heading(source);
        let update = sqlx::query(
            "UPDATE sop_drafts SET source = $1, sop_id = $2, title = $3, revision = revision + 1,
                 updated_by = $4, updated_at = $5
             WHERE agency_id = $6 AND id = $7 AND revision = $8 AND status = $9",
        )
        .bind(source)
        .bind(&sop_id)
        .bind(&title)
        .bind(by)
        .bind(at)
        .bind(agency)
        .bind(id)
        .bind(revision)
        .bind(DraftStatus::Open.key());
        let change = Change::SopDraftSaved {
            draft: id.to_string(),
            revision: revision + 1,
            sha256: record_event::sha256(source.as_bytes()),
        };
        let changed = self.write_recorded(update, Owner::Agency(agency), Some(by), change, at).await?;
        let saved = self.sop_draft(agency, id).await?;
        if changed == 0 {
            // Saved by someone else between the read above and this write.
            refuse_change(&saved, revision)?;
        }
        Ok(saved)
    }

    /// Deletes a draft seen at revision `revision` (refused like a save
    /// when someone saved it since).
    pub async fn delete_sop_draft(
        &self,
        agency: &str,
        id: &str,
        revision: i64,
        by: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let current = self.sop_draft(agency, id).await?;
        refuse_change(&current, revision)?;
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            // Its comments go with it; the chain keeps that they were written.
            sqlx::query("DELETE FROM sop_draft_comments WHERE agency_id = $1 AND draft_id = $2")
                .bind(agency)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            let deleted = sqlx::query(
                "DELETE FROM sop_drafts WHERE agency_id = $1 AND id = $2 AND revision = $3 AND status = $4",
            )
            .bind(agency)
            .bind(id)
            .bind(revision)
            .bind(DraftStatus::Open.key())
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if deleted == 0 {
                return Err(changed(&self.sop_draft(agency, id).await?));
            }
            let change = Change::SopDraftDeleted { draft: id.to_string(), sop: current.sop_id.clone() };
            append(tx, Owner::Agency(agency), Some(by), change, at).await
        }
        .await;
        write.finish(result).await
    }

    /// Marks the draft published as `version` of its SOP (its text at
    /// revision `revision` having been published); it changes no more.
    pub async fn mark_sop_draft_published(
        &self,
        agency: &str,
        id: &str,
        revision: i64,
        version: u32,
        by: &str,
        at: i64,
    ) -> Result<SopDraft, StoreError> {
        let current = self.sop_draft(agency, id).await?;
        refuse_change(&current, revision)?;
        let update = sqlx::query(
            "UPDATE sop_drafts SET status = $1, published_version = $2, updated_by = $3, updated_at = $4
             WHERE agency_id = $5 AND id = $6 AND revision = $7 AND status = $8",
        )
        .bind(DraftStatus::Published.key())
        .bind(i64::from(version))
        .bind(by)
        .bind(at)
        .bind(agency)
        .bind(id)
        .bind(revision)
        .bind(DraftStatus::Open.key());
        let change =
            Change::SopDraftPublished { draft: id.to_string(), sop: current.sop_id.clone(), version };
        if self.write_recorded(update, Owner::Agency(agency), Some(by), change, at).await? == 0 {
            refuse_change(&self.sop_draft(agency, id).await?, revision)?;
        }
        self.sop_draft(agency, id).await
    }
}

pub(crate) fn changed(current: &SopDraft) -> StoreError {
    StoreError::DraftChanged {
        revision: current.revision,
        by: current.updated_by.clone(),
        at: current.updated_at,
    }
}

/// Only an open draft is changed; one saved since `revision` is not
/// overwritten.
fn refuse_change(current: &SopDraft, revision: i64) -> Result<(), StoreError> {
    let sop = &current.sop_id;
    let version = current.published_version.unwrap_or_default();
    let why = match current.status {
        DraftStatus::Open => None,
        DraftStatus::InReview | DraftStatus::Approved => Some(format!(
            "konsep SOP {sop} sedang ditinjau; ia dapat diubah lagi setelah dikembalikan kepada penyusun"
        )),
        DraftStatus::Ratified | DraftStatus::Published => Some(format!(
            "konsep SOP {sop} sudah diterbitkan sebagai versi {version}; buat konsep revisi untuk mengubahnya"
        )),
    };
    if let Some(why) = why {
        return Err(StoreError::NotPermitted(why));
    }
    if current.revision != revision {
        return Err(changed(current));
    }
    Ok(())
}
