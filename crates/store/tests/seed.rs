//! The large-data generator writes real histories: every case on the hash
//! chain (which still verifies), closed, rejected and open ones, registry
//! entries for the registry SOPs, and figures the report can count.

mod common;

use common::{backends, wib};

#[tokio::test]
async fn seeded_histories_are_whole_and_countable() {
    for db in backends().await {
        let s = &db.store;
        let until = wib(2026, 11, 20, 16, 0);
        let mut rounds = 0;
        let seeded = s.seed_history(120, until, |_| rounds += 1).await.unwrap();
        assert_eq!(seeded.cases, 120, "{}", db.label);
        assert!(rounds >= 1);
        assert!(seeded.transitions > 120 * 5, "{}: {seeded:?}", db.label);
        assert!(seeded.open > 0 || seeded.rejected > 0, "{}: some cases do not simply complete", db.label);
        assert_eq!(s.verify_audit().await.unwrap().first_break, None, "{}", db.label);
        let lumajang = s.cases("lumajang").await.unwrap();
        let trenggalek = s.cases("trenggalek").await.unwrap();
        assert_eq!(lumajang.len() + trenggalek.len(), 120, "{}", db.label);
        assert!(!trenggalek.is_empty(), "both agencies");
        let completed = lumajang.iter().filter(|c| c.status == "completed").count();
        assert!(completed > lumajang.len() / 2, "{}: most close", db.label);
        let vpn =
            s.registry("lumajang", sop::definition::RegistryKind::Vpn, &Default::default()).await.unwrap();
        assert!(!vpn.is_empty(), "{}: the VPN registry is filled", db.label);
        let report = s.report("lumajang", until - 366 * 24 * 3_600_000, until).await.unwrap();
        let started: i64 = report.sops.iter().map(|f| f.started).sum();
        assert_eq!(started as usize, lumajang.len(), "{}", db.label);
        assert!(report.steps.values().any(|(_, f)| f.breaches > 0), "{}: some steps late", db.label);
    }
}
