//! Every seed SOP from submission to closure — both branches of every
//! decision — on SQLite and (when available) PostgreSQL, asserting at each
//! step the lane, the people allowed to act, the due time and the events
//! written.

mod common;

use common::{MINUTE, backends, kinds, wib};
use engine::{CaseStatus, Verdict};
use sop::StandardTime;
use store::Store;
use store::demo::{sample_input, sample_paperwork};

/// Who may act in each lane of the demo organisation (the requester lane is
/// the case's own requester).
fn expected_actors(agency: &str, lane: &str, step: u32, requester: &str) -> Vec<String> {
    let people: &[&str] = match (agency, lane) {
        ("lumajang", "kadis") if step == 12 => &["lmj-sekdin"],
        ("lumajang", "kadis") => &["lmj-kadis", "lmj-sekdin"],
        ("lumajang", "kabid-aptika") => &["lmj-kabid"],
        ("lumajang", "kasi-ppi-spbe") => &["lmj-kasi"],
        ("lumajang", "admin-jaringan") => &["lmj-admin-jaringan"],
        ("lumajang", "admin-server") => &["lmj-admin-server"],
        ("lumajang", "admin-mail") => &["lmj-admin-mail"],
        ("lumajang", "petugas") => &["lmj-petugas"],
        ("trenggalek", "kadis") => &["tgx-kadis"],
        ("trenggalek", "kabid-aptika") => &["tgx-kabid"],
        ("trenggalek", "operator") => &["tgx-operator"],
        (_, "pengguna" | "pemohon") => return vec![requester.to_string()],
        other => panic!("no expectation for {other:?}"),
    };
    people.iter().map(|p| p.to_string()).collect()
}

/// Due times computed by hand for tasks created on Monday 23 November 2026
/// between 09:00 and 09:30 (no break, no holiday in reach).
fn expected_due(time: Option<StandardTime>, created: i64) -> Option<i64> {
    match time? {
        StandardTime::Minutes(n) => Some(created + i64::from(n) * MINUTE),
        StandardTime::Hours(n) => Some(created + i64::from(n) * 60 * MINUTE),
        // The next working day (Tuesday), same time.
        StandardTime::Days(1) => Some(created + 24 * 60 * MINUTE),
        other => panic!("no expectation for {other:?}"),
    }
}

struct Walk {
    steps: Vec<u32>,
    status: CaseStatus,
}

/// Runs one case to its end, answering decisions with `verdict`.
async fn walk(store: &Store, agency: &str, sop_id: &str, requester: &str, verdict: Verdict) -> Walk {
    let sop = store.sop(agency, sop_id, None).await.unwrap();
    let mut at = wib(2026, 11, 23, 9, 0);
    let first = sop.first_step();
    let state = store
        .submit(store::Submit::new(agency, sop_id, requester, sample_input(first, verdict), at))
        .await
        .unwrap();
    let case = state.id.clone();
    let mut expected_kinds = vec!["case-opened", "task-created", "task-completed"];
    let mut steps = vec![first.no];
    let mut state = state;
    loop {
        let open: Vec<_> = state.open_tasks().cloned().collect();
        match state.status {
            CaseStatus::Open => {
                expected_kinds.push("task-created");
                assert_eq!(open.len(), 1, "{sop_id}: one open task at a time");
            }
            _ => {
                expected_kinds.push("case-closed");
                assert!(open.is_empty());
                break;
            }
        }
        assert_eq!(
            kinds(store, agency, &case).await,
            expected_kinds,
            "{sop_id}: events after step {:?}",
            steps.last()
        );
        let task = &open[0];
        let step = sop.step(task.step).unwrap();
        // The task is assigned to the step's lane and only its members.
        assert_eq!(task.lane, step.lane, "{sop_id} step {}", step.no);
        let actors: Vec<String> = task.candidates.iter().map(|c| c.person.clone()).collect();
        assert_eq!(
            actors,
            expected_actors(agency, &step.lane, step.no, requester),
            "{sop_id} step {}",
            step.no
        );
        assert_eq!(task.started_at, at);
        assert_eq!(task.due_at, expected_due(step.time, at), "{sop_id} step {} due", step.no);
        // Each allowed actor sees it in their list.
        for actor in &actors {
            let listed = store.open_tasks(agency, actor).await.unwrap();
            assert!(listed.iter().any(|t| t.task == task.id), "{actor} sees step {}", step.no);
        }
        at += MINUTE;
        if sop.visit.as_ref().is_some_and(|v| v.escort_step == step.no) {
            store::demo::prepare_step(store, agency, &sop, &case, step, &actors[0], at).await.unwrap();
            expected_kinds.push("visitor-checked-in");
        }
        state = store
            .complete(
                store::Complete::new(agency, &case, &task.id, &actors[0], sample_input(step, verdict), at)
                    .with_paperwork(sample_paperwork(step)),
            )
            .await
            .unwrap();
        expected_kinds.push("task-completed");
        steps.push(step.no);
    }
    assert_eq!(kinds(store, agency, &case).await, expected_kinds, "{sop_id}: all events");
    Walk { steps, status: state.status }
}

