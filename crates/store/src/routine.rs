//! Routine SOPs (`[schedule]`): the server starts one case per SOP and
//! period at the period's start. The period is claimed in the database in
//! the transaction that records the case, so two servers sharing it, or a
//! restart, never start one period twice.

use sqlx::Row;

use crate::cases::next_number;
use crate::{Store, StoreError, new_id};

/// What one pass of the schedule did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RoutineStarts {
    /// Numbers of the cases started.
    pub started: Vec<String>,
    /// Routines the engine would not start, with why (tried again later).
    pub refused: Vec<String>,
}

impl Store {
    /// Starts the routine cases due at `now` that no one started yet: for
    /// each agency's SOP with a `[schedule]`, the current period's once its
    /// start has passed. An SOP the engine refuses to start (its first lane
    /// held by nobody) is reported and tried again at the next call.
    pub async fn start_due_routines(&self, now: i64) -> Result<RoutineStarts, StoreError> {
        let agencies: Vec<String> = sqlx::query("SELECT id FROM agencies ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
        let instant =
            jiff::Timestamp::from_millisecond(now).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut starts = RoutineStarts::default();
        for agency in agencies {
            for sop_id in self.sop_ids(&agency).await? {
                let sop = self.sop(&agency, &sop_id, None).await?;
                let Some(schedule) = &sop.schedule else { continue };
                let calendar = self.calendar(&agency).await?;
                let Some((period, start)) = engine::routine::due_start(schedule, &calendar, instant) else {
                    continue;
                };
                if instant < start {
                    continue;
                }
                match self.start_routine(&sop, &period, now).await {
                    Ok(Some(number)) => starts.started.push(number),
                    Ok(None) => {}
                    Err(StoreError::Engine(e)) => starts.refused.push(format!("{} ({period}): {e}", sop.id)),
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(starts)
    }

    /// Starts `sop`'s case for `period` unless that period was claimed:
    /// its number, or `None` when it was.
    pub async fn start_routine(
        &self,
        sop: &sop::Sop,
        period: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        let agency = sop.agency.as_str();
        let (org, calendar) = (self.organisation(agency).await?, self.calendar(agency).await?);
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let case = new_id();
            let claimed = sqlx::query(
                "INSERT INTO routine_runs (agency_id, sop_id, period, case_id, started_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (agency_id, sop_id, period) DO NOTHING",
            )
            .bind(agency)
            .bind(&sop.id)
            .bind(period)
            .bind(&case)
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if claimed == 0 {
                return Ok(None);
            }
            let number = next_number(tx, agency, sop, &calendar, now).await?;
            let ctx = engine::Context { sop, org: &org, calendar: &calendar };
            let events = engine::workflow::start_routine(&ctx, &case, &number, period, now)?;
            let state = crate::cases::fold(&events, None);
            self.record(tx, agency, &calendar, &events).await?;
            self.notify_about(tx, &ctx, &state, &events).await?;
            Ok(Some(number))
        }
        .await;
        write.finish(result).await
    }

    /// The periods of `sop_id` started so far, oldest first: (period, case).
    pub async fn routine_runs(
        &self,
        agency: &str,
        sop_id: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT period, case_id FROM routine_runs WHERE agency_id = $1 AND sop_id = $2 ORDER BY started_at, period",
        )
        .bind(agency)
        .bind(sop_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("period")?, r.try_get("case_id")?))).collect()
    }
}
