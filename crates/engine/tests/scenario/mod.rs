//! Given these events, when this command, then these events: the shape of
//! the engine's tests. A [`World`] is an SOP with an organisation and a
//! calendar; a [`Story`] is one case's events so far (the "given"), and each
//! command is tried against their fold (the "when"), its events compared in
//! a short written form (the "then").

#![allow(dead_code)]

use engine::case::{Event, EventBody, Millis};
use engine::organisation::{Holding, Person};
use engine::workflow::{self, Context};
use engine::{ActionInput, CaseState, EngineError, Organisation, Verdict};
use jiff::civil::date;

/// Monday 23 November 2026, 09:00 WIB.
pub fn monday_9() -> Millis {
    date(2026, 11, 23).at(9, 0, 0, 0).in_tz("Asia/Jakarta").unwrap().timestamp().as_millisecond()
}

pub const MINUTE: Millis = 60_000;
pub const DAY: Millis = 24 * 60 * MINUTE;

/// Everyone of agency "contoh": (person, position).
const STAFF: [(&str, &str); 17] = [
    ("siti", "pemohon"),
    ("kasi", "kasi-infrastruktur"),
    ("tek", "teknisi-jaringan"),
    ("srv", "administrator-server"),
    ("petugas", "petugas-ppid"),
    ("ppid", "ppid"),
    ("staf", "staf-umum-kepegawaian"),
    ("kasubag", "kasubag-umum-kepegawaian"),
    ("kadis", "kepala-dinas"),
    ("katu", "kepala-tata-usaha"),
    ("staftu", "staf-tata-usaha"),
    ("kapus", "kepala-puskesmas"),
    ("kabid", "kabid-aptika"),
    ("op", "operator-pengaduan"),
    ("kasili", "kasi-layanan-informasi"),
    ("rina", "analis-kepegawaian"),
    ("budi", "pranata-komputer"),
];

/// Part of the reporting chain (position, superior): a technician's Kasi,
/// the Kasi's Kabid, the Kabid's Head.
const REPORTS_TO: [(&str, &str); 3] = [
    ("administrator-server", "kasi-infrastruktur"),
    ("kasi-infrastruktur", "kabid-aptika"),
    ("kabid-aptika", "kepala-dinas"),
];

pub fn organisation() -> Organisation {
    Organisation {
        agency: "contoh".into(),
        positions: STAFF
            .iter()
            .map(|(_, position)| engine::organisation::Position {
                id: (*position).into(),
                name: position.replace('-', " "),
                unit: None,
                reports_to: REPORTS_TO.iter().find(|(p, _)| p == position).map(|(_, up)| (*up).into()),
                rights: Default::default(),
                pemda: false,
            })
            .collect(),
        people: STAFF
            .iter()
            .map(|(id, _)| Person {
                id: (*id).into(),
                name: format!("Bapak/Ibu {id}"),
                nip: None,
                unit: "u".into(),
            })
            .collect(),
        holdings: STAFF
            .iter()
            .map(|(person, position)| Holding {
                person: (*person).into(),
                position: (*position).into(),
                from: date(2020, 1, 1),
                until: None,
                acting: None,
            })
            .collect(),
    }
}

pub struct World {
    pub sop: sop::Sop,
    pub org: Organisation,
    pub calendar: engine::Calendar,
}

impl World {
    pub fn of(text: &str) -> World {
        let sop = sop::parse_sop("fixture.toml", text).unwrap_or_else(|e| panic!("{e:#?}"));
        World { sop, org: organisation(), calendar: engine::Calendar::new("Asia/Jakarta").unwrap() }
    }

    pub fn ctx(&self) -> Context<'_> {
        Context { sop: &self.sop, org: &self.org, calendar: &self.calendar }
    }

    /// Given: `by` submitted the request at Monday 09:00 with `fields`.
    pub fn submitted(&self, by: &str, fields: &[(&str, &str)]) -> Story<'_> {
        let events = self.when_submit(by, fields).unwrap_or_else(|e| panic!("submit: {e}"));
        Story { world: self, events, at: monday_9() }
    }

    /// When: `by` submits with `fields`.
    pub fn when_submit(&self, by: &str, fields: &[(&str, &str)]) -> Result<Vec<Event>, EngineError> {
        workflow::submit(&self.ctx(), "c", "X-1", by, input(fields), monday_9())
    }

    /// Given: the schedule started the routine for `period`.
    pub fn started(&self, period: &str) -> Story<'_> {
        let events = workflow::start_routine(&self.ctx(), "c", "R-1", period, monday_9()).unwrap();
        Story { world: self, events, at: monday_9() }
    }
}

