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
    /// must be read whole. Nothing is copied when nothing new came.
    pub(crate) fn extended(&self, rows: &[StoredEvent]) -> Result<Option<Folded>, StoreError> {
        let Some((first, new)) = rows.split_first() else { return Ok(None) };
        if first.seq != self.last.seq || first.hash != self.last.hash {
            return Ok(None);
        }
        let Some(newest) = new.last() else { return Ok(Some(Folded::from(self))) };
        let events = new.iter().map(StoredEvent::event).collect::<Result<Vec<_>, _>>()?;
        let state = crate::cases::fold(&events, Some(CaseState::clone(&self.state)));
        Ok(Some(Folded { last: last_of(newest), state: Arc::new(state) }))
    }
}

/// A case rebuilt from its events, with the last of them; shared with
/// the cache when kept.
pub(crate) struct Folded {
    last: Last,
    state: Arc<CaseState>,
}

impl From<&Kept> for Folded {
    fn from(kept: &Kept) -> Folded {
        Folded { last: kept.last.clone(), state: Arc::clone(&kept.state) }
    }
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
            .map(|(state, last)| Folded { last: last_of(last), state: Arc::new(state) }))
    }

    pub(crate) fn state(&self) -> &CaseState {
        &self.state
    }

    /// The case itself, copied only when the cache shares it.
    pub(crate) fn into_state(self) -> CaseState {
        Arc::unwrap_or_clone(self.state)
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

    /// Keeps `folded` (read outside any write transaction). A read that
    /// saw less of the case than the one kept before may replace it: the
    /// next read brings it up to date all the same, and a copy whose last
    /// event is gone must not stay.
    pub(crate) fn keep(&self, agency: &str, case: &str, folded: &Folded) {
        let kept = Kept { last: folded.last.clone(), state: Arc::clone(&folded.state) };
        self.lock().insert((agency.to_string(), case.to_string()), kept);
    }
}

#[cfg(test)]
mod tests {
    use engine::{Event, EventBody};

    use super::*;

    fn row(seq: i64, hash: &str, body: EventBody) -> StoredEvent {
        let payload = serde_json::to_string(&body).unwrap();
        StoredEvent {
            seq,
            agency: "a".into(),
            case: "c".into(),
            kind: "event".into(),
            at: seq,
            payload,
            prev_hash: String::new(),
            hash: hash.into(),
            chain_seq: Some(seq),
        }
    }

    fn opened() -> EventBody {
        EventBody::CaseOpened {
            agency: "a".into(),
            sop_id: "vpn".into(),
            sop_version: 1,
            number: "1/2026".into(),
            requester: "r".into(),
            unit: "u".into(),
            due_at: None,
            on_behalf_of: None,
            routine: None,
        }
    }

    fn created(task: &str) -> EventBody {
        EventBody::TaskCreated {
            task: task.into(),
            step: 1,
            lane: "l".into(),
            candidates: vec![],
            due_at: None,
        }
    }

    fn kept(rows: &[StoredEvent]) -> Kept {
        let folded = Folded::from_rows(rows).unwrap().unwrap();
        Kept { last: folded.last, state: folded.state }
    }

    #[test]
    fn a_kept_case_folds_in_only_the_events_after_its_last() {
        let kept = kept(&[row(1, "h1", opened()), row(2, "h2", created("t1"))]);
        // Read from its last event on: that event again, then one new. The
        // opening is not among the rows, so only the kept state can give it.
        let folded =
            kept.extended(&[row(2, "h2", created("t1")), row(5, "h5", created("t2"))]).unwrap().unwrap();
        assert_eq!(folded.last, Last { seq: 5, hash: "h5".into() });
        let ids: Vec<_> = folded.state.tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["t1", "t2"]);
        let whole = [row(1, "h1", opened()), row(2, "h2", created("t1")), row(5, "h5", created("t2"))];
        let events: Vec<Event> = whole.iter().map(|r| r.event().unwrap()).collect();
        assert_eq!(*folded.state, CaseState::from_events(&events).unwrap());
    }

    #[test]
    fn nothing_new_shares_the_kept_state() {
        let kept = kept(&[row(1, "h1", opened())]);
        let folded = kept.extended(&[row(1, "h1", opened())]).unwrap().unwrap();
        assert!(Arc::ptr_eq(&folded.state, &kept.state));
    }

    #[test]
    fn a_changed_or_missing_last_event_asks_for_the_whole_case() {
        let kept = kept(&[row(1, "h1", opened()), row(2, "h2", created("t1"))]);
        assert!(kept.extended(&[row(2, "other", created("t1"))]).unwrap().is_none());
        assert!(kept.extended(&[row(3, "h3", created("t2"))]).unwrap().is_none());
        assert!(kept.extended(&[]).unwrap().is_none());
    }
}
