//! The commands of a case — submit, complete a task, withdraw — decided
//! against the SOP version of the case, the organisation and the calendar.
//! Each returns the events to append, or a refusal that changes nothing.

use jiff::Timestamp;
use jiff::civil::Date;
use sop::Sop;
use sop::definition::{ActionKind, Step, Target};

use crate::calendar::Calendar;
use crate::case::{
    ActionInput, CaseState, CaseStatus, Event, EventBody, Millis, Outcome, TaskStatus, Verdict, apply,
};
use crate::error::{Duty, EngineError};
use crate::form::{FieldError, check_attachments, check_fields};
use crate::organisation::{Candidate, Organisation};

/// Longest note accepted with an action.
pub const NOTE_MAX_CHARS: usize = 2000;

/// What a decision is made against: the case's SOP version, the agency's
/// organisation and its working-time calendar.
pub struct Context<'a> {
    pub sop: &'a Sop,
    pub org: &'a Organisation,
    pub calendar: &'a Calendar,
}

impl Context<'_> {
    fn local_date(&self, at: Millis) -> Date {
        Timestamp::from_millisecond(at).expect("valid instant").to_zoned(self.calendar.zone.clone()).date()
    }

    fn lane_name(&self, lane: &str) -> String {
        self.sop.lane(lane).map_or_else(|| lane.to_string(), |l| l.name.clone())
    }

    /// Who may act in `step` at `at`. A requester lane is the case's own
    /// requester once the case exists.
    fn candidates(&self, step: &Step, requester: Option<&str>, at: Millis) -> Vec<Candidate> {
        let lane = self.sop.lane(&step.lane).expect("validated SOP");
        if let (true, Some(requester)) = (lane.requester, requester) {
            return vec![Candidate {
                person: requester.to_string(),
                position: lane.positions.first().cloned().unwrap_or_default(),
                acting: None,
                acting_for: None,
            }];
        }
        self.org.candidates(self.sop.step_positions(step), self.local_date(at))
    }

    fn create_task(&self, state: &CaseState, step_no: u32, at: Millis) -> Result<Event, EngineError> {
        let step = self.sop.step(step_no).expect("targets are validated");
        let candidates = self.candidates(step, Some(&state.requester), at);
        if candidates.is_empty() {
            return Err(EngineError::Unstaffed { lane: self.lane_name(&step.lane), step: step.no });
        }
        let due_at = step.time.map(|t| {
            self.calendar.due(Timestamp::from_millisecond(at).expect("valid instant"), t).as_millisecond()
        });
        Ok(Event {
            case: state.id.clone(),
            at,
            body: EventBody::TaskCreated {
                task: format!("{}.{}", state.id, state.tasks.len() + 1),
                step: step.no,
                lane: step.lane.clone(),
                candidates,
                due_at,
            },
        })
    }
}

/// Who may start a case of `sop` on `on`: the people who may act in its
/// first step. The service catalogue asks this, so it offers a service to
/// exactly those whom [`submit`] accepts.
pub fn submitters(sop: &sop::Sop, org: &Organisation, on: Date) -> Vec<Candidate> {
    org.candidates(sop.step_positions(sop.first_step()), on)
}

/// Starts a case: `by` carries out the SOP's first step with `input`.
pub fn submit(
    ctx: &Context,
    case: &str,
    number: &str,
    by: &str,
    input: ActionInput,
    at: Millis,
) -> Result<Vec<Event>, EngineError> {
    let person = ctx.org.person(by).ok_or_else(|| EngineError::UnknownPerson(by.to_string()))?;
    let first = ctx.sop.first_step();
    let me = ctx.candidates(first, None, at).into_iter().find(|c| c.person == by).ok_or_else(|| {
        EngineError::NotAllowed {
            person: person.name.clone(),
            lane: ctx.lane_name(&first.lane),
            step: first.no,
        }
    })?;
    let opened = Event {
        case: case.to_string(),
        at,
        body: EventBody::CaseOpened {
            agency: ctx.org.agency.clone(),
            sop_id: ctx.sop.id.clone(),
            sop_version: ctx.sop.version,
            number: number.to_string(),
            requester: by.to_string(),
            unit: person.unit.clone(),
        },
    };
    let state = apply(None, &opened);
    let created = Event {
        case: case.to_string(),
        at,
        body: EventBody::TaskCreated {
            task: format!("{case}.1"),
            step: first.no,
            lane: first.lane.clone(),
            candidates: vec![me],
            due_at: None,
        },
    };
    let state = apply(Some(state), &created);
    let mut events = vec![opened, created];
    events.extend(complete(ctx, &state, &format!("{case}.1"), by, input, at)?);
    Ok(events)
}

