//! Cases: the three commands (submit, complete a task, withdraw), each one
//! transaction that appends the engine's events to the audit chain and
//! updates the views; and the reads that the UI and reports need, always
//! scoped to one agency.

use engine::case::EventBody;
use engine::workflow;
use engine::{CaseState, Context, EngineError, Event};
use sqlx::Row;

use crate::audit::{StoredEvent, append, case_events_from};
use crate::case_cache::Folded;
use crate::command::{Complete, Submit};
use crate::effects::{Moment, StepDone};
use crate::idempotency::{Answering, Replay, claim_in, unclaim_in};
use crate::letter_reservation::Reservation;
use crate::letters::OwnDraftAttempt;
use crate::letters::SignatureWork;
use crate::notice_delivery::Notice;
use crate::personal_data::{carries_personal, open_state, seal_events, state_carries_personal};
use crate::report_months::CompletedTask;
use crate::write_queue::Write;
use crate::{Store, StoreError, WriteTx, new_id};

/// Whether completing a step does its letter work (drafts, review,
/// signature, dispatch): always for people, with the signer's key when it
/// was opened beforehand; never when a history is replayed in bulk
/// ([`Store::seed_history`]). Made once per command and moved, never kept:
/// the key's size does not matter.
#[allow(clippy::large_enum_variant)]
pub(crate) enum LetterWork {
    Do(SignatureWork),
    Skip,
}

/// A file that comes with an action, stored in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The step's attachment name it answers.
    pub name: String,
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// An open task someone may act on, with its case.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenTask {
    #[sqlx(rename = "id")]
    pub task: String,
    #[sqlx(rename = "case_id")]
    pub case: String,
    pub number: String,
    pub sop_id: String,
    #[sqlx(try_from = "i64")]
    pub sop_version: u32,
    #[sqlx(try_from = "i64")]
    pub step: u32,
    pub lane: String,
    pub started_at: i64,
    pub due_at: Option<i64>,
    /// How many people may act on it (1: it is this person's alone).
    pub candidates: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseSummary {
    pub id: String,
    pub number: String,
    pub sop_id: String,
    #[sqlx(try_from = "i64")]
    pub sop_version: u32,
    #[sqlx(rename = "requester_id")]
    pub requester: String,
    #[sqlx(try_from = "String")]
    pub status: engine::CaseStatus,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
}

/// Which cases a list shows: all of them, or those of a status, a
/// service, or with a text in their number or requester's name.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter<'a> {
    pub status: Option<engine::CaseStatus>,
    pub sop: Option<&'a str>,
    pub text: Option<&'a str>,
}

/// The installation chain's write lock, the first statement of SQLite
/// write transactions made outside the write queue's own connection (which
/// begins `IMMEDIATE`) and of the installation's lane on PostgreSQL (an
/// agency's lane takes its own chain head instead; see
/// [`crate::write_queue::HeadLock`]): a write, so SQLite reserves the
/// database at once (no deferred upgrade to fail with SQLITE_BUSY) and
/// PostgreSQL queues writers — also of other processes — on the head row.
pub(crate) const LOCK_CHAIN: &str = "UPDATE audit_head SET seq = seq WHERE id = 1";

fn case_not_found(case: &str) -> StoreError {
    StoreError::NotFound(format!("permohonan {case}"))
}

/// A notification's opening words, for a mail subject.
fn first_words(message: &str) -> String {
    let words: Vec<&str> = message.split_whitespace().take(10).collect();
    let short = words.join(" ");
    if short.len() < message.trim().len() { format!("{short} …") } else { short }
}

/// Where a case's events are read: committed rows, or inside a command's
/// own transaction.
enum CaseReader<'a> {
    Hot(&'a crate::hot_reads::HotReads),
    Tx(&'a mut WriteTx),
}

impl CaseReader<'_> {
    /// The case's events from the one numbered `seq` on, in chain order.
    async fn events(&mut self, agency: &str, case: &str, seq: i64) -> Result<Vec<StoredEvent>, StoreError> {
        match self {
            CaseReader::Hot(hot) => case_events_from(*hot, agency, case, seq).await,
            CaseReader::Tx(tx) => case_events_from(&mut ***tx, agency, case, seq).await,
        }
    }
}

pub(crate) fn fold(events: &[Event], state: Option<CaseState>) -> CaseState {
    let mut state = state;
    for e in events {
        state = Some(engine::case::apply(state, e));
    }
    state.expect("a command yields a case")
}

