//! Monthly totals for the accountability report — completed tasks by
//! duration bucket, and cases by outcome — kept as tasks complete and cases
//! open and close, so a year's report reads a few thousand rows however many
//! cases the year had. Durations are counted per bucket —
//! exact below 64 working minutes, beyond that sixteen buckets per doubling
//! (a bucket is at most 6.25 % of its value wide) — so a month holds a
//! bounded number of rows per step and person.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use sqlx::Row;

use crate::{Store, StoreError, WriteTx};

/// The bucket a duration of `minutes` is counted in: its lower bound.
pub fn bucket(minutes: i64) -> i64 {
    if minutes < 64 {
        return minutes.max(0);
    }
    // Keep the five highest bits: sixteen buckets per doubling.
    let shift = 63 - i64::from(minutes.leading_zeros()) - 4;
    (minutes >> shift) << shift
}

/// A month as one number (`year * 12 + month - 1`), so ranges compare.
pub(crate) fn month_number(date: Date) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month()) - 1
}

/// The local date of `at` (epoch milliseconds) in `zone`.
pub(crate) fn local_date(at: i64, zone: &TimeZone) -> Result<Date, StoreError> {
    let instant = jiff::Timestamp::from_millisecond(at).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(instant.to_zoned(zone.clone()).date())
}

/// The first instant (epoch milliseconds) of `date` in `zone`.
pub(crate) fn day_start(date: Date, zone: &TimeZone) -> Result<i64, StoreError> {
    let zoned = date.to_zoned(zone.clone()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(zoned.timestamp().as_millisecond())
}

/// The first instant (epoch milliseconds) of month `month` in `zone`.
pub(crate) fn month_start(month: i64, zone: &TimeZone) -> Result<i64, StoreError> {
    let year = i16::try_from(month.div_euclid(12)).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let date = Date::new(year, (month.rem_euclid(12) + 1) as i8, 1)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    day_start(date, zone)
}

/// How a period `[from, to)` is read: whole months from the totals, the
/// parts before the first and after the last whole month from the tasks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PeriodParts {
    /// Whole months `[first, last)`; empty when `first >= last`.
    pub months: (i64, i64),
    /// Time ranges `[from, to)` outside the whole months.
    pub rest: Vec<(i64, i64)>,
}

pub(crate) fn split_period(from: i64, to: i64, zone: &TimeZone) -> Result<PeriodParts, StoreError> {
    let whole = |from: i64| -> Result<i64, StoreError> {
        let month = month_number(local_date(from, zone)?);
        Ok(if month_start(month, zone)? == from { month } else { month + 1 })
    };
    let first = whole(from)?;
    let last = month_number(local_date(to, zone)?);
    let (first_ms, last_ms) = (month_start(first, zone)?, month_start(last, zone)?);
    if first >= last || first_ms >= to {
        return Ok(PeriodParts { months: (first, first), rest: vec![(from, to)] });
    }
    let rest = [(from, first_ms), (last_ms, to)].into_iter().filter(|(a, b)| a < b).collect();
    Ok(PeriodParts { months: (first, last), rest })
}

