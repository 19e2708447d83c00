//! Monitoring over HTTP: the head opens an SOP's form for a period,
//! pre-filled from its cases, corrects it and signs it off; a refused
//! sign-off keeps what was entered; the signed form is read-only and a PDF.

mod common;

use common::{Browser, spawn};
use reqwest::StatusCode;

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn the_head_signs_off_a_form_prefilled_from_the_cases() {
    let app = spawn().await;
    // The agency's periods are semesters by default; the last one is due.
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap()).date();
    let (year, first) = if today.month() <= 6 { (today.year() - 1, 7) } else { (today.year(), 1) };
    let from = jiff::civil::date(year, first, 1);
    let until = from.checked_add(jiff::Span::new().months(6)).unwrap().yesterday().unwrap();
    let at = from.checked_add(jiff::Span::new().days(10)).unwrap();
    let at =
        at.to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap()).unwrap().timestamp().as_millisecond();
    let case = app.submit_vpn(at).await;
    app.finish(case, at).await;

    let head = Browser::login(&app, "lmj-kadis").await;
    let list = head.get("/laporan/monitoring").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("data-sop=\"lumajang/vpn\""));
    assert!(list.body.contains("Jatuh tempo"), "last half-year's forms are due");
    let inbox = head.get("/tugas").await.body;
    assert!(inbox.contains("Formulir monitoring periode lalu yang belum diparaf"), "reminded on the inbox");
    // The list's form for another period lands on that form.
    let other = head.get(&format!("/laporan/monitoring?sop=lumajang/vpn&dari={from}&sampai={until}")).await;
    let url = format!("/laporan/monitoring/lumajang/vpn?dari={from}&sampai={until}");
    assert_eq!(other.location.as_deref(), Some(url.as_str()));

    let form = head.get(&url).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("1 permohonan diajukan: 1 selesai"), "{}", form.body);
    assert!(form.body.contains("Dikerjakan 1 kali"));
    let steps: Vec<u32> = form
        .body
        .split("<tr data-step=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect();
    assert!(steps.len() >= 8, "a row per step ({steps:?})");
    let csrf = form.csrf();

    // Every step judged but the first, step 2 judged as not running well
    // without an action: refused, the notes typed kept.
    let mut fields: Vec<(String, String)> = vec![("csrf".into(), csrf.clone())];
    for &n in &steps[1..] {
        let judgement = if n == 2 { "tidak-baik" } else { "baik" };
        fields.push((format!("penilaian.{n}"), judgement.into()));
        fields.push((format!("catatan.{n}"), format!("catatan langkah {n}")));
    }
    let refused = head.post(&url, &pairs(&fields)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(
        refused.body.contains("Penilaian langkah 1</a>: pilih berjalan dengan baik atau tidak"),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("Tindakan langkah 2</a>: langkah yang tidak berjalan dengan baik perlu tindakan")
    );
    assert!(refused.body.contains("catatan langkah 5"), "notes kept");
    assert_eq!(steps[0], 1);
    assert!(refused.body.contains(r#"name="penilaian.2" value="tidak-baik" checked"#), "choices kept");

    // The requester may not sign anything.
    let requester = Browser::login(&app, "lmj-pemohon").await;
    assert!(!requester.get("/tugas").await.body.contains("Formulir monitoring"), "only heads are reminded");
    assert_eq!(requester.get(&url).await.status, StatusCode::FORBIDDEN);
    assert_eq!(requester.post(&url, &pairs(&fields)).await.status, StatusCode::FORBIDDEN);

    fields.push(("penilaian.1".into(), "baik".into()));
    fields.push(("tindakan.2".into(), "Disposisi lewat Sopir, bukan kertas".into()));
    let signed = head.post(&url, &pairs(&fields)).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let page = head.get(&url).await;
    assert!(page.body.contains("Diparaf"), "{}", page.body);
    assert!(page.body.contains("Disposisi lewat Sopir, bukan kertas"));
    assert!(!page.body.contains("<textarea"), "read-only once signed");

    let pdf = head
        .client
        .get(format!("{}/laporan/monitoring/lumajang/vpn/pdf?dari={from}&sampai={until}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));

    // A period not signed has no PDF; a bad period is a clear error.
    let unsigned = head.get("/laporan/monitoring/lumajang/vpn/pdf?dari=2020-01-01&sampai=2020-06-30").await;
    assert_eq!(unsigned.status, StatusCode::NOT_FOUND);
    assert!(unsigned.body.contains("belum diparaf"));
    let bad = head.get("/laporan/monitoring/lumajang/vpn?dari=2026-07-01&sampai=2026-01-01").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let end_of_time = head.get("/laporan/monitoring/lumajang/vpn?dari=2026-01-01&sampai=9999-12-31").await;
    assert_eq!(end_of_time.status, StatusCode::BAD_REQUEST);
    assert!(end_of_time.body.contains("Tanggal tidak sah"), "{}", end_of_time.body);
    // An administrator makes the agency's periods quarters; others may not.
    let csrf = head.token().await;
    assert_eq!(
        head.post("/laporan/monitoring/periode", &[("csrf", &csrf), ("bulan", "3")]).await.status,
        StatusCode::FORBIDDEN
    );
    let admin = Browser::login(&app, "lmj-kasi").await;
    let csrf = admin.token().await;
    let bad = admin.post("/laporan/monitoring/periode", &[("csrf", &csrf), ("bulan", "5")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("pilih 1, 2, 3, 4, 6 atau 12 bulan"), "{}", bad.body);
    let set = admin.post("/laporan/monitoring/periode", &[("csrf", &csrf), ("bulan", "3")]).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    let quarter_start = jiff::civil::date(today.year(), (today.month() - 1) / 3 * 3 + 1, 1);
    let list = head.get("/laporan/monitoring").await.body;
    assert!(list.contains(&format!("dari={quarter_start}")), "the current quarter is listed: {list}");
    assert_eq!(app.store.monitoring_months("lumajang").await.unwrap(), 3);
    assert_eq!(app.store.monitoring_months("trenggalek").await.unwrap(), 6, "another agency keeps its own");

    // This period still runs: shown as it stands, not signed off.
    let running = head.get("/laporan/monitoring/lumajang/email?dari=2026-01-01&sampai=2099-12-31").await;
    assert!(running.body.contains("id=\"periode-berjalan\""), "{}", running.body);
    assert!(!running.body.contains("Paraf formulir"));

    // Another agency's SOP is not found from here.
    let stranger = head.get("/laporan/monitoring/trenggalek/ruang-server").await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);
}