/// `by` completes `task` with `input`.
pub fn complete(
    ctx: &Context,
    state: &CaseState,
    task_id: &str,
    by: &str,
    input: ActionInput,
    at: Millis,
) -> Result<Vec<Event>, EngineError> {
    ensure_open(state)?;
    let task = state.task(task_id).ok_or_else(|| EngineError::TaskNotFound(task_id.to_string()))?;
    match task.status {
        TaskStatus::Open => {}
        TaskStatus::Done => {
            return Err(EngineError::AlreadyDone {
                by: ctx.org.name(task.done_by.as_deref().unwrap_or("?")),
            });
        }
        TaskStatus::Cancelled => return Err(EngineError::TaskCancelled),
    }
    let candidate = task.candidates.iter().find(|c| c.person == by).ok_or_else(|| {
        EngineError::NotAllowed { person: ctx.org.name(by), lane: ctx.lane_name(&task.lane), step: task.step }
    })?;
    let step = ctx.sop.step(task.step).expect("task steps exist in their SOP version");
    if let Some(duty) = Duty::of(step.action)
        && drafter(ctx.sop, state) == Some(by)
    {
        return Err(EngineError::OwnDraft { duty, step: step.no });
    }
    let input = check_input(step, input).map_err(EngineError::Invalid)?;

    let event = |body| Event { case: state.id.clone(), at, body };
    let mut events = vec![event(EventBody::TaskCompleted {
        task: task.id.clone(),
        step: step.no,
        by: by.to_string(),
        position: candidate.position.clone(),
        input: input.clone(),
    })];
    if let (Some(kind), Some(holder)) = (candidate.acting, &candidate.acting_for) {
        events.push(event(EventBody::ActingOfficialActed {
            task: task.id.clone(),
            step: step.no,
            acting: by.to_string(),
            kind,
            holder: holder.clone(),
        }));
    }
    if let Some(due) = task.due_at.filter(|&due| at > due) {
        let late = ctx.calendar.working_minutes_between(
            Timestamp::from_millisecond(due).expect("valid instant"),
            Timestamp::from_millisecond(at).expect("valid instant"),
        );
        events.push(event(EventBody::DeadlineBreached {
            task: task.id.clone(),
            step: step.no,
            lane: task.lane.clone(),
            person: by.to_string(),
            due_at: due,
            late_minutes: late,
        }));
    }

    let target = match (step.action, &step.decision, input.verdict) {
        (_, Some(d), Some(Verdict::Ya)) => d.ya,
        (_, Some(d), _) => d.tidak,
        (ActionKind::Review, None, Some(Verdict::Tidak)) => Target::Step(drafting_step(ctx.sop, step)),
        _ => step.next,
    };
    let mut after = state.clone();
    for e in &events {
        after = apply(Some(after), e);
    }
    match target {
        Target::Step(n) => events.push(ctx.create_task(&after, n, at)?),
        Target::End => events.push(event(EventBody::CaseClosed {
            outcome: Outcome::Completed,
            by: by.to_string(),
            reason: None,
        })),
        Target::Rejected => events.push(event(EventBody::CaseClosed {
            outcome: Outcome::Rejected,
            by: by.to_string(),
            reason: input.note.clone(),
        })),
    }
    Ok(events)
}

/// The requester withdraws an open case; its open tasks are cancelled.
pub fn withdraw(
    state: &CaseState,
    by: &str,
    reason: Option<String>,
    at: Millis,
) -> Result<Vec<Event>, EngineError> {
    ensure_open(state)?;
    if state.requester != by {
        return Err(EngineError::NotRequester { number: state.number.clone() });
    }
    let reason = reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > NOTE_MAX_CHARS) {
        return Err(EngineError::Invalid(vec![too_long_note()]));
    }
    let mut events: Vec<Event> = state
        .open_tasks()
        .map(|t| Event { case: state.id.clone(), at, body: EventBody::TaskCancelled { task: t.id.clone() } })
        .collect();
    events.push(Event {
        case: state.id.clone(),
        at,
        body: EventBody::CaseClosed { outcome: Outcome::Withdrawn, by: by.to_string(), reason },
    });
    Ok(events)
}

/// The escalation of `task` at `now`, if it is open and past its due time.
/// `round` counts the escalations of this task so far, this one included.
pub fn escalate(state: &CaseState, task_id: &str, round: u32, now: Millis) -> Option<Event> {
    let task = state.task(task_id)?;
    let due = task.due_at?;
    (state.status == CaseStatus::Open && task.status == TaskStatus::Open && now > due).then(|| Event {
        case: state.id.clone(),
        at: now,
        body: EventBody::TaskOverdue {
            task: task.id.clone(),
            step: task.step,
            lane: task.lane.clone(),
            due_at: due,
            round,
        },
    })
}

fn ensure_open(state: &CaseState) -> Result<(), EngineError> {
    if state.status == CaseStatus::Open {
        Ok(())
    } else {
        Err(EngineError::CaseClosed {
            number: state.number.clone(),
            status: state.status.label().to_string(),
        })
    }
}

