//! Accountability: for one agency and a period, how each SOP, step, lane and
//! person kept the standard times — counts, median and 90th-percentile
//! working durations, breaches and their share — and the cases open the
//! longest. Durations are the working minutes kept with each task when it
//! was completed, counted in buckets exact below an hour and within 6.25 %
//! beyond (see `report_months`), so medians beyond an hour are a bucket's
//! lower bound.

use std::collections::BTreeMap;

use sqlx::Row;

use crate::report_months::{bucket, split_period, zone_of};
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SopFigures {
    pub sop_id: String,
    pub started: i64,
    pub completed: i64,
    pub rejected: i64,
    pub withdrawn: i64,
    pub open: i64,
}

/// Completed tasks of one group (a step, a lane or a person).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figures {
    pub done: i64,
    /// Working minutes.
    pub median: Option<i64>,
    pub p90: Option<i64>,
    pub breaches: i64,
    pub late_minutes: i64,
}

impl Figures {
    /// Breaches per hundred completed tasks, one decimal.
    pub fn breach_percent(&self) -> f64 {
        if self.done == 0 { 0.0 } else { (self.breaches as f64 * 1000.0 / self.done as f64).round() / 10.0 }
    }

    /// From each duration with how many tasks took it.
    pub(crate) fn from(mut minutes: Vec<(i64, i64)>, breaches: i64, late_minutes: i64) -> Figures {
        minutes.sort_unstable();
        Figures {
            done: minutes.iter().map(|(_, n)| n).sum(),
            median: weighted_percentile(&minutes, 50),
            p90: weighted_percentile(&minutes, 90),
            breaches,
            late_minutes,
        }
    }
}

/// Nearest-rank percentile of sorted (value, how many) pairs: the same as
/// the nearest-rank percentile of the values repeated, without repeating
/// them.
pub fn weighted_percentile(sorted: &[(i64, i64)], p: usize) -> Option<i64> {
    let total: i64 = sorted.iter().map(|(_, n)| n).sum();
    if total <= 0 {
        return None;
    }
    let rank = (p as i64 * total + 99) / 100;
    let rank = rank.max(1);
    let mut seen = 0;
    sorted
        .iter()
        .find(|(_, n)| {
            seen += n;
            seen >= rank
        })
        .map(|(v, _)| *v)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCase {
    pub case: String,
    pub number: String,
    pub sop_id: String,
    pub opened_at: i64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub sops: Vec<SopFigures>,
    /// By (SOP, step number).
    pub steps: BTreeMap<(String, u32), (String, Figures)>,
    pub lanes: BTreeMap<String, Figures>,
    pub people: BTreeMap<String, Figures>,
    /// Each step's working minutes with how many tasks took them, by
    /// minutes, for its duration distribution.
    pub step_minutes: BTreeMap<(String, u32), Vec<(i64, i64)>>,
    /// Open cases opened in the period, oldest first (at most 10).
    pub oldest_open: Vec<OpenCase>,
    /// Per SOP with a whole-procedure deadline, the cases that ended in the
    /// period and how many of them broke it.
    pub procedures: Vec<ProcedureFigures>,
}

/// How an SOP's cases kept the deadline of the whole procedure (`[deadline]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureFigures {
    pub sop_id: String,
    /// Cases with a deadline that ended in the period.
    pub ended: i64,
    /// Of them, those that ended after it.
    pub late: i64,
    /// Their working minutes past it, together.
    pub late_minutes: i64,
}

/// One task a person completed, for their own page (kinerja pelaksana).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonTask {
    pub case_id: String,
    pub case_number: String,
    pub sop_id: String,
    pub step: u32,
    pub started_at: i64,
    pub done_at: i64,
    pub work_minutes: Option<i64>,
    pub late_minutes: Option<i64>,
}

/// Tasks of one (SOP, step, lane, person) that took the same working
/// minutes (or the same bucket of them).
pub(crate) struct Done {
    pub sop_id: String,
    pub step: u32,
    pub lane: String,
    pub person: String,
    pub minutes: i64,
    pub count: i64,
    pub breaches: i64,
    pub late: i64,
}

impl Done {
    fn from_row(r: &sqlx::any::AnyRow) -> Result<Done, sqlx::Error> {
        Ok(Done {
            sop_id: r.try_get("sop_id")?,
            step: u32::try_from(r.try_get::<i64, _>("step")?).unwrap_or_default(),
            lane: r.try_get("lane")?,
            person: r.try_get("done_by")?,
            minutes: bucket(r.try_get("minutes")?),
            count: r.try_get("n")?,
            breaches: r.try_get("breaches")?,
            late: r.try_get("late")?,
        })
    }
}

/// The cases of `agency` opened in `[from, to)`, counted per SOP and status
/// (rows of `sop_id`, `status`, `n`) from one covering index.
pub(crate) async fn opened_between<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    agency: &str,
    from: i64,
    to: i64,
) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
    Ok(sqlx::query(
        "SELECT sop_id, status, COUNT(*) AS n FROM cases
         WHERE agency_id = $1 AND opened_at >= $2 AND opened_at < $3 GROUP BY sop_id, status",
    )
    .bind(agency)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?)
}

