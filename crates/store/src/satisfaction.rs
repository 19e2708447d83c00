//! Survei Kepuasan Masyarakat: the answers requesters give once a case of
//! theirs has ended, kept anonymously, and the figures per service for a
//! period — the answers tallied per element, the respondents against the
//! cases that ended (the population the sample is drawn from) and the
//! comments. The index itself is computed by `engine::satisfaction`.
//!
//! Anonymous means the response keeps no case and no person: which cases
//! were answered is kept apart, only so that a case is asked once, and the
//! tables are kept in key order rather than the order written (see
//! migration 0038 and `Store::refresh_statistics`). No event of the case's
//! chain records the answer, for the same reason. Figures of fewer than
//! [`engine::satisfaction::MIN_RESPONDENTS`] respondents are not shown.

use std::collections::BTreeMap;

use engine::satisfaction::{Element, Response, Tally};
use engine::{CaseState, CaseStatus};
use sqlx::Row;

use crate::report_months::{day_start, local_date, zone_of};
use crate::{Store, StoreError};

/// How a service was rated in a period.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceSatisfaction {
    pub sop_id: String,
    /// The SOP's unit when answered ("" if it names none).
    pub unit: String,
    pub respondents: i64,
    /// Cases of the service that ended (completed or refused) in the period.
    pub population: i64,
    pub tallies: BTreeMap<Element, Tally>,
    /// The comments, newest day first (at most [`COMMENTS_SHOWN`]).
    pub comments: Vec<String>,
}

/// Comments kept per service in the figures.
pub const COMMENTS_SHOWN: usize = 50;

/// Whether a case's requester is asked ([`engine::satisfaction::surveyed`]).
fn surveyed(case: &CaseState) -> bool {
    engine::satisfaction::surveyed(case.status, case.routine.is_some())
}

