//! The commands of a case — submit, complete a task, withdraw — decided
//! against the SOP version of the case, the organisation and the calendar.
//! Each returns the events to append, or a refusal that changes nothing.

use jiff::Timestamp;
use jiff::civil::Date;
use sop::Sop;
use sop::definition::{ActionKind, FieldKind, Step, Target, Together};

use crate::calendar::Calendar;
use crate::case::{
    ActionInput, CaseState, CaseStatus, Event, EventBody, Millis, Outcome, TaskState, TaskStatus, Verdict,
    apply,
};
use crate::disposition::{Disposition, FIELD_ADDRESSEE, FIELD_DUE, FIELD_INSTRUCTIONS};
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
    pub fn local_date(&self, at: Millis) -> Date {
        Timestamp::from_millisecond(at).expect("valid instant").to_zoned(self.calendar.zone.clone()).date()
    }

    fn lane_name(&self, lane: &str) -> String {
        self.sop.lane(lane).map_or_else(|| lane.to_string(), |l| l.name.clone())
    }

    fn due(&self, at: Millis, time: sop::StandardTime) -> Millis {
        self.calendar.due(Timestamp::from_millisecond(at).expect("valid instant"), time).as_millisecond()
    }

    /// Who may act for `lane` in `step` at `at`. A requester lane is the
    /// case's own requester once the case exists; a lane open to anyone is
    /// every person of the agency holding a position that day.
    fn lane_candidates(
        &self,
        step: &Step,
        lane: &str,
        requester: Option<&str>,
        at: Millis,
    ) -> Vec<Candidate> {
        let Some(l) = self.sop.lane(lane) else { return Vec::new() };
        if let (true, Some(requester)) = (l.requester, requester) {
            return vec![Candidate {
                person: requester.to_string(),
                position: l.positions.first().cloned().unwrap_or_default(),
                acting: None,
                acting_for: None,
            }];
        }
        if l.anyone {
            return everyone(self.org, self.local_date(at));
        }
        self.org.candidates(&self.sop.lane_positions(step, lane), self.local_date(at))
    }

    /// Who may act in a task of `step` for `lanes` (one lane, or all of a
    /// joint step whose lanes act as one), each person once per position.
    fn candidates(&self, step: &Step, lanes: &[&str], requester: Option<&str>, at: Millis) -> Vec<Candidate> {
        let mut found: Vec<Candidate> = Vec::new();
        for lane in lanes {
            for c in self.lane_candidates(step, lane, requester, at) {
                if !found.iter().any(|f| f.person == c.person && f.position == c.position) {
                    found.push(c);
                }
            }
        }
        found
    }

    /// The tasks a step opens: one per lane when each lane of a joint step
    /// acts, else one for all its lanes.
    fn task_lanes(step: &Step) -> Vec<Vec<&str>> {
        if step.each_lane_acts() {
            step.lanes().map(|l| vec![l]).collect()
        } else {
            vec![step.lanes().collect()]
        }
    }
}

/// Everyone of the agency holding a position on `on`, each once, in their
/// first own (not acting) position.
fn everyone(org: &Organisation, on: Date) -> Vec<Candidate> {
    org.people
        .iter()
        .filter_map(|p| {
            let mut held = org.positions_of(&p.id, on);
            held.sort_by_key(|h| h.acting.is_some());
            held.first().map(|h| Candidate {
                person: p.id.clone(),
                position: h.position.clone(),
                acting: h.acting.as_ref().map(|(kind, _)| *kind),
                acting_for: h.acting.as_ref().and_then(|(_, holder)| holder.clone()),
            })
        })
        .collect()
}

/// The events a command decides, with the case as they leave it: each
/// event is applied as it is added, so the next decision sees it.
struct Decided<'c> {
    ctx: &'c Context<'c>,
    state: CaseState,
    events: Vec<Event>,
    at: Millis,
    /// Where a disposition sends the tasks it opens.
    route: Option<Route>,
}

/// A disposition's addressee and due instant, applied to the tasks the
/// disposing step opens.
struct Route {
    addressee: Option<String>,
    due_at: Option<Millis>,
    /// Whether a task was given to the addressee.
    addressed: bool,
}