/// The tasks of `agency` completed in `[from, to)`, counted in duration
/// buckets by the database — so the rows that travel are the distinct
/// durations of each group, not every task — read from one covering index.
pub(crate) async fn done_between<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    agency: &str,
    from: i64,
    to: i64,
) -> Result<Vec<Done>, StoreError> {
    let rows = sqlx::query(
        "SELECT t.sop_id, t.step, t.lane, t.done_by, t.work_minutes AS minutes, COUNT(*) AS n,
                CAST(SUM(CASE WHEN t.late_minutes IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS breaches,
                CAST(COALESCE(SUM(t.late_minutes), 0) AS BIGINT) AS late
         FROM tasks t
         WHERE t.agency_id = $1 AND t.done_at >= $2 AND t.done_at < $3 AND t.status = 'done' AND t.work_minutes IS NOT NULL
         GROUP BY t.sop_id, t.step, t.lane, t.done_by, t.work_minutes",
    )
    .bind(agency)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?;
    Ok(rows.iter().map(Done::from_row).collect::<Result<_, _>>()?)
}

/// Figures of the completed tasks grouped by `key`.
fn group<K: Ord>(done: &[Done], key: impl Fn(&Done) -> K) -> BTreeMap<K, Figures> {
    let mut groups: BTreeMap<K, (BTreeMap<i64, i64>, i64, i64)> = BTreeMap::new();
    for d in done {
        let g = groups.entry(key(d)).or_default();
        *g.0.entry(d.minutes).or_default() += d.count;
        g.1 += d.breaches;
        g.2 += d.late;
    }
    groups
        .into_iter()
        .map(|(k, (minutes, breaches, late))| {
            (k, Figures::from(minutes.into_iter().collect(), breaches, late))
        })
        .collect()
}

impl Store {
    /// The tasks `person` completed in `[from, to)`, slowest first.
    pub async fn person_tasks(
        &self,
        agency: &str,
        person: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<PersonTask>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.case_id, c.number, c.sop_id, t.step, t.started_at, t.done_at, t.work_minutes, t.late_minutes
             FROM tasks t JOIN cases c ON c.id = t.case_id
             WHERE t.agency_id = $1 AND t.done_by = $2 AND t.done_at >= $3 AND t.done_at < $4
             ORDER BY t.work_minutes DESC, t.done_at",
        )
        .bind(agency)
        .bind(person)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PersonTask {
                    case_id: r.try_get("case_id")?,
                    case_number: r.try_get("number")?,
                    sop_id: r.try_get("sop_id")?,
                    step: u32::try_from(r.try_get::<i64, _>("step")?).unwrap_or(0),
                    started_at: r.try_get("started_at")?,
                    done_at: r.try_get("done_at")?,
                    work_minutes: r.try_get("work_minutes")?,
                    late_minutes: r.try_get("late_minutes")?,
                })
            })
            .collect()
    }

    /// The report for tasks completed and cases opened in `[from, to)`
    /// (epoch milliseconds).
    pub async fn report(&self, agency: &str, from: i64, to: i64) -> Result<Report, StoreError> {
        let mut report = Report::default();
        // Whole months come from the monthly totals; the days before and
        // after them from the tasks and cases themselves.
        let zone = zone_of(&self.agency(agency).await?.timezone);
        let parts = split_period(from, to, &zone)?;

        let mut cases: BTreeMap<String, SopFigures> = BTreeMap::new();
        let mut count_cases = |rows: Vec<sqlx::any::AnyRow>| -> Result<(), sqlx::Error> {
            for r in rows {
                let sop_id: String = r.try_get("sop_id")?;
                let n: i64 = r.try_get("n")?;
                let figures = cases.entry(sop_id.clone()).or_insert_with(|| SopFigures {
                    sop_id,
                    started: 0,
                    completed: 0,
                    rejected: 0,
                    withdrawn: 0,
                    open: 0,
                });
                figures.started += n;
                match r.try_get::<String, _>("status")?.as_str() {
                    "completed" => figures.completed += n,
                    "rejected" => figures.rejected += n,
                    "withdrawn" => figures.withdrawn += n,
                    _ => figures.open += n,
                }
            }
            Ok(())
        };
        count_cases(
            sqlx::query(
                "SELECT sop_id, status, CAST(SUM(n) AS BIGINT) AS n FROM case_months
                 WHERE agency_id = $1 AND month >= $2 AND month < $3 GROUP BY sop_id, status",
            )
            .bind(agency)
            .bind(parts.months.0)
            .bind(parts.months.1)
            .fetch_all(&self.pool)
            .await?,
        )?;
        for (from, to) in &parts.rest {
            count_cases(opened_between(&self.pool, agency, *from, *to).await?)?;
        }
        report.sops = cases.into_values().filter(|f| f.started > 0).collect();

        // Tasks likewise, counted in the same duration buckets.
        let mut done: Vec<Done> = sqlx::query(
            "SELECT sop_id, step, lane, done_by, minutes,
                    CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(breaches) AS BIGINT) AS breaches, CAST(SUM(late) AS BIGINT) AS late
             FROM report_months WHERE agency_id = $1 AND month >= $2 AND month < $3
             GROUP BY sop_id, step, lane, done_by, minutes",
        )
        .bind(agency)
        .bind(parts.months.0)
        .bind(parts.months.1)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(Done::from_row)
        .collect::<Result<_, _>>()?;
        for (from, to) in parts.rest {
            done.extend(done_between(&self.pool, agency, from, to).await?);
        }

        let mut spreads: BTreeMap<(String, u32), BTreeMap<i64, i64>> = BTreeMap::new();
        for d in &done {
            *spreads.entry((d.sop_id.clone(), d.step)).or_default().entry(d.minutes).or_default() += d.count;
        }
        report.step_minutes = spreads.into_iter().map(|(k, m)| (k, m.into_iter().collect())).collect();
        report.lanes = group(&done, |d| d.lane.clone());
        report.people = group(&done, |d| d.person.clone());
        let lanes: BTreeMap<(String, u32), String> =
            done.iter().map(|d| ((d.sop_id.clone(), d.step), d.lane.clone())).collect();
        report.steps = group(&done, |d| (d.sop_id.clone(), d.step))
            .into_iter()
            .map(|(key, figures)| {
                let lane = lanes[&key].clone();
                (key, (lane, figures))
            })
            .collect();

        for r in sqlx::query(
            "SELECT id, number, sop_id, opened_at FROM cases
             WHERE agency_id = $1 AND status = 'open' AND opened_at >= $2 AND opened_at < $3
             ORDER BY opened_at, number LIMIT 10",
        )
        .bind(agency)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?
        {
            report.oldest_open.push(OpenCase {
                case: r.try_get("id")?,
                number: r.try_get("number")?,
                sop_id: r.try_get("sop_id")?,
                opened_at: r.try_get("opened_at")?,
            });
        }

        for r in sqlx::query(ENDED_BY_SOP).bind(agency).bind(from).bind(to).fetch_all(&self.pool).await? {
            report.procedures.push(ProcedureFigures {
                sop_id: r.try_get("sop_id")?,
                ended: r.try_get("ended")?,
                late: r.try_get("late")?,
                late_minutes: r.try_get("late_minutes")?,
            });
        }
        Ok(report)
    }
}

