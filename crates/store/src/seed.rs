//! Bulk case histories for the large-data benchmark (`sopir bench seed`):
//! many realistic cases of the five official SOPs across both demo
//! agencies — most closed, some rejected, some still open, some steps late —
//! written through the same in-transaction code as real actions (events on
//! the hash chain, tasks, registers, registries, visits), hundreds of cases
//! per transaction. Letters are not rendered or signed (each would take a
//! PDF and an RSA signature); their steps are recorded like any other.

use std::collections::HashMap;

use engine::{Calendar, CaseState, Context, Organisation, Verdict};
use sop::ActionKind;
use sqlx::Row;

use crate::visits::CheckIn;
use crate::{Store, StoreError, WriteTx};

/// The SOPs seeded, in turn.
pub const SEEDED_SOPS: [&str; 5] = [
    "lumajang/vpn",
    "lumajang/email",
    "lumajang/subdomain",
    "lumajang/ruang-server",
    "trenggalek/ruang-server",
];

/// Cases written per transaction.
const BATCH: usize = 250;

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Seeded {
    /// Cases the database already held before this run (a run tops up to
    /// its target, so a long seeding that was stopped can be continued).
    pub existing: usize,
    pub cases: usize,
    pub open: usize,
    pub rejected: usize,
    pub transitions: usize,
    pub late: usize,
}

/// A small deterministic generator (xorshift), so a seed run is repeatable.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % (high - low).max(1) as u64) as i64
    }
}

impl Store {
    /// Writes generated histories opened over the year before `until`
    /// (epoch ms) until the database holds `cases` cases, calling `progress`
    /// with the running total after each transaction. Cases already there
    /// count towards the target: a stopped run continues where it stopped.
    /// The demo organisation must be installed.
    pub async fn seed_history(
        &self,
        cases: usize,
        until: i64,
        mut progress: impl FnMut(&Seeded),
    ) -> Result<Seeded, StoreError> {
        let mut contexts: HashMap<String, (Organisation, Calendar)> = HashMap::new();
        let mut sops = Vec::new();
        for id in SEEDED_SOPS {
            let agency = id.split('/').next().unwrap_or_default();
            if !contexts.contains_key(agency) {
                contexts.insert(
                    agency.to_string(),
                    (self.organisation(agency).await?, self.calendar(agency).await?),
                );
            }
            sops.push(self.sop(agency, id, None).await?);
        }
        let existing: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM cases").fetch_one(self.pool()).await?.try_get("n")?;
        let mut done = existing as usize;
        // A continued run draws a different sequence than the first one did.
        let mut dice = Dice(0x9E37_79B9_7F4A_7C15 ^ (done as u64).wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
        let mut seeded = Seeded { existing: done, ..Seeded::default() };
        let span = 365 * DAY;
        while done < cases {
            let mut write = self.write().await?;
            let tx = write.tx();
            let result = async {
                for i in done..(done + BATCH).min(cases) {
                    let sop = &sops[i % sops.len()];
                    let (org, calendar) = &contexts[&sop.agency];
                    let opened = until - span + (i as i64 * span) / cases.max(1) as i64;
                    let ctx = Context { sop, org, calendar };
                    self.seed_case(tx, &ctx, opened, until, &mut dice, &mut seeded).await?;
                }
                Ok(())
            }
            .await;
            write.finish(result).await?;
            done = (done + BATCH).min(cases);
            progress(&seeded);
        }
        Ok(seeded)
    }

    /// One case: submitted at `opened`, then carried step by step by the
    /// first person who may act, until it closes, is left open (some), or
    /// would run past `until`.
    async fn seed_case(
        &self,
        tx: &mut WriteTx,
        ctx: &Context<'_>,
        opened: i64,
        until: i64,
        dice: &mut Dice,
        seeded: &mut Seeded,
    ) -> Result<(), StoreError> {
        let Context { sop, org, calendar } = *ctx;
        let today = ctx.local_date(opened);
        let first = sop.first_step();
        let lane = sop.lane(&first.lane).ok_or_else(|| StoreError::NotFound("lajur".into()))?;
        let requesters = org.candidates(&lane.positions, today);
        let requester = &requesters[dice.next() as usize % requesters.len().max(1)].person;
        let input = crate::demo::sample_input(first, Verdict::Ya);
        let submit = crate::Submit::new(&sop.agency, &sop.id, requester, input, opened);
        let mut state: CaseState = self.submit_in(tx, ctx, submit).await?;
        seeded.cases += 1;
        seeded.transitions += 1;
        let reject = dice.chance(6);
        let stop_after = if dice.chance(4) { Some(dice.between(0, sop.steps.len() as i64)) } else { None };
        let mut steps = 0;
        loop {
            let Some(task) = state.open_tasks().next().cloned() else { break };
            if stop_after.is_some_and(|n| steps >= n) {
                break;
            }
            let step = sop.step(task.step).ok_or_else(|| StoreError::NotFound("langkah".into()))?;
            let late = dice.chance(12);
            let at = match task.due_at {
                Some(due) if late => due + dice.between(1, 240) * MINUTE,
                Some(due) => {
                    task.started_at + (due - task.started_at).max(MINUTE) * dice.between(20, 95) / 100
                }
                None => task.started_at + dice.between(5, 90) * MINUTE,
            };
            if at > until {
                break;
            }
            let by = task.candidates[0].person.clone();
            let verdict =
                if reject && step.action == ActionKind::Decide { Verdict::Tidak } else { Verdict::Ya };
            if sop.visit.as_ref().is_some_and(|v| v.escort_step == step.no) {
                let check_in = CheckIn {
                    agency: &sop.agency,
                    case: &state.id,
                    task: &task.id,
                    by: &by,
                    badge: "TP-01",
                    at,
                };
                self.mark_checked_in(tx, calendar, check_in).await?;
            }
            let input = crate::demo::sample_input(step, verdict);
            let complete = crate::Complete::new(&sop.agency, &state.id, &task.id, &by, input, at);
            state = self.complete_in(tx, ctx, state, complete, crate::cases::LetterWork::Skip).await?;
            seeded.transitions += 1;
            seeded.late += usize::from(late && task.due_at.is_some());
            steps += 1;
        }
        match state.status {
            engine::CaseStatus::Open => seeded.open += 1,
            engine::CaseStatus::Rejected => seeded.rejected += 1,
            _ => {}
        }
        Ok(())
    }
}