/// Who wrote the letter's latest draft: whoever last completed a draft step.
pub fn drafter<'s>(sop: &Sop, state: &'s CaseState) -> Option<&'s str> {
    state
        .tasks
        .iter()
        .rev()
        .filter(|t| t.status == TaskStatus::Done)
        .find(|t| sop.step(t.step).is_some_and(|s| s.action == ActionKind::Draft))
        .and_then(|t| t.done_by.as_deref())
}

/// The step a returned draft goes back to: the nearest draft step before
/// the review, or the step just before it.
fn drafting_step(sop: &Sop, review: &Step) -> u32 {
    let index = sop.step_index(review.no).expect("step exists");
    sop.steps[..index]
        .iter()
        .rev()
        .find(|s| s.action == ActionKind::Draft)
        .or(sop.steps[..index].last())
        .map_or(review.no, |s| s.no)
}

fn too_long_note() -> FieldError {
    FieldError::new("catatan", "Catatan", format!("paling banyak {NOTE_MAX_CHARS} karakter"))
}

/// Checks an action's input against what its kind and its step require;
/// returns it normalised.
pub fn check_input(step: &Step, input: ActionInput) -> Result<ActionInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let note = input.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX_CHARS) {
        errors.push(too_long_note());
    }
    let takes_verdict = step.action.takes_verdict();
    match (step.action, input.verdict, &note) {
        (ActionKind::Dispose, _, None) => errors.push(FieldError::new(
            "catatan",
            "Catatan disposisi",
            "wajib diisi — tulis arahan untuk pelaksana berikutnya",
        )),
        (ActionKind::Decide, None, _) => {
            errors.push(FieldError::new("keputusan", "Keputusan", "pilih Ya atau Tidak"));
        }
        (ActionKind::Decide, Some(_), None) => {
            errors.push(FieldError::new("catatan", "Alasan keputusan", "wajib diisi"));
        }
        (ActionKind::Review, None, _) => {
            errors.push(FieldError::new(
                "keputusan",
                "Hasil pemeriksaan",
                "pilih setujui atau kembalikan untuk diperbaiki",
            ));
        }
        (ActionKind::Review, Some(Verdict::Tidak), None) => errors.push(FieldError::new(
            "catatan",
            "Catatan perbaikan",
            "wajib diisi bila konsep dikembalikan",
        )),
        _ => {}
    }
    if !takes_verdict && input.verdict.is_some() {
        errors.push(FieldError::new(
            "keputusan",
            "Keputusan",
            "langkah ini tidak meminta keputusan Ya/Tidak",
        ));
    }
    let fields = match check_fields(&step.fields, &input.fields) {
        Ok(f) => f,
        Err(e) => {
            errors.extend(e);
            Default::default()
        }
    };
    errors.extend(check_attachments(&step.attachments, &input.attachments));
    if errors.is_empty() {
        Ok(ActionInput { note, verdict: input.verdict, fields, attachments: input.attachments })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::organisation::{Holding, Person};

    /// A first lane of two positions whose first step names only one.
    fn sop() -> Sop {
        let text = include_str!("../../sop/tests/fixtures/clean.toml")
            .replace("positions = [\"pemohon\"]", "positions = [\"pemohon\", \"staf-umum\"]")
            .replacen("action = \"submit\"", "action = \"submit\"\npositions = [\"staf-umum\"]", 1);
        sop::parse_sop("hosting.toml", &text).expect("valid")
    }

    fn org() -> Organisation {
        let person = |id: &str| Person { id: id.into(), name: id.into(), nip: None, unit: "u".into() };
        let holds = |person: &str, position: &str| Holding {
            person: person.into(),
            position: position.into(),
            from: date(2020, 1, 1),
            until: None,
            acting: None,
        };
        Organisation {
            agency: "contoh".into(),
            people: vec![person("siti"), person("budi"), person("agus")],
            holdings: vec![
                holds("siti", "pemohon"),
                holds("budi", "staf-umum"),
                holds("agus", "kabid-aptika"),
            ],
            ..Organisation::default()
        }
    }

    #[test]
    fn the_submitters_are_whom_submit_accepts_when_the_first_step_names_positions() {
        let (sop, org) = (sop(), org());
        let calendar = Calendar::new("Asia/Jakarta").unwrap();
        let ctx = Context { sop: &sop, org: &org, calendar: &calendar };
        let at = jiff::civil::date(2026, 11, 23).at(9, 0, 0, 0).in_tz("Asia/Jakarta").unwrap();
        let at = at.timestamp().as_millisecond();
        let submitters: Vec<String> =
            submitters(&sop, &org, date(2026, 11, 23)).into_iter().map(|c| c.person).collect();
        assert_eq!(submitters, ["budi"]);
        let input = || ActionInput {
            fields: [("nama_aplikasi".to_string(), "simpeg".to_string())].into(),
            ..Default::default()
        };
        let made = submit(&ctx, "c1", "H-1", "budi", input(), at);
        assert!(made.is_ok(), "{made:?}");
        assert!(matches!(
            submit(&ctx, "c2", "H-2", "siti", input(), at),
            Err(EngineError::NotAllowed { step: 1, .. })
        ));
    }
}
