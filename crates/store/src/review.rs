//! Access reviews (Trenggalek's "review akses ruang server"): submitting a
//! review case puts every live entry of the registry on it; while the
//! review step is open its reviewer keeps or revokes each entry with a
//! reason (a revocation takes effect at once, in the entry's history);
//! completing the review step closes the review, and what nobody reviewed
//! is handled as the SOP says — by default marked "tidak ditinjau" and the
//! Head told, never silently revoked.

use engine::form::FieldError;
use engine::notice::NoticeKind;
use engine::{CaseState, EngineError, Organisation};
use sop::definition::{AccessReview, Unreviewed};
use sqlx::Row;

use crate::command::DecideReviewItem;
use crate::notice_delivery::Notice;
use crate::registry::{EntryState, REASON_MAX_CHARS, REVOKED};
use crate::{Store, StoreError, WriteTx};

/// What a review decided about one entry: kept, revoked, or — the review
/// closed without a decision — left unreviewed (flagged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDecision {
    Keep,
    Revoke,
    Unreviewed,
}

impl ReviewDecision {
    /// What a reviewer chooses between; `Unreviewed` is the closing's.
    pub const CHOICES: [ReviewDecision; 2] = [ReviewDecision::Keep, ReviewDecision::Revoke];

    /// As stored, in the reviewer's form, and shown.
    pub const fn key(self) -> &'static str {
        match self {
            ReviewDecision::Keep => "tetap",
            ReviewDecision::Revoke => "cabut",
            ReviewDecision::Unreviewed => "tidak-ditinjau",
        }
    }

    pub fn parse(key: &str) -> Option<ReviewDecision> {
        [ReviewDecision::Keep, ReviewDecision::Revoke, ReviewDecision::Unreviewed]
            .into_iter()
            .find(|d| d.key() == key)
    }
}

impl std::fmt::Display for ReviewDecision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// One entry under review and what was decided about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewItem {
    pub entry_id: String,
    pub name: String,
    pub responsible: String,
    pub valid_until: Option<String>,
    pub state: EntryState,
    pub decision: Option<ReviewDecision>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
}