impl Store {
    /// The agency's organisation and calendar, shared (not copied) for a
    /// command's [`Context`].
    async fn context_parts(
        &self,
        agency: &str,
    ) -> Result<(std::sync::Arc<engine::Organisation>, std::sync::Arc<engine::Calendar>), StoreError> {
        Ok((self.cached_organisation(agency).await?, self.cached_calendar(agency).await?))
    }

    /// Starts a case: [`Submit`].
    pub async fn submit(&self, command: Submit) -> Result<CaseState, StoreError> {
        let (write, result) = self.submitted(command, None).await?;
        write.finish(result).await
    }

    /// [`Store::submit`] for an API call with an idempotency key: the key
    /// is claimed in the same command, whose answer the caller gives before
    /// it commits.
    pub async fn submit_answering(
        &self,
        command: Submit,
        replay: Replay,
    ) -> Result<Answering<'_, CaseState>, StoreError> {
        let agency = command.agency.clone();
        let (write, result) = self.submitted(command, Some(&replay)).await?;
        match result {
            Ok(state) => {
                let case = state.id.clone();
                Ok(Answering::new(self, write, replay, (&agency, &case), state))
            }
            Err(e) => write.finish(Err(e)).await,
        }
    }

    /// A submission done on the write queue, not yet finished.
    async fn submitted(
        &self,
        mut command: Submit,
        replay: Option<&Replay>,
    ) -> Result<(Write, Result<CaseState, StoreError>), StoreError> {
        let sop = self.sop(&command.agency, &command.sop, None).await?;
        let (org, calendar) = self.context_parts(&command.agency).await?;
        let ctx = Context { sop: &sop, org: &org, calendar: &calendar };
        let mut write = self.write_in(&command.agency).await?;
        let result = async {
            if let Some(replay) = replay {
                let case = command.case.get_or_insert_with(new_id).clone();
                claim_in(write.tx(), replay, &case).await?;
            }
            self.submit_in(write.tx(), &ctx, command).await
        }
        .await;
        Ok((write, result))
    }

    /// The work of a submission inside `tx` (which holds the chain lock),
    /// of the SOP version in `ctx`.
    pub(crate) async fn submit_in(
        &self,
        tx: &mut WriteTx,
        ctx: &Context<'_>,
        command: Submit,
    ) -> Result<CaseState, StoreError> {
        let Submit { by, mut input, uploads, case, at, .. } = command;
        let (sop, calendar) = (ctx.sop, ctx.calendar);
        let agency = sop.agency.as_str();
        let case = case.unwrap_or_else(new_id);
        let case = case.as_str();
        let number = next_number(tx, agency, sop, calendar, at).await?;
        let ids = upload_ids(&uploads);
        input.attachments.extend(ids.iter().cloned());
        let mut events = workflow::submit(ctx, case, &number, &by, input, at)?;
        let state = fold(&events, None);
        let case_key = if carries_personal(&events, sop) { Some(self.new_case_key()?) } else { None };
        seal_events(&mut events, sop, case_key.as_ref().map(|(k, _)| k))?;
        self.record(tx, agency, calendar, &events).await?;
        if let Some((_, sealed)) = &case_key {
            self.keep_case_key(tx, agency, case, sealed).await?;
        }
        store_uploads(tx, agency, case, &by, &uploads, &ids, at).await?;
        self.notify_about(tx, ctx, &state, &events).await?;
        let filenames: Vec<String> = uploads.iter().map(|u| u.filename.clone()).collect();
        let case_key = case_key.as_ref().map(|(k, _)| k);
        self.run_effects(tx, ctx, &state, Moment::Submitted { filenames: &filenames, case_key }, at).await?;
        Ok(state)
    }

    /// Completes a task: [`Complete`].
    pub async fn complete(&self, command: Complete) -> Result<CaseState, StoreError> {
        let (signature, reserved) = self.signature_ahead(&command, None).await?;
        let done = match self.completed(command, signature, None).await {
            Ok((write, result)) => write.finish(result).await.and_then(|refused| refused),
            Err(e) => Err(e),
        };
        self.settle(reserved, done).await
    }

    /// [`Store::complete`] for an API call with an idempotency key: the key
    /// is claimed in the same command, whose answer the caller gives before
    /// it commits.
    pub async fn complete_answering(
        &self,
        command: Complete,
        replay: Replay,
    ) -> Result<Answering<'_, CaseState>, StoreError> {
        let (agency, case) = (command.agency.clone(), command.case.clone());
        let (signature, reserved) = self.signature_ahead(&command, Some(&replay)).await?;
        let refused = match self.completed(command, signature, Some(&replay)).await {
            Ok((write, Ok(Ok(state)))) => {
                let answering = Answering::new(self, write, replay, (&agency, &case), state);
                return Ok(answering.with_reservation(reserved));
            }
            Ok((write, Ok(Err(refusal)))) => write.finish(Ok(Err(refusal))).await.and_then(|refused| refused),
            Ok((write, Err(e))) => write.finish(Err(e)).await,
            Err(e) => Err(e),
        };
        self.settle(reserved, refused).await
    }

    /// The signature of `command`'s letter, made before the command takes
    /// the write queue where it can be ([`Store::sign_ahead`]), with the
    /// number it reserved.
    async fn signature_ahead(
        &self,
        command: &Complete,
        replay: Option<&Replay>,
    ) -> Result<(SignatureWork, Option<Reservation>), StoreError> {
        let signing = command.paperwork.signing.as_ref();
        let (agency, case, task, by) = (&command.agency, &command.case, &command.task, &command.by);
        match self.unlock_ahead(agency, case, task, by, signing).await? {
            None => Ok((SignatureWork::InCommand(None), None)),
            Some(key) => match self.sign_ahead(command, key, replay).await? {
                Ok(ahead) => {
                    let reserved = ahead.reservation.clone();
                    Ok((SignatureWork::Ahead(ahead), Some(reserved)))
                }
                Err(key) => Ok((SignatureWork::InCommand(Some(key)), None)),
            },
        }
    }

    /// A completion done on the write queue, not yet finished: `Ok(Err)`
    /// is a refusal whose notice is kept.
    #[allow(clippy::type_complexity)]
    async fn completed(
        &self,
        command: Complete,
        signature: SignatureWork,
        replay: Option<&Replay>,
    ) -> Result<(Write, Result<Result<CaseState, StoreError>, StoreError>), StoreError> {
        let (org, calendar) = self.context_parts(&command.agency).await?;
        let (agency, case, task, by, at) = (
            command.agency.clone(),
            command.case.clone(),
            command.task.clone(),
            command.by.clone(),
            command.at,
        );
        let mut write = self.write_in(&agency).await?;
        let tx = write.tx();
        let result = async {
            if let Some(replay) = replay {
                claim_in(tx, replay, "").await?;
            }
            let state = self.load_case(tx, &agency, &case).await?;
            let sop = self.sop(&agency, &state.sop_id, Some(state.sop_version)).await?;
            let ctx = Context { sop: &sop, org: &org, calendar: &calendar };
            match self.complete_in(tx, &ctx, state, command, LetterWork::Do(signature)).await {
                // The engine refuses before anything is written: what is kept
                // of this command is the heads' notice alone. (The case is
                // read again for it rather than copied for every step.)
                Err(StoreError::Engine(EngineError::OwnDraft { duty, step })) => {
                    let state = self.load_case(tx, &agency, &case).await?;
                    let attempt = OwnDraftAttempt { task: &task, by: &by, duty, at };
                    self.report_own_draft(tx, &ctx, &state, attempt).await?;
                    if let Some(replay) = replay {
                        unclaim_in(tx, replay).await?;
                    }
                    Ok(Err(StoreError::Engine(EngineError::OwnDraft { duty, step })))
                }
                done => done.map(Ok),
            }
        }
        .await;
        Ok((write, result))
    }

    /// The work of completing a task of `state` inside `tx` (which holds
    /// the chain lock), of the SOP version in `ctx`.
    pub(crate) async fn complete_in(
        &self,
        tx: &mut WriteTx,
        ctx: &Context<'_>,
        state: CaseState,
        command: Complete,
        letters: LetterWork,
    ) -> Result<CaseState, StoreError> {
        let Complete { task, by, mut input, uploads, paperwork, at, .. } = command;
        let (sop, calendar) = (ctx.sop, ctx.calendar);
        let agency = sop.agency.as_str();
        let case = state.id.clone();
        let case = case.as_str();
        let ids = upload_ids(&uploads);
        input.attachments.extend(ids.iter().cloned());
        if let Some(d) = input.disposition.take() {
            // The boxes are the agency's own list.
            let boxes = self.cached_agency(agency).await?.letters.disposition_instructions.clone();
            input.disposition = Some(d.check(&boxes, ctx.local_date(at)).map_err(EngineError::Invalid)?);
        }
        let mut events = workflow::complete(ctx, &state, &task, &by, input, at)?;
        let after = fold(&events, Some(state));
        if carries_personal(&events, sop) {
            let key = match self.case_key(&mut **tx, agency, case).await? {
                Some(key) => key,
                None => {
                    let (key, sealed) = self.new_case_key()?;
                    self.keep_case_key(tx, agency, case, &sealed).await?;
                    key
                }
            };
            seal_events(&mut events, sop, Some(&key))?;
        }
        self.record(tx, agency, calendar, &events).await?;
        store_uploads(tx, agency, case, &by, &uploads, &ids, at).await?;
        self.notify_about(tx, ctx, &after, &events).await?;
        if let Some(EventBody::TaskCompleted { step, position, .. }) = events.first().map(|e| &e.body) {
            let step = sop.step(*step).expect("completed steps exist");
            let paperwork = match letters {
                LetterWork::Do(key) => Some((paperwork, key)),
                LetterWork::Skip => None,
            };
            let moment = Moment::Completed { done: StepDone { step, by: &by, position, at }, paperwork };
            self.run_effects(tx, ctx, &after, moment, at).await?;
        }
        Ok(after)
    }

    /// The requester withdraws an open case.
    pub async fn withdraw(
        &self,
        agency: &str,
        case: &str,
        by: &str,
        reason: Option<String>,
        at: i64,
    ) -> Result<CaseState, StoreError> {
        let (org, calendar) = self.context_parts(agency).await?;
        let mut write = self.write_in(agency).await?;
        let tx = write.tx();
        let result = async {
            let state = self.load_case(tx, agency, case).await?;
            let events = workflow::withdraw(&state, by, reason, at)?;
            let after = fold(&events, Some(state));
            self.record(tx, agency, &calendar, &events).await?;
            let sop = self.sop(agency, &after.sop_id, Some(after.sop_version)).await?;
            let ctx = Context { sop: &sop, org: &org, calendar: &calendar };
            self.notify_about(tx, &ctx, &after, &events).await?;
            self.run_effects(tx, &ctx, &after, Moment::Withdrawn, at).await?;
            Ok(after)
        }
        .await;
        write.finish(result).await
    }

    /// The case as stored (personal values sealed), read inside `tx`:
    /// the kept copy brought up to date where there is one. What is read
    /// here is not kept, as the command may yet be rolled back.
    pub(crate) async fn load_case(
        &self,
        tx: &mut WriteTx,
        agency: &str,
        case: &str,
    ) -> Result<CaseState, StoreError> {
        Ok(self.folded(CaseReader::Tx(tx), agency, case).await?.into_state())
    }

    /// A case folded from its kept copy and the events after it, or else
    /// from all its events.
    async fn folded(&self, mut from: CaseReader<'_>, agency: &str, case: &str) -> Result<Folded, StoreError> {
        if let Some(kept) = self.case_cache.get(agency, case)
            && let Some(folded) = kept.extended(&from.events(agency, case, kept.last_seq()).await?)?
        {
            return Ok(folded);
        }
        Folded::from_rows(&from.events(agency, case, i64::MIN).await?)?.ok_or_else(|| case_not_found(case))
    }

    /// The current state of a case of `agency`, personal data opened for
    /// display.
    pub async fn case(&self, agency: &str, case: &str) -> Result<CaseState, StoreError> {
        let folded = self.folded(CaseReader::Hot(&self.hot), agency, case).await?;
        self.case_cache.keep(agency, case, &folded);
        self.opened(agency, case, folded.into_state()).await
    }

    /// The case, if `person` may see it: they have a part in it
    /// ([`CaseState::involves`]), or `is_admin` of its agency. `None` for a
    /// case they may not see and for one the agency does not have, alike;
    /// personal data is opened only for those who may see it. The same rule
    /// as [`Store::may_see_case`], read from the case kept in memory.
    pub async fn case_seen_by(
        &self,
        agency: &str,
        case: &str,
        person: &str,
        is_admin: bool,
    ) -> Result<Option<CaseState>, StoreError> {
        let folded = match self.folded(CaseReader::Hot(&self.hot), agency, case).await {
            Err(StoreError::NotFound(_)) => return Ok(None),
            other => other?,
        };
        self.case_cache.keep(agency, case, &folded);
        if !is_admin && !folded.state().involves(person) {
            return Ok(None);
        }
        self.opened(agency, case, folded.into_state()).await.map(Some)
    }

    /// `state` with its personal data opened for display.
    async fn opened(&self, agency: &str, case: &str, mut state: CaseState) -> Result<CaseState, StoreError> {
        let sop = self.sop(agency, &state.sop_id, Some(state.sop_version)).await?;
        let case_key = if state_carries_personal(&state, &sop) {
            self.case_key(&self.hot, agency, case).await?
        } else {
            None
        };
        open_state(&mut state, &sop, self.key.as_ref(), case_key.as_ref())?;
        Ok(state)
    }

    /// Appends the events and updates the views, inside `tx`.
    pub(crate) async fn record(
        &self,
        tx: &mut WriteTx,
        agency: &str,
        calendar: &engine::Calendar,
        events: &[Event],
    ) -> Result<(), StoreError> {
        append(tx, agency, events).await?;
        let mut completed = Vec::new();
        for event in events {
            let case = event.case.as_str();
            match &event.body {
                EventBody::CaseOpened {
                    sop_id,
                    sop_version,
                    number,
                    requester,
                    unit,
                    due_at,
                    on_behalf_of,
                    ..
                } => {
                    sqlx::query(
                        "INSERT INTO cases (id, agency_id, number, sop_id, sop_version, requester_id, unit_id, status, opened_at,
                                            due_at, on_behalf_id)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10)",
                    )
                    .bind(case)
                    .bind(agency)
                    .bind(number)
                    .bind(sop_id)
                    .bind(i64::from(*sop_version))
                    .bind(requester)
                    .bind(unit)
                    .bind(event.at)
                    .bind(*due_at)
                    .bind(on_behalf_of.as_deref())
                    .execute(&mut **tx)
                    .await?;
                    self.count_opened(tx, &calendar.zone, agency, sop_id, event.at).await?;
                }
                EventBody::TaskCreated { task, step, lane, candidates, due_at } => {
                    sqlx::query(
                        "INSERT INTO tasks (id, case_id, agency_id, step, lane, status, started_at, due_at, sop_id)
                         SELECT $1, $2, $3, $4, $5, 'open', $6, $7, c.sop_id FROM cases c WHERE c.id = $2",
                    )
                    .bind(task)
                    .bind(case)
                    .bind(agency)
                    .bind(i64::from(*step))
                    .bind(lane)
                    .bind(event.at)
                    .bind(*due_at)
                    .execute(&mut **tx)
                    .await?;
                    for c in candidates {
                        sqlx::query(
                            "INSERT INTO task_candidates (task_id, person_id, position, acting, acting_for, due_key, started_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        )
                        .bind(task)
                        .bind(&c.person)
                        .bind(&c.position)
                        .bind(c.acting.map(engine::ActingKind::key))
                        .bind(c.acting_for.as_deref())
                        .bind(due_at.unwrap_or(i64::MAX))
                        .bind(event.at)
                        .execute(&mut **tx)
                        .await?;
                    }
                }
                EventBody::TaskCompleted { task, by, .. } => {
                    let row =
                        sqlx::query("SELECT started_at, COALESCE(sop_id, '') AS sop_id, step, lane FROM tasks WHERE id = $1")
                            .bind(task)
                            .fetch_one(&mut **tx)
                            .await?;
                    let started: i64 = row.try_get("started_at")?;
                    let instant = |ms| {
                        jiff::Timestamp::from_millisecond(ms).map_err(|e| StoreError::Corrupt(e.to_string()))
                    };
                    let took = calendar.working_minutes_between(instant(started)?, instant(event.at)?);
                    let done = sqlx::query(
                        "UPDATE tasks SET status = 'done', done_by = $1, done_at = $2, work_minutes = $3
                         WHERE id = $4 AND status = 'open'",
                    )
                    .bind(by)
                    .bind(event.at)
                    .bind(took)
                    .bind(task)
                    .execute(&mut **tx)
                    .await?;
                    if done.rows_affected() != 1 {
                        return Err(StoreError::Corrupt(format!("tugas {task} tidak terbuka di tampilan")));
                    }
                    close_candidates(tx, task).await?;
                    completed.push((
                        task,
                        CompletedTask {
                            sop_id: row.try_get("sop_id")?,
                            step: row.try_get("step")?,
                            lane: row.try_get("lane")?,
                            person: by.clone(),
                            done_at: event.at,
                            work_minutes: took,
                            late_minutes: None,
                        },
                    ));
                }
                EventBody::DeadlineBreached { task, step, lane, person, due_at, late_minutes } => {
                    sqlx::query(
                        "INSERT INTO breaches (task_id, agency_id, case_id, step, lane, person_id, due_at, done_at, late_minutes)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(task)
                    .bind(agency)
                    .bind(case)
                    .bind(i64::from(*step))
                    .bind(lane)
                    .bind(person)
                    .bind(*due_at)
                    .bind(event.at)
                    .bind(*late_minutes)
                    .execute(&mut **tx)
                    .await?;
                    sqlx::query("UPDATE tasks SET late_minutes = $1 WHERE id = $2")
                        .bind(*late_minutes)
                        .bind(task)
                        .execute(&mut **tx)
                        .await?;
                }
                EventBody::CaseDeadlineBreached { late_minutes, .. } => {
                    sqlx::query("UPDATE cases SET late_minutes = $1 WHERE id = $2")
                        .bind(*late_minutes)
                        .bind(case)
                        .execute(&mut **tx)
                        .await?;
                }
                // Written by `escalate`, which keeps its own bookkeeping; the
                // others change no view (the case page folds its events; whom
                // an acting official's act is told to is `notify_about`'s).
                EventBody::TaskOverdue { .. }
                | EventBody::ActingOfficialActed { .. }
                | EventBody::CaseOverdue { .. }
                | EventBody::OutcomeDecided { .. }
                | EventBody::BranchWaiting { .. }
                | EventBody::RoundsExhausted { .. }
                | EventBody::PersonalDataRevealed { .. }
                | EventBody::VisitorCheckedIn { .. } => {}
                EventBody::TaskCancelled { task } => {
                    sqlx::query("UPDATE tasks SET status = 'cancelled' WHERE id = $1")
                        .bind(task)
                        .execute(&mut **tx)
                        .await?;
                    close_candidates(tx, task).await?;
                }
                EventBody::CaseClosed { outcome, .. } => {
                    let status = outcome.status().key();
                    sqlx::query("UPDATE cases SET status = $1, closed_at = $2 WHERE id = $3")
                        .bind(status)
                        .bind(event.at)
                        .bind(case)
                        .execute(&mut **tx)
                        .await?;
                    self.count_closed(tx, &calendar.zone, case, status).await?;
                }
            }
        }
        // After the loop: a completion's lateness is the event after it.
        for (task, mut done) in completed {
            done.late_minutes = events.iter().find_map(|e| match &e.body {
                EventBody::DeadlineBreached { task: late, late_minutes, .. } if late == task => {
                    Some(*late_minutes)
                }
                _ => None,
            });
            self.count_completed(tx, &calendar.zone, agency, done).await?;
        }
        Ok(())
    }

    /// Tells the notice's person in the app and, as they chose for its
    /// kind, by e-mail and the message gateway; the app shows the message's
    /// first paragraph.
    pub(crate) async fn notify(&self, tx: &mut WriteTx, notice: Notice<'_>) -> Result<(), StoreError> {
        let subject = match notice.subject {
            Some(subject) => subject.to_string(),
            None => format!("Sopir: {}", first_words(notice.message)),
        };
        self.deliver_at_once(tx, &notice, &subject).await?;
        let message = notice.message.split("\n\n").next().unwrap_or(notice.message);
        sqlx::query(
            "INSERT INTO notifications (id, agency_id, person_id, case_id, message, created_at, kind) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(notice.agency)
        .bind(notice.person)
        .bind(notice.case)
        .bind(message)
        .bind(notice.at)
        .bind(notice.kind.code())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Open tasks `person` may act on, most urgent first (by due time,
    /// untimed last, then oldest): at most `limit`, after the task whose
    /// key (due time or `i64::MAX`, started, id) is `after`. Read from the
    /// candidates still open (a partial index), and only the page's tasks
    /// are joined to their cases, however long the backlog.
    pub async fn open_tasks_after(
        &self,
        agency: &str,
        person: &str,
        after: Option<(i64, i64, &str)>,
        limit: i64,
    ) -> Result<Vec<OpenTask>, StoreError> {
        let from = if after.is_some() {
            "AND (k.due_key > $3 OR (k.due_key = $3 AND (k.started_at > $4 OR (k.started_at = $4 AND k.task_id > $5))))"
        } else {
            "AND $3 = 0 AND $4 = 0 AND $5 = ''"
        };
        // A person holding two positions may be a candidate twice: the
        // first position stands for both.
        let sql = format!(
            "SELECT t.id, t.case_id, c.number, c.sop_id, c.sop_version, t.step, t.lane, t.started_at, t.due_at,
                    (SELECT COUNT(*) FROM task_candidates k2 WHERE k2.task_id = t.id) AS candidates
             FROM (SELECT k.task_id, k.due_key, k.started_at FROM task_candidates k JOIN tasks t ON t.id = k.task_id
                   WHERE k.person_id = $2 AND k.is_open = 1 AND t.agency_id = $1 AND t.status = 'open' {from}
                     AND k.position = (SELECT MIN(k3.position) FROM task_candidates k3
                                       WHERE k3.task_id = k.task_id AND k3.person_id = k.person_id)
                   ORDER BY k.due_key, k.started_at, k.task_id LIMIT $6) AS page
             JOIN tasks t ON t.id = page.task_id JOIN cases c ON c.id = t.case_id
             ORDER BY page.due_key, page.started_at, page.task_id"
        );
        // Only the constant clauses above are spliced in.
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(agency)
            .bind(person)
            .bind(after.map_or(0, |(due, _, _)| due))
            .bind(after.map_or(0, |(_, started, _)| started))
            .bind(after.map_or("", |(_, _, id)| id))
            .bind(limit)
            .fetch_all(&self.hot)
            .await?)
    }

    /// Every open task `person` may act on, most urgent first. Unbounded:
    /// for tests and tools; the inbox and the API read a page with
    /// [`Self::open_tasks_after`].
    pub async fn open_tasks(&self, agency: &str, person: &str) -> Result<Vec<OpenTask>, StoreError> {
        self.open_tasks_after(agency, person, None, i64::MAX).await
    }

    /// How many open tasks `person` may act on.
    pub async fn open_task_count(&self, agency: &str, person: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query(
            "SELECT COUNT(*) AS n FROM tasks t
             WHERE t.id IN (SELECT k.task_id FROM task_candidates k WHERE k.person_id = $2 AND k.is_open = 1)
               AND t.agency_id = $1 AND t.status = 'open'",
        )
        .bind(agency)
        .bind(person)
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?)
    }

    /// Every case of an agency, newest first. Unbounded: for tests and
    /// tools; pages and the API read a page at a time with [`Self::cases_after`].
    pub async fn cases(&self, agency: &str) -> Result<Vec<CaseSummary>, StoreError> {
        self.cases_after(agency, None, None, i64::MAX).await
    }

    /// At most `limit` cases of `agency` (only `requester`'s, if given),
    /// newest first, starting after the case `after` = (opened_at, id):
    /// keyset paging, as fast on the millionth case as on the first.
    pub async fn cases_after(
        &self,
        agency: &str,
        requester: Option<&str>,
        after: Option<(i64, &str)>,
        limit: i64,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        let by_requester =
            if requester.is_some() { "AND (requester_id = $2 OR on_behalf_id = $2)" } else { "AND $2 = ''" };
        let from = if after.is_some() {
            "AND (opened_at < $3 OR (opened_at = $3 AND id < $4))"
        } else {
            "AND $3 = 0 AND $4 = ''"
        };
        let sql = format!(
            "SELECT id, number, sop_id, sop_version, requester_id, status, opened_at, closed_at
             FROM cases WHERE agency_id = $1 {by_requester} {from} ORDER BY opened_at DESC, id DESC LIMIT $5"
        );
        // Only the constant clauses above are spliced in.
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(agency)
            .bind(requester.unwrap_or(""))
            .bind(after.map_or(0, |(at, _)| at))
            .bind(after.map_or("", |(_, id)| id))
            .bind(limit)
            .fetch_all(&self.hot)
            .await?)
    }

    /// At most `limit` cases of `agency` that pass `filter`, newest first,
    /// after the case `after` = (opened_at, id): the list of all cases a
    /// head searches. Text matches part of the number or of the
    /// requester's name, in any case.
    pub async fn cases_filtered(
        &self,
        agency: &str,
        filter: &CaseFilter<'_>,
        after: Option<(i64, &str)>,
        limit: i64,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        let from = if after.is_some() {
            "AND (c.opened_at < $5 OR (c.opened_at = $5 AND c.id < $6))"
        } else {
            "AND $5 = 0 AND $6 = ''"
        };
        let text = if filter.text.is_some() {
            "AND (LOWER(c.number) LIKE $4 ESCAPE '\\' OR c.requester_id IN
                 (SELECT p.id FROM people p WHERE p.agency_id = $1 AND LOWER(p.name) LIKE $4 ESCAPE '\\'))"
        } else {
            "AND $4 = ''"
        };
        let sql = format!(
            "SELECT c.id, c.number, c.sop_id, c.sop_version, c.requester_id, c.status, c.opened_at, c.closed_at
             FROM cases c WHERE c.agency_id = $1 AND ($2 = '' OR c.status = $2) AND ($3 = '' OR c.sop_id = $3)
               {text} {from} ORDER BY c.opened_at DESC, c.id DESC LIMIT $7"
        );
        // A typed % or _ is looked for as itself. LOWER is ASCII-only on
        // SQLite, so letters beyond ASCII match in the case they were typed.
        let pattern = filter.text.map(|t| {
            let mut escaped = String::new();
            for c in t.trim().to_lowercase().chars() {
                if matches!(c, '%' | '_' | '\\') {
                    escaped.push('\\');
                }
                escaped.push(c);
            }
            format!("%{escaped}%")
        });
        // Only the constant clauses above are spliced in.
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(agency)
            .bind(filter.status.map_or("", |s| s.key()))
            .bind(filter.sop.unwrap_or(""))
            .bind(pattern.unwrap_or_default())
            .bind(after.map_or(0, |(at, _)| at))
            .bind(after.map_or("", |(_, id)| id))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }

    /// How many cases `person` has unread notifications of (the header's
    /// counter: one per case, however many steps it moved), counted up to
    /// [`UNREAD_CAP`] (every page asks; a long-unread list must not cost more).
    pub async fn unread_notifications(&self, agency: &str, person: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query(
            "SELECT COUNT(*) AS n FROM (SELECT DISTINCT case_id FROM notifications
             WHERE agency_id = $1 AND person_id = $2 AND read_at IS NULL LIMIT $3) AS capped",
        )
        .bind(agency)
        .bind(person)
        .bind(crate::UNREAD_CAP)
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?)
    }

    pub async fn mark_notifications_read(
        &self,
        agency: &str,
        person: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE agency_id = $2 AND person_id = $3 AND read_at IS NULL")
            .bind(now)
            .bind(agency)
            .bind(person)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Unread notifications of a person.
    pub async fn notifications(&self, agency: &str, person: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query(
            "SELECT message FROM notifications WHERE agency_id = $1 AND person_id = $2 AND read_at IS NULL ORDER BY created_at, id",
        )
        .bind(agency)
        .bind(person)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get("message"))
        .collect::<Result<_, _>>()?)
    }

    /// Breaches recorded for an agency: (case, step, lane, person, late minutes).
    pub async fn breaches(
        &self,
        agency: &str,
    ) -> Result<Vec<(String, u32, String, String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT case_id, step, lane, person_id, late_minutes FROM breaches WHERE agency_id = $1 ORDER BY done_at, task_id",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("case_id")?,
                    u32::try_from(r.try_get::<i64, _>("step")?).unwrap_or_default(),
                    r.try_get("lane")?,
                    r.try_get("person_id")?,
                    r.try_get("late_minutes")?,
                ))
            })
            .collect()
    }
}