impl<'c> Decided<'c> {
    fn new(ctx: &'c Context<'c>, state: CaseState, at: Millis) -> Decided<'c> {
        Decided { ctx, state, events: Vec::new(), at, route: None }
    }

    fn push(&mut self, body: EventBody) {
        let event = Event { case: self.state.id.clone(), at: self.at, body };
        self.state.apply(&event);
        self.events.push(event);
    }

    /// Opens the tasks of step `no`.
    fn open_step(&mut self, no: u32) -> Result<(), EngineError> {
        let ctx = self.ctx;
        let step = ctx.sop.step(no).expect("targets are validated");
        let due_at = step.time.map(|t| ctx.due(self.at, t));
        let requester = (!self.state.requester.is_empty()).then(|| self.state.requester.clone());
        for lanes in Context::task_lanes(step) {
            let mut candidates = ctx.candidates(step, &lanes, requester.as_deref(), self.at);
            if candidates.is_empty() {
                return Err(EngineError::Unstaffed { lane: ctx.lane_name(lanes[0]), step: step.no });
            }
            let mut due_at = due_at;
            if let Some(route) = &mut self.route {
                if let Some(to) = &route.addressee
                    && candidates.iter().any(|c| &c.person == to)
                {
                    candidates.retain(|c| &c.person == to);
                    route.addressed = true;
                }
                due_at = match (due_at, route.due_at) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            self.push(EventBody::TaskCreated {
                task: format!("{}.{}", self.state.id, self.state.tasks.len() + 1),
                step: step.no,
                lane: lanes[0].to_string(),
                candidates,
                due_at,
            });
        }
        Ok(())
    }

    /// The flow arrives at `target` from `task` (of step `from`).
    fn go(
        &mut self,
        task: &str,
        from: u32,
        target: Target,
        by: &str,
        note: Option<&String>,
    ) -> Result<(), EngineError> {
        if self.state.status != CaseStatus::Open {
            return Ok(());
        }
        match target {
            Target::Step(n) => {
                let join = self.ctx.sop.step(n).expect("targets are validated");
                if join.after.is_empty() {
                    return self.open_step(n);
                }
                self.push(EventBody::BranchWaiting { task: task.to_string(), step: from, join: n });
                let arrived =
                    |s: &CaseState, no: u32| s.waiting.iter().any(|&(from, j)| j == n && from == no);
                let all = join.after.iter().all(|&no| arrived(&self.state, no));
                if all || self.state.open_tasks().next().is_none() {
                    self.open_step(n)?;
                }
                Ok(())
            }
            Target::Rejected => {
                self.close(Outcome::Rejected, by, note.cloned());
                Ok(())
            }
            Target::End => {
                if self.state.open_tasks().next().is_some() {
                    // This branch is done; the others go on.
                    return Ok(());
                }
                // Nothing else can arrive at a join that waits: it opens.
                let mut joins: Vec<u32> = self.state.waiting.iter().map(|&(_, j)| j).collect();
                joins.dedup();
                if !joins.is_empty() {
                    for join in joins {
                        self.open_step(join)?;
                    }
                    return Ok(());
                }
                self.close(self.state.outcome.unwrap_or(Outcome::Completed), by, None);
                Ok(())
            }
        }
    }

    /// Ends the case: its open tasks are cancelled, and a whole-procedure
    /// deadline passed is recorded as breached.
    fn close(&mut self, outcome: Outcome, by: &str, reason: Option<String>) {
        let open: Vec<String> = self.state.open_tasks().map(|t| t.id.clone()).collect();
        for task in open {
            self.push(EventBody::TaskCancelled { task });
        }
        if let Some(due) = self.state.due_at.filter(|&due| self.at > due) {
            let late = self.ctx.calendar.working_minutes_between(
                Timestamp::from_millisecond(due).expect("valid instant"),
                Timestamp::from_millisecond(self.at).expect("valid instant"),
            );
            self.push(EventBody::CaseDeadlineBreached { due_at: due, late_minutes: late });
        }
        self.push(EventBody::CaseClosed { outcome, by: by.to_string(), reason });
    }
}

