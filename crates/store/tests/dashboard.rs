//! The head's dashboard, the list of every case and a service's public
//! record, against cases with known timings, on both backends.

mod common;

use common::{backends, run_to_end, submit_vpn, two_timed_vpn_cases, wib};
use engine::CaseStatus;
use jiff::civil::date;
use store::{CaseFilter, StoreError};

#[tokio::test]
async fn the_dashboard_and_case_list_read_the_cases_as_they_are() {
    for db in backends().await {
        let s = &db.store;
        let label = db.label;
        let (a, _) = two_timed_vpn_cases(s).await;
        let done =
            run_to_end(s, "lumajang", submit_vpn(s, wib(2026, 11, 2, 9, 0)).await, wib(2026, 11, 2, 9, 0))
                .await;
        assert_eq!(done.status, CaseStatus::Completed);

        let now = wib(2026, 11, 29, 12, 0);
        let d = s.dashboard("lumajang", now).await.unwrap();
        assert_eq!((d.months.first(), d.months.last()), (Some(&(2025, 12)), Some(&(2026, 11))), "{label}");
        assert_eq!(d.per_month["lumajang/vpn"][11], 3, "{label}: {:?}", d.per_month);
        let ((sop, step), six) = &d.slowest[0];
        assert_eq!((sop.as_str(), *step, six.breaches), ("lumajang/vpn", 6, 1), "{label}");
        // Both timed cases are open, opened a week ago: the 3–7 days group.
        assert_eq!(d.open_by_age, [0, 0, 2, 0, 0], "{label}");
        let (steps, late) = d.on_time["lumajang/vpn"];
        assert!(steps > 0 && late == 1, "{label}: {steps} {late}");
        assert!(s.dashboard("trenggalek", now).await.unwrap().per_month.is_empty());

        let all = |filter: CaseFilter<'static>| async move {
            s.cases_filtered("lumajang", &filter, None, 50).await.unwrap()
        };
        assert_eq!(all(CaseFilter::default()).await.len(), 3);
        let open = all(CaseFilter { status: Some(CaseStatus::Open), ..Default::default() }).await;
        assert_eq!(open.len(), 2, "{label}");
        let number = a.number.to_lowercase();
        let by_number = s
            .cases_filtered(
                "lumajang",
                &CaseFilter { text: Some(&number[number.len() - 6..]), ..Default::default() },
                None,
                50,
            )
            .await
            .unwrap();
        assert_eq!(by_number.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), [a.id.as_str()], "{label}");
        assert!(
            all(CaseFilter { text: Some("%"), ..Default::default() }).await.is_empty(),
            "{label}: % is text"
        );
        let name = s.organisation("lumajang").await.unwrap().name("lmj-pemohon").to_uppercase();
        let by_name = s
            .cases_filtered(
                "lumajang",
                &CaseFilter { text: Some(&name[..4]), ..Default::default() },
                None,
                50,
            )
            .await
            .unwrap();
        assert_eq!(by_name.len(), 3, "{label}: {name}");
        let page = s.cases_filtered("lumajang", &CaseFilter::default(), None, 2).await.unwrap();
        let rest = s
            .cases_filtered("lumajang", &CaseFilter::default(), Some((page[1].opened_at, &page[1].id)), 2)
            .await
            .unwrap();
        assert_eq!(rest.len(), 1, "{label}: keyset paging");
        assert!(s.cases_filtered("trenggalek", &CaseFilter::default(), None, 50).await.unwrap().is_empty());

        let record = s.service_record("lumajang", "lumajang/vpn", now).await.unwrap();
        assert_eq!(record.steps, (steps, 1), "{label}");
        assert_eq!((record.respondents, record.index), (0, None));

        // Monitoring: every SOP in use is due for a period without forms;
        // the period's length is the agency's to set.
        let due = s.monitoring_due("lumajang", date(2026, 1, 1), date(2026, 6, 30)).await.unwrap();
        assert!(due.contains(&"lumajang/vpn".to_string()), "{label}: {due:?}");
        assert_eq!(s.monitoring_months("lumajang").await.unwrap(), 6);
        let bad = s.set_monitoring_months("lumajang", 5, "lmj-kasi", now).await;
        assert!(matches!(bad, Err(StoreError::Engine(_))), "{label}: {bad:?}");
        s.set_monitoring_months("lumajang", 3, "lmj-kasi", now).await.unwrap();
        s.set_monitoring_months("lumajang", 4, "lmj-kasi", now).await.unwrap();
        assert_eq!(s.monitoring_months("lumajang").await.unwrap(), 4, "{label}");
    }
}
