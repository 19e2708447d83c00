//! The head's dashboard (Kepala Dinas, Sekretaris, Kabid): over the last
//! twelve months, the cases per month per service and each service's
//! on-time share, the slowest steps, and the cases open now by age — read
//! from the monthly totals and the open cases only, so it costs the same on
//! a million-case history as on a new one.

use std::collections::BTreeMap;

use sqlx::Row;

use crate::report::Figures;
use crate::report_months::{day_start, local_date, month_number, zone_of};
use crate::{Store, StoreError};

/// How many steps the slowest list holds.
pub const SLOWEST: usize = 5;

/// Upper bounds (days since opened) of the age groups of open cases; the
/// last group is everything older.
pub const AGE_DAYS: [i64; 4] = [1, 3, 7, 30];

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dashboard {
    /// The months shown, oldest first: (year, month 1–12).
    pub months: Vec<(i16, i8)>,
    /// Per service the cases opened in each month of `months`.
    pub per_month: BTreeMap<String, Vec<i64>>,
    /// Per service its tasks completed in the twelve months and how many
    /// of them were late.
    pub on_time: BTreeMap<String, (i64, i64)>,
    /// The steps most often late (then slowest at the 90th percentile),
    /// with their figures.
    pub slowest: Vec<((String, u32), Figures)>,
    /// Open cases by age: below each of [`AGE_DAYS`], then older.
    pub open_by_age: [i64; 5],
}

/// Steps done on time per hundred of `done`, one decimal (none without any).
pub fn on_time_percent(done: i64, late: i64) -> Option<f64> {
    (done > 0).then(|| ((done - late) as f64 * 1000.0 / done as f64).round() / 10.0)
}

impl Dashboard {
    /// On-time share per hundred of a service's completed tasks, one decimal.
    pub fn on_time_percent(&self, sop: &str) -> Option<f64> {
        let (done, late) = *self.on_time.get(sop)?;
        on_time_percent(done, late)
    }
}

/// What a service's public page shows of its record (standar pelayanan):
/// the last twelve months' on-time share and this year's index.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceRecord {
    /// Completed steps and how many of them were late.
    pub steps: (i64, i64),
    /// This year's survey: respondents and the index, if enough answered
    /// ([`engine::satisfaction::MIN_RESPONDENTS`]).
    pub respondents: i64,
    pub index: Option<engine::satisfaction::Index>,
}

impl ServiceRecord {
    pub fn on_time_percent(&self) -> Option<f64> {
        on_time_percent(self.steps.0, self.steps.1)
    }
}

impl Store {
    /// The public record of one service of `agency` as of `now`.
    pub async fn service_record(
        &self,
        agency: &str,
        sop_id: &str,
        now: i64,
    ) -> Result<ServiceRecord, StoreError> {
        let zone = zone_of(&self.agency(agency).await?.timezone);
        let today = local_date(now, &zone)?;
        let this_month = month_number(today);
        let r = sqlx::query(
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n, CAST(COALESCE(SUM(breaches), 0) AS BIGINT) AS breaches
             FROM report_months WHERE agency_id = $1 AND sop_id = $2 AND month >= $3 AND month <= $4",
        )
        .bind(agency)
        .bind(sop_id)
        .bind(this_month - 11)
        .bind(this_month)
        .fetch_one(&self.pool)
        .await?;
        let mut record =
            ServiceRecord { steps: (r.try_get("n")?, r.try_get("breaches")?), ..ServiceRecord::default() };
        let year_start = day_start(today.first_of_year(), &zone)?;
        // Every unit the service stood under this year, together.
        let mut tallies: BTreeMap<engine::satisfaction::Element, engine::satisfaction::Tally> =
            BTreeMap::new();
        for s in
            self.satisfaction(agency, year_start, now + 1).await?.into_iter().filter(|s| s.sop_id == sop_id)
        {
            record.respondents += s.respondents;
            for (element, t) in s.tallies {
                let sum = tallies.entry(element).or_default();
                sum.sum += t.sum;
                sum.count += t.count;
            }
        }
        if record.respondents >= engine::satisfaction::MIN_RESPONDENTS {
            record.index = engine::satisfaction::Index::of(&tallies);
        }
        Ok(record)
    }

