//! Escorted visits to the server room (Lumajang's SOP): the request creates
//! the visit; a refusal or withdrawal closes it; while the escort step is
//! open the escorting officer checks the visitor in with the special badge
//! handed out (an audited event); completing the escort step, badge
//! returned, checks the visitor out. The visitor log lists every visit with
//! its duration and flags a visitor still inside past the planned end.

use engine::{CaseState, CaseStatus, Event, EventBody};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use sop::Sop;
use sop::definition::Visit;
use sqlx::Row;

use crate::personal_data::DataKey;
use crate::{Store, StoreError, WriteTx};

/// Longest badge number accepted.
pub const BADGE_MAX_CHARS: usize = 30;

/// Where a visit is: requested, refused or withdrawn before anyone came,
/// the visitor inside, or the visit over (badge returned).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitState {
    Requested,
    Refused,
    Withdrawn,
    Inside,
    Done,
}

impl VisitState {
    pub const ALL: [VisitState; 5] = [
        VisitState::Requested,
        VisitState::Inside,
        VisitState::Done,
        VisitState::Refused,
        VisitState::Withdrawn,
    ];

    /// As stored, in the log's filter and CSV, and shown.
    pub const fn key(self) -> &'static str {
        match self {
            VisitState::Requested => "diajukan",
            VisitState::Refused => "ditolak",
            VisitState::Withdrawn => "ditarik",
            VisitState::Inside => "masuk",
            VisitState::Done => "selesai",
        }
    }

    pub fn parse(key: &str) -> Option<VisitState> {
        VisitState::ALL.into_iter().find(|s| s.key() == key)
    }
}

impl std::fmt::Display for VisitState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRow {
    pub case_id: String,
    pub case_number: String,
    pub visitor: String,
    pub institution: String,
    pub purpose: String,
    pub planned_start: String,
    pub planned_end: String,
    pub state: VisitState,
    pub badge: Option<String>,
    pub escort: Option<String>,
    pub checked_in_at: Option<i64>,
    pub checked_out_at: Option<i64>,
    pub submitted_at: i64,
    /// Minutes inside: until check-out, or until now for a visitor still inside.
    pub minutes: Option<i64>,
    /// Still inside after the planned end.
    pub overdue: bool,
}

/// The escorting officer `by`, in the open escort `task` of `case`, lets
/// the visitor in with `badge`.
pub(crate) struct CheckIn<'a> {
    pub agency: &'a str,
    pub case: &'a str,
    pub task: &'a str,
    pub by: &'a str,
    pub badge: &'a str,
    pub at: i64,
}

impl Store {
    /// Opens the visit of a just-submitted request.
    pub(crate) async fn register_visit(
        &self,
        tx: &mut WriteTx,
        visit: &Visit,
        state: &CaseState,
        zone: &TimeZone,
        case_key: Option<&DataKey>,
    ) -> Result<(), StoreError> {
        let planned_end = state.field(&visit.planned_end).unwrap_or_default().to_string();
        let planned_start = state.field(&visit.planned_start).unwrap_or_default().to_string();
        // Both are normalised `YYYY-MM-DDTHH:MM`, so text order is time order.
        if planned_end <= planned_start {
            return Err(StoreError::invalid(
                &visit.planned_end,
                "Rencana selesai",
                "harus sesudah rencana masuk",
            ));
        }
        let end_at = planned_end
            .parse::<jiff::civil::DateTime>()
            .ok()
            .and_then(|dt| dt.to_zoned(zone.clone()).ok())
            .map_or(state.opened_at, |z| z.timestamp().as_millisecond());
        sqlx::query(
            "INSERT INTO visits (case_id, agency_id, visitor, institution, purpose, planned_start, planned_end,
                 planned_end_at, state, submitted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&state.id)
        .bind(&state.agency)
        // The visitor's name is sealed with the case's key, like in the log.
        .bind(case_key.map_or_else(|| state.field(&visit.visitor).unwrap_or_default().to_string(), |k| k.seal_for_case(state.field(&visit.visitor).unwrap_or_default())))
        .bind(state.field(&visit.institution).unwrap_or_default().to_string())
        .bind(state.field(&visit.purpose).unwrap_or_default().to_string())
        .bind(&planned_start)
        .bind(&planned_end)
        .bind(end_at)
        .bind(VisitState::Requested.key())
        .bind(state.opened_at)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Follows the visit as its case moves: refused, withdrawn, or the
    /// escort step completed (the visitor leaves, badge returned).
    pub(crate) async fn follow_visit(
        &self,
        tx: &mut WriteTx,
        sop: &Sop,
        visit: &Visit,
        after: &CaseState,
        completed_step: Option<u32>,
        at: i64,
    ) -> Result<(), StoreError> {
        let closed = match after.status {
            CaseStatus::Rejected => Some(VisitState::Refused),
            CaseStatus::Withdrawn => Some(VisitState::Withdrawn),
            _ => None,
        };
        if let Some(state) = closed {
            sqlx::query("UPDATE visits SET state = $1 WHERE case_id = $2 AND state = $3")
                .bind(state.key())
                .bind(&after.id)
                .bind(VisitState::Requested.key())
                .execute(&mut **tx)
                .await?;
        }
        if completed_step == Some(visit.escort_step) {
            let left = sqlx::query(
                "UPDATE visits SET state = $1, checked_out_at = $2 WHERE case_id = $3 AND state = $4",
            )
            .bind(VisitState::Done.key())
            .bind(at)
            .bind(&after.id)
            .bind(VisitState::Inside.key())
            .execute(&mut **tx)
            .await?;
            if left.rows_affected() == 0 {
                let step = sop.step(visit.escort_step).expect("validated");
                let field = step.fields.first().map_or("catatan", |f| f.name.as_str());
                return Err(StoreError::invalid(
                    field,
                    "Keluar",
                    "pengunjung belum dicatat masuk — catat masuk dulu dengan nomor tanda pengenal",
                ));
            }
        }
        Ok(())
    }

    /// `by`, the officer of the open escort step, checks the visitor of
    /// `case` in wearing badge `badge`.
    pub async fn check_in(
        &self,
        agency: &str,
        case: &str,
        by: &str,
        badge: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let badge = badge.trim();
        if badge.is_empty() {
            return Err(StoreError::invalid("tanda_pengenal", "Nomor tanda pengenal khusus", "wajib diisi"));
        }
        if badge.chars().count() > BADGE_MAX_CHARS {
            let message = format!("paling banyak {BADGE_MAX_CHARS} karakter");
            return Err(StoreError::invalid("tanda_pengenal", "Nomor tanda pengenal khusus", message));
        }
        let calendar = self.calendar(agency).await?;
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let state = self.load_case(tx, agency, case).await?;
            let sop = self.sop(agency, &state.sop_id, Some(state.sop_version)).await?;
            let visit = sop.visit.as_ref().ok_or_else(|| StoreError::NotFound("kunjungan".into()))?;
            let task = state
                .open_tasks()
                .find(|t| t.step == visit.escort_step)
                .ok_or_else(|| StoreError::not_now("kunjungan belum diizinkan atau sudah selesai"))?;
            if !task.candidates.iter().any(|c| c.person == by) {
                return Err(StoreError::NotPermitted("hanya petugas pendamping kunjungan ini".into()));
            }
            let check_in = CheckIn { agency, case, task: &task.id, by, badge, at };
            self.mark_checked_in(tx, &calendar, check_in).await?;
            Ok(())
        }
        .await;
        write.finish(result).await
    }

