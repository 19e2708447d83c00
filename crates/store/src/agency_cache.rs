//! Each agency's profile, organisation and calendar kept in memory: nearly
//! every request reads them and they change rarely. A change bumps the
//! agency's revision row; this process forgets its copy at once, and every
//! process — several servers may share one PostgreSQL — compares its copy's
//! revision with the database's at most every [`RECHECK`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use engine::{Calendar, Organisation};
use sqlx::Row;

use crate::{Store, StoreError};

/// How stale another process's change may be seen.
const RECHECK: Duration = Duration::from_millis(250);

#[derive(Default)]
pub(crate) struct AgencyCache(Mutex<HashMap<String, Entry>>);

#[derive(Clone)]
struct Entry {
    revision: i64,
    checked: Instant,
    agency: Option<Arc<sop::Agency>>,
    organisation: Option<Arc<Organisation>>,
    calendar: Option<Arc<Calendar>>,
}

impl AgencyCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Store {
    /// Records that `agency`'s profile, organisation or calendar changed.
    pub(crate) async fn agency_changed(&self, agency: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE agencies SET revision = revision + 1 WHERE id = $1")
            .bind(agency)
            .execute(&self.pool)
            .await?;
        self.agencies.lock().remove(agency);
        Ok(())
    }

    /// The revision the copy of `agency` must have, from memory if it was
    /// checked recently.
    async fn current_revision(&self, agency: &str) -> Result<i64, StoreError> {
        if let Some(entry) = self.agencies.lock().get(agency).filter(|e| e.checked.elapsed() < RECHECK) {
            return Ok(entry.revision);
        }
        let row = sqlx::query("SELECT revision FROM agencies WHERE id = $1")
            .bind(agency)
            .fetch_optional(&self.hot)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("instansi {agency}")))?;
        let revision: i64 = row.try_get("revision")?;
        let mut cache = self.agencies.lock();
        match cache.get_mut(agency) {
            Some(entry) if entry.revision == revision => entry.checked = Instant::now(),
            _ => {
                cache.insert(
                    agency.to_string(),
                    Entry {
                        revision,
                        checked: Instant::now(),
                        agency: None,
                        organisation: None,
                        calendar: None,
                    },
                );
            }
        }
        Ok(revision)
    }

    /// As [`Store::agency`], shared rather than copied.
    pub async fn cached_agency(&self, id: &str) -> Result<Arc<sop::Agency>, StoreError> {
        self.cached(id, |e| &mut e.agency, self.load_agency(id)).await
    }

    /// As [`Store::organisation`], shared rather than copied.
    pub async fn cached_organisation(&self, agency: &str) -> Result<Arc<Organisation>, StoreError> {
        self.cached(agency, |e| &mut e.organisation, self.load_organisation(agency)).await
    }

    pub(crate) async fn cached_calendar(&self, agency: &str) -> Result<Arc<Calendar>, StoreError> {
        self.cached(agency, |e| &mut e.calendar, self.load_calendar(agency)).await
    }

    /// The part of `agency`'s copy that `part` picks, loaded by `load` if
    /// the copy lacks it; kept unless the copy moved on meanwhile.
    async fn cached<T>(
        &self,
        agency: &str,
        part: fn(&mut Entry) -> &mut Option<Arc<T>>,
        load: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<Arc<T>, StoreError> {
        let revision = self.current_revision(agency).await?;
        if let Some(found) = self.agencies.lock().get_mut(agency).and_then(|e| part(e).clone()) {
            return Ok(found);
        }
        let loaded = Arc::new(load.await?);
        if let Some(entry) = self.agencies.lock().get_mut(agency).filter(|e| e.revision == revision) {
            *part(entry) = Some(loaded.clone());
        }
        Ok(loaded)
    }
}
