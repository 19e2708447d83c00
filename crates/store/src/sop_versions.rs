//! Published SOP versions. The definition text of each version is kept, so
//! a running case is always decided against the version it started on,
//! whatever has been published since.

use sqlx::Row;

use crate::record_event::{self, Change, Owner};
use crate::{Store, StoreError};

impl Store {
    /// Publishes a definition for its agency. Publishing the same text again
    /// is a no-op; different text under an existing version is refused.
    pub async fn publish_sop(&self, file: &str, source: &str, at: i64) -> Result<sop::Sop, StoreError> {
        let sop = sop::parse_sop(file, source).map_err(|errors| StoreError::BadSop {
            id: file.to_string(),
            message: errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
        })?;
        let existing = sqlx::query("SELECT source FROM sop_versions WHERE sop_id = $1 AND version = $2")
            .bind(&sop.id)
            .bind(i64::from(sop.version))
            .fetch_optional(&self.pool)
            .await?;
        match existing {
            Some(row) if row.try_get::<String, _>("source")? == source => {}
            Some(_) => return Err(StoreError::VersionConflict { id: sop.id.clone(), version: sop.version }),
            None => {
                let insert = sqlx::query(
                    "INSERT INTO sop_versions (agency_id, sop_id, version, source, file, published_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&sop.agency)
                .bind(&sop.id)
                .bind(i64::from(sop.version))
                .bind(source)
                .bind(file)
                .bind(at);
                let change = Change::SopPublished {
                    sop: sop.id.clone(),
                    version: sop.version,
                    sha256: record_event::sha256(source.as_bytes()),
                };
                self.write_recorded(insert, Owner::Agency(&sop.agency), None, change, at).await?;
            }
        }
        Ok(sop)
    }

    /// One published version of an SOP of `agency`; `None` version = newest.
    /// A published version never changes, so each is parsed once per process.
    pub async fn sop(&self, agency: &str, id: &str, version: Option<u32>) -> Result<sop::Sop, StoreError> {
        let version = match version {
            Some(v) => v,
            None => {
                let newest: Option<i64> = sqlx::query(
                    "SELECT MAX(version) AS v FROM sop_versions WHERE agency_id = $1 AND sop_id = $2",
                )
                .bind(agency)
                .bind(id)
                .fetch_one(&self.pool)
                .await?
                .try_get("v")?;
                let newest = newest.ok_or_else(|| StoreError::NotFound(format!("SOP {id}")))?;
                u32::try_from(newest).map_err(|_| StoreError::Corrupt(format!("versi SOP {id}")))?
            }
        };
        let key = (agency.to_string(), id.to_string(), version);
        if let Some(sop) = self.sop_cache.lock().expect("not poisoned").get(&key) {
            return Ok(sop.as_ref().clone());
        }
        let row = sqlx::query(
            "SELECT file, source FROM sop_versions WHERE agency_id = $1 AND sop_id = $2 AND version = $3",
        )
        .bind(agency)
        .bind(id)
        .bind(i64::from(version))
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("SOP {id}")))?;
        let (file, source): (String, String) = (row.try_get("file")?, row.try_get("source")?);
        let sop = sop::parse_sop(&file, &source)
            .map_err(|e| StoreError::Corrupt(format!("SOP {id} tersimpan tidak dapat dibaca: {}", e[0])))?;
        self.sop_cache.lock().expect("not poisoned").insert(key, std::sync::Arc::new(sop.clone()));
        Ok(sop)
    }

    /// Ids of the SOPs published by an agency (newest version of each).
    pub async fn sop_ids(&self, agency: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query("SELECT DISTINCT sop_id FROM sop_versions WHERE agency_id = $1 ORDER BY sop_id")
            .bind(agency)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get("sop_id"))
            .collect::<Result<_, _>>()?)
    }
}
