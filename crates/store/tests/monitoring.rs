//! The monitoring form of an SOP for a period: proposed from cases with
//! known timings, corrected and signed off once by the assessor.

mod common;

use common::{advance, backends, recorded_since, two_timed_vpn_cases, wib};
use jiff::civil::date;
use store::StoreError;
use store::monitoring::{Judgement, SignOff};

#[tokio::test]
async fn a_form_is_proposed_from_the_cases_and_signed_off_once() {
    for db in backends().await {
        let s = &db.store;
        let label = db.label;
        let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let (_, b) = two_timed_vpn_cases(s).await;
        let (from, until) = (date(2026, 7, 1), date(2026, 12, 31));
        let form = s.monitoring_form("lumajang", "lumajang/vpn", from, until).await.unwrap();
        assert_eq!(form.signed, None);
        assert_eq!(form.rows.len(), sop.steps.len());
        assert!(form.summary.starts_with("2 permohonan diajukan: 0 selesai"), "{label}: {}", form.summary);
        let row = |n: u32| form.rows.iter().find(|r| r.step == n).unwrap();
        assert_eq!(row(6).judgement, Some(Judgement::NotGood), "{label}: {:?}", row(6));
        assert!(
            row(6).found.starts_with("Dikerjakan 2 kali; median 3 menit, P90 20 menit"),
            "{}",
            row(6).found
        );
        assert!(row(6).found.contains("50,0% terlambat"), "{}", row(6).found);
        assert_eq!(row(2).judgement, Some(Judgement::Good));
        let last = form.rows.last().unwrap();
        assert_eq!(last.judgement, None, "nobody did the last step: the assessor decides");
        assert!(last.found.contains("padahal 2 permohonan diajukan"), "{}", last.found);

        // Every row judged by the assessor, as on the form.
        let judged = |action_for_six: &str| -> Vec<(u32, Option<Judgement>, String, String)> {
            form.rows
                .iter()
                .map(|r| {
                    let j = r.judgement.or(Some(Judgement::Good));
                    let action = if r.step == 6 { action_for_six.to_string() } else { String::new() };
                    (r.step, j, r.found.clone(), action)
                })
                .collect()
        };
        let sign_at = |rows, at| SignOff {
            agency: "lumajang",
            sop_id: "lumajang/vpn",
            from,
            until,
            rows,
            by: "lmj-kadis",
            at,
        };
        // Not while the period runs: the figures are not all in yet.
        let early =
            s.sign_monitoring(sign_at(judged("Tambah petugas cadangan"), wib(2026, 12, 31, 16, 0))).await;
        let Err(StoreError::Engine(engine::EngineError::NotNow(why))) = early else {
            panic!("{label}: {early:?}")
        };
        assert!(why.starts_with("periode ini belum berakhir"), "{why}");
        let sign = |rows| sign_at(rows, wib(2027, 1, 4, 9, 0));
        // A row left unjudged and a bad step without action: both refused by field.
        let mut rows = judged("");
        rows[0].1 = None;
        let refused = s.sign_monitoring(sign(rows)).await;
        let Err(StoreError::Engine(engine::EngineError::Invalid(fields))) = refused else {
            panic!("{label}: {refused:?}")
        };
        let fields: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["penilaian.1", "tindakan.6"]);
        assert_eq!(s.monitorings("lumajang").await.unwrap(), [], "nothing kept");

        let records = s.record_events("lumajang", 1000).await.unwrap().len();
        let signed = s.sign_monitoring(sign(judged("Tambah petugas cadangan"))).await.unwrap();
        assert_eq!(signed.signed, Some(("lmj-kadis".to_string(), wib(2027, 1, 4, 9, 0))));
        assert_eq!(
            recorded_since(s, "lumajang", records).await,
            [("sop-monitored".to_string(), Some("lmj-kadis".to_string()))]
        );
        let again = s.sign_monitoring(sign(judged("lain"))).await;
        assert!(matches!(again, Err(StoreError::AlreadyExists(_))), "{label}: {again:?}");

        // Read back as signed, even after more cases.
        advance(s, "lumajang", &b, wib(2026, 11, 30, 10, 0)).await;
        let read = s.monitoring_form("lumajang", "lumajang/vpn", from, until).await.unwrap();
        assert_eq!(read, signed);
        assert_eq!(read.rows.iter().find(|r| r.step == 6).unwrap().action, "Tambah petugas cadangan");
        assert_eq!(s.monitorings("lumajang").await.unwrap(), [signed]);
        assert_eq!(s.monitorings("trenggalek").await.unwrap(), []);
        let pdf = s.monitoring_pdf("lumajang", &read).await.unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
