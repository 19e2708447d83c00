//! The cases read lately, kept folded in memory. A step reads its case at
//! least twice (who may see it, then inside the command) and a page shows
//! it again afterwards; rebuilding it each time meant reading and decoding
//! every event it has. Events are append-only, so a kept case is brought up
//! to date by reading only the events from its last one on — that one
//! included, to check it is still the event kept (a database restored
//! from a backup, or a chain cut or relinked from there on, reads afresh;
//! an edit further back that keeps the hashes is `audit verify`'s to find).
//! This relies on `seq` rising along each agency's chain (see
//! `audit::arrival_numbers`).
//!
//! The state kept is as stored: personal values sealed, opened only for
//! display ([`crate::personal_data`]). Only committed reads keep a case:
//! what a command reads inside its transaction may still be rolled back.

use std::sync::{Arc, Mutex, MutexGuard};

use engine::CaseState;
use hashlink::LruCache;

use crate::StoreError;
use crate::audit::StoredEvent;

/// How many cases are kept (some 16 KB each, as measured): more than the
/// cases being worked on at one time.
const KEPT: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Last {
    seq: i64,
    hash: String,
}

/// A case folded up to its event `last`.
#[derive(Clone)]
pub(crate) struct Kept {
    last: Last,
    state: Arc<CaseState>,
}

impl Kept {
    /// The last event folded in, to read from (itself included).
    pub(crate) fn last_seq(&self) -> i64 {
        self.last.seq
    }

    /// The case with `rows` (read from [`Kept::last_seq`] on, in chain order)
    /// folded in; `None` when the first is not the event kept, and the case
    /// must be read whole.
    pub(crate) fn extended(&self, rows: &[StoredEvent]) -> Result<Option<Folded>, StoreError> {
        match rows.first() {
            Some(first) if first.seq == self.last.seq && first.hash == self.last.hash => {
                let mut state = CaseState::clone(&self.state);
                for row in &rows[1..] {
                    state = engine::case::apply(Some(state), &row.event()?);
                }
                let last = rows.last().map_or_else(|| self.last.clone(), last_of);
                Ok(Some(Folded { last, state }))
            }
            _ => Ok(None),
        }
    }
}

/// A case rebuilt from its events, with the last of them.
pub(crate) struct Folded {
    last: Last,
    pub(crate) state: CaseState,
}

impl Folded {
    /// The case from all its events (`rows`, in chain order); `None` when
    /// there is no such case, or its history does not start with its
    /// opening (a row removed by hand).
    pub(crate) fn from_rows(rows: &[StoredEvent]) -> Result<Option<Folded>, StoreError> {
        let events = rows.iter().map(StoredEvent::event).collect::<Result<Vec<_>, _>>()?;
        if !matches!(events.first().map(|e| &e.body), Some(engine::EventBody::CaseOpened { .. })) {
            return Ok(None);
        }
        Ok(CaseState::from_events(&events)
            .zip(rows.last())
            .map(|(state, last)| Folded { last: last_of(last), state }))
    }
}

fn last_of(row: &StoredEvent) -> Last {
    Last { seq: row.seq, hash: row.hash.clone() }
}

pub(crate) struct CaseCache(Mutex<LruCache<(String, String), Kept>>);

impl Default for CaseCache {
    fn default() -> Self {
        CaseCache(Mutex::new(LruCache::new(KEPT)))
    }
}

impl CaseCache {
    fn lock(&self) -> MutexGuard<'_, LruCache<(String, String), Kept>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn get(&self, agency: &str, case: &str) -> Option<Kept> {
        self.lock().get(&(agency.to_string(), case.to_string())).cloned()
    }

    /// Keeps `folded` (read outside any write transaction), unless a read
    /// that saw more of the case kept it already.
    pub(crate) fn keep(&self, agency: &str, case: &str, folded: &Folded) {
        let key = (agency.to_string(), case.to_string());
        let mut cache = self.lock();
        if cache.peek(&key).is_some_and(|kept| kept.last.seq > folded.last.seq) {
            return;
        }
        let kept = Kept { last: folded.last.clone(), state: Arc::new(folded.state.clone()) };
        cache.insert(key, kept);
    }
}