/// Who may start a case of `sop` on `on`: the people who may act in its
/// first step. The service catalogue asks this, so it offers a service to
/// exactly those whom [`submit`] accepts. A routine SOP has none: the
/// schedule starts it.
pub fn submitters(sop: &sop::Sop, org: &Organisation, on: Date) -> Vec<Candidate> {
    if sop.schedule.is_some() {
        return Vec::new();
    }
    let first = sop.first_step();
    let lanes: Vec<&str> = match first.together {
        Together::Any => first.lanes().collect(),
        Together::All => vec![first.lane.as_str()],
    };
    let mut found: Vec<Candidate> = Vec::new();
    for lane in lanes {
        let here = match sop.lane(lane) {
            Some(l) if l.anyone => everyone(org, on),
            _ => org.candidates(&sop.lane_positions(first, lane), on),
        };
        for c in here {
            if !found.iter().any(|f| f.person == c.person && f.position == c.position) {
                found.push(c);
            }
        }
    }
    found
}

/// The positions whose holders may request `sop` because its first step's
/// requester lane names them ("Pengguna": `pemohon`): what a person of an
/// OPD must hold to request it. A lane open to anyone, or a routine SOP,
/// names none.
pub fn requester_positions(sop: &sop::Sop) -> Vec<String> {
    if sop.schedule.is_some() {
        return Vec::new();
    }
    let first = sop.first_step();
    let mut found: Vec<String> = Vec::new();
    for lane in first.lanes() {
        if sop.lane(lane).is_some_and(|l| l.requester && !l.anyone) {
            for position in sop.lane_positions(first, lane) {
                if !found.contains(&position) {
                    found.push(position);
                }
            }
        }
    }
    found
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
    let me = submitters(ctx.sop, ctx.org, ctx.local_date(at))
        .into_iter()
        .find(|c| c.person == by)
        .ok_or_else(|| EngineError::NotAllowed {
            person: person.name.clone(),
            lane: ctx.lane_name(&first.lane),
            step: first.no,
        })?;
    let on_behalf_of = first
        .fields
        .iter()
        .find(|f| f.on_behalf)
        .and_then(|f| input.fields.get(&f.name))
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
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
            due_at: ctx.sop.deadline.map(|d| ctx.due(at, d.time)),
            on_behalf_of,
            routine: None,
        },
    };
    let mut d = Decided::new(ctx, apply(None, &opened), at);
    d.events.push(opened);
    // The submitter's own part of the first step, then the parts of the
    // lanes acting with them.
    let mine = d.state.tasks.len() + 1;
    let lanes = Context::task_lanes(first);
    let own = lanes.iter().position(|l| l.contains(&first.lane.as_str())).unwrap_or(0);
    d.push(EventBody::TaskCreated {
        task: format!("{case}.{mine}"),
        step: first.no,
        lane: lanes[own][0].to_string(),
        candidates: vec![me],
        due_at: None,
    });
    for others in lanes.iter().enumerate().filter(|&(i, _)| i != own).map(|(_, l)| l) {
        let candidates = ctx.candidates(first, others, Some(by), at);
        if candidates.is_empty() {
            return Err(EngineError::Unstaffed { lane: ctx.lane_name(others[0]), step: first.no });
        }
        d.push(EventBody::TaskCreated {
            task: format!("{case}.{}", d.state.tasks.len() + 1),
            step: first.no,
            lane: others[0].to_string(),
            candidates,
            due_at: first.time.map(|t| ctx.due(at, t)),
        });
    }
    let mut events = d.events;
    events.extend(complete(ctx, &d.state, &format!("{case}.{mine}"), by, input, at)?);
    Ok(events)
}