/// An agency's time zone by name (UTC if the name is unknown).
pub(crate) fn zone_of(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

type Key = (String, i64, String, i64, String, String, i64);

async fn add(tx: &mut WriteTx, key: &Key, n: i64, breaches: i64, late: i64) -> Result<(), StoreError> {
    let (agency, month, sop, step, lane, person, minutes) = key;
    sqlx::query(
        "INSERT INTO report_months (agency_id, month, sop_id, step, lane, done_by, minutes, n, breaches, late)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (agency_id, month, sop_id, step, lane, done_by, minutes) DO UPDATE
         SET n = report_months.n + excluded.n, breaches = report_months.breaches + excluded.breaches,
             late = report_months.late + excluded.late",
    )
    .bind(agency)
    .bind(*month)
    .bind(sop)
    .bind(*step)
    .bind(lane)
    .bind(person)
    .bind(*minutes)
    .bind(n)
    .bind(breaches)
    .bind(late)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A task just completed, as the monthly totals count it.
pub(crate) struct CompletedTask {
    pub sop_id: String,
    pub step: i64,
    pub lane: String,
    pub person: String,
    pub done_at: i64,
    pub work_minutes: i64,
    /// Minutes past its due time, if it was late.
    pub late_minutes: Option<i64>,
}

impl Store {
    /// Counts a task just completed in its month's totals.
    pub(crate) async fn count_completed(
        &self,
        tx: &mut WriteTx,
        zone: &TimeZone,
        agency: &str,
        task: CompletedTask,
    ) -> Result<(), StoreError> {
        let month = month_number(local_date(task.done_at, zone)?);
        let minutes = bucket(task.work_minutes);
        let key = (agency.to_string(), month, task.sop_id, task.step, task.lane, task.person, minutes);
        let late = task.late_minutes;
        add(tx, &key, 1, i64::from(late.is_some()), late.unwrap_or(0)).await
    }

    /// Counts a case just opened in its month's totals.
    pub(crate) async fn count_opened(
        &self,
        tx: &mut WriteTx,
        zone: &TimeZone,
        agency: &str,
        sop_id: &str,
        opened_at: i64,
    ) -> Result<(), StoreError> {
        let month = month_number(local_date(opened_at, zone)?);
        add_cases(tx, agency, month, sop_id, "open", 1).await
    }

    /// Moves a case just closed from open to `status` in the totals of the
    /// month it was opened in.
    pub(crate) async fn count_closed(
        &self,
        tx: &mut WriteTx,
        zone: &TimeZone,
        case: &str,
        status: &str,
    ) -> Result<(), StoreError> {
        let row = sqlx::query("SELECT agency_id, sop_id, opened_at FROM cases WHERE id = $1")
            .bind(case)
            .fetch_one(&mut **tx)
            .await?;
        let (agency, sop_id): (String, String) = (row.try_get("agency_id")?, row.try_get("sop_id")?);
        let month = month_number(local_date(row.try_get("opened_at")?, zone)?);
        add_cases(tx, &agency, month, &sop_id, "open", -1).await?;
        add_cases(tx, &agency, month, &sop_id, status, 1).await
    }

    /// Fills the monthly totals from the tasks and cases recorded before
    /// they were kept — once, the first time a server opens the database
    /// after the migration that made them.
    pub(crate) async fn fill_monthly_totals(&self) -> Result<(), StoreError> {
        for totals in [Totals::Tasks, Totals::Cases] {
            let marker = totals.marker();
            let filled = |count: i64| count > 0;
            let count: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM {marker}")))
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?;
            if filled(count) {
                continue;
            }
            let mut write = self.write().await?;
            let tx = write.tx();
            let result = async {
                let count: i64 =
                    sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM {marker}")))
                        .fetch_one(&mut **tx)
                        .await?
                        .try_get("n")?;
                if filled(count) {
                    return Ok(());
                }
                fill(tx, totals).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO {marker} (filled_at) VALUES ($1)")))
                    .bind(jiff::Timestamp::now().as_millisecond())
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }
            .await;
            write.finish(result).await?;
        }
        Ok(())
    }
}

async fn add_cases(
    tx: &mut WriteTx,
    agency: &str,
    month: i64,
    sop_id: &str,
    status: &str,
    n: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_months (agency_id, month, sop_id, status, n) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (agency_id, month, sop_id, status) DO UPDATE SET n = case_months.n + excluded.n",
    )
    .bind(agency)
    .bind(month)
    .bind(sop_id)
    .bind(status)
    .bind(n)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Clone, Copy)]
enum Totals {
    Tasks,
    Cases,
}

impl Totals {
    fn marker(self) -> &'static str {
        match self {
            Totals::Tasks => "report_months_filled",
            Totals::Cases => "case_months_filled",
        }
    }
}

