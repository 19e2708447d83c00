//! Published SOP versions. The definition text of each version is kept, so
//! a running case is always decided against the version it started on,
//! whatever has been published since.

use sqlx::Row;

use crate::record_event::{self, Change, Owner};
use crate::{Store, StoreError};

/// What publishing a definition did.
#[derive(Debug, Clone)]
pub struct Publication {
    pub sop: sop::Sop,
    /// `false`: this very text was already published under its version,
    /// and nothing changed.
    pub new: bool,
}

/// One published version, as the list of live SOPs shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PublishedVersion {
    pub sop_id: String,
    pub version: i64,
    /// The file it was published from (a path under the SOP directory, the
    /// uploaded file's name, or the built-in's name).
    pub file: String,
    pub published_at: i64,
    /// The person who published it; `None`: the installation itself.
    pub published_by: Option<String>,
    /// Cases started on this version that are still running.
    pub open_cases: i64,
    /// A ratified version: new cases start on it from this instant on.
    pub effective_at: Option<i64>,
    /// A ratified version: the head who signed it.
    pub ratified_by: Option<String>,
    /// When its SOP was withdrawn from use (ditarik).
    pub withdrawn_at: Option<i64>,
}

impl Store {
    /// Publishes a definition for its agency on the installation's behalf
    /// (built-in SOPs, the server's SOP directory). Publishing the same text
    /// again is a no-op; see [`Store::publish_sop_by`] for the refusals.
    pub async fn publish_sop(&self, file: &str, source: &str, at: i64) -> Result<sop::Sop, StoreError> {
        Ok(self.publish_sop_by(file, source, at, None).await?.sop)
    }