impl Store {
    /// Puts every live entry of the reviewed registry on a new review case.
    pub(crate) async fn open_review(
        &self,
        tx: &mut WriteTx,
        review: &AccessReview,
        state: &CaseState,
    ) -> Result<(), StoreError> {
        let added = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO review_items (case_id, entry_id, agency_id)
             SELECT $1, id, agency_id FROM registry_entries WHERE agency_id = $2 AND kind = $3 AND state <> '{REVOKED}'"
        )))
        .bind(&state.id)
        .bind(&state.agency)
        .bind(review.kind.key())
        .execute(&mut **tx)
        .await?;
        if added.rows_affected() == 0 {
            let message =
                format!("tidak ada entri {} yang berlaku untuk ditinjau", review.kind.label().to_lowercase());
            return Err(StoreError::Engine(EngineError::Invalid(vec![FieldError::new(
                "review", "Review", message,
            )])));
        }
        Ok(())
    }

    /// Closes the review when its review step is completed: undecided
    /// entries are marked or revoked as `review.unreviewed` says.
    pub(crate) async fn close_review(
        &self,
        tx: &mut WriteTx,
        review: &AccessReview,
        org: &Organisation,
        state: &CaseState,
        by: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let open: Vec<String> = sqlx::query(
            "SELECT entry_id FROM review_items WHERE case_id = $1 AND decision IS NULL ORDER BY entry_id",
        )
        .bind(&state.id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get("entry_id"))
        .collect::<Result<_, _>>()?;
        if open.is_empty() {
            return Ok(());
        }
        let (decision, reason) = match review.unreviewed {
            Unreviewed::Flag => {
                (ReviewDecision::Unreviewed, format!("tidak ditinjau sampai review {} ditutup", state.number))
            }
            Unreviewed::Revoke => (
                ReviewDecision::Revoke,
                format!("dicabut karena tidak ditinjau dalam review {}", state.number),
            ),
        };
        for entry in &open {
            record_decision(tx, &state.id, entry, decision, &reason, by, at).await?;
            let new_state = (decision == ReviewDecision::Revoke).then_some(EntryState::Revoked);
            crate::registry::note_on_entry(tx, entry, by, new_state, &reason, at).await?;
        }
        if review.unreviewed == Unreviewed::Flag {
            let today = jiff::Timestamp::from_millisecond(at)
                .expect("valid instant")
                .to_zoned(self.calendar(&state.agency).await?.zone)
                .date();
            let message = format!(
                "Review {} ditutup dengan {} entri yang tidak ditinjau; entri itu tetap berlaku dan ditandai.",
                state.number,
                open.len()
            );
            for head in org.holders_with(engine::organisation::PositionRight::HeadsAgency, today) {
                let notice =
                    Notice::new(&state.agency, &head.person, &state.id, NoticeKind::Oversight, &message, at);
                self.notify(tx, notice).await?;
            }
        }
        Ok(())
    }

    /// Opens the periodic reviews that are due at `now`: for each SOP whose
    /// `[review]` has `every_months`, once per period, unless a review of it
    /// was opened within that many months or there is nothing to review.
    /// The first person of the SOP's first lane opens it. Several processes
    /// claim a period in the database, so each opens once. Returns the
    /// numbers of the reviews opened.
    pub async fn open_due_reviews(&self, now: i64) -> Result<Vec<String>, StoreError> {
        let agencies: Vec<String> = sqlx::query("SELECT id FROM agencies ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
        let mut opened = Vec::new();
        for agency in agencies {
            for sop_id in self.sop_ids(&agency).await? {
                let sop = self.sop(&agency, &sop_id, None).await?;
                let Some((review, months)) = sop.review.as_ref().and_then(|r| Some((r, r.every_months?)))
                else {
                    continue;
                };
                let zone = self.calendar(&agency).await?.zone;
                let local = jiff::Timestamp::from_millisecond(now).expect("valid instant").to_zoned(zone);
                let since = local.checked_sub(jiff::Span::new().months(i64::from(months))).expect("in range");
                let recent = sqlx::query(
                    "SELECT COUNT(*) AS n FROM cases WHERE agency_id = $1 AND sop_id = $2 AND opened_at > $3",
                )
                .bind(&agency)
                .bind(&sop_id)
                .bind(since.timestamp().as_millisecond())
                .fetch_one(&self.pool)
                .await?
                .try_get::<i64, _>("n")?;
                let live = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT COUNT(*) AS n FROM registry_entries WHERE agency_id = $1 AND kind = $2 AND state <> '{REVOKED}'"
                )))
                .bind(&agency)
                .bind(review.kind.key())
                .fetch_one(&self.pool)
                .await?
                .try_get::<i64, _>("n")?;
                if recent > 0 || live == 0 {
                    continue;
                }
                let period =
                    (i64::from(local.year()) * 12 + i64::from(local.month()) - 1) / i64::from(months);
                let claimed = sqlx::query(
                    "INSERT INTO review_schedule (agency_id, sop_id, period, opened_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (agency_id, sop_id, period) DO NOTHING",
                )
                .bind(&agency)
                .bind(&sop_id)
                .bind(period)
                .bind(now)
                .execute(&self.pool)
                .await?
                .rows_affected();
                if claimed == 0 {
                    continue;
                }
                let first = sop.first_step();
                let positions = sop.lane(&first.lane).map(|l| l.positions.clone()).unwrap_or_default();
                let org = self.organisation(&agency).await?;
                let Some(opener) = org.candidates(&positions, local.date()).into_iter().next() else {
                    continue;
                };
                let label = format!(
                    "Review berkala {} {} (dibuka otomatis)",
                    sop::date::MONTHS[local.month() as usize - 1],
                    local.year()
                );
                let fields = first
                    .fields
                    .iter()
                    .filter(|f| f.required)
                    .map(|f| (f.name.clone(), label.clone()))
                    .collect();
                let input = engine::ActionInput { fields, ..Default::default() };
                let state =
                    self.submit(crate::Submit::new(&agency, &sop_id, &opener.person, input, now)).await?;
                opened.push(state.number);
            }
        }
        Ok(opened)
    }

    /// The reviewer of the open review step keeps or revokes one entry.
    pub async fn decide_review_item(&self, command: DecideReviewItem) -> Result<(), StoreError> {
        let DecideReviewItem { agency, case, entry, by, decision, reason, at } = &command;
        let (agency, case, entry, by, at) =
            (agency.as_str(), case.as_str(), entry.as_str(), by.as_str(), *at);
        let reason = reason.trim();
        let Some(decision) = ReviewDecision::parse(decision).filter(|d| ReviewDecision::CHOICES.contains(d))
        else {
            let [keep, revoke] = ReviewDecision::CHOICES;
            return Err(StoreError::invalid("keputusan", "Keputusan", format!("pilih {keep} atau {revoke}")));
        };
        if decision == ReviewDecision::Revoke && reason.is_empty() {
            return Err(StoreError::invalid("alasan", "Alasan", "wajib diisi bila akses dicabut"));
        }
        if reason.chars().count() > REASON_MAX_CHARS {
            return Err(StoreError::invalid(
                "alasan",
                "Alasan",
                format!("paling banyak {REASON_MAX_CHARS} karakter"),
            ));
        }
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let state = self.load_case(tx, agency, case).await?;
            let sop = self.sop(agency, &state.sop_id, Some(state.sop_version)).await?;
            let review = sop.review.as_ref().ok_or_else(|| StoreError::NotFound("review".into()))?;
            let task = state.open_tasks().find(|t| t.step == review.step).ok_or_else(|| {
                StoreError::invalid("keputusan", "Review", "review ini tidak sedang berjalan")
            })?;
            if !task.candidates.iter().any(|c| c.person == by) {
                return Err(StoreError::NotPermitted("hanya peninjau review ini".into()));
            }
            let row = sqlx::query("SELECT decision FROM review_items WHERE case_id = $1 AND entry_id = $2")
                .bind(case)
                .bind(entry)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or_else(|| StoreError::NotFound("entri review".into()))?;
            if let Some(done) = row.try_get::<Option<String>, _>("decision")? {
                return Err(StoreError::not_now(format!("entri ini sudah diputuskan: {done}")));
            }
            let reason = if reason.is_empty() { "masih diperlukan" } else { reason };
            record_decision(tx, case, entry, decision, reason, by, at).await?;
            let history = format!("review {}: {decision} — {reason}", state.number);
            let new_state = (decision == ReviewDecision::Revoke).then_some(EntryState::Revoked);
            crate::registry::note_on_entry(tx, entry, by, new_state, &history, at).await?;
            Ok(())
        }
        .await;
        write.finish(result).await
    }

    /// The entries of review `case`, with their decisions.
    pub async fn review_items(&self, agency: &str, case: &str) -> Result<Vec<ReviewItem>, StoreError> {
        let rows = sqlx::query(
            "SELECT i.entry_id, r.name, r.responsible, r.valid_until, r.state, i.decision, i.reason,
                 p.name AS decided_by, i.decided_at
             FROM review_items i JOIN registry_entries r ON r.id = i.entry_id LEFT JOIN people p ON p.id = i.decided_by
             WHERE i.agency_id = $1 AND i.case_id = $2 ORDER BY r.name",
        )
        .bind(agency)
        .bind(case)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let decision: Option<String> = r.try_get("decision")?;
                let decision = decision
                    .map(|key| {
                        ReviewDecision::parse(&key)
                            .ok_or_else(|| StoreError::Corrupt(format!("keputusan review \"{key}\"")))
                    })
                    .transpose()?;
                Ok(ReviewItem {
                    entry_id: r.try_get("entry_id")?,
                    name: r.try_get("name")?,
                    responsible: r.try_get("responsible")?,
                    valid_until: r.try_get("valid_until")?,
                    state: crate::registry::stored_state(r)?,
                    decision,
                    reason: r.try_get("reason")?,
                    decided_by: r.try_get("decided_by")?,
                    decided_at: r.try_get("decided_at")?,
                })
            })
            .collect()
    }
}

async fn record_decision(
    tx: &mut WriteTx,
    case: &str,
    entry: &str,
    decision: ReviewDecision,
    reason: &str,
    by: &str,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE review_items SET decision = $1, reason = $2, decided_by = $3, decided_at = $4
         WHERE case_id = $5 AND entry_id = $6",
    )
    .bind(decision.key())
    .bind(reason)
    .bind(by)
    .bind(at)
    .bind(case)
    .bind(entry)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