/// Starts a routine case of a scheduled SOP for `period`: its first step
/// becomes a task of its lane. The first person who may act in it stands
/// as the case's requester (a case has one), but may not withdraw it.
pub fn start_routine(
    ctx: &Context,
    case: &str,
    number: &str,
    period: &str,
    at: Millis,
) -> Result<Vec<Event>, EngineError> {
    let first = ctx.sop.first_step();
    let lanes: Vec<&str> = first.lanes().collect();
    let owner = ctx
        .candidates(first, &lanes, None, at)
        .into_iter()
        .next()
        .ok_or_else(|| EngineError::Unstaffed { lane: ctx.lane_name(&first.lane), step: first.no })?;
    let unit = ctx.org.person(&owner.person).map(|p| p.unit.clone()).unwrap_or_default();
    let opened = Event {
        case: case.to_string(),
        at,
        body: EventBody::CaseOpened {
            agency: ctx.org.agency.clone(),
            sop_id: ctx.sop.id.clone(),
            sop_version: ctx.sop.version,
            number: number.to_string(),
            requester: owner.person,
            unit,
            due_at: ctx.sop.deadline.map(|d| ctx.due(at, d.time)),
            on_behalf_of: None,
            routine: Some(period.to_string()),
        },
    };
    let mut d = Decided::new(ctx, apply(None, &opened), at);
    d.events.push(opened);
    d.open_step(first.no)?;
    Ok(d.events)
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
    // The lanes acting with the first lane of a joint step confirm it; the
    // step's form is the first lane's to fill.
    let partner = step.each_lane_acts() && task.lane != step.lane;
    let input = if partner { check_confirmation(input) } else { check_input(step, input) };
    let input = input.map_err(EngineError::Invalid)?;
    check_people(ctx.org, step, &input).map_err(EngineError::Invalid)?;

    let mut d = Decided::new(ctx, state.clone(), at);
    d.route = route(ctx, input.disposition.as_ref())?;
    d.push(EventBody::TaskCompleted {
        task: task.id.clone(),
        step: step.no,
        by: by.to_string(),
        position: candidate.position.clone(),
        input: input.clone(),
    });
    if let (Some(kind), Some(holder)) = (candidate.acting, &candidate.acting_for) {
        d.push(EventBody::ActingOfficialActed {
            task: task.id.clone(),
            step: step.no,
            acting: by.to_string(),
            kind,
            holder: holder.clone(),
        });
    }
    if let Some(due) = task.due_at.filter(|&due| at > due) {
        let late = ctx.calendar.working_minutes_between(
            Timestamp::from_millisecond(due).expect("valid instant"),
            Timestamp::from_millisecond(at).expect("valid instant"),
        );
        d.push(EventBody::DeadlineBreached {
            task: task.id.clone(),
            step: step.no,
            lane: task.lane.clone(),
            person: by.to_string(),
            due_at: due,
            late_minutes: late,
        });
    }
    // A joint step goes on when the last of its lanes has acted.
    if step.each_lane_acts() && d.state.open_tasks().any(|t| t.step == step.no) {
        return Ok(d.events);
    }

    if let Some(outcome) = step.outcome {
        d.push(EventBody::OutcomeDecided { step: step.no, outcome: Outcome::of(outcome) });
    }
    let targets = match (step.action, &step.decision, input.verdict) {
        (_, Some(dec), Some(verdict)) => {
            let (target, outcome) = match verdict {
                Verdict::Ya => (dec.ya, dec.ya_outcome),
                Verdict::Tidak => (dec.tidak, dec.tidak_outcome),
            };
            if let Some(outcome) = outcome {
                d.push(EventBody::OutcomeDecided { step: step.no, outcome: Outcome::of(outcome) });
            }
            vec![target]
        }
        (ActionKind::Review, None, Some(Verdict::Tidak)) => {
            vec![ctx.sop.return_target(step).unwrap_or(Target::Step(step.no))]
        }
        // The signer marks the draft up: back to whoever drafted it.
        (ActionKind::Sign, None, Some(Verdict::Tidak)) => {
            let drafting = latest_draft_step(ctx.sop, state).ok_or_else(|| {
                EngineError::Invalid(vec![FieldError::new(
                    "keputusan",
                    "Tanda tangan",
                    "tidak ada langkah penyusunan konsep untuk menerima konsep yang dikembalikan",
                )])
            })?;
            vec![Target::Step(drafting)]
        }
        _ => step.next.clone(),
    };
    // A loop goes back at most `max_rounds` times; then where the SOP says.
    let round = state.round(task);
    let targets = match (step.max_rounds, step.exhausted, targets.as_slice()) {
        (Some(bound), Some(exhausted), [Target::Step(back)])
            if round >= bound && ctx.sop.loops_back(step.no, Target::Step(*back)) =>
        {
            d.push(EventBody::RoundsExhausted {
                task: task.id.clone(),
                step: step.no,
                rounds: round,
                to: match exhausted {
                    Target::Step(n) => Some(n),
                    _ => None,
                },
            });
            vec![exhausted]
        }
        _ => targets,
    };
    for target in targets {
        d.go(&task.id, step.no, target, by, input.note.as_ref())?;
    }
    if let Some(Route { addressee: Some(to), addressed: false, .. }) = &d.route {
        return Err(EngineError::Invalid(vec![FieldError::new(
            FIELD_ADDRESSEE,
            "Diteruskan kepada",
            format!("{} bukan pelaksana langkah berikutnya — pilih dari daftar", ctx.org.name(to)),
        )]));
    }
    Ok(d.events)
}

