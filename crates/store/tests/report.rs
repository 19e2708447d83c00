//! The accountability report against cases built with known timings.

mod common;

use common::{advance, backends, two_timed_vpn_cases, wib};
use engine::Verdict;
use store::demo::sample_input;

#[tokio::test]
async fn every_figure_matches_cases_with_known_timings() {
    for db in backends().await {
        let s = &db.store;
        let (a, b) = two_timed_vpn_cases(s).await;
        // The next day is outside the period.
        advance(s, "lumajang", &b, wib(2026, 11, 24, 9, 0)).await;
        // Another agency's work never shows.
        let tsop = s.sop("trenggalek", "trenggalek/ruang-server", None).await.unwrap();
        s.submit(store::Submit::new(
            "trenggalek",
            "trenggalek/ruang-server",
            "tgx-pemohon",
            sample_input(tsop.first_step(), Verdict::Ya),
            wib(2026, 11, 23, 9, 10),
        ))
        .await
        .unwrap();

        let report = s.report("lumajang", wib(2026, 11, 23, 0, 0), wib(2026, 11, 24, 0, 0)).await.unwrap();
        let label = db.label;
        assert_eq!(report.sops.len(), 1, "{label}");
        let vpn = &report.sops[0];
        assert_eq!((vpn.sop_id.as_str(), vpn.started, vpn.open, vpn.completed), ("lumajang/vpn", 2, 2, 0));

        let step = |n: u32| report.steps[&("lumajang/vpn".to_string(), n)].clone();
        let (lane, six) = step(6);
        assert_eq!(lane, "admin-jaringan");
        assert_eq!(
            (six.done, six.median, six.p90, six.breaches, six.late_minutes),
            (2, Some(3), Some(20), 1, 15),
            "{label}"
        );
        assert_eq!(six.breach_percent(), 50.0);
        assert_eq!(
            report.step_minutes[&("lumajang/vpn".to_string(), 6)],
            [(3, 1), (20, 1)],
            "each duration, for the spread"
        );
        let (_, two) = step(2);
        assert_eq!((two.done, two.median, two.breaches), (2, Some(1), 0));
        let (_, seven) = step(7);
        assert_eq!((seven.done, seven.median), (1, Some(2)));
        assert!(!report.steps.contains_key(&("lumajang/vpn".to_string(), 8)), "done the next day");

        let admin = &report.people["lmj-admin-jaringan"];
        assert_eq!((admin.done, admin.breaches, admin.late_minutes), (3, 1, 15));
        assert_eq!(report.people["lmj-kadis"].done, 2, "the two dispositions of step 2");
        assert_eq!(report.people["lmj-pemohon"].done, 2, "the two submissions");
        assert_eq!(report.lanes["admin-jaringan"].breaches, 1);
        assert!(report.people.keys().all(|p| p.starts_with("lmj-")));

        let oldest: Vec<&str> = report.oldest_open.iter().map(|c| c.case.as_str()).collect();
        assert_eq!(oldest, [a.id.as_str(), b.id.as_str()]);
    }
}
