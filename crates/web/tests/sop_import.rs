//! Importing an SOP document on /admin/sop, over real HTTP: a .docx, an
//! .odt and a PDF Sopir rendered import as a draft shown with its unsure
//! values, the linter's findings and a download; a scan, an encrypted
//! file, a file that is no office document or no SOP, an oversized one, a
//! form without a file or without its token, and a non-administrator are
//! refused — and nothing is stored either way.

mod common;

use common::{Browser, spawn};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

fn unescape(html: &str) -> String {
    html.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

async fn send(browser: &Browser, name: &str, bytes: Vec<u8>) -> common::Page {
    let csrf = browser.get("/admin/sop").await.csrf();
    let file = Part::bytes(bytes).file_name(name.to_string());
    let mut page = browser
        .post_multipart("/admin/sop/impor", Form::new().text("csrf", csrf).part("dokumen", file))
        .await;
    page.body = unescape(&page.body);
    page
}

/// What an import must leave as it was: published versions and the audit chain.
async fn state_of(app: &common::App) -> (usize, i64) {
    let versions = app.store.published_versions("lumajang").await.unwrap().len();
    let events = sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(app.store.pool()).await.unwrap();
    (versions, events)
}

/// The draft shown on the page, from its `<pre id="draft-toml">`.
fn draft_of(body: &str) -> String {
    let at = body.find("<pre id=\"draft-toml\">").expect("the draft on the page") + 21;
    body[at..].split("</pre>").next().unwrap().to_string()
}

#[tokio::test]
async fn a_word_document_imports_as_a_draft_with_its_unsure_values_and_a_download() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let before = state_of(&app).await;
    let page =
        send(&admin, "sop-hosting.docx", sop::import::fixture::docx(&sop::import::fixture::sample())).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("data-kind=\"docx\""), "{}", page.body);
    assert!(page.body.contains("Draf belum diterbitkan dan tidak disimpan."));
    let draft = draft_of(&page.body);
    let sop = sop::parse_sop("draf.toml", &draft).expect("the draft parses");
    // The administrator's agency names the draft and its positions.
    assert_eq!(sop.id, "lumajang/layanan-hosting-aplikasi");
    assert_eq!(sop.lanes[1].positions, ["kabid-aptika"]);
    assert_eq!(sop.steps.iter().map(|s| s.no).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    // Each unsure value at its line of the draft, with the line itself.
    let time_line = draft.lines().position(|l| l.starts_with("# time tercetak")).unwrap() + 1;
    assert!(page.body.contains(&format!("data-line=\"{time_line}\"")), "{}", page.body);
    assert!(page.body.contains("langkah 4, Waktu"));
    assert!(page.body.contains("<code>30 detik</code>"));
    assert!(page.body.contains(&format!("{time_line} | # time tercetak")));
    assert!(page.body.contains("langkah 4, Pelaksana"));
    // The linter's findings as the publishing page shows them (the step
    // without a time of an internal lane).
    assert!(page.body.contains("data-code=\"no-standard-time\""), "{}", page.body);

    let csrf = admin.get("/admin/sop").await.csrf();
    let response = admin
        .client
        .post(format!("{}/admin/sop/impor/unduh", app.base))
        .form(&[("csrf", csrf.as_str()), ("toml", draft.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/toml; charset=utf-8");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"draf-layanan-hosting-aplikasi.toml\""
    );
    assert_eq!(response.text().await.unwrap(), draft);
    assert_eq!(state_of(&app).await, before, "an import stores nothing");
}

#[tokio::test]
async fn an_opendocument_text_and_a_pdf_sopir_rendered_import_too() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let page = send(&admin, "sop.odt", sop::import::fixture::odt(&sop::import::fixture::sample())).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("data-kind=\"odt\""));

    let catalog = sop::Catalog::builtin();
    let vpn = catalog.sop("lumajang/vpn").unwrap();
    let pdf = documents::sop_document::to_pdf(vpn, catalog.agency("lumajang"));
    let page = send(&admin, "vpn.pdf", pdf).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let back = sop::parse_sop("draf.toml", &draft_of(&page.body)).expect("parses");
    assert_eq!(back.identity.nomor.value, "427.53/4/2.09/2021");
    assert_eq!(back.steps.len(), vpn.steps.len());
    assert_eq!(back.lanes[0].positions, ["kepala-dinas", "sekretaris-dinas"]);
}

