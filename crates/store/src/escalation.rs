//! Escalation: tasks past their due time, and cases past their whole
//! procedure's deadline (`[deadline]`), are found; those acting on them and
//! the holders of the positions theirs report to are told — one level
//! further up the agency's chain with each repeat (see
//! `engine::notice::told_of_overdue`) — and this repeats at an interval.
//! Each round runs in one transaction behind the chain lock, so several
//! processes sharing a database escalate once per round.

use engine::case::EventBody;
use engine::notice::NoticeKind;
use engine::{Candidate, CaseState, Event, workflow};
use jiff::Timestamp;
use sqlx::Row;

use crate::audit::{append, case_events};
use crate::notice_delivery::Notice;
use crate::{Store, StoreError, WriteTx};

/// Escalated per call and kind at most; the next call takes the rest.
const BATCH: i64 = 200;

/// What runs past its due time: one step's task, or a case's whole procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Overdue {
    Step,
    Procedure,
}

impl Overdue {
    /// Those past due at `$1`, never escalated or last at `$2` or before:
    /// the overdue thing's id, its case, agency and escalations so far.
    fn due_query(self) -> &'static str {
        match self {
            Overdue::Step => {
                "SELECT id, case_id, agency_id, escalations FROM tasks
                 WHERE status = 'open' AND due_at IS NOT NULL AND due_at < $1
                   AND (escalated_at IS NULL OR escalated_at <= $2)
                 ORDER BY due_at, id LIMIT $3"
            }
            Overdue::Procedure => {
                "SELECT id, id AS case_id, agency_id, escalations FROM cases
                 WHERE status = 'open' AND due_at IS NOT NULL AND due_at < $1
                   AND (escalated_at IS NULL OR escalated_at <= $2)
                 ORDER BY due_at, id LIMIT $3"
            }
        }
    }

    fn escalated_query(self) -> &'static str {
        match self {
            Overdue::Step => {
                "UPDATE tasks SET escalated_at = $1, escalations = escalations + 1 WHERE id = $2"
            }
            Overdue::Procedure => {
                "UPDATE cases SET escalated_at = $1, escalations = escalations + 1 WHERE id = $2"
            }
        }
    }

    /// The escalation event of `id` in `state`, what is late (the start of
    /// the message), when it was due, and who was to act.
    fn escalate(
        self,
        state: &CaseState,
        id: &str,
        round: u32,
        now: i64,
    ) -> Option<(Event, String, i64, Vec<Candidate>)> {
        match self {
            Overdue::Step => {
                let event = workflow::escalate(state, id, round, now)?;
                let EventBody::TaskOverdue { step, due_at, .. } = &event.body else { unreachable!() };
                let what = format!("Langkah {step} permohonan {} melewati batas waktu", state.number);
                let due_at = *due_at;
                let candidates = state.task(id).map_or_else(Vec::new, |t| t.candidates.clone());
                Some((event, what, due_at, candidates))
            }
            Overdue::Procedure => {
                let event = workflow::escalate_case(state, round, now)?;
                let what = format!("Permohonan {} melewati batas waktu seluruh prosedur", state.number);
                let candidates = state.open_tasks().flat_map(|t| t.candidates.iter().cloned()).collect();
                Some((event, what, state.due_at.unwrap_or(now), candidates))
            }
        }
    }
}

impl Store {
    /// Escalates every open task past due at `now`, and every case past its
    /// procedure's deadline, that was never escalated, or last escalated at
    /// least `every_ms` ago. Returns how many.
    pub async fn escalate(&self, now: i64, every_ms: i64) -> Result<usize, StoreError> {
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let steps = self.escalate_overdue(tx, Overdue::Step, now, every_ms).await?;
            Ok(steps + self.escalate_overdue(tx, Overdue::Procedure, now, every_ms).await?)
        }
        .await;
        write.finish(result).await
    }

    async fn escalate_overdue(
        &self,
        tx: &mut WriteTx,
        kind: Overdue,
        now: i64,
        every_ms: i64,
    ) -> Result<usize, StoreError> {
        let due = sqlx::query(kind.due_query())
            .bind(now)
            .bind(now - every_ms)
            .bind(BATCH)
            .fetch_all(&mut **tx)
            .await?;
        let mut count = 0;
        for row in due {
            let (id, case, agency): (String, String, String) =
                (row.try_get("id")?, row.try_get("case_id")?, row.try_get("agency_id")?);
            let round = u32::try_from(row.try_get::<i64, _>("escalations")? + 1).unwrap_or(u32::MAX);
            let events = case_events(&mut **tx, &agency, &case).await?;
            let events = events.iter().map(|e| e.event()).collect::<Result<Vec<_>, _>>()?;
            let Some(state) = CaseState::from_events(&events) else { continue };
            let Some((event, what, due_at, candidates)) = kind.escalate(&state, &id, round, now) else {
                continue;
            };
            append(tx, &agency, std::slice::from_ref(&event)).await?;
            sqlx::query(kind.escalated_query()).bind(now).bind(&id).execute(&mut **tx).await?;
            let profile = self.agency(&agency).await?;
            let zone = crate::report_months::zone_of(&profile.timezone);
            let local = |ms: i64| {
                Timestamp::from_millisecond(ms)
                    .map(|t| t.to_zoned(zone.clone()))
                    .map_err(|e| StoreError::Corrupt(e.to_string()))
            };
            let message = format!(
                "{what} ({} {}); peringatan ke-{round}.",
                local(due_at)?.strftime("%d-%m-%Y %H:%M"),
                profile.zone_abbreviation()
            );
            let org = self.organisation(&agency).await?;
            for person in engine::notice::told_of_overdue(&org, &candidates, round, local(now)?.date()) {
                self.notify(tx, Notice::new(&agency, &person, &case, NoticeKind::Late, &message, now))
                    .await?;
            }
            count += 1;
        }
        Ok(count)
    }
}