impl Store {
    /// Whether `person` is asked the survey of `case` now: they requested
    /// it, it is [`surveyed`], and it was not answered yet.
    pub async fn survey_open(&self, case: &CaseState, person: &str) -> Result<bool, StoreError> {
        if case.requester != person || !surveyed(case) {
            return Ok(false);
        }
        let answered = sqlx::query("SELECT 1 FROM satisfaction_answered WHERE case_id = $1")
            .bind(&case.id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(answered.is_none())
    }

    /// Keeps `person`'s answers to the survey of `case`. Refused unless the
    /// survey is open to them; a second answer (another tab, a double
    /// click) is refused by the database and keeps nothing.
    pub async fn answer_survey(
        &self,
        agency: &str,
        case_id: &str,
        person: &str,
        response: &Response,
        at: i64,
    ) -> Result<(), StoreError> {
        let case = self.case(agency, case_id).await?;
        if case.requester != person || !surveyed(&case) {
            return Err(StoreError::NotPermitted(
                "survei kepuasan hanya diisi pemohon, setelah permohonannya selesai atau ditolak".into(),
            ));
        }
        let sop = self.sop(agency, &case.sop_id, Some(case.sop_version)).await?;
        let zone = zone_of(&self.agency(agency).await?.timezone);
        let day = day_start(local_date(at, &zone)?, &zone)?;
        // Random, not time-ordered like `new_id`, so the order of the
        // responses says nothing about whose they are.
        let id = uuid::Uuid::new_v4().to_string();

        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let marked =
                sqlx::query("INSERT INTO satisfaction_answered (case_id, agency_id) VALUES ($1, $2)")
                    .bind(&case.id)
                    .bind(agency)
                    .execute(&mut **tx)
                    .await;
            match marked {
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    return Err(StoreError::AlreadyExists(format!(
                        "jawaban survei kepuasan permohonan {}",
                        case.number
                    )));
                }
                other => other?,
            };
            sqlx::query(
                "INSERT INTO satisfaction_responses (id, agency_id, sop_id, unit, answered_on, comment)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(agency)
            .bind(&case.sop_id)
            .bind(sop.identity.unit.clone().unwrap_or_default())
            .bind(day)
            .bind(response.comment.as_deref())
            .execute(&mut **tx)
            .await?;
            for (element, score) in &response.scores {
                sqlx::query(
                    "INSERT INTO satisfaction_scores (response_id, element, score) VALUES ($1, $2, $3)",
                )
                .bind(&id)
                .bind(element.code())
                .bind(i64::from(*score))
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }
        .await;
        write.finish(result).await
    }

    /// The survey's figures of `agency` per service and unit for answers
    /// given and cases ended in `[from, to)` (epoch milliseconds).
    pub async fn satisfaction(
        &self,
        agency: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<ServiceSatisfaction>, StoreError> {
        let mut services: BTreeMap<(String, String), ServiceSatisfaction> = BTreeMap::new();
        let rows = sqlx::query(
            "SELECT r.sop_id, r.unit, s.element, CAST(SUM(s.score) AS BIGINT) AS total, COUNT(*) AS n
             FROM satisfaction_responses r JOIN satisfaction_scores s ON s.response_id = r.id
             WHERE r.agency_id = $1 AND r.answered_on >= $2 AND r.answered_on < $3
             GROUP BY r.sop_id, r.unit, s.element",
        )
        .bind(agency)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            let key: (String, String) = (r.try_get("sop_id")?, r.try_get("unit")?);
            let code: String = r.try_get("element")?;
            // An element no longer asked is kept but not counted.
            let Some(element) = Element::from_code(&code) else { continue };
            let service = services.entry(key.clone()).or_insert_with(|| ServiceSatisfaction {
                sop_id: key.0,
                unit: key.1,
                ..Default::default()
            });
            service.tallies.insert(element, Tally { sum: r.try_get("total")?, count: r.try_get("n")? });
        }

        // The responses themselves: counted, and their comments kept.
        let rows = sqlx::query(
            "SELECT sop_id, unit, comment FROM satisfaction_responses
             WHERE agency_id = $1 AND answered_on >= $2 AND answered_on < $3 ORDER BY answered_on DESC, id",
        )
        .bind(agency)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            let key: (String, String) = (r.try_get("sop_id")?, r.try_get("unit")?);
            let Some(service) = services.get_mut(&key) else { continue };
            service.respondents += 1;
            let comment: Option<String> = r.try_get("comment")?;
            if let Some(comment) = comment.filter(|_| service.comments.len() < COMMENTS_SHOWN) {
                service.comments.push(comment);
            }
        }

        // The population: cases that ended served or refused in the period,
        // routines (no requester) left out. A service whose unit changed
        // within the period counts its population under each of its units.
        let rows = sqlx::query(
            "SELECT sop_id, COUNT(*) AS n FROM cases
             WHERE agency_id = $1 AND status IN ($4, $5) AND closed_at >= $2 AND closed_at < $3
               AND id NOT IN (SELECT case_id FROM routine_runs WHERE agency_id = $1)
             GROUP BY sop_id",
        )
        .bind(agency)
        .bind(from)
        .bind(to)
        .bind(CaseStatus::Completed.key())
        .bind(CaseStatus::Rejected.key())
        .fetch_all(&self.pool)
        .await?;
        let mut population: BTreeMap<String, i64> = BTreeMap::new();
        for r in rows {
            population.insert(r.try_get("sop_id")?, r.try_get("n")?);
        }
        for service in services.values_mut() {
            service.population = population.get(&service.sop_id).copied().unwrap_or_default();
        }
        // Services that served people but have no answer yet.
        for (sop_id, n) in population {
            if services.keys().any(|(id, _)| *id == sop_id) {
                continue;
            }
            services.insert(
                (sop_id.clone(), String::new()),
                ServiceSatisfaction { sop_id, population: n, ..Default::default() },
            );
        }
        Ok(services.into_values().collect())
    }
}
