//! A case (permohonan) and its tasks, as the fold of its events. Events are
//! the only record: the store appends them and rebuilds a case by applying
//! them in order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::disposition::Disposition;
use crate::organisation::{ActingKind, Candidate};

/// Milliseconds since the Unix epoch (UTC).
pub type Millis = i64;

/// Ya or Tidak: a decision's answer, or a review's approve/return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ya,
    Tidak,
}

impl Verdict {
    pub const ALL: [Verdict; 2] = [Verdict::Ya, Verdict::Tidak];

    /// As forms, the API and the event log write it.
    pub const fn key(self) -> &'static str {
        match self {
            Verdict::Ya => "ya",
            Verdict::Tidak => "tidak",
        }
    }

    pub fn parse(key: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.key() == key)
    }
}

/// What a person submits with an action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionInput {
    /// Instruction note (disposisi), reason (decision), return note (review) or a remark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// Attachment name → stored file reference.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attachments: BTreeMap<String, String>,
    /// The lembar disposisi's boxes, sifat, due date and addressee, at a
    /// disposition step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposition: Option<Disposition>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The procedure reached its end.
    Completed,
    /// A decision refused the request.
    Rejected,
    /// The requester withdrew it.
    Withdrawn,
}

impl Outcome {
    /// The outcome an SOP's ending names.
    pub fn of(ending: sop::definition::Ending) -> Outcome {
        match ending {
            sop::definition::Ending::Completed => Outcome::Completed,
            sop::definition::Ending::Rejected => Outcome::Rejected,
        }
    }

    /// The case status it closes with.
    pub fn status(self) -> CaseStatus {
        match self {
            Outcome::Completed => CaseStatus::Completed,
            Outcome::Rejected => CaseStatus::Rejected,
            Outcome::Withdrawn => CaseStatus::Withdrawn,
        }
    }
}

