//! The one pipeline of step effects ([`sop::Effect`]): after a command's
//! events are recorded, inside its transaction, every effect the SOP
//! declares first checks what the step gave it — all checks before any
//! effect writes — then does its work for the moment. A refusal by any of
//! them refuses the whole command and nothing of it is kept.

use engine::{CaseState, Context};
use sop::{Effect, Step};

use crate::letters::{Paperwork, SignatureWork};
use crate::personal_data::DataKey;
use crate::{Store, StoreError, WriteTx};

/// Who completed which step, in which position, when: what every effect
/// of a completion is told.
pub(crate) struct StepDone<'a> {
    pub step: &'a Step,
    pub by: &'a str,
    pub position: &'a str,
    pub at: i64,
}

/// What just happened to the case. (Made once per command and moved into
/// the pipeline, never kept: the paperwork's size does not matter.)
#[allow(clippy::large_enum_variant)]
pub(crate) enum Moment<'a> {
    /// A request was submitted (its first step done) with these files.
    Submitted { filenames: &'a [String], case_key: Option<&'a DataKey> },
    /// A step was completed: with the letter paperwork it brought, or
    /// `None` when a history is replayed (no letter work).
    Completed { done: StepDone<'a>, paperwork: Option<(Paperwork, SignatureWork)> },
    /// The requester withdrew the case.
    Withdrawn,
}

impl Store {
    /// Runs the SOP's effects for `moment`; `state` is the case after it.
    pub(crate) async fn run_effects(
        &self,
        tx: &mut WriteTx,
        ctx: &Context<'_>,
        state: &CaseState,
        moment: Moment<'_>,
        at: i64,
    ) -> Result<(), StoreError> {
        let sop = ctx.sop;
        let zone = &ctx.calendar.zone;
        let effects = sop.effects();
        let step_done = match &moment {
            Moment::Submitted { .. } => Some(sop.first_step().no),
            Moment::Completed { done, .. } => Some(done.step.no),
            Moment::Withdrawn => None,
        };
        if let Some(no) = step_done {
            for effect in &effects {
                if let Effect::Registry(registry) = effect {
                    self.check_registry_input(tx, ctx, registry, state, no, at).await?;
                }
            }
        }
        match moment {
            Moment::Submitted { filenames, case_key } => {
                for effect in effects {
                    match effect {
                        Effect::Correspondence(_) => {
                            self.register_incoming(tx, sop, state, filenames, zone).await?
                        }
                        Effect::Visit(visit) => self.register_visit(tx, visit, state, zone, case_key).await?,
                        Effect::AccessReview(review) => self.open_review(tx, review, state).await?,
                        Effect::Registry(_) => {}
                    }
                }
            }
            Moment::Completed { done, mut paperwork } => {
                let StepDone { step, by, .. } = done;
                for effect in effects {
                    match effect {
                        Effect::Correspondence(_) => {
                            if let Some((paperwork, key)) = paperwork.take() {
                                self.on_completed(tx, ctx, state, &done, paperwork, key).await?;
                            }
                        }
                        Effect::Registry(registry) if registry.step == step.no => {
                            self.register_result(tx, sop, registry, state, by, at).await?
                        }
                        Effect::Visit(visit) => {
                            self.follow_visit(tx, sop, visit, state, Some(step.no), at).await?
                        }
                        Effect::AccessReview(review) if review.step == step.no => {
                            self.close_review(tx, review, ctx.org, state, by, at).await?
                        }
                        Effect::Registry(_) | Effect::AccessReview(_) => {}
                    }
                }
            }
            Moment::Withdrawn => {
                for effect in effects {
                    if let Effect::Visit(visit) = effect {
                        self.follow_visit(tx, sop, visit, state, None, at).await?;
                    }
                }
            }
        }
        Ok(())
    }
}