pub fn input(fields: &[(&str, &str)]) -> ActionInput {
    ActionInput {
        fields: fields.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect(),
        ..Default::default()
    }
}

pub fn note(text: &str) -> ActionInput {
    ActionInput { note: Some(text.into()), ..Default::default() }
}

pub fn verdict(v: Verdict) -> ActionInput {
    ActionInput { note: Some("Sudah diperiksa.".into()), verdict: Some(v), ..Default::default() }
}

/// One case's events so far.
pub struct Story<'w> {
    pub world: &'w World,
    pub events: Vec<Event>,
    /// The time the next command is given.
    pub at: Millis,
}

impl<'w> Story<'w> {
    pub fn state(&self) -> CaseState {
        CaseState::from_events(&self.events).expect("a case")
    }

    /// The open task of `step` that `by` may act on.
    pub fn task(&self, step: u32, by: &str) -> String {
        let state = self.state();
        let found =
            state.open_tasks().find(|t| t.step == step && t.candidates.iter().any(|c| c.person == by));
        found
            .unwrap_or_else(|| panic!("no open task of step {step} for {by}: {:?}", then(&self.events)))
            .id
            .clone()
    }

    /// `later` milliseconds pass before the next command.
    pub fn after(mut self, later: Millis) -> Self {
        self.at += later;
        self
    }

    /// When: `by` completes their task of `step` with `input`.
    pub fn when(&self, step: u32, by: &str, input: ActionInput) -> Result<Vec<Event>, EngineError> {
        workflow::complete(&self.world.ctx(), &self.state(), &self.task(step, by), by, input, self.at)
    }

    /// The story goes on with what `by` did at `step` (a command that must succeed).
    pub fn did(mut self, step: u32, by: &str, input: ActionInput) -> Self {
        let events = self.when(step, by, input).unwrap_or_else(|e| panic!("step {step} by {by}: {e}"));
        self.events.extend(events);
        self
    }
}

/// Then: events in a short written form, one line each.
pub fn then(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| match &e.body {
            EventBody::CaseOpened { requester, routine: Some(p), .. } => {
                format!("opened for {p} by {requester}")
            }
            EventBody::CaseOpened { requester, on_behalf_of: Some(o), .. } => {
                format!("opened by {requester} for {o}")
            }
            EventBody::CaseOpened { requester, .. } => format!("opened by {requester}"),
            EventBody::TaskCreated { step, lane, candidates, .. } => {
                let who: Vec<&str> = candidates.iter().map(|c| c.person.as_str()).collect();
                format!("open {step} {lane} [{}]", who.join(" "))
            }
            EventBody::TaskCompleted { step, by, .. } => format!("done {step} by {by}"),
            EventBody::DeadlineBreached { step, late_minutes, .. } => {
                format!("late {step} by {late_minutes} min")
            }
            EventBody::ActingOfficialActed { step, .. } => format!("acting {step}"),
            EventBody::TaskOverdue { step, round, .. } => format!("overdue {step} round {round}"),
            EventBody::TaskCancelled { task } => format!("cancel {task}"),
            EventBody::OutcomeDecided { step, outcome } => {
                format!("outcome {} at {step}", outcome_key(*outcome))
            }
            EventBody::BranchWaiting { step, join, .. } => format!("wait {step}→{join}"),
            EventBody::RoundsExhausted { step, rounds, to, .. } => match to {
                Some(n) => format!("exhausted {step} after {rounds} → {n}"),
                None => format!("exhausted {step} after {rounds} → end"),
            },
            EventBody::CaseDeadlineBreached { late_minutes, .. } => {
                format!("case late by {late_minutes} min")
            }
            EventBody::CaseOverdue { round, .. } => format!("case overdue round {round}"),
            EventBody::VisitorCheckedIn { .. } => "visitor in".into(),
            EventBody::PersonalDataRevealed { .. } => "revealed".into(),
            EventBody::CaseClosed { outcome, .. } => format!("closed {}", outcome_key(*outcome)),
        })
        .collect()
}

fn outcome_key(o: engine::case::Outcome) -> &'static str {
    o.status().key()
}