    /// Records the check-in inside `tx` (which holds the chain lock).
    pub(crate) async fn mark_checked_in(
        &self,
        tx: &mut WriteTx,
        calendar: &engine::Calendar,
        check_in: CheckIn<'_>,
    ) -> Result<(), StoreError> {
        let CheckIn { agency, case, task, by, badge, at } = check_in;
        let updated = sqlx::query(
            "UPDATE visits SET state = $1, badge = $2, escort_id = $3, checked_in_at = $4
             WHERE case_id = $5 AND agency_id = $6 AND state = $7",
        )
        .bind(VisitState::Inside.key())
        .bind(badge)
        .bind(by)
        .bind(at)
        .bind(case)
        .bind(agency)
        .bind(VisitState::Requested.key())
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::invalid(
                "tanda_pengenal",
                "Catat masuk",
                "pengunjung sudah tercatat masuk",
            ));
        }
        let event = Event {
            case: case.to_string(),
            at,
            body: EventBody::VisitorCheckedIn { task: task.to_string(), by: by.into(), badge: badge.into() },
        };
        self.record(tx, agency, calendar, &[event]).await?;
        Ok(())
    }

    /// The visit of `case`, if its SOP admits visitors.
    pub async fn visit(&self, agency: &str, case: &str) -> Result<Option<VisitRow>, StoreError> {
        Ok(self.visits(agency, Some(case)).await?.pop())
    }

    /// The visitor log of `agency`, newest first.
    pub async fn visit_log(&self, agency: &str) -> Result<Vec<VisitRow>, StoreError> {
        self.visits(agency, None).await
    }

    async fn visits(&self, agency: &str, case: Option<&str>) -> Result<Vec<VisitRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.case_id, c.number, v.visitor, v.institution, v.purpose, v.planned_start, v.planned_end,
                 v.planned_end_at, v.state, v.badge, p.name AS escort, v.checked_in_at, v.checked_out_at, v.submitted_at,
                 k.sealed_key
             FROM visits v JOIN cases c ON c.id = v.case_id LEFT JOIN people p ON p.id = v.escort_id
             LEFT JOIN case_keys k ON k.case_id = v.case_id
             WHERE v.agency_id = $1 AND ($2 = '' OR v.case_id = $2)
             ORDER BY v.submitted_at DESC, v.case_id",
        )
        .bind(agency)
        .bind(case.unwrap_or_default())
        .fetch_all(&self.pool)
        .await?;
        let now = Timestamp::now().as_millisecond();
        rows.iter()
            .map(|r| {
                let key: String = r.try_get("state")?;
                let state = VisitState::parse(&key)
                    .ok_or_else(|| StoreError::Corrupt(format!("status kunjungan \"{key}\"")))?;
                let checked_in_at: Option<i64> = r.try_get("checked_in_at")?;
                let checked_out_at: Option<i64> = r.try_get("checked_out_at")?;
                let planned_end_at: i64 = r.try_get("planned_end_at")?;
                let inside = state == VisitState::Inside;
                let until = checked_out_at.or(inside.then_some(now));
                Ok(VisitRow {
                    case_id: r.try_get("case_id")?,
                    case_number: r.try_get("number")?,
                    visitor: self
                        .open_for_case(&r.try_get::<String, _>("visitor")?, r.try_get("sealed_key")?)?,
                    institution: r.try_get("institution")?,
                    purpose: r.try_get("purpose")?,
                    planned_start: r.try_get("planned_start")?,
                    planned_end: r.try_get("planned_end")?,
                    badge: r.try_get("badge")?,
                    escort: r.try_get("escort")?,
                    minutes: checked_in_at.zip(until).map(|(a, b)| (b - a) / 60_000),
                    overdue: inside && now > planned_end_at,
                    state,
                    checked_in_at,
                    checked_out_at,
                    submitted_at: r.try_get("submitted_at")?,
                })
            })
            .collect()
    }
}
