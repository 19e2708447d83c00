//! Evaluation over HTTP: the head evaluates an SOP, a refused form keeps
//! every answer, a recommended revision opens a draft whose editor shows
//! the findings; administrators write the agency's checklist.

mod common;

use common::{Browser, spawn};
use reqwest::StatusCode;

#[tokio::test]
async fn the_head_evaluates_and_the_revision_draft_carries_the_findings() {
    let app = spawn().await;
    let head = Browser::login(&app, "lmj-kadis").await;
    let list = head.get("/laporan/evaluasi").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("belum pernah"));
    assert!(!list.body.contains("name=\"pertanyaan\""), "only administrators edit the checklist");

    let url = "/laporan/evaluasi/lumajang/vpn";
    let form = head.get(url).await;
    assert!(
        form.body.contains("Mampu mendorong peningkatan kinerja")
            && form.body.contains("Sinergi satu dengan lainnya")
    );
    let csrf = form.csrf();
    let mut fields: Vec<(String, String)> = vec![("csrf".into(), csrf)];
    for i in 0..6 {
        fields.push((format!("jawaban.{i}"), if i == 2 { "tidak" } else { "ya" }.into()));
    }
    fields.push(("catatan.2".into(), "Langkah 6 sering terlambat".into()));
    fields.push(("revisi".into(), "1".into()));
    let pairs = |f: &[(String, String)]| -> Vec<(String, String)> { f.to_vec() };
    let refused = head.client.post(format!("{}{url}", app.base)).form(&pairs(&fields)).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert!(body.contains("Pertanyaan 7</a>: pilih Ya atau Tidak"), "{body}");
    assert!(body.contains("Rekomendasi</a>: tulis apa yang perlu direvisi"));
    assert!(body.contains("Langkah 6 sering terlambat") && body.contains(r#"value="tidak" checked"#), "kept");

    fields.push(("jawaban.6".into(), "ya".into()));
    fields.push(("rekomendasi".into(), "Tambah petugas cadangan".into()));
    let saved = head.client.post(format!("{}{url}", app.base)).form(&pairs(&fields)).send().await.unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let back = head.get(saved.headers()["location"].to_str().unwrap()).await;
    assert!(back.body.contains("Konsep revisi SOP sudah dibuka"), "{}", back.body);
    assert!(back.body.contains("6/7"));

    // The administrator opens the draft: the findings are on top.
    let admin = Browser::login(&app, "lmj-kasi").await;
    let drafts = app.store.sop_drafts("lumajang").await.unwrap();
    let editor = admin.get(&format!("/admin/sop/konsep/{}", drafts[0].id)).await;
    assert_eq!(editor.status, StatusCode::OK);
    assert!(editor.body.contains("Temuan evaluasi yang membuka revisi ini"));
    assert!(
        editor.body.contains("Mudah dilaksanakan: Tidak — Langkah 6 sering terlambat"),
        "{}",
        editor.body
    );
    assert!(editor.body.contains("Rekomendasi: Tambah petugas cadangan"));

    // The checklist: administrators only.
    let csrf = head.token().await;
    let refused = head.post("/laporan/evaluasi/pertanyaan", &[("csrf", &csrf), ("pertanyaan", "Satu")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let csrf = admin.token().await;
    let set = admin
        .post(
            "/laporan/evaluasi/pertanyaan",
            &[("csrf", &csrf), ("pertanyaan", "Mudah dipahami pemohon\n\nWaktu baku realistis")],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    let form = head.get(url).await;
    assert!(form.body.contains("Waktu baku realistis") && !form.body.contains("Sinergi satu dengan lainnya"));
    let requester = Browser::login(&app, "lmj-pemohon").await;
    assert_eq!(requester.get(url).await.status, StatusCode::FORBIDDEN);
}
