//! SOP review and ratification over real HTTP (issue 19 part 3): the
//! administrator sends a revision draft to a reviewer (not to themselves);
//! the reviewer comments on a step's time and returns it; the comment
//! stands in the editor linked to its field; the fixed draft is sent again
//! and approved; the Head ratifies it with their certificate's passphrase
//! (a wrong one is refused on the page and changes nothing); the SOP's PDF
//! is then the signed document and new requests follow the new version.
//! Nobody else sees or acts on the draft.

mod common;

use common::{App, Browser, spawn};
use reqwest::StatusCode;
use store::sop_drafts::DraftStatus;

/// The administrator begins a revision of the live VPN SOP; its id.
async fn revision_draft(app: &App, admin: &Browser) -> String {
    let token = admin.get("/admin/sop/konsep").await.csrf();
    let made = admin.post("/admin/sop/konsep/revisi", &[("csrf", &token), ("sop", "lumajang/vpn")]).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let id = made.location.unwrap().trim_start_matches("/admin/sop/konsep/").to_string();
    assert_eq!(app.store.sop_draft("lumajang", &id).await.unwrap().status, DraftStatus::Open);
    id
}

async fn send(admin: &Browser, id: &str, reviewer: &str) -> common::Page {
    let editor = admin.get(&format!("/admin/sop/konsep/{id}")).await;
    let revision = app_revision(&editor.body);
    admin
        .post(
            &format!("/admin/sop/konsep/{id}/tinjau"),
            &[("csrf", &editor.csrf()), ("revisi", &revision), ("peninjau", reviewer)],
        )
        .await
}

/// The revision a page's forms were drawn on.
fn app_revision(body: &str) -> String {
    let at = body.find("name=\"revisi\" value=\"").expect("a revision on the page") + 21;
    body[at..].split('"').next().unwrap().to_string()
}