    /// The dashboard of `agency` as of `now`: this month and the eleven before.
    pub async fn dashboard(&self, agency: &str, now: i64) -> Result<Dashboard, StoreError> {
        let zone = zone_of(&self.agency(agency).await?.timezone);
        let this_month = month_number(local_date(now, &zone)?);
        let first = this_month - 11;
        let months: Vec<i64> = (first..=this_month).collect();
        let mut dashboard = Dashboard {
            months: months
                .iter()
                .map(|m| ((m.div_euclid(12)) as i16, (m.rem_euclid(12) + 1) as i8))
                .collect(),
            ..Dashboard::default()
        };

        for r in sqlx::query(
            "SELECT month, sop_id, CAST(SUM(n) AS BIGINT) AS n FROM case_months
             WHERE agency_id = $1 AND month >= $2 AND month <= $3 GROUP BY month, sop_id",
        )
        .bind(agency)
        .bind(first)
        .bind(this_month)
        .fetch_all(&self.pool)
        .await?
        {
            let month: i64 = r.try_get("month")?;
            let counts = dashboard.per_month.entry(r.try_get("sop_id")?).or_insert_with(|| vec![0; 12]);
            counts[usize::try_from(month - first).unwrap_or_default()] += r.try_get::<i64, _>("n")?;
        }

        // Per step: each duration with its count, the breaches, the late minutes.
        type Durations = (Vec<(i64, i64)>, i64, i64);
        let mut steps: BTreeMap<(String, u32), Durations> = BTreeMap::new();
        for r in sqlx::query(
            "SELECT sop_id, step, minutes, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(breaches) AS BIGINT) AS breaches,
                    CAST(SUM(late) AS BIGINT) AS late
             FROM report_months WHERE agency_id = $1 AND month >= $2 AND month <= $3
             GROUP BY sop_id, step, minutes",
        )
        .bind(agency)
        .bind(first)
        .bind(this_month)
        .fetch_all(&self.pool)
        .await?
        {
            let sop: String = r.try_get("sop_id")?;
            let step = u32::try_from(r.try_get::<i64, _>("step")?).unwrap_or_default();
            let (n, breaches): (i64, i64) = (r.try_get("n")?, r.try_get("breaches")?);
            let on_time = dashboard.on_time.entry(sop.clone()).or_default();
            on_time.0 += n;
            on_time.1 += breaches;
            let group = steps.entry((sop, step)).or_default();
            group.0.push((r.try_get("minutes")?, n));
            group.1 += breaches;
            group.2 += r.try_get::<i64, _>("late")?;
        }
        let mut slowest: Vec<((String, u32), Figures)> = steps
            .into_iter()
            .map(|(key, (minutes, breaches, late))| (key, Figures::from(minutes, breaches, late)))
            .filter(|(_, f)| f.breaches > 0)
            .collect();
        slowest.sort_by(|a, b| {
            b.1.breach_percent()
                .total_cmp(&a.1.breach_percent())
                .then(b.1.p90.cmp(&a.1.p90))
                .then(a.0.cmp(&b.0))
        });
        slowest.truncate(SLOWEST);
        dashboard.slowest = slowest;

        // Open cases by age, counted by the database from the open cases only.
        let day = 24 * 60 * 60 * 1000;
        let bounds: Vec<i64> = AGE_DAYS.iter().map(|d| now - d * day).collect();
        let r = sqlx::query(
            "SELECT CAST(COALESCE(SUM(CASE WHEN opened_at > $3 THEN 1 ELSE 0 END), 0) AS BIGINT) AS a,
                    CAST(COALESCE(SUM(CASE WHEN opened_at <= $3 AND opened_at > $4 THEN 1 ELSE 0 END), 0) AS BIGINT) AS b,
                    CAST(COALESCE(SUM(CASE WHEN opened_at <= $4 AND opened_at > $5 THEN 1 ELSE 0 END), 0) AS BIGINT) AS c,
                    CAST(COALESCE(SUM(CASE WHEN opened_at <= $5 AND opened_at > $6 THEN 1 ELSE 0 END), 0) AS BIGINT) AS d,
                    CAST(COALESCE(SUM(CASE WHEN opened_at <= $6 THEN 1 ELSE 0 END), 0) AS BIGINT) AS e
             FROM cases WHERE agency_id = $1 AND status = $2",
        )
        .bind(agency)
        .bind(engine::CaseStatus::Open.key())
        .bind(bounds[0])
        .bind(bounds[1])
        .bind(bounds[2])
        .bind(bounds[3])
        .fetch_one(&self.pool)
        .await?;
        dashboard.open_by_age =
            [r.try_get("a")?, r.try_get("b")?, r.try_get("c")?, r.try_get("d")?, r.try_get("e")?];
        Ok(dashboard)
    }
}
