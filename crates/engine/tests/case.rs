//! The fold of a case's events into its state, given events → then state:
//! what each event kind records, and that events written before the new
//! shapes existed still read.

mod scenario;

use engine::case::{Event, EventBody, Outcome, apply};
use engine::{CaseState, CaseStatus, TaskStatus};
use scenario::monday_9;

fn at(body: EventBody) -> Event {
    Event { case: "c".into(), at: monday_9(), body }
}

fn opened() -> EventBody {
    EventBody::CaseOpened {
        agency: "contoh".into(),
        sop_id: "contoh/x".into(),
        sop_version: 1,
        number: "X-1".into(),
        requester: "siti".into(),
        unit: "u".into(),
        due_at: Some(monday_9() + 1000),
        on_behalf_of: Some("budi".into()),
        routine: None,
    }
}

fn created(task: &str, step: u32, lane: &str) -> EventBody {
    EventBody::TaskCreated {
        task: task.into(),
        step,
        lane: lane.into(),
        candidates: Vec::new(),
        due_at: None,
    }
}

fn fold(bodies: Vec<EventBody>) -> CaseState {
    let events: Vec<Event> = bodies.into_iter().map(at).collect();
    CaseState::from_events(&events).unwrap()
}

#[test]
fn an_opened_case_keeps_its_deadline_and_for_whom_it_is() {
    let state = fold(vec![opened()]);
    assert_eq!(state.status, CaseStatus::Open);
    assert_eq!(state.due_at, Some(monday_9() + 1000));
    assert_eq!(state.on_behalf_of.as_deref(), Some("budi"));
    assert_eq!((state.routine, state.outcome, state.late_minutes), (None, None, None));
}

#[test]
fn a_case_opened_before_the_new_shapes_still_reads() {
    let old = r#"{"case":"c","at":1,"body":{"type":"case-opened","agency":"lumajang","sop_id":"lumajang/vpn","sop_version":1,"number":"VPN-2026-000001","requester":"lmj-pemohon","unit":"lmj-bappeda"}}"#;
    let event: Event = serde_json::from_str(old).unwrap();
    let state = apply(None, &event);
    assert_eq!((state.due_at, state.on_behalf_of, state.routine), (None, None, None));
    // And a case without them writes nothing new.
    let written = serde_json::to_string(&event).unwrap();
    assert_eq!(written, old);
}

#[test]
fn waiting_branches_are_taken_in_when_their_join_opens() {
    let state = fold(vec![
        opened(),
        created("c.1", 3, "jaringan"),
        created("c.2", 4, "server"),
        EventBody::BranchWaiting { task: "c.1".into(), step: 3, join: 5 },
        EventBody::BranchWaiting { task: "c.2".into(), step: 4, join: 5 },
    ]);
    assert_eq!(state.waiting, [(3, 5), (4, 5)]);
    let joined = apply(Some(state), &at(created("c.3", 5, "kasi")));
    assert!(joined.waiting.is_empty());
}

#[test]
fn a_decided_outcome_is_kept_and_the_closing_outcome_sets_the_status() {
    let state = fold(vec![opened(), EventBody::OutcomeDecided { step: 3, outcome: Outcome::Rejected }]);
    assert_eq!((state.outcome, state.status), (Some(Outcome::Rejected), CaseStatus::Open));
    let closed = apply(
        Some(state),
        &at(EventBody::CaseClosed { outcome: Outcome::Rejected, by: "siti".into(), reason: None }),
    );
    assert_eq!(closed.status, CaseStatus::Rejected);
    assert_eq!(closed.closed_at, Some(monday_9()));
}

#[test]
fn a_late_procedure_records_its_lateness() {
    let state = fold(vec![opened(), EventBody::CaseDeadlineBreached { due_at: 0, late_minutes: 90 }]);
    assert_eq!(state.late_minutes, Some(90));
}

#[test]
fn rounds_count_the_times_a_step_was_opened_for_its_lane() {
    let state = fold(vec![
        opened(),
        created("c.1", 5, "kasi"),
        created("c.2", 6, "jaringan"),
        created("c.3", 5, "kasi"),
        created("c.4", 1, "pemohon"),
        created("c.5", 1, "staf-uk"),
    ]);
    let rounds: Vec<u32> = state.tasks.iter().map(|t| state.round(t)).collect();
    assert_eq!(rounds, [1, 1, 2, 1, 1]);
}

#[test]
fn completion_cancellation_and_breach_change_their_task() {
    let state = fold(vec![
        opened(),
        created("c.1", 1, "a"),
        created("c.2", 2, "b"),
        EventBody::TaskCompleted {
            task: "c.1".into(),
            step: 1,
            by: "siti".into(),
            position: "pemohon".into(),
            input: Default::default(),
        },
        EventBody::DeadlineBreached {
            task: "c.1".into(),
            step: 1,
            lane: "a".into(),
            person: "siti".into(),
            due_at: 0,
            late_minutes: 5,
        },
        EventBody::TaskCancelled { task: "c.2".into() },
    ]);
    let statuses: Vec<TaskStatus> = state.tasks.iter().map(|t| t.status).collect();
    assert_eq!(statuses, [TaskStatus::Done, TaskStatus::Cancelled]);
    assert_eq!(state.tasks[0].late_minutes, Some(5));
    assert_eq!(state.tasks[0].done_by.as_deref(), Some("siti"));
}

#[test]
fn a_case_involves_its_requester_whom_it_is_for_and_every_candidate_ever() {
    let candidate = |person: &str| engine::Candidate {
        person: person.into(),
        position: "kasi".into(),
        acting: None,
        acting_for: None,
    };
    let given = |task: &str, people: &[&str]| EventBody::TaskCreated {
        task: task.into(),
        step: 1,
        lane: "kasi".into(),
        candidates: people.iter().map(|p| candidate(p)).collect(),
        due_at: None,
    };
    let state = fold(vec![
        opened(),
        given("c.1", &["ani", "dewi"]),
        EventBody::TaskCompleted {
            task: "c.1".into(),
            step: 1,
            by: "ani".into(),
            position: "kasi".into(),
            input: Default::default(),
        },
        given("c.2", &["eko"]),
    ]);
    // A candidate who did not act, and one of a finished task, still have
    // a part in it.
    for person in ["siti", "budi", "ani", "dewi", "eko"] {
        assert!(state.involves(person), "{person}");
    }
    for stranger in ["rudi", "", "sit"] {
        assert!(!state.involves(stranger), "{stranger:?}");
    }
}