async fn act(b: &Browser, id: &str, what: &str, extra: &[(&str, &str)]) -> common::Page {
    let page = b.get(&format!("/sop/tinjauan/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let (csrf, revision) = (page.csrf(), app_revision(&page.body));
    let mut fields = vec![("csrf", csrf.as_str()), ("revisi", revision.as_str())];
    fields.extend_from_slice(extra);
    b.post(&format!("/sop/tinjauan/{id}/{what}"), &fields).await
}

#[tokio::test]
async fn a_revision_is_reviewed_commented_approved_and_ratified_by_the_head_with_a_passphrase() {
    let signed = ratified().await;
    assert!(signed.starts_with(b"%PDF") && signed.windows(10).any(|w| w == b"/ByteRange"));
}

#[tokio::test]
#[ignore = "needs poppler-utils"]
async fn the_ratified_sop_pdf_has_a_valid_signature_in_poppler() {
    let signed = ratified().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sop.pdf");
    std::fs::write(&file, &signed).unwrap();
    let report = std::process::Command::new("pdfsig").arg(&file).output().expect("pdfsig runs");
    let report = String::from_utf8_lossy(&report.stdout);
    assert!(report.contains("Signature is Valid"), "{report}");
    assert!(report.contains("Bambang Santoso"), "{report}");
    let text = std::process::Command::new("pdftotext").arg(&file).arg("-").output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("SOP PENGAJUAN AKSES VPN") && text.contains("BAMBANG SANTOSO"), "{text}");
}

/// The whole journey; the signed PDF it ends in.
async fn ratified() -> Vec<u8> {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let id = revision_draft(&app, &admin).await;
    let old = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap().version;

    // Never to oneself: said in the editor, nothing changed.
    let own = send(&admin, &id, "lmj-kasi").await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", own.body);
    assert!(own.body.contains("data-code=\"not-sent\"") && own.body.contains("Peninjau"), "{}", own.body);
    assert_eq!(app.store.sop_draft("lumajang", &id).await.unwrap().status, DraftStatus::Open);
    let sent = send(&admin, &id, "lmj-kabid").await;
    assert_eq!(sent.location.as_deref(), Some(&*format!("/sop/tinjauan/{id}")), "{}", sent.body);

    // The reviewer finds it waiting; nobody else of the agency acts on it,
    // another agency does not even see it.
    let kabid = Browser::login(&app, "lmj-kabid").await;
    assert!(kabid.get("/sop").await.body.contains("id=\"menunggu-tinjauan\""));
    assert!(kabid.get("/sop/tinjauan").await.body.contains(&id));
    let petugas = Browser::login(&app, "lmj-petugas").await;
    assert_eq!(petugas.get(&format!("/sop/tinjauan/{id}")).await.status, StatusCode::FORBIDDEN);
    let foreign = Browser::login(&app, "tgx-kabid").await;
    assert_eq!(foreign.get(&format!("/sop/tinjauan/{id}")).await.status, StatusCode::NOT_FOUND);
    let token = petugas.get("/sop").await.csrf();
    let meddling =
        petugas.post(&format!("/sop/tinjauan/{id}/setujui"), &[("csrf", &token), ("revisi", "1")]).await;
    assert_eq!(meddling.status, StatusCode::FORBIDDEN);

    // A comment on step 6's time, then back to the drafters.
    let empty = act(&kabid, &id, "catatan", &[("bagian", "steps.4.time"), ("catatan", " ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Catatan: wajib diisi"), "{}", empty.body);
    let commented =
        act(&kabid, &id, "catatan", &[("bagian", "steps.4.time"), ("catatan", "Lima menit terlalu lama")])
            .await;
    assert_eq!(commented.status, StatusCode::SEE_OTHER, "{}", commented.body);
    let page = kabid.get(&format!("/sop/tinjauan/{id}")).await;
    assert!(
        page.body.contains("Lima menit terlalu lama") && page.body.contains("Langkah 6 · Waktu"),
        "{}",
        page.body
    );
    let back = act(&kabid, &id, "kembalikan", &[]).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);

    // The drafter sees the comment at its field, fixes it and sends it again.
    let editor = admin.get(&format!("/admin/sop/konsep/{id}")).await;
    assert!(editor.body.contains("href=\"#f-steps-4-time\" data-focus>Langkah 6 · Waktu"), "{}", editor.body);
    let draft = app.store.sop_draft("lumajang", &id).await.unwrap();
    let fixed = draft.source.replacen("time = \"5 menit\"", "time = \"3 menit\"", 1);
    let token = editor.csrf();
    let saved = admin
        .post(
            &format!("/admin/sop/konsep/{id}/teks"),
            &[("csrf", &token), ("revisi", &draft.revision.to_string()), ("teks", &fixed)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(send(&admin, &id, "lmj-kabid").await.status, StatusCode::SEE_OTHER);
    assert_eq!(act(&kabid, &id, "setujui", &[]).await.status, StatusCode::SEE_OTHER);

    // The Head ratifies: a wrong passphrase is said on the page and changes nothing.
    let kadis = Browser::login(&app, "lmj-kadis").await;
    assert!(kadis.get("/sop/tinjauan").await.body.contains(&id));
    let wrong = act(&kadis, &id, "sahkan", &[("kata_sandi", "salah"), ("nomor", "")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong.body);
    assert!(wrong.body.contains("class=\"flash error\""), "{}", wrong.body);
    assert_eq!(app.store.sop_draft("lumajang", &id).await.unwrap().status, DraftStatus::Approved);
    let bad_date = act(&kadis, &id, "sahkan", &[("kata_sandi", "x"), ("tanggal_efektif", "besok")]).await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_date.body.contains("Tanggal efektif: bukan tanggal"), "{}", bad_date.body);
    let done = act(&kadis, &id, "sahkan", &[("kata_sandi", store::demo::CERTIFICATE_PASSPHRASE)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = kadis.get(&format!("/sop/tinjauan/{id}")).await;
    assert!(page.body.contains("data-status=\"disahkan\""), "{}", page.body);

    // New requests follow the ratified version; its PDF is the signed one.
    let live = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    assert_eq!(live.version, old + 1);
    let year = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap()).year();
    assert_eq!(live.identity.nomor.value, format!("427.53/1/SOP/{year}"));
    let pdf = admin.client.get(format!("{}/sop/lumajang/vpn?format=pdf", admin.base)).send().await.unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    let pdf = pdf.bytes().await.unwrap().to_vec();
    let stored = app.store.signed_sop("lumajang", "lumajang/vpn", live.version).await.unwrap().unwrap();
    assert_eq!(pdf, stored.pdf);
    // The public page offers the same signed document, to anyone.
    let anonymous = Browser::new(&app);
    let public =
        anonymous.client.get(format!("{}/publik/sop/lumajang/vpn/pdf", anonymous.base)).send().await.unwrap();
    assert_eq!(public.bytes().await.unwrap().to_vec(), stored.pdf);
    pdf
}

#[tokio::test]
async fn the_catalogue_finds_sops_by_status_and_words_and_the_public_pages_show_only_what_is_in_effect() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let id = revision_draft(&app, &admin).await;
    assert_eq!(send(&admin, &id, "lmj-kabid").await.status, StatusCode::SEE_OTHER);

    let petugas = Browser::login(&app, "lmj-petugas").await;
    let all = petugas.get("/sop").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("data-sop=\"lumajang/vpn\" data-status=\"berlaku\""), "{}", all.body);
    assert!(all.body.contains("data-sop=\"lumajang/vpn\" data-status=\"ditinjau\""), "{}", all.body);
    assert!(!all.body.contains("/admin/sop/tarik"), "only administrators withdraw");
    let found = petugas.get("/sop?q=VPN&status=berlaku").await;
    assert_eq!(found.body.matches("data-sop=").count(), 1, "{}", found.body);
    let bad = petugas.get("/sop?status=hilang").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Status: &quot;hilang&quot; tidak dikenal"), "{}", bad.body);

    // Withdrawn: listed so, no new request, gone from the public pages.
    let token = petugas.get("/sop").await.csrf();
    let refused = petugas.post("/admin/sop/tarik", &[("csrf", &token), ("sop", "lumajang/email")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let token = admin.get("/sop").await.csrf();
    let withdrawn = admin.post("/admin/sop/tarik", &[("csrf", &token), ("sop", "lumajang/email")]).await;
    assert_eq!(withdrawn.location.as_deref(), Some("/sop?ditarik=1"), "{}", withdrawn.body);
    assert!(
        admin
            .get("/sop?status=ditarik")
            .await
            .body
            .contains("data-sop=\"lumajang/email\" data-status=\"ditarik\"")
    );
    assert_eq!(
        Browser::login(&app, "lmj-pemohon").await.get("/layanan/lumajang/email").await.status,
        StatusCode::NOT_FOUND
    );
    let history = admin.get("/sop/lumajang/email/versi").await;
    assert_eq!(history.status, StatusCode::OK, "a withdrawn SOP keeps its history");
    assert!(history.body.contains(">ditarik<"), "{}", history.body);
    assert!(!history.body.contains("class=\"tag ok\""), "no version is live: {}", history.body);
    // Put back in use by the administrator (not by others).
    let token = petugas.get("/sop").await.csrf();
    let refused = petugas.post("/admin/sop/berlakukan", &[("csrf", &token), ("sop", "lumajang/email")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let token = admin.get("/sop").await.csrf();
    let restored = admin.post("/admin/sop/berlakukan", &[("csrf", &token), ("sop", "lumajang/email")]).await;
    assert_eq!(restored.location.as_deref(), Some("/sop?berlaku=1"), "{}", restored.body);
    assert_eq!(
        Browser::login(&app, "lmj-pemohon").await.get("/layanan/lumajang/email").await.status,
        StatusCode::OK
    );
    let token = admin.get("/sop").await.csrf();
    let withdrawn = admin.post("/admin/sop/tarik", &[("csrf", &token), ("sop", "lumajang/email")]).await;
    assert_eq!(withdrawn.location.as_deref(), Some("/sop?ditarik=1"));

    let anonymous = Browser::new(&app);
    let index = anonymous.get("/publik/sop/lumajang").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(
        index.body.contains("/publik/sop/lumajang/vpn") && !index.body.contains("lumajang/email"),
        "{}",
        index.body
    );
    let page = anonymous.get("/publik/sop/lumajang/vpn").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Waktu penyelesaian baku") && page.body.contains("id=\"waktu-baku\""));
    for internal in ["csrf", "/admin", "/sop/tinjauan", "lmj-", "ditinjau", "Tugas"] {
        assert!(!page.body.contains(internal), "the public page shows {internal:?}");
    }
    let pdf =
        anonymous.client.get(format!("{}/publik/sop/lumajang/vpn/pdf", anonymous.base)).send().await.unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    for missing in [
        "/publik/sop/lumajang/email",
        "/publik/sop/lumajang/email/pdf",
        "/publik/sop/tidak-ada",
        "/publik/sop/lumajang/sop-baru",
    ] {
        assert_eq!(anonymous.get(missing).await.status, StatusCode::NOT_FOUND, "{missing}");
    }
}