/// A one-page PDF with `content`, an image resource and `trailer` entries.
fn pdf(content: &str, trailer: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> /Font << /F1 6 0 R >> >> /Contents 4 0 R >>\nendobj\n4 0 obj\n<< /Length {} >>\nstream\n{content}\nendstream\nendobj\n5 0 obj\n<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\0\nendstream\nendobj\n6 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\ntrailer\n<< /Root 1 0 R {trailer} >>\n%%EOF\n",
        content.len()
    )
    .into_bytes()
}

#[tokio::test]
async fn documents_that_cannot_be_imported_are_refused_with_the_reason_and_nothing_is_stored() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let before = state_of(&app).await;
    let not_an_sop = sop::import::fixture::Fixture {
        identity: vec![],
        sections: vec![],
        lanes: vec![],
        rows: vec![],
        ..sop::import::fixture::sample()
    };
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        (
            "pindaian.pdf",
            pdf("q 595 0 0 842 0 0 cm /Im1 Do Q", ""),
            "no-text",
            "hasil pindai tanpa lapisan teks",
        ),
        (
            "terkunci.pdf",
            pdf("BT /F1 12 Tf 72 720 Td (SOP) Tj ET", "/Encrypt << /Filter /Standard >>"),
            "encrypted",
            "terkunci dengan kata sandi",
        ),
        (
            "gambar.docx",
            b"\x89PNG\r\n\x1a\n not a document".to_vec(),
            "unknown-format",
            "dikenali dari isinya",
        ),
        ("surat.docx", sop::import::fixture::docx(&not_an_sop), "not-an-sop", "tidak terbaca sebagai SOP"),
    ];
    for (name, bytes, code, said) in cases {
        let page = send(&admin, name, bytes).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(page.body.contains(&format!("data-code=\"{code}\"")), "{name}: {}", page.body);
        assert!(page.body.contains(said), "{name}: {said} in {}", page.body);
        assert!(page.body.contains("Tidak ada yang disimpan."), "{name}");
        assert!(!page.body.contains("draft-toml"), "{name}: no draft");
    }

    // Over the limit: refused while it is read.
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(sop::import::MAX_DOCUMENT_BYTES + 1024, b' ');
    let page = send(&admin, "besar.pdf", big).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.body.contains("Berkas terlalu besar"), "{}", page.body);

    // No file, no token, not an administrator.
    let csrf = admin.get("/admin/sop").await.csrf();
    let page = admin.post_multipart("/admin/sop/impor", Form::new().text("csrf", csrf)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Pilih berkas terlebih dahulu."));
    let docx = sop::import::fixture::docx(&sop::import::fixture::sample());
    let without_token = Form::new().part("dokumen", Part::bytes(docx.clone()).file_name("sop.docx"));
    let page = admin.post_multipart("/admin/sop/impor", without_token).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let csrf = requester.token().await;
    let form =
        Form::new().text("csrf", csrf.clone()).part("dokumen", Part::bytes(docx).file_name("sop.docx"));
    assert_eq!(requester.post_multipart("/admin/sop/impor", form).await.status, StatusCode::FORBIDDEN);
    let download = requester.post("/admin/sop/impor/unduh", &[("csrf", &csrf), ("toml", "id = \"x\"")]).await;
    assert_eq!(download.status, StatusCode::FORBIDDEN);

    assert_eq!(state_of(&app).await, before, "nothing stored");
}

#[tokio::test]
async fn the_page_offers_the_import_in_english_too() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let page = admin.get("/admin/sop").await;
    assert!(page.body.contains("action=\"/admin/sop/impor\""));
    assert!(page.body.contains("Impor dokumen SOP yang sudah ada"));
    admin.post("/bahasa", &[("lang", "en"), ("back", "/admin/sop")]).await;
    let body = admin.get("/admin/sop").await.body;
    assert!(body.contains("Import an existing SOP document"), "{body}");
}

