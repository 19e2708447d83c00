//! Survei Kepuasan Masyarakat over HTTP: the requester of an ended case is
//! invited on its page, answers once (a refused answer keeps every choice
//! and changes nothing), and heads read the index per service with its CSV.

mod common;

use common::{App, Browser, spawn};
use engine::satisfaction::Element;
use reqwest::StatusCode;

async fn ended_case(app: &App) -> engine::CaseState {
    let now = jiff::Timestamp::now().as_millisecond();
    let case = app.submit_vpn(now - 3_600_000).await;
    app.finish(case, now - 3_600_000).await
}

#[tokio::test]
async fn the_requester_answers_once_and_the_head_reads_the_index() {
    let app = spawn().await;
    let case = ended_case(&app).await;
    assert_eq!(case.status, engine::CaseStatus::Completed);
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let page = requester.get(&format!("/permohonan/{}", case.id)).await;
    assert!(page.body.contains(&format!("/permohonan/{}/survei", case.id)), "invited on the case page");

    // Nobody else is asked, not even a head who sees the case.
    let head = Browser::login(&app, "lmj-kadis").await;
    assert!(!head.get(&format!("/permohonan/{}", case.id)).await.body.contains("/survei\""));
    let not_theirs = head.get(&format!("/permohonan/{}/survei", case.id)).await;
    assert_eq!(not_theirs.status, StatusCode::NOT_FOUND);
    assert!(not_theirs.body.contains("hanya pemohonnya yang mengisinya"), "{}", not_theirs.body);
    let stranger = Browser::login(&app, "tgx-pemohon").await;
    assert_eq!(stranger.get(&format!("/permohonan/{}/survei", case.id)).await.status, StatusCode::FORBIDDEN);

    // Two answers missing and one out of range: refused by element, every
    // other choice still checked, nothing kept.
    let form = requester.get(&format!("/permohonan/{}/survei", case.id)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(Element::Cost.question()) && form.body.contains("Gratis"));
    let csrf = form.csrf();
    let mut fields: Vec<(&str, &str)> = vec![("csrf", &csrf), ("komentar", "Cepat, terima kasih.")];
    fields.extend(Element::ALL.iter().filter(|e| **e != Element::Cost).map(|e| (e.code(), "4")));
    fields.retain(|(k, _)| *k != "sarana");
    fields.push(("waktu", "7"));
    fields.retain(|f| *f != ("waktu", "4"));
    let refused = requester.post(&format!("/permohonan/{}/survei", case.id), &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("Biaya/tarif</a>: belum dijawab"), "{}", refused.body);
    assert!(refused.body.contains("Sarana dan prasarana</a>: belum dijawab"));
    assert!(refused.body.contains("Waktu penyelesaian</a>: jawaban harus 1 sampai 4"));
    assert!(refused.body.contains(r#"name="persyaratan" value="4" checked"#), "choices kept");
    assert!(refused.body.contains("Cepat, terima kasih."), "comment kept");
    let from = "2000-01-01";
    let until = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap()).date();
    let period = format!("dari={from}&sampai={until}");
    let figures = head.get(&format!("/laporan/ikm.csv?{period}")).await.body;
    assert!(figures.lines().nth(1).unwrap().contains(",0,1,1,"), "no respondent yet: {figures}");

    // Without the token: refused.
    let mut answers: Vec<(&str, &str)> = Element::ALL.iter().map(|e| (e.code(), "4")).collect();
    answers.push(("waktu", "3"));
    answers.retain(|f| *f != ("waktu", "4"));
    let forged = requester.post(&format!("/permohonan/{}/survei", case.id), &answers).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    answers.push(("csrf", &csrf));
    answers.push(("komentar", "Cepat, terima kasih."));
    let done = requester.post(&format!("/permohonan/{}/survei", case.id), &answers).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let back = requester.get(done.location.as_deref().unwrap()).await;
    assert!(back.body.contains("Terima kasih, jawaban survei Anda sudah dicatat."));
    assert!(!back.body.contains(&format!("/permohonan/{}/survei", case.id)), "asked once");
    assert_eq!(requester.get(&format!("/permohonan/{}/survei", case.id)).await.status, StatusCode::NOT_FOUND);
    let again = requester.post(&format!("/permohonan/{}/survei", case.id), &answers).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "a second answer is not kept");

    // One respondent: counted, but neither figures nor comment are shown.
    let results = head.get(&format!("/laporan/ikm?{period}")).await;
    assert_eq!(results.status, StatusCode::OK);
    assert!(results.body.contains("kurang dari 5 responden"), "{}", results.body);
    assert!(!results.body.contains("Cepat, terima kasih."), "a lone comment is not shown");

    // Four more requests end and are answered all 4: five respondents.
    let now = jiff::Timestamp::now().as_millisecond();
    for _ in 0..4 {
        let more = app.finish(app.submit_vpn(now - 3_600_000).await, now - 3_600_000).await;
        let all_four = engine::satisfaction::Response {
            scores: Element::ALL.into_iter().map(|e| (e, 4)).collect(),
            comment: None,
        };
        app.store.answer_survey("lumajang", &more.id, "lmj-pemohon", &all_four, now).await.unwrap();
    }
    // (8 × 4 + 3 + 4 × 36) / 45 × 25 = 99.44, an A; five respondents of five
    // requests ended, which is the sample the period needs.
    let results = head.get(&format!("/laporan/ikm?{period}")).await;
    assert!(results.body.contains("99,44"), "{}", results.body);
    assert!(results.body.contains("A · Sangat Baik"));
    assert!(results.body.contains("Cepat, terima kasih."), "comments shown from five respondents");
    let csv = head.get(&format!("/laporan/ikm.csv?{period}")).await.body;
    let service = csv.lines().nth(1).unwrap();
    assert!(service.contains(",5,5,5,4.00,4.00,3.80,"), "{csv}");
    assert!(service.ends_with(",99.44,A"), "{csv}");
    assert!(!csv.contains("lmj-pemohon") && !csv.contains(&case.number), "anonymous");

    // The same figures as JSON for a province's dashboard, without comments.
    let api = common::Api::of(&app, "lmj-kadis").await;
    let (status, _, json) = api.get(&format!("/satisfaction?from={from}&to={until}")).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let service = &json["services"][0];
    assert_eq!(service["sop"], "lumajang/vpn", "{json}");
    assert_eq!((service["respondents"].as_i64(), service["sample_needed"].as_i64()), (Some(5), Some(5)));
    assert_eq!(service["ikm"], 99.44);
    assert_eq!(service["grade"], "A");
    assert_eq!(service["elements"]["waktu"], 3.8, "{json}");
    assert_eq!(json["agency"]["ikm"], 99.44);
    assert!(!json.to_string().contains("Cepat"), "no comment in the figures");
    let (status, _, _) = common::Api::of(&app, "lmj-pemohon").await.get("/satisfaction").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The service's public page shows its standard and its record, to anyone.
    let public = Browser::new(&app).get("/publik/sop/lumajang/vpn").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("Standar pelayanan") && public.body.contains("Tidak dipungut biaya"));
    assert!(public.body.contains("99,44 · A (Sangat Baik)"), "{}", public.body);
    assert!(public.body.contains("5 responden tahun ini"));
    let on_time = public.body.split("id=\"tepat-waktu\">").nth(1).unwrap();
    assert!(on_time.starts_with("100,0%"), "{on_time}");

    // A bad period is a clear error.
    let bad = head.get("/laporan/ikm?dari=kemarin").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("kemarin"));
}