/// One thing that happened to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub case: String,
    pub at: Millis,
    pub body: EventBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EventBody {
    CaseOpened {
        agency: String,
        sop_id: String,
        sop_version: u32,
        number: String,
        requester: String,
        unit: String,
        /// When the whole procedure is due (the SOP's `[deadline]`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due_at: Option<Millis>,
        /// The employee the request is filed for, when not the requester.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on_behalf_of: Option<String>,
        /// For a routine case started by the schedule: its period
        /// (`2026-11-23`, `2026-W48`, `2026-11`, `2026`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        routine: Option<String>,
    },
    TaskCreated {
        task: String,
        step: u32,
        lane: String,
        candidates: Vec<Candidate>,
        due_at: Option<Millis>,
    },
    TaskCompleted {
        task: String,
        step: u32,
        by: String,
        position: String,
        input: ActionInput,
    },
    /// Completed after its due time: recorded against the person and the lane.
    DeadlineBreached {
        task: String,
        step: u32,
        lane: String,
        person: String,
        due_at: Millis,
        late_minutes: i64,
    },
    /// An acting official acted; the holder they stand in for is told.
    ActingOfficialActed {
        task: String,
        step: u32,
        acting: String,
        kind: ActingKind,
        holder: String,
    },
    /// An open task passed its due time (again, after the escalation
    /// interval): the people of its lane and the head are told.
    TaskOverdue {
        task: String,
        step: u32,
        lane: String,
        due_at: Millis,
        /// 1 for the first escalation, 2 for the next, …
        round: u32,
    },
    TaskCancelled {
        task: String,
    },
    /// The step (or the decision's branch) decided how the case ends,
    /// though more steps follow (a refusal still gets its reply letter).
    OutcomeDecided {
        step: u32,
        outcome: Outcome,
    },
    /// A parallel branch reached its join and waits for the others.
    BranchWaiting {
        task: String,
        step: u32,
        join: u32,
    },
    /// A loop reached its bound: instead of going back once more, the
    /// procedure goes where the SOP says (`exhausted`).
    RoundsExhausted {
        task: String,
        step: u32,
        rounds: u32,
        /// The step it goes to; `None` when the case ends there.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<u32>,
    },
    /// The whole procedure ended after its deadline.
    CaseDeadlineBreached {
        due_at: Millis,
        late_minutes: i64,
    },
    /// The whole procedure is open past its deadline (again, after the
    /// escalation interval).
    CaseOverdue {
        due_at: Millis,
        round: u32,
    },
    /// The escorting officer let the visitor in, wearing the special badge.
    VisitorCheckedIn {
        task: String,
        by: String,
        badge: String,
    },
    /// Someone handling the case had its personal data (NIK) shown in full.
    PersonalDataRevealed {
        by: String,
        fields: Vec<String>,
    },
    CaseClosed {
        outcome: Outcome,
        by: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

impl EventBody {
    /// The stable name of the event kind (also its JSON `type`).
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::CaseOpened { .. } => "case-opened",
            EventBody::TaskCreated { .. } => "task-created",
            EventBody::TaskCompleted { .. } => "task-completed",
            EventBody::DeadlineBreached { .. } => "deadline-breached",
            EventBody::ActingOfficialActed { .. } => "acting-official-acted",
            EventBody::TaskOverdue { .. } => "task-overdue",
            EventBody::TaskCancelled { .. } => "task-cancelled",
            EventBody::OutcomeDecided { .. } => "outcome-decided",
            EventBody::BranchWaiting { .. } => "branch-waiting",
            EventBody::RoundsExhausted { .. } => "rounds-exhausted",
            EventBody::CaseDeadlineBreached { .. } => "case-deadline-breached",
            EventBody::CaseOverdue { .. } => "case-overdue",
            EventBody::PersonalDataRevealed { .. } => "personal-data-revealed",
            EventBody::VisitorCheckedIn { .. } => "visitor-checked-in",
            EventBody::CaseClosed { .. } => "case-closed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseStatus {
    Open,
    Completed,
    Rejected,
    Withdrawn,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 4] =
        [CaseStatus::Open, CaseStatus::Completed, CaseStatus::Rejected, CaseStatus::Withdrawn];

    /// The status a [`CaseStatus::key`] names.
    pub fn from_key(key: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn key(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Completed => "completed",
            CaseStatus::Rejected => "rejected",
            CaseStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Open => "sedang berjalan",
            CaseStatus::Completed => "selesai",
            CaseStatus::Rejected => "ditolak",
            CaseStatus::Withdrawn => "ditarik pemohon",
        }
    }
}

/// A stored key that names no [`CaseStatus`].
#[derive(Debug, thiserror::Error)]
#[error("status permohonan \"{0}\" tidak dikenal")]
pub struct UnknownCaseStatus(pub String);

/// Reads a stored [`CaseStatus::key`], as a database row holds it.
impl TryFrom<String> for CaseStatus {
    type Error = UnknownCaseStatus;

    fn try_from(key: String) -> Result<Self, Self::Error> {
        CaseStatus::from_key(&key).ok_or(UnknownCaseStatus(key))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskStatus {
    Open,
    Done,
    Cancelled,
}

impl TaskStatus {
    pub fn key(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Done => "done",
            TaskStatus::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskState {
    pub id: String,
    pub step: u32,
    pub lane: String,
    pub candidates: Vec<Candidate>,
    pub started_at: Millis,
    pub due_at: Option<Millis>,
    pub status: TaskStatus,
    pub done_by: Option<String>,
    pub done_at: Option<Millis>,
    pub input: Option<ActionInput>,
    pub late_minutes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseState {
    pub id: String,
    pub agency: String,
    pub sop_id: String,
    pub sop_version: u32,
    pub number: String,
    pub requester: String,
    pub unit: String,
    pub status: CaseStatus,
    pub opened_at: Millis,
    pub closed_at: Option<Millis>,
    pub tasks: Vec<TaskState>,
    /// When the whole procedure is due, if the SOP gives a deadline.
    pub due_at: Option<Millis>,
    /// Working minutes the procedure ended past its deadline.
    pub late_minutes: Option<i64>,
    /// The employee the request is filed for, when not the requester.
    pub on_behalf_of: Option<String>,
    /// The schedule period of a routine case.
    pub routine: Option<String>,
    /// How the case will end, once a step decided it (else: completed).
    pub outcome: Option<Outcome>,
    /// Parallel branches waiting at a join: (the step that arrived, the join).
    pub waiting: Vec<(u32, u32)>,
    /// Loops that reached their bound: (the task whose answer would have
    /// gone round again, the rounds done).
    pub exhausted: Vec<(String, u32)>,
}

impl CaseState {
    /// The latest value given for `field` by any completed task.
    pub fn field(&self, field: &str) -> Option<&str> {
        self.tasks
            .iter()
            .rev()
            .filter_map(|t| t.input.as_ref())
            .find_map(|i| i.fields.get(field).map(String::as_str))
    }

    /// Rebuilds a case from its events, oldest first. `None` without a
    /// `CaseOpened` event.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Option<CaseState> {
        let mut state: Option<CaseState> = None;
        for event in events {
            state = Some(apply(state, event));
        }
        state
    }

    pub fn task(&self, id: &str) -> Option<&TaskState> {
        self.tasks.iter().find(|t| t.id == id)
    }

    pub fn open_tasks(&self) -> impl Iterator<Item = &TaskState> {
        self.tasks.iter().filter(|t| t.status == TaskStatus::Open)
    }

    /// Which time `task` is of its step in this case, for the lane it is
    /// for: 1 the first time, 2 when a loop brought the case back, …
    pub fn round(&self, task: &TaskState) -> u32 {
        let before = self.tasks.iter().take_while(|t| t.id != task.id);
        let n = before.filter(|t| t.step == task.step && t.lane == task.lane).count();
        u32::try_from(n).unwrap_or(u32::MAX - 1) + 1
    }

    /// Whether `person` has a part in the case: its requester, the
    /// employee it was filed for, or anyone a task of it was ever given to.
    /// Who may see a case rests on this (and an agency's administrators see
    /// every case of it).
    pub fn involves(&self, person: &str) -> bool {
        self.requester == person
            || self.on_behalf_of.as_deref() == Some(person)
            || self.tasks.iter().any(|t| t.candidates.iter().any(|c| c.person == person))
    }
}

/// The state after `event`. Events come from the engine, so a malformed
/// sequence (an event for a task that does not exist) is ignored rather than
/// trusted.
pub fn apply(state: Option<CaseState>, event: &Event) -> CaseState {
    match state {
        Some(mut state) => {
            state.apply(event);
            state
        }
        None => CaseState::opened(event).expect("a case starts with CaseOpened"),
    }
}

impl CaseState {
    /// The case a `CaseOpened` event starts; `None` for any other event.
    fn opened(event: &Event) -> Option<CaseState> {
        if let EventBody::CaseOpened {
            agency,
            sop_id,
            sop_version,
            number,
            requester,
            unit,
            due_at,
            on_behalf_of,
            routine,
        } = &event.body
        {
            return Some(CaseState {
                id: event.case.clone(),
                agency: agency.clone(),
                sop_id: sop_id.clone(),
                sop_version: *sop_version,
                number: number.clone(),
                requester: requester.clone(),
                unit: unit.clone(),
                status: CaseStatus::Open,
                opened_at: event.at,
                closed_at: None,
                tasks: Vec::new(),
                due_at: *due_at,
                late_minutes: None,
                on_behalf_of: on_behalf_of.clone(),
                routine: routine.clone(),
                outcome: None,
                waiting: Vec::new(),
                exhausted: Vec::new(),
            });
        }
        None
    }

    /// [`apply`] in place: the engine applies each event of a step as it
    /// decides it, and a case (its tasks, their inputs) is not copied per
    /// event.
    pub fn apply(&mut self, event: &Event) {
        match &event.body {
            EventBody::CaseOpened { .. } => {
                if let Some(opened) = CaseState::opened(event) {
                    *self = opened;
                }
            }
            EventBody::TaskCreated { task, step, lane, candidates, due_at } => {
                // A join that opens takes in the branches that waited for it.
                self.waiting.retain(|(_, join)| join != step);
                self.tasks.push(TaskState {
                    id: task.clone(),
                    step: *step,
                    lane: lane.clone(),
                    candidates: candidates.clone(),
                    started_at: event.at,
                    due_at: *due_at,
                    status: TaskStatus::Open,
                    done_by: None,
                    done_at: None,
                    input: None,
                    late_minutes: None,
                });
            }
            EventBody::TaskCompleted { task, by, input, .. } => {
                if let Some(t) = self.tasks.iter_mut().find(|t| &t.id == task) {
                    t.status = TaskStatus::Done;
                    t.done_by = Some(by.clone());
                    t.done_at = Some(event.at);
                    t.input = Some(input.clone());
                }
            }
            EventBody::DeadlineBreached { task, late_minutes, .. } => {
                if let Some(t) = self.tasks.iter_mut().find(|t| &t.id == task) {
                    t.late_minutes = Some(*late_minutes);
                }
            }
            EventBody::ActingOfficialActed { .. }
            | EventBody::TaskOverdue { .. }
            | EventBody::PersonalDataRevealed { .. }
            | EventBody::VisitorCheckedIn { .. } => {}
            EventBody::TaskCancelled { task } => {
                if let Some(t) = self.tasks.iter_mut().find(|t| &t.id == task) {
                    t.status = TaskStatus::Cancelled;
                }
            }
            EventBody::OutcomeDecided { outcome, .. } => self.outcome = Some(*outcome),
            EventBody::BranchWaiting { step, join, .. } => self.waiting.push((*step, *join)),
            EventBody::CaseDeadlineBreached { late_minutes, .. } => self.late_minutes = Some(*late_minutes),
            EventBody::RoundsExhausted { task, rounds, .. } => self.exhausted.push((task.clone(), *rounds)),
            EventBody::CaseOverdue { .. } => {}
            EventBody::CaseClosed { outcome, .. } => {
                self.status = outcome.status();
                self.closed_at = Some(event.at);
                self.waiting.clear();
            }
        }
    }
}