/// Reserves the next human case number of the year, e.g. `VPN-2026-000001`.
pub(crate) async fn next_number(
    tx: &mut WriteTx,
    agency: &str,
    sop: &sop::Sop,
    calendar: &engine::Calendar,
    at: i64,
) -> Result<String, StoreError> {
    let year = jiff::Timestamp::from_millisecond(at)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?
        .to_zoned(calendar.zone.clone())
        .year();
    let value: i64 = sqlx::query(
        "INSERT INTO counters (agency_id, name, year, value) VALUES ($1, $2, $3, 1)
         ON CONFLICT (agency_id, name, year) DO UPDATE SET value = counters.value + 1
         RETURNING value",
    )
    .bind(agency)
    .bind(&sop.id)
    .bind(i64::from(year))
    .fetch_one(&mut **tx)
    .await?
    .try_get("value")?;
    let prefix = sop.id.rsplit('/').next().unwrap_or(&sop.id).to_uppercase();
    Ok(format!("{prefix}-{year}-{value:06}"))
}

/// A fresh id per upload: (attachment name, file id).
fn upload_ids(uploads: &[Upload]) -> Vec<(String, String)> {
    uploads.iter().map(|u| (u.name.clone(), new_id())).collect()
}

async fn store_uploads(
    tx: &mut WriteTx,
    agency: &str,
    case: &str,
    by: &str,
    uploads: &[Upload],
    ids: &[(String, String)],
    at: i64,
) -> Result<(), StoreError> {
    for (upload, (_, id)) in uploads.iter().zip(ids) {
        crate::accounts::insert_attachment(&mut **tx, id, agency, Some(case), by, upload, at).await?;
    }
    Ok(())
}

/// A task is no longer open for its candidates (it was done or cancelled).
async fn close_candidates(tx: &mut WriteTx, task: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE task_candidates SET is_open = 0 WHERE task_id = $1")
        .bind(task)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