/// The route a disposition gives the tasks it opens: its due date becomes
/// the close of that working day.
fn route(ctx: &Context, disposition: Option<&Disposition>) -> Result<Option<Route>, EngineError> {
    let Some(d) = disposition else { return Ok(None) };
    let due_at = match d.due {
        Some(date) => Some(ctx.calendar.day_close(date).map(|t| t.as_millisecond()).ok_or_else(|| {
            EngineError::Invalid(vec![FieldError::new(
                FIELD_DUE,
                "Batas waktu",
                format!("{date} bukan hari kerja — pilih hari kerja"),
            )])
        })?),
        None => None,
    };
    Ok(Some(Route { addressee: d.addressee.clone(), due_at, addressed: false }))
}

/// Who the tasks following `task_id` would go to if it were completed now:
/// the people a disposition may choose its addressee from. Only the steps
/// it leads to without a decision are known ahead.
pub fn next_candidates(ctx: &Context, state: &CaseState, task_id: &str, at: Millis) -> Vec<Candidate> {
    let Some(step) = state.task(task_id).and_then(|t| ctx.sop.step(t.step)) else { return Vec::new() };
    let requester = (!state.requester.is_empty()).then_some(state.requester.as_str());
    let mut found: Vec<Candidate> = Vec::new();
    for target in &step.next {
        let Target::Step(n) = target else { continue };
        let Some(next) = ctx.sop.step(*n) else { continue };
        for lanes in Context::task_lanes(next) {
            for c in ctx.candidates(next, &lanes, requester, at) {
                if !found.iter().any(|f| f.person == c.person) {
                    found.push(c);
                }
            }
        }
    }
    found
}

/// The requester withdraws an open case; its open tasks are cancelled.
pub fn withdraw(
    state: &CaseState,
    by: &str,
    reason: Option<String>,
    at: Millis,
) -> Result<Vec<Event>, EngineError> {
    ensure_open(state)?;
    if state.routine.is_some() {
        return Err(EngineError::RoutineNotWithdrawn { number: state.number.clone() });
    }
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

/// The escalation of a case open at `now` past its whole-procedure
/// deadline. `round` counts this case's escalations, this one included.
pub fn escalate_case(state: &CaseState, round: u32, now: Millis) -> Option<Event> {
    let due = state.due_at?;
    (state.status == CaseStatus::Open && now > due).then(|| Event {
        case: state.id.clone(),
        at: now,
        body: EventBody::CaseOverdue { due_at: due, round },
    })
}

fn ensure_open(state: &CaseState) -> Result<(), EngineError> {
    if state.status == CaseStatus::Open {
        Ok(())
    } else {
        Err(EngineError::CaseClosed { number: state.number.clone(), status: state.status })
    }
}

/// The task that wrote the letter's latest draft: the last completed
/// draft step.
fn latest_draft<'s>(sop: &Sop, state: &'s CaseState) -> Option<&'s TaskState> {
    state
        .tasks
        .iter()
        .rev()
        .filter(|t| t.status == TaskStatus::Done)
        .find(|t| sop.step(t.step).is_some_and(|s| s.action == ActionKind::Draft))
}

