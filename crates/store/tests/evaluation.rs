//! Evaluating an SOP against the agency's checklist; a recommended
//! revision opens a revision draft that carries the findings.

mod common;

use common::{backends, recorded_since, wib};
use store::StoreError;
use store::evaluation::{Evaluate, REGULATION_QUESTIONS};

#[tokio::test]
async fn an_evaluation_that_recommends_a_revision_opens_a_draft_with_its_findings() {
    for db in backends().await {
        let s = &db.store;
        let label = db.label;
        let at = wib(2026, 12, 1, 9, 0);
        assert_eq!(
            s.evaluation_questions("lumajang").await.unwrap(),
            REGULATION_QUESTIONS.map(str::to_string)
        );
        let live = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let evaluate =
            |answers: Vec<(Option<bool>, String)>, recommendation: &'static str, revise| Evaluate {
                agency: "lumajang",
                sop_id: "lumajang/vpn",
                answers,
                notes: "Dibahas dalam rapat bidang",
                recommendation,
                revise,
                by: "lmj-kadis",
                at,
            };
        let mut answers: Vec<(Option<bool>, String)> = (0..7).map(|_| (Some(true), String::new())).collect();
        answers[2] = (Some(false), "Langkah 6 sering terlambat".into());

        // Unanswered, and a revision without saying what: refused, nothing kept.
        let mut missing = answers.clone();
        missing[4].0 = None;
        let refused = s.evaluate_sop(evaluate(missing, "", true)).await;
        let Err(StoreError::Engine(engine::EngineError::Invalid(fields))) = refused else {
            panic!("{label}: {refused:?}")
        };
        let fields: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["jawaban.4", "rekomendasi"]);
        assert_eq!(s.evaluations("lumajang").await.unwrap(), []);
        assert!(s.sop_drafts("lumajang").await.unwrap().is_empty(), "no draft opened");

        let before = s.record_events("lumajang", 1000).await.unwrap().len();
        let e =
            s.evaluate_sop(evaluate(answers, "Tambah petugas cadangan di langkah 6", true)).await.unwrap();
        let draft = e.draft.clone().expect("a revision draft");
        let recorded: Vec<String> =
            recorded_since(s, "lumajang", before).await.into_iter().map(|(k, _)| k).collect();
        assert_eq!(recorded, ["sop-draft-created", "sop-evaluated"], "{label}");
        let opened = s.sop_draft("lumajang", &draft).await.unwrap();
        assert_eq!(opened.origin, store::sop_drafts::DraftOrigin::Revision);
        assert!(opened.source.contains(&format!("version = {}", live.version + 1)), "the next version");
        let carried = s.evaluation_of_draft("lumajang", &draft).await.unwrap().unwrap();
        assert_eq!(carried, e);
        assert_eq!(
            carried.findings(),
            [
                "Mudah dilaksanakan: Tidak — Langkah 6 sering terlambat",
                "Catatan: Dibahas dalam rapat bidang",
                "Rekomendasi: Tambah petugas cadangan di langkah 6",
            ]
        );
        assert_eq!(s.evaluations("trenggalek").await.unwrap(), [], "{label}");

        // A second evaluation recommending a revision joins the draft being written.
        let answers = (0..7).map(|_| (Some(true), String::new())).collect();
        let second = s.evaluate_sop(evaluate(answers, "Perjelas langkah 2", true)).await.unwrap();
        assert_eq!(second.draft.as_deref(), Some(draft.as_str()), "{label}");
        assert_eq!(s.sop_drafts("lumajang").await.unwrap().len(), 1, "no second draft");
        assert_eq!(
            s.evaluation_of_draft("lumajang", &draft).await.unwrap().unwrap().id,
            second.id,
            "the newest"
        );

        // The agency writes its own checklist; blank lines are dropped.
        let own =
            vec!["Mudah dipahami pemohon".to_string(), "  ".to_string(), "Waktu baku realistis".to_string()];
        s.set_evaluation_questions("lumajang", &own, "lmj-kasi", at).await.unwrap();
        assert_eq!(
            s.evaluation_questions("lumajang").await.unwrap(),
            ["Mudah dipahami pemohon", "Waktu baku realistis"]
        );
        assert_eq!(
            s.evaluation_questions("trenggalek").await.unwrap().len(),
            7,
            "another agency keeps the regulation's"
        );
        let e = s.evaluate_sop(evaluate(vec![(Some(true), String::new()); 2], "", false)).await.unwrap();
        assert_eq!((e.answers.len(), e.draft), (2, None));
        assert_eq!(e.answers[1].question, "Waktu baku realistis", "kept as asked");
        s.set_evaluation_questions("lumajang", &[], "lmj-kasi", at).await.unwrap();
        assert_eq!(s.evaluation_questions("lumajang").await.unwrap().len(), 7, "back to the regulation's");
    }
}