#[tokio::test]
async fn every_seed_sop_runs_to_its_end_on_every_backend() {
    for db in backends().await {
        let s = &db.store;
        let label = db.label;
        let chain = [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13];
        for sop in ["lumajang/vpn", "lumajang/subdomain", "lumajang/email"] {
            let w = walk(s, "lumajang", sop, "lmj-pemohon", Verdict::Ya).await;
            assert_eq!(w.steps, chain, "{label} {sop}");
            assert_eq!(w.status, CaseStatus::Completed, "{label} {sop}");
        }

        let w = walk(s, "lumajang", "lumajang/ruang-server", "lmj-petugas", Verdict::Ya).await;
        assert_eq!((w.steps, w.status), (vec![1, 2, 3, 5, 6], CaseStatus::Completed), "{label}");
        let w = walk(s, "lumajang", "lumajang/ruang-server", "lmj-petugas", Verdict::Tidak).await;
        assert_eq!((w.steps, w.status), (vec![1, 2, 3, 5], CaseStatus::Rejected), "{label}");

        let w = walk(s, "trenggalek", "trenggalek/ruang-server", "tgx-pemohon", Verdict::Ya).await;
        assert_eq!((w.steps, w.status), (vec![1, 2, 3, 4, 5, 6, 7], CaseStatus::Completed), "{label}");
        let w = walk(s, "trenggalek", "trenggalek/ruang-server", "tgx-pemohon", Verdict::Tidak).await;
        assert_eq!((w.steps, w.status), (vec![1, 2, 3], CaseStatus::Rejected), "{label}");

        let report = s.verify_audit().await.unwrap();
        assert_eq!(report.first_break, None, "{label}");
        assert!(report.checked > 100, "{label}: {} events", report.checked);

        // Case numbers run per SOP and year.
        let numbers: Vec<String> = s.cases("lumajang").await.unwrap().into_iter().map(|c| c.number).collect();
        assert!(numbers.contains(&"VPN-2026-000001".to_string()), "{numbers:?}");
        assert!(numbers.contains(&"RUANG-SERVER-2026-000002".to_string()), "{numbers:?}");
    }
}

#[tokio::test]
async fn a_returned_draft_goes_back_to_the_drafting_step() {
    for db in backends().await {
        let s = &db.store;
        let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let mut at = wib(2026, 11, 23, 9, 0);
        let mut state = s
            .submit(store::Submit::new(
                "lumajang",
                "lumajang/vpn",
                "lmj-pemohon",
                sample_input(sop.first_step(), Verdict::Ya),
                at,
            ))
            .await
            .unwrap();
        let mut returned = false;
        let mut steps = Vec::new();
        while state.status == CaseStatus::Open {
            let task = state.open_tasks().next().unwrap().clone();
            let step = sop.step(task.step).unwrap();
            // The Kabid returns the first draft, approves the second.
            let verdict = if step.no == 10 && !returned {
                returned = true;
                Verdict::Tidak
            } else {
                Verdict::Ya
            };
            at += MINUTE;
            let actor = task.candidates[0].person.clone();
            state = s
                .complete(
                    store::Complete::new(
                        "lumajang",
                        &state.id,
                        &task.id,
                        &actor,
                        sample_input(step, verdict),
                        at,
                    )
                    .with_paperwork(sample_paperwork(step)),
                )
                .await
                .unwrap();
            steps.push(step.no);
        }
        assert_eq!(steps, [2, 3, 5, 6, 7, 8, 9, 10, 9, 10, 11, 12, 13], "{}", db.label);
        assert_eq!(state.status, CaseStatus::Completed);
        let review = state.tasks.iter().find(|t| t.step == 10).unwrap();
        assert_eq!(review.input.as_ref().unwrap().note.as_deref(), Some("Konsep perlu disesuaikan."));
    }
}