/// Month by month, each month counted by the database from the report's
/// covering indexes (not row by row).
async fn fill(tx: &mut WriteTx, totals: Totals) -> Result<(), StoreError> {
    let zones: Vec<(String, TimeZone)> = sqlx::query("SELECT id, timezone FROM agencies ORDER BY id")
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, zone_of(&r.try_get::<String, _>("timezone")?))))
        .collect::<Result<_, sqlx::Error>>()?;
    let span_sql = match totals {
        Totals::Tasks => {
            "SELECT MIN(done_at) AS first, MAX(done_at) AS last FROM tasks WHERE agency_id = $1 AND done_at IS NOT NULL"
        }
        Totals::Cases => {
            "SELECT MIN(opened_at) AS first, MAX(opened_at) AS last FROM cases WHERE agency_id = $1"
        }
    };
    for (agency, zone) in &zones {
        let span = sqlx::query(span_sql).bind(agency).fetch_one(&mut **tx).await?;
        let (Some(first), Some(last)) =
            (span.try_get::<Option<i64>, _>("first")?, span.try_get::<Option<i64>, _>("last")?)
        else {
            continue;
        };
        for month in month_number(local_date(first, zone)?)..=month_number(local_date(last, zone)?) {
            let (from, to) = (month_start(month, zone)?, month_start(month + 1, zone)?);
            match totals {
                Totals::Tasks => {
                    for d in crate::report::done_between(&mut **tx, agency, from, to).await? {
                        let key =
                            (agency.clone(), month, d.sop_id, i64::from(d.step), d.lane, d.person, d.minutes);
                        add(tx, &key, d.count, d.breaches, d.late).await?;
                    }
                }
                Totals::Cases => {
                    for r in crate::report::opened_between(&mut **tx, agency, from, to).await? {
                        let (sop_id, status): (String, String) = (r.try_get("sop_id")?, r.try_get("status")?);
                        add_cases(tx, agency, month, &sop_id, &status, r.try_get("n")?).await?;
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_exact_below_an_hour_and_within_a_sixteenth_beyond() {
        assert_eq!(bucket(0), 0);
        assert_eq!(bucket(63), 63);
        assert_eq!(bucket(64), 64);
        assert_eq!(bucket(67), 64);
        assert_eq!(bucket(68), 68);
        assert_eq!(bucket(130), 128);
        for m in 64..100_000 {
            let b = bucket(m);
            assert!(b <= m && (m - b) * 16 <= b, "{m} in {b}");
        }
        let distinct: std::collections::BTreeSet<i64> = (64..128).map(bucket).collect();
        assert_eq!(distinct.len(), 16);
    }

    #[test]
    fn a_year_is_twelve_whole_months_and_a_part_month_is_read_from_tasks() {
        let zone = TimeZone::get("Asia/Jakarta").expect("zone");
        let at = |d: &str| {
            d.parse::<Date>()
                .expect("date")
                .to_zoned(zone.clone())
                .expect("zoned")
                .timestamp()
                .as_millisecond()
        };
        let year = split_period(at("2026-01-01"), at("2027-01-01"), &zone).expect("split");
        assert_eq!(year.months.1 - year.months.0, 12);
        assert!(year.rest.is_empty());

        let odd = split_period(at("2026-01-15"), at("2026-04-10"), &zone).expect("split");
        assert_eq!(
            odd.months,
            (month_number(Date::constant(2026, 2, 1)), month_number(Date::constant(2026, 4, 1)))
        );
        assert_eq!(
            odd.rest,
            vec![(at("2026-01-15"), at("2026-02-01")), (at("2026-04-01"), at("2026-04-10"))]
        );

        let within = split_period(at("2026-03-03"), at("2026-03-20"), &zone).expect("split");
        assert_eq!(within.months.0, within.months.1);
        assert_eq!(within.rest, vec![(at("2026-03-03"), at("2026-03-20"))]);
    }
}