/// The revision the editor's forms were drawn on.
fn revision_on(body: &str) -> String {
    let at = body.find("name=\"revisi\" value=\"").expect("a revision on the page") + 21;
    body[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn an_imported_document_opens_in_the_editor_and_goes_to_review_once_its_marks_are_checked() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let page =
        send(&admin, "sop-hosting.docx", sop::import::fixture::docx(&sop::import::fixture::sample())).await;
    assert!(page.body.contains("id=\"draft-open\""), "{}", page.body);
    let made = admin
        .post("/admin/sop/konsep/impor", &[("csrf", &page.csrf()), ("toml", &draft_of(&page.body))])
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let path = made.location.unwrap();
    let id = path.trim_start_matches("/admin/sop/konsep/").to_string();
    assert_eq!(
        app.store.sop_draft("lumajang", &id).await.unwrap().origin,
        store::sop_drafts::DraftOrigin::Import
    );

    // Every unsure value is listed, linked to its field.
    let editor = admin.get(&path).await;
    assert!(editor.body.contains("id=\"tidak-pasti\" data-marks=\"4\""), "{}", editor.body);
    assert!(editor.body.contains("data-field=\"steps.3.time\""), "{}", editor.body);
    assert!(editor.body.contains("href=\"#f-steps-3-time\""), "{}", editor.body);

    // Not sent while a mark stands; the refusal says so in the editor.
    let send_now = |revision: String| {
        let admin = &admin;
        let id = id.clone();
        async move {
            let token = admin.get("/admin/sop").await.csrf();
            admin
                .post(
                    &format!("/admin/sop/konsep/{id}/tinjau"),
                    &[("csrf", token.as_str()), ("revisi", revision.as_str()), ("peninjau", "lmj-kabid")],
                )
                .await
        }
    };
    let refused = send_now(revision_on(&editor.body)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("4 nilai hasil impor bertanda TIDAK PASTI"), "{}", refused.body);

    // A stale or a wrong line changes nothing; each right one takes one mark away.
    let token = editor.csrf();
    let stale =
        admin.post(&format!("{path}/diperiksa"), &[("csrf", &token), ("revisi", "0"), ("baris", "1")]).await;
    assert_eq!(stale.status, StatusCode::BAD_REQUEST, "line 1 is no mark");
    let draft = app.store.sop_draft("lumajang", &id).await.unwrap();
    let fixed = draft.source.replace("# time tercetak: \"30 detik\"", "time = \"30 menit\"");
    let token = admin.get(&path).await.csrf();
    let saved = admin
        .post(
            &format!("{path}/teks"),
            &[("csrf", &token), ("revisi", &draft.revision.to_string()), ("teks", &fixed)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    for _ in 0..4 {
        let draft = app.store.sop_draft("lumajang", &id).await.unwrap();
        let line = sop::import::mark::marks(&draft.source)[0].line.to_string();
        let old = (draft.revision - 1).to_string();
        let conflict = admin
            .post(&format!("{path}/diperiksa"), &[("csrf", &token), ("revisi", &old), ("baris", &line)])
            .await;
        assert_eq!(conflict.status, StatusCode::CONFLICT, "an older revision");
        let checked = admin
            .post(
                &format!("{path}/diperiksa"),
                &[("csrf", &token), ("revisi", &draft.revision.to_string()), ("baris", &line)],
            )
            .await;
        assert_eq!(checked.status, StatusCode::SEE_OTHER, "{}", checked.body);
    }
    let editor = admin.get(&path).await;
    assert!(!editor.body.contains("id=\"tidak-pasti\""));
    let sent = send_now(revision_on(&editor.body)).await;
    assert_eq!(sent.location.as_deref(), Some(&*format!("/sop/tinjauan/{id}")), "{}", sent.body);
}
