//! Escalation: tasks past their due time are found, their lane and the
//! holders of the position theirs reports to are told — one level further
//! up the agency's chain with each repeat (see
//! `engine::Organisation::escalation_chain`) — and this repeats at an
//! interval. Each round runs
//! in one transaction behind the chain lock, so several processes sharing a
//! database escalate a task once per round.

use engine::case::EventBody;
use engine::workflow;
use jiff::Timestamp;
use sqlx::Row;

use crate::audit::{append, case_events};
use crate::{Store, StoreError};

/// Tasks escalated per call at most; the next call takes the rest.
const BATCH: i64 = 200;

impl Store {
    /// Escalates every open task past due at `now` that was never escalated,
    /// or last escalated at least `every_ms` ago. Returns how many.
    pub async fn escalate(&self, now: i64, every_ms: i64) -> Result<usize, StoreError> {
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let due = sqlx::query(
                "SELECT id, case_id, agency_id, escalations FROM tasks
                 WHERE status = 'open' AND due_at IS NOT NULL AND due_at < $1
                   AND (escalated_at IS NULL OR escalated_at <= $2)
                 ORDER BY due_at, id LIMIT $3",
            )
            .bind(now)
            .bind(now - every_ms)
            .bind(BATCH)
            .fetch_all(&mut **tx)
            .await?;
            let mut count = 0;
            for row in due {
                let (task, case, agency): (String, String, String) =
                    (row.try_get("id")?, row.try_get("case_id")?, row.try_get("agency_id")?);
                let round = u32::try_from(row.try_get::<i64, _>("escalations")? + 1).unwrap_or(u32::MAX);
                let events = case_events(&mut **tx, &agency, &case).await?;
                let events = events.iter().map(|e| e.event()).collect::<Result<Vec<_>, _>>()?;
                let Some(state) = engine::CaseState::from_events(&events) else { continue };
                let Some(event) = workflow::escalate(&state, &task, round, now) else { continue };
                let EventBody::TaskOverdue { step, due_at, .. } = &event.body else { unreachable!() };
                append(tx, &agency, std::slice::from_ref(&event)).await?;
                sqlx::query(
                    "UPDATE tasks SET escalated_at = $1, escalations = escalations + 1 WHERE id = $2",
                )
                .bind(now)
                .bind(&task)
                .execute(&mut **tx)
                .await?;
                let profile = self.agency(&agency).await?;
                let zone = crate::report_months::zone_of(&profile.timezone);
                let local = |ms: i64| Timestamp::from_millisecond(ms).map(|t| t.to_zoned(zone.clone()));
                let due_local = local(*due_at).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let message = format!(
                    "Langkah {step} permohonan {} melewati batas waktu ({} {}); peringatan ke-{round}.",
                    state.number,
                    due_local.strftime("%d-%m-%Y %H:%M"),
                    profile.zone_abbreviation()
                );
                let org = self.organisation(&agency).await?;
                let today = local(now).map_err(|e| StoreError::Corrupt(e.to_string()))?.date();
                let candidates = state.task(&task).map_or_else(Vec::new, |t| t.candidates.clone());
                for person in engine::notice::told_of_overdue(&org, &candidates, round, today) {
                    self.notify(tx, &agency, &person, &case, engine::notice::NoticeKind::Late, &message, now)
                        .await?;
                }
                count += 1;
            }
            count += self.escalate_procedures(tx, now, every_ms).await?;
            Ok(count)
        }
        .await;
        write.finish(result).await
    }

    /// As for tasks, for cases open past their whole-procedure deadline
    /// (`[deadline]`): those acting on its open tasks and the heads above
    /// them are told, one level further up with each repeat.
    async fn escalate_procedures(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        now: i64,
        every_ms: i64,
    ) -> Result<usize, StoreError> {
        let due = sqlx::query(
            "SELECT id, agency_id, escalations FROM cases
             WHERE status = 'open' AND due_at IS NOT NULL AND due_at < $1
               AND (escalated_at IS NULL OR escalated_at <= $2)
             ORDER BY due_at, id LIMIT $3",
        )
        .bind(now)
        .bind(now - every_ms)
        .bind(BATCH)
        .fetch_all(&mut **tx)
        .await?;
        let mut count = 0;
        for row in due {
            let (case, agency): (String, String) = (row.try_get("id")?, row.try_get("agency_id")?);
            let round = u32::try_from(row.try_get::<i64, _>("escalations")? + 1).unwrap_or(u32::MAX);
            let events = case_events(&mut **tx, &agency, &case).await?;
            let events = events.iter().map(|e| e.event()).collect::<Result<Vec<_>, _>>()?;
            let Some(state) = engine::CaseState::from_events(&events) else { continue };
            let Some(event) = workflow::escalate_case(&state, round, now) else { continue };
            append(tx, &agency, std::slice::from_ref(&event)).await?;
            sqlx::query("UPDATE cases SET escalated_at = $1, escalations = escalations + 1 WHERE id = $2")
                .bind(now)
                .bind(&case)
                .execute(&mut **tx)
                .await?;
            let profile = self.agency(&agency).await?;
            let zone = crate::report_months::zone_of(&profile.timezone);
            let local = |ms: i64| Timestamp::from_millisecond(ms).map(|t| t.to_zoned(zone.clone()));
            let due_local =
                local(state.due_at.unwrap_or(now)).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let message = format!(
                "Permohonan {} melewati batas waktu seluruh prosedur ({} {}); peringatan ke-{round}.",
                state.number,
                due_local.strftime("%d-%m-%Y %H:%M"),
                profile.zone_abbreviation()
            );
            let org = self.organisation(&agency).await?;
            let today = local(now).map_err(|e| StoreError::Corrupt(e.to_string()))?.date();
            let candidates: Vec<engine::Candidate> =
                state.open_tasks().flat_map(|t| t.candidates.iter().cloned()).collect();
            for person in engine::notice::told_of_overdue(&org, &candidates, round, today) {
                self.notify(tx, &agency, &person, &case, engine::notice::NoticeKind::Late, &message, now)
                    .await?;
            }
            count += 1;
        }
        Ok(count)
    }
}
