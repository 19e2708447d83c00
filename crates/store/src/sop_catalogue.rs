//! The agency's SOP catalogue (Daftar SOP): every SOP it has with where it
//! stands — a draft, in review, approved, ratified and waiting for its
//! effective date, active, or withdrawn — with its number, dates and owner
//! unit as its identity page gives them. Withdrawing an SOP (ditarik)
//! starts no new case on it; the cases running on it go on; restoring it,
//! or a new version published later, brings it back.

use crate::record_event::{Change, Owner};
use crate::sop_drafts::DraftStatus;
use crate::{Store, StoreError};

/// Where an SOP, or a draft of one, stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CatalogueStatus {
    Draft,
    InReview,
    Approved,
    /// Ratified; takes effect on a later date.
    Ratified,
    Active,
    Withdrawn,
}

impl CatalogueStatus {
    pub const ALL: [CatalogueStatus; 6] = [
        CatalogueStatus::Draft,
        CatalogueStatus::InReview,
        CatalogueStatus::Approved,
        CatalogueStatus::Ratified,
        CatalogueStatus::Active,
        CatalogueStatus::Withdrawn,
    ];

    /// The word a filter and the page use.
    pub fn key(self) -> &'static str {
        match self {
            CatalogueStatus::Draft => "konsep",
            CatalogueStatus::InReview => "ditinjau",
            CatalogueStatus::Approved => "disetujui",
            CatalogueStatus::Ratified => "disahkan",
            CatalogueStatus::Active => "berlaku",
            CatalogueStatus::Withdrawn => "ditarik",
        }
    }

    pub fn parse(key: &str) -> Option<CatalogueStatus> {
        CatalogueStatus::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// One line of the catalogue: a published SOP, or a draft not yet one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueEntry {
    pub sop_id: String,
    pub status: CatalogueStatus,
    pub number: String,
    pub name: String,
    /// The issuing unit its identity page names.
    pub unit: String,
    /// The version this line is about (a draft: the version it would be).
    pub version: Option<u32>,
    /// The identity page's dates of ratification and effect.
    pub ratified_on: Option<sop::date::Date>,
    pub effective_on: Option<sop::date::Date>,
    /// A draft's id.
    pub draft: Option<String>,
}

impl Store {
    /// The agency's catalogue at `now`: each published SOP once (its active
    /// version, else the newest), then the drafts still on their way.
    pub async fn sop_catalogue(&self, agency: &str, now: i64) -> Result<Vec<CatalogueEntry>, StoreError> {
        let versions = self.published_versions(agency).await?;
        let mut entries = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for v in &versions {
            if seen.contains(&v.sop_id.as_str()) {
                continue;
            }
            seen.push(&v.sop_id);
            let lines: Vec<_> = versions.iter().filter(|w| w.sop_id == v.sop_id).collect();
            let in_effect = |w: &crate::PublishedVersion| w.effective_at.is_none_or(|e| e <= now);
            // Newest first: a withdrawn SOP once; else its active version and,
            // when the newest waits for its effective date, that one too.
            let mut shown = Vec::new();
            if v.withdrawn_at.is_some() {
                shown.push((CatalogueStatus::Withdrawn, v));
            } else {
                if !in_effect(v) {
                    shown.push((CatalogueStatus::Ratified, v));
                }
                if let Some(active) = lines.iter().find(|w| in_effect(w) && w.withdrawn_at.is_none()) {
                    shown.push((CatalogueStatus::Active, active));
                }
            }
            for (status, line) in shown {
                let version =
                    u32::try_from(line.version).map_err(|_| StoreError::Corrupt("versi SOP".into()))?;
                let sop = self.sop(agency, &line.sop_id, Some(version)).await?;
                let i = &sop.identity;
                entries.push(CatalogueEntry {
                    sop_id: sop.id.clone(),
                    status,
                    number: i.nomor.value.clone(),
                    name: i.nama.value.clone(),
                    unit: i.unit.clone().unwrap_or_default(),
                    version: Some(version),
                    ratified_on: i.tanggal_pengesahan,
                    effective_on: i.tanggal_efektif,
                    draft: None,
                });
            }
        }
        for d in self.sop_drafts(agency).await? {
            let status = match d.status {
                DraftStatus::Open => CatalogueStatus::Draft,
                DraftStatus::InReview => CatalogueStatus::InReview,
                DraftStatus::Approved => CatalogueStatus::Approved,
                DraftStatus::Ratified | DraftStatus::Published => continue,
            };
            let form = sop::draft_form::SopForm::read(&d.source).unwrap_or_default();
            entries.push(CatalogueEntry {
                sop_id: d.sop_id.clone(),
                status,
                number: form.identity.nomor,
                name: d.title.clone(),
                unit: form.identity.unit,
                version: form.version.parse().ok(),
                ratified_on: None,
                effective_on: None,
                draft: Some(d.id),
            });
        }
        entries.sort_by(|a, b| (&a.sop_id, a.status).cmp(&(&b.sop_id, b.status)));
        Ok(entries)
    }

    /// Withdraws an SOP from use: no new case starts on it; the cases
    /// running on it go on. `NotFound` when it has no version in use.
    pub async fn withdraw_sop(&self, agency: &str, id: &str, by: &str, at: i64) -> Result<(), StoreError> {
        let set = sqlx::query(
            "UPDATE sop_versions SET withdrawn_at = $1 WHERE agency_id = $2 AND sop_id = $3 AND withdrawn_at IS NULL",
        )
        .bind(at)
        .bind(agency)
        .bind(id);
        let change = Change::SopWithdrawn { sop: id.to_string() };
        if self.write_recorded(set, Owner::Agency(agency), Some(by), change, at).await? == 0 {
            return Err(StoreError::NotFound(format!("SOP {id} yang berlaku")));
        }
        Ok(())
    }

    /// Puts a withdrawn SOP back in use: its newest version in effect takes
    /// new cases again. `NotFound` when it is not withdrawn.
    pub async fn restore_sop(&self, agency: &str, id: &str, by: &str, at: i64) -> Result<(), StoreError> {
        let set = sqlx::query(
            "UPDATE sop_versions SET withdrawn_at = NULL WHERE agency_id = $1 AND sop_id = $2 AND withdrawn_at IS NOT NULL",
        )
        .bind(agency)
        .bind(id);
        let change = Change::SopRestored { sop: id.to_string() };
        if self.write_recorded(set, Owner::Agency(agency), Some(by), change, at).await? == 0 {
            return Err(StoreError::NotFound(format!("SOP {id} yang ditarik")));
        }
        Ok(())
    }
}