    /// Publishes a definition for its agency as a new version, recording who
    /// (`by`, a person; `None` for the installation) in the audit chain.
    /// The same text again changes nothing; another text under a published
    /// version number, or a version older than the newest, is refused:
    /// a running case is decided against the text it started on.
    pub async fn publish_sop_by(
        &self,
        file: &str,
        source: &str,
        at: i64,
        by: Option<&str>,
    ) -> Result<Publication, StoreError> {
        let sop = sop::parse_sop(file, source).map_err(|errors| StoreError::BadSop {
            id: file.to_string(),
            message: errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
        })?;
        if !self.is_new_version(&sop).await? {
            return Ok(Publication { sop, new: false });
        }
        let conflicts = self.registry_kind_conflicts(&sop).await?;
        if !conflicts.is_empty() {
            return Err(StoreError::BadSop {
                id: sop.id.clone(),
                message: conflicts.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
            });
        }
        let insert = sqlx::query(
            "INSERT INTO sop_versions (agency_id, sop_id, version, source, file, published_at, published_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&sop.agency)
        .bind(&sop.id)
        .bind(i64::from(sop.version))
        .bind(source)
        .bind(file)
        .bind(at)
        .bind(by);
        let change = Change::SopPublished {
            sop: sop.id.clone(),
            version: sop.version,
            sha256: record_event::sha256(source.as_bytes()),
        };
        match self.write_recorded(insert, Owner::Agency(&sop.agency), by, change, at).await {
            Ok(_) => Ok(Publication { sop, new: true }),
            // Published at the same moment by another server or request:
            // the same text is fine, another is refused as above.
            Err(StoreError::Database(sqlx::Error::Database(e))) if e.is_unique_violation() => {
                self.is_new_version(&sop).await?;
                Ok(Publication { sop, new: false })
            }
            Err(e) => Err(e),
        }
    }

    /// Whether publishing `sop` would add a version: `false` when this very
    /// text is published under its version already. Refused
    /// ([`StoreError::VersionConflict`], [`StoreError::StaleVersion`]) when
    /// its version holds another text or is older than the newest.
    pub async fn is_new_version(&self, sop: &sop::Sop) -> Result<bool, StoreError> {
        let newest: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM sop_versions WHERE sop_id = $1")
            .bind(&sop.id)
            .fetch_one(&self.pool)
            .await?
            .try_get("v")?;
        let Some(newest) = newest else { return Ok(true) };
        let newest =
            u32::try_from(newest).map_err(|_| StoreError::Corrupt(format!("versi SOP {}", sop.id)))?;
        let existing = sqlx::query("SELECT source FROM sop_versions WHERE sop_id = $1 AND version = $2")
            .bind(&sop.id)
            .bind(i64::from(sop.version))
            .fetch_optional(&self.pool)
            .await?;
        let (id, version) = (sop.id.clone(), sop.version);
        match existing {
            Some(row) if row.try_get::<String, _>("source")? == sop.source => Ok(false),
            Some(_) => Err(StoreError::VersionConflict { id, version, newest }),
            None if version < newest => Err(StoreError::StaleVersion { id, version, newest }),
            None => Ok(true),
        }
    }

    /// Every published version of the agency's SOPs, newest version of each
    /// SOP first, with how many cases still run on it.
    pub async fn published_versions(&self, agency: &str) -> Result<Vec<PublishedVersion>, StoreError> {
        let mut versions = sqlx::query_as::<_, PublishedVersion>(
            "SELECT v.sop_id, v.version, v.file, v.published_at, v.published_by, 0 AS open_cases,
                    v.effective_at, v.ratified_by, v.withdrawn_at
             FROM sop_versions v WHERE v.agency_id = $1 ORDER BY v.sop_id, v.version DESC",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await?;
        // The running cases counted once for all versions (one pass over
        // the open cases), not once per version.
        let mut open = std::collections::HashMap::new();
        for r in sqlx::query(
            "SELECT sop_id, sop_version, COUNT(*) AS n FROM cases WHERE agency_id = $1 AND status = $2
             GROUP BY sop_id, sop_version",
        )
        .bind(agency)
        .bind(engine::CaseStatus::Open.key())
        .fetch_all(&self.pool)
        .await?
        {
            open.insert(
                (r.try_get::<String, _>("sop_id")?, r.try_get::<i64, _>("sop_version")?),
                r.try_get::<i64, _>("n")?,
            );
        }
        for v in &mut versions {
            v.open_cases = open.get(&(v.sop_id.clone(), v.version)).copied().unwrap_or_default();
        }
        Ok(versions)
    }

    /// The name (Nama SOP) of each SOP of `agency` in use, by id.
    pub async fn sop_names(
        &self,
        agency: &str,
    ) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        let mut names = std::collections::BTreeMap::new();
        for id in self.sop_ids(agency).await? {
            let name = self.sop(agency, &id, None).await?.identity.nama.value.clone();
            names.insert(id, name);
        }
        Ok(names)
    }

    /// One published version of an SOP of `agency`; `None` version = the
    /// active one: the newest in effect (a ratified version takes effect on
    /// its effective date) of an SOP not withdrawn. A published version never changes, so each is
    /// parsed once per process, and shared rather than copied.
    pub async fn sop(
        &self,
        agency: &str,
        id: &str,
        version: Option<u32>,
    ) -> Result<std::sync::Arc<sop::Sop>, StoreError> {
        let version = match version {
            Some(v) => v,
            None => {
                let newest: Option<i64> = sqlx::query(
                    "SELECT MAX(version) AS v FROM sop_versions WHERE agency_id = $1 AND sop_id = $2
                       AND (effective_at IS NULL OR effective_at <= $3) AND withdrawn_at IS NULL",
                )
                .bind(agency)
                .bind(id)
                .bind(crate::record_event::now())
                .fetch_one(&self.hot)
                .await?
                .try_get("v")?;
                let newest = newest.ok_or_else(|| StoreError::NotFound(format!("SOP {id}")))?;
                u32::try_from(newest).map_err(|_| StoreError::Corrupt(format!("versi SOP {id}")))?
            }
        };
        let key = (agency.to_string(), id.to_string(), version);
        if let Some(sop) = self.sop_cache.lock().expect("not poisoned").get(&key) {
            return Ok(sop.clone());
        }
        let row = sqlx::query(
            "SELECT file, source FROM sop_versions WHERE agency_id = $1 AND sop_id = $2 AND version = $3",
        )
        .bind(agency)
        .bind(id)
        .bind(i64::from(version))
        .fetch_optional(&self.hot)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("SOP {id}")))?;
        let (file, source): (String, String) = (row.try_get("file")?, row.try_get("source")?);
        let sop = sop::parse_sop(&file, &source)
            .map_err(|e| StoreError::Corrupt(format!("SOP {id} tersimpan tidak dapat dibaca: {}", e[0])))?;
        let sop = std::sync::Arc::new(sop);
        self.sop_cache.lock().expect("not poisoned").insert(key, sop.clone());
        Ok(sop)
    }

    /// Ids of the SOPs of an agency with a version in effect (not withdrawn).
    pub async fn sop_ids(&self, agency: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query(
            "SELECT DISTINCT sop_id FROM sop_versions WHERE agency_id = $1
               AND (effective_at IS NULL OR effective_at <= $2) AND withdrawn_at IS NULL ORDER BY sop_id",
        )
        .bind(agency)
        .bind(crate::record_event::now())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get("sop_id"))
        .collect::<Result<_, _>>()?)
    }
}
