//! Random sequences of actions by random people against real SQLite: only
//! lane members act, closed cases accept nothing, each task completes at
//! most once, a refusal writes nothing, and the audit chain verifies after
//! every sequence.

mod common;

use std::collections::HashMap;

use common::{MINUTE, sqlite, wib};
use engine::{CaseStatus, TaskStatus, Verdict};
use proptest::prelude::*;
use store::demo::sample_input;

#[derive(Debug, Clone)]
enum Op {
    /// Complete the open task of a case.
    CompleteOpen {
        case: usize,
        actor: usize,
        verdict: bool,
    },
    /// Try a task that is already done or cancelled.
    CompleteOld {
        case: usize,
        actor: usize,
        pick: usize,
    },
    Withdraw {
        case: usize,
        actor: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let actor = 0..store::demo::position_holders().count();
    prop_oneof![
        6 => (0..2usize, actor.clone(), any::<bool>()).prop_map(|(case, actor, verdict)| Op::CompleteOpen { case, actor, verdict }),
        2 => (0..2usize, actor.clone(), any::<usize>()).prop_map(|(case, actor, pick)| Op::CompleteOld { case, actor, pick }),
        1 => (0..2usize, actor).prop_map(|(case, actor)| Op::Withdraw { case, actor }),
    ]
}

fn agency_of(person: &str) -> &'static str {
    if person.starts_with("lmj") { "lumajang" } else { "trenggalek" }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_under_random_actions(ops in proptest::collection::vec(op(), 1..40)) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let db = sqlite().await;
            let s = &db.store;
            store::demo::install(s, &sop::Catalog::builtin(), wib(2026, 11, 2, 8, 0)).await.unwrap();
            let mut at = wib(2026, 11, 23, 9, 0);
            let vpn = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
            let room = s.sop("lumajang", "lumajang/ruang-server", None).await.unwrap();
            let cases = [
                s.submit(store::Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", sample_input(vpn.first_step(), Verdict::Ya), at)).await.unwrap().id,
                s.submit(store::Submit::new("lumajang", "lumajang/ruang-server", "lmj-petugas", sample_input(room.first_step(), Verdict::Ya), at)).await.unwrap().id,
            ];
            for op in ops {
                at += MINUTE;
                let (case, actor) = match &op {
                    Op::CompleteOpen { case, actor, .. } | Op::CompleteOld { case, actor, .. } | Op::Withdraw { case, actor } => (cases[*case].clone(), store::demo::position_holders().nth(*actor).unwrap().0.id.as_str()),
                };
                let before = s.case("lumajang", &case).await.unwrap();
                let events_before = s.case_events("lumajang", &case).await.unwrap().len();
                let sop = if before.sop_id == vpn.id { &vpn } else { &room };
                let result = match &op {
                    Op::CompleteOpen { verdict, .. } => match before.open_tasks().next() {
                        Some(task) => {
                            let step = sop.step(task.step).unwrap();
                            let verdict = if *verdict { Verdict::Ya } else { Verdict::Tidak };
                            let allowed = task.candidates.iter().any(|c| c.person == actor);
                            let paperwork = store::demo::sample_paperwork(step);
                            if allowed && agency_of(actor) == "lumajang" {
                                store::demo::prepare_step(s, "lumajang", sop, &case, step, actor, at).await.unwrap();
                            }
                            let r = s.complete(store::Complete::new(agency_of(actor), &case, &task.id, actor, sample_input(step, verdict), at).with_paperwork(paperwork)).await;
                            // Only lane members of the right agency succeed.
                            assert_eq!(r.is_ok(), allowed && agency_of(actor) == "lumajang", "{op:?}: {r:?}");
                            r
                        }
                        None => continue,
                    },
                    Op::CompleteOld { pick, .. } => {
                        let old: Vec<_> = before.tasks.iter().filter(|t| t.status != TaskStatus::Open).collect();
                        let task = old[pick % old.len()];
                        let r = s.complete(store::Complete::new("lumajang", &case, &task.id, actor, sample_input(sop.step(task.step).unwrap(), Verdict::Ya), at)).await;
                        assert!(r.is_err(), "a finished task accepted an action: {op:?}");
                        r
                    }
                    Op::Withdraw { .. } => {
                        let r = s.withdraw("lumajang", &case, actor, None, at).await;
                        assert_eq!(r.is_ok(), before.status == CaseStatus::Open && actor == before.requester, "{op:?}: {r:?}");
                        r
                    }
                };
                let events_after = s.case_events("lumajang", &case).await.unwrap().len();
                if before.status != CaseStatus::Open {
                    assert!(result.is_err(), "a closed case accepted {op:?}");
                }
                if result.is_err() {
                    assert_eq!(events_after, events_before, "a refusal wrote events: {op:?}");
                }
            }
            for case in &cases {
                let events = s.case_events("lumajang", case).await.unwrap();
                let mut completions: HashMap<String, usize> = HashMap::new();
                for e in events.iter().filter(|e| e.kind == "task-completed") {
                    let body: serde_json::Value = serde_json::from_str(&e.payload).unwrap();
                    *completions.entry(body["task"].as_str().unwrap().to_string()).or_default() += 1;
                }
                assert!(completions.values().all(|&n| n == 1), "{completions:?}");
                // The task view agrees with the events.
                let state = s.case("lumajang", case).await.unwrap();
                let open_in_view = s.open_tasks("lumajang", "lmj-kasi").await.unwrap().iter().chain(s.open_tasks("lumajang", "lmj-kadis").await.unwrap().iter()).filter(|t| &t.case == case).count();
                let open_in_state = state.open_tasks().filter(|t| t.candidates.iter().any(|c| c.person == "lmj-kasi" || c.person == "lmj-kadis")).count();
                assert_eq!(open_in_view, open_in_state);
            }
            let report = s.verify_audit().await.unwrap();
            assert_eq!(report.first_break, None);
        });
    }
}
