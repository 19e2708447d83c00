//! Overdue tasks are escalated once per interval — also by two stores
//! (two processes) sharing one database — with the lane told, and the
//! heads above it one level further up each time.

mod common;

use common::{MINUTE, advance, backends, wib};
use engine::Verdict;
use store::demo::sample_input;

#[tokio::test]
async fn an_overdue_task_is_escalated_once_per_interval() {
    for db in backends().await {
        let s = &db.store;
        let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let t = wib(2026, 11, 23, 9, 0);
        let mut case = s
            .submit(store::Submit::new(
                "lumajang",
                "lumajang/vpn",
                "lmj-pemohon",
                sample_input(sop.first_step(), Verdict::Ya),
                t,
            ))
            .await
            .unwrap();
        for i in 1..4 {
            case = advance(s, "lumajang", &case, t + i * MINUTE).await;
        }
        // Step 6 (5 menit) started 09:03, due 09:08.
        assert_eq!(s.escalate(t + 7 * MINUTE, 60 * MINUTE).await.unwrap(), 0, "{}: not due yet", db.label);
        assert_eq!(s.escalate(t + 10 * MINUTE, 60 * MINUTE).await.unwrap(), 1);
        assert_eq!(
            s.escalate(t + 30 * MINUTE, 60 * MINUTE).await.unwrap(),
            0,
            "not again within the interval"
        );
        assert_eq!(s.escalate(t + 70 * MINUTE, 60 * MINUTE).await.unwrap(), 1, "again after it");
        let kinds: Vec<String> =
            s.case_events("lumajang", &case.id).await.unwrap().into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds.iter().filter(|k| *k == "task-overdue").count(), 2);
        let told = overdue(s, "lmj-admin-jaringan").await;
        assert_eq!(told.len(), 2);
        assert!(
            told[0].starts_with(&format!(
                "Langkah 6 permohonan {} melewati batas waktu (23-11-2026 09:08 WIB); peringatan ke-1.",
                case.number
            )),
            "{told:?}"
        );
        // The administrator's unit head hears at once, the Kabid at the
        // second warning; the Head of the Dinas not yet.
        assert_eq!(overdue(s, "lmj-kasi").await.len(), 2, "the Kasi is told each time");
        assert_eq!(overdue(s, "lmj-kabid").await.len(), 1, "the Kabid from the second warning");
        assert!(overdue(s, "lmj-kadis").await.is_empty());
        // Done late: its escalation stops; the next step (due 10:25) is not late yet.
        advance(s, "lumajang", &case, t + 80 * MINUTE).await;
        assert_eq!(s.escalate(t + 84 * MINUTE, 60 * MINUTE).await.unwrap(), 0);
        assert_eq!(s.verify_audit().await.unwrap().first_break, None);
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL (TEST_DATABASE_URL)"]
async fn two_processes_on_one_postgresql_escalate_a_task_once() {
    let first = common::postgres().await.expect("TEST_DATABASE_URL names a PostgreSQL server");
    let s = &first.store;
    store::demo::install(s, &sop::Catalog::builtin(), wib(2026, 11, 2, 8, 0)).await.unwrap();
    let second = std::sync::Arc::new(store::Store::open(&first.url).await.unwrap());
    let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let t = wib(2026, 11, 23, 9, 0);
    let mut case = s
        .submit(store::Submit::new(
            "lumajang",
            "lumajang/vpn",
            "lmj-pemohon",
            sample_input(sop.first_step(), Verdict::Ya),
            t,
        ))
        .await
        .unwrap();
    for i in 1..4 {
        case = advance(s, "lumajang", &case, t + i * MINUTE).await;
    }
    let one = std::sync::Arc::new(store::Store::open(&first.url).await.unwrap());
    let (a, b) = (one.clone(), second.clone());
    let now = t + 10 * MINUTE;
    let (x, y) = tokio::join!(
        tokio::spawn(async move { a.escalate(now, 60 * MINUTE).await.unwrap() }),
        tokio::spawn(async move { b.escalate(now, 60 * MINUTE).await.unwrap() })
    );
    assert_eq!(x.unwrap() + y.unwrap(), 1, "exactly one of them escalated");
    assert_eq!(overdue(s, "lmj-admin-jaringan").await.len(), 1);
}

/// The escalation notices `person` got (besides those of new tasks).
async fn overdue(s: &store::Store, person: &str) -> Vec<String> {
    let all = s.notifications("lumajang", person).await.unwrap();
    all.into_iter().filter(|n| n.contains("melewati batas waktu")).collect()
}