/// Per SOP, the cases of agency `$1` with a whole-procedure deadline that
/// ended in `[$2, $3)`, and how many of them late (read from the index
/// `cases_ended`, whose condition this repeats).
pub(crate) const ENDED_BY_SOP: &str = "SELECT sop_id, COUNT(*) AS ended,
        CAST(SUM(CASE WHEN late_minutes IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS late,
        CAST(COALESCE(SUM(late_minutes), 0) AS BIGINT) AS late_minutes
    FROM cases WHERE agency_id = $1 AND due_at IS NOT NULL AND status <> 'open'
        AND closed_at >= $2 AND closed_at < $3
    GROUP BY sop_id ORDER BY sop_id";

#[cfg(test)]
mod tests {
    use super::*;

    /// Nearest-rank percentile of sorted values: the reference the counted
    /// form must agree with.
    fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
        if sorted.is_empty() {
            return None;
        }
        let rank = (p * sorted.len()).div_ceil(100).max(1);
        Some(sorted[rank - 1])
    }

    proptest::proptest! {
        #[test]
        fn counting_equal_durations_changes_no_percentile(values in proptest::collection::vec(0i64..50, 0..60), p in 1usize..100) {
            let mut sorted = values.clone();
            sorted.sort_unstable();
            let mut counted: BTreeMap<i64, i64> = BTreeMap::new();
            for v in &values {
                *counted.entry(*v).or_default() += 1;
            }
            let counted: Vec<(i64, i64)> = counted.into_iter().collect();
            proptest::prop_assert_eq!(weighted_percentile(&counted, p), percentile(&sorted, p));
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[1, 2, 3, 4], 50), Some(2));
        assert_eq!(percentile(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), Some(9));
        assert_eq!(percentile(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90), Some(10));
        assert_eq!(weighted_percentile(&[], 50), None);
        assert_eq!(weighted_percentile(&[(1, 2), (3, 2)], 50), Some(1));
        assert_eq!(weighted_percentile(&[(1, 9), (10, 1)], 90), Some(1));
        assert_eq!(weighted_percentile(&[(1, 9), (10, 2)], 90), Some(10));
    }

    #[test]
    fn breach_share_is_per_hundred_with_one_decimal() {
        let f = Figures { done: 3, breaches: 1, ..Default::default() };
        assert_eq!(f.breach_percent(), 33.3);
        assert_eq!(Figures::default().breach_percent(), 0.0);
    }
}
