//! Survei Kepuasan Masyarakat: asked once of the requester of an ended case,
//! kept without the case or the person, and counted per service against the
//! cases that ended in the period.

mod common;

use common::{backends, run_to_end, submit_vpn, wib};
use engine::CaseStatus;
use engine::satisfaction::{Element, Grade, Index, Response};
use store::StoreError;

fn answers(score: u8, comment: Option<&str>) -> Response {
    Response {
        scores: Element::ALL.into_iter().map(|e| (e, score)).collect(),
        comment: comment.map(str::to_string),
    }
}

#[tokio::test]
async fn the_requester_answers_once_anonymously_and_the_service_is_counted() {
    for db in backends().await {
        let s = &db.store;
        let label = db.label;
        let t = wib(2026, 11, 23, 9, 0);
        let started = submit_vpn(s, t).await;
        assert!(!s.survey_open(&started, "lmj-pemohon").await.unwrap(), "not while it runs ({label})");
        let done = run_to_end(s, "lumajang", started, t).await;
        assert_eq!(done.status, CaseStatus::Completed);
        let at = done.closed_at.unwrap();
        let withdrawn = submit_vpn(s, t).await;
        let withdrawn = s.withdraw("lumajang", &withdrawn.id, "lmj-pemohon", None, at).await.unwrap();

        // Only the requester, only of a case served or refused.
        assert!(s.survey_open(&done, "lmj-pemohon").await.unwrap());
        assert!(!s.survey_open(&done, "lmj-kadis").await.unwrap());
        assert!(!s.survey_open(&withdrawn, "lmj-pemohon").await.unwrap());
        let refused = s.answer_survey("lumajang", &done.id, "lmj-kadis", &answers(4, None), at).await;
        assert!(matches!(refused, Err(StoreError::NotPermitted(_))), "{label}: {refused:?}");
        let refused = s.answer_survey("lumajang", &withdrawn.id, "lmj-pemohon", &answers(4, None), at).await;
        assert!(matches!(refused, Err(StoreError::NotPermitted(_))), "{label}: {refused:?}");
        // Another agency's requester cannot reach the case at all.
        let refused = s.answer_survey("trenggalek", &done.id, "lmj-pemohon", &answers(4, None), at).await;
        assert!(matches!(refused, Err(StoreError::NotFound(_))), "{label}: {refused:?}");

        let mut mixed = answers(3, Some("Cepat dan jelas."));
        mixed.scores.insert(Element::Time, 4);
        mixed.scores.insert(Element::Facilities, 2);
        s.answer_survey("lumajang", &done.id, "lmj-pemohon", &mixed, at).await.unwrap();
        assert!(!s.survey_open(&done, "lmj-pemohon").await.unwrap(), "asked once");
        let again = s.answer_survey("lumajang", &done.id, "lmj-pemohon", &answers(1, None), at).await;
        assert!(matches!(again, Err(StoreError::AlreadyExists(_))), "{label}: {again:?}");

        let figures =
            s.satisfaction("lumajang", wib(2026, 11, 1, 0, 0), wib(2026, 12, 1, 0, 0)).await.unwrap();
        assert_eq!(figures.len(), 1, "{label}: {figures:?}");
        let vpn = &figures[0];
        assert_eq!(vpn.sop_id, "lumajang/vpn");
        let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        assert_eq!(vpn.unit, sop.identity.unit.clone().unwrap_or_default());
        assert_eq!((vpn.respondents, vpn.population), (1, 1), "the withdrawn case is not served ({label})");
        assert_eq!(vpn.tallies[&Element::Time].sum, 4);
        assert_eq!(vpn.tallies[&Element::Facilities].sum, 2);
        assert_eq!(vpn.comments, ["Cepat dan jelas."]);
        // (3·7 + 4 + 2) / 9 × 25 = 75.00: C.
        let index = Index::of(&vpn.tallies).unwrap();
        assert_eq!((index.hundredths, index.grade), (7500, Grade::C));

        // The daily work (on PostgreSQL: the survey's tables put in key order) runs.
        s.refresh_statistics().await.unwrap();
        assert_eq!(
            s.satisfaction("lumajang", wib(2026, 11, 1, 0, 0), wib(2026, 12, 1, 0, 0)).await.unwrap(),
            figures
        );

        // Another period, another agency: nothing.
        let before =
            s.satisfaction("lumajang", wib(2026, 10, 1, 0, 0), wib(2026, 11, 1, 0, 0)).await.unwrap();
        assert!(before.is_empty(), "{label}: {before:?}");
        let other =
            s.satisfaction("trenggalek", wib(2026, 11, 1, 0, 0), wib(2026, 12, 1, 0, 0)).await.unwrap();
        assert!(other.is_empty(), "{label}: {other:?}");
    }
}

#[tokio::test]
async fn a_service_that_served_without_answers_shows_its_population() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        run_to_end(s, "lumajang", submit_vpn(s, t).await, t).await;
        let figures =
            s.satisfaction("lumajang", wib(2026, 11, 1, 0, 0), wib(2026, 12, 1, 0, 0)).await.unwrap();
        assert_eq!(figures.len(), 1, "{}", db.label);
        assert_eq!((figures[0].respondents, figures[0].population), (0, 1));
        assert_eq!(Index::of(&figures[0].tallies), None, "no index without answers");
    }
}