/// The step of the letter's latest draft, to which a signer returns it.
fn latest_draft_step(sop: &Sop, state: &CaseState) -> Option<u32> {
    latest_draft(sop, state).map(|t| t.step)
}

/// Who wrote the letter's latest draft.
pub fn drafter<'s>(sop: &Sop, state: &'s CaseState) -> Option<&'s str> {
    latest_draft(sop, state).and_then(|t| t.done_by.as_deref())
}

fn too_long_note() -> FieldError {
    FieldError::new("catatan", "Catatan", format!("paling banyak {NOTE_MAX_CHARS} karakter"))
}

/// A lane acting with the first lane of a joint step confirms its part,
/// with a remark at most.
fn check_confirmation(input: ActionInput) -> Result<ActionInput, Vec<FieldError>> {
    let note = input.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    let mut errors = Vec::new();
    if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX_CHARS) {
        errors.push(too_long_note());
    }
    if input.verdict.is_some() {
        errors.push(FieldError::new(
            "keputusan",
            "Keputusan",
            "langkah ini tidak meminta keputusan Ya/Tidak",
        ));
    }
    if let Some(name) = input.fields.keys().chain(input.attachments.keys()).next() {
        errors.push(FieldError::new(
            name,
            name,
            "isian langkah bersama diisi oleh pelaksana pertamanya; bagian Anda cukup dikonfirmasi",
        ));
    }
    if errors.is_empty() { Ok(ActionInput { note, ..Default::default() }) } else { Err(errors) }
}

/// A `pegawai` field names a person of the agency.
fn check_people(org: &Organisation, step: &Step, input: &ActionInput) -> Result<(), Vec<FieldError>> {
    let errors: Vec<FieldError> = step
        .fields
        .iter()
        .filter(|f| f.kind == FieldKind::Pegawai)
        .filter_map(|f| {
            let value = input.fields.get(&f.name)?;
            org.person(value).is_none().then(|| {
                FieldError::new(
                    &f.name,
                    &f.label,
                    format!("\"{value}\" bukan pegawai instansi ini — pilih dari daftar pegawai"),
                )
            })
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// Checks an action's input against what its kind and its step require;
/// returns it normalised.
pub fn check_input(step: &Step, input: ActionInput) -> Result<ActionInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let note = input.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX_CHARS) {
        errors.push(too_long_note());
    }
    // A signer may return the draft instead of signing it.
    let takes_verdict = step.action.takes_verdict() || step.action == ActionKind::Sign;
    let disposes = matches!(step.action, ActionKind::Dispose | ActionKind::Forward);
    let disposition = input.disposition.filter(|d| !d.is_empty());
    if disposition.is_some() && !disposes {
        errors.push(FieldError::new(FIELD_INSTRUCTIONS, "Disposisi", "langkah ini bukan langkah disposisi"));
    }
    let ticked = disposition.as_ref().is_some_and(|d| !d.instructions.is_empty());
    match (step.action, input.verdict, &note) {
        (ActionKind::Dispose, _, None) if !ticked => errors.push(FieldError::new(
            "catatan",
            "Catatan disposisi",
            "wajib diisi — tulis arahan untuk pelaksana berikutnya atau centang kotak instruksi",
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
        (ActionKind::Review | ActionKind::Sign, Some(Verdict::Tidak), None) => errors.push(FieldError::new(
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
        Ok(ActionInput { note, verdict: input.verdict, fields, attachments: input.attachments, disposition })
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

    /// Siti requests, Budi is Staf Umum, Agus holds the deciding lane.
    fn org(sop: &Sop) -> Organisation {
        let decider = &sop.lane(&sop.step(2).expect("a step 2").lane).expect("its lane").positions[0];
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
            holdings: vec![holds("siti", "pemohon"), holds("budi", "staf-umum"), holds("agus", decider)],
            ..Organisation::default()
        }
    }

    #[test]
    fn the_submitters_are_whom_submit_accepts_when_the_first_step_names_positions() {
        let sop = sop();
        let org = org(&sop);
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
