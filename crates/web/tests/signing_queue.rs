//! Certified signing through the agency's signing service (issue 21),
//! over real HTTP against the local contract server
//! (`web::signing_contract`, docs/signing-service.md): the administrator
//! sets the service and the Head's NIK; a wrong passphrase and a service
//! that is down leave the numbered letter waiting in the signing queue,
//! the Head is told, the send step refuses it, and it is signed from the
//! queue when the service answers again; an inactive certificate is
//! refused before a number is taken; a wet-ink scan is recorded as such.

mod common;

use std::process::Command;

use common::{Browser, action_url, form};
use reqwest::StatusCode;
use web::signing_contract::{self, ContractAccount, ContractServer};
use web::signing_service::CertificateStatus;

const NIK: &str = "3508010101800001";
const PASSPHRASE: &str = "tte-rahasia-kadis";

fn account(status: CertificateStatus) -> ContractAccount {
    let p12 =
        documents::signature::self_signed_pkcs12("Bambang Santoso, S.STP", "BSrE (kontrak uji)", "kunci")
            .unwrap();
    ContractAccount {
        nik: NIK.into(),
        passphrase: PASSPHRASE.into(),
        status,
        p12,
        p12_passphrase: "kunci".into(),
    }
}

async fn serve_on(listener: tokio::net::TcpListener, status: CertificateStatus) -> ContractServer {
    signing_contract::serve(
        listener,
        signing_contract::router("sopir", "rahasia-layanan", vec![account(status)]),
    )
    .unwrap()
}

async fn contract(status: CertificateStatus) -> ContractServer {
    serve_on(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(), status).await
}

/// The service and the Head's NIK, set by the agency's administrator.
async fn configure(app: &common::App, base_url: &str) {
    let admin = Browser::login(app, "lmj-kasi").await;
    let token = admin.get("/admin/surat").await.csrf();
    // The password, the NIK and the passphrase travel to it: TLS only, but
    // for a service on this very machine.
    let plain = [
        ("csrf", token.as_str()),
        ("url", "http://esign.contoh.go.id"),
        ("username", "sopir"),
        ("password", "x"),
        ("timeout", "5"),
    ];
    let plain = admin.post("/admin/surat/layanan", &plain).await;
    assert_eq!(plain.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(plain.body.contains("https://"), "{}", plain.body);
    let saved = admin
        .post(
            "/admin/surat/layanan",
            &[
                ("csrf", &token),
                ("url", base_url),
                ("username", "sopir"),
                ("password", "rahasia-layanan"),
                ("timeout", "5"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("Pengaturan tersimpan"), "{}", saved.body);
    assert!(!saved.body.contains("rahasia-layanan"), "the service password is never shown back");
    let bad =
        admin.post("/admin/surat/nik", &[("csrf", &token), ("person", "lmj-kadis"), ("nik", "12345")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("16 angka"), "{}", bad.body);
    let nik =
        admin.post("/admin/surat/nik", &[("csrf", &token), ("person", "lmj-kadis"), ("nik", NIK)]).await;
    assert_eq!(nik.status, StatusCode::OK, "{}", nik.body);
    assert!(!nik.body.contains(NIK), "the NIK is never shown back");
}

/// The Head signs the case's letter on its page with `passphrase`.
async fn head_signs(app: &common::App, case: &str, passphrase: &str) -> common::Page {
    let head = Browser::login(app, "lmj-kadis").await;
    let page = head.get(&format!("/permohonan/{case}")).await;
    let url = action_url(&page.body).expect("the Head's signing form");
    head.post_multipart(&url, form(&[("csrf", &page.csrf()), ("kata_sandi", passphrase)])).await
}

/// A VPN letter waiting in the queue: the service went down before the
/// Head signed. The case, the letter's id and where the service was.
async fn letter_waiting(app: &common::App) -> (engine::CaseState, String, std::net::SocketAddr) {
    let server = contract(CertificateStatus::Issue).await;
    let addr = server.addr();
    configure(app, &server.base_url()).await;
    let case = app.vpn_at_signing().await;
    server.stop().await;
    head_signs(app, &case.id, PASSPHRASE).await;
    let id = app.store.waiting_letters("lumajang").await.unwrap()[0].id.clone();
    (case, id, addr)
}

async fn queue_signs(app: &common::App, passphrase: &str) -> common::Page {
    let head = Browser::login(app, "lmj-kadis").await;
    let queue = head.get("/agenda/antrean").await;
    let url = between(&queue.body, "action=\"/agenda/antrean/", "\"");
    head.post(&format!("/agenda/antrean/{url}"), &[("csrf", &queue.csrf()), ("kata_sandi", passphrase)]).await
}

fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let at = body.find(start).unwrap_or_else(|| panic!("{start:?} in {body}")) + start.len();
    body[at..].split(end).next().unwrap()
}

/// Signs one letter through the service and returns its PDF.
async fn signed_through_the_service() -> (common::App, Vec<u8>) {
    let app = common::spawn().await;
    let server = contract(CertificateStatus::Issue).await;
    configure(&app, &server.base_url()).await;
    let case = app.vpn_at_signing().await;

    // A wrong passphrase: the letter is numbered and waits; the Head is told.
    let wrong = head_signs(&app, &case.id, "bukan-ini").await;
    assert_eq!(wrong.location.as_deref(), Some(format!("/permohonan/{}?antre=1", case.id).as_str()));
    let waiting = app.store.waiting_letters("lumajang").await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert!(waiting[0].signing_error.contains("Passphrase"), "{waiting:?}");
    let head = Browser::login(&app, "lmj-kadis").await;
    let told = head.get("/notifikasi").await;
    assert!(
        told.body.contains(&waiting[0].number) && told.body.contains("antrean tanda tangan"),
        "{}",
        told.body
    );
    // A wrong passphrase is no outage: the probe tells nobody the service is back.
    assert_eq!(web::signing_probe::round(&app.store).await, 0);
    // Not downloadable nor verifiable while unsigned.
    assert_eq!(head.get(&format!("/permohonan/{}/surat.pdf", case.id)).await.status, StatusCode::NOT_FOUND);

    // From the queue, with the right passphrase.
    let signed = queue_signs(&app, PASSPHRASE).await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    assert!(signed.body.contains("Surat sudah ditandatangani") && signed.body.contains(&waiting[0].number));
    assert!(app.store.waiting_letters("lumajang").await.unwrap().is_empty());
    let (_, pdf) = app.store.letter_pdf("lumajang", &case.id).await.unwrap();
    let letter = app.store.outgoing_letter("lumajang", &case.id).await.unwrap().unwrap();
    let verified = Browser::new(&app).get(&format!("/verifikasi/{}", letter.code)).await;
    assert!(
        verified.body.contains("layanan tanda tangan") && verified.body.contains("berkasnya utuh"),
        "{}",
        verified.body
    );
    server.stop().await;
    (app, pdf)
}

#[tokio::test]
async fn a_letter_is_signed_by_the_signing_service_after_a_wrong_passphrase_waited_in_the_queue() {
    let (_, pdf) = signed_through_the_service().await;
    assert!(pdf.starts_with(b"%PDF-"));
}

#[tokio::test]
#[ignore = "needs poppler-utils (pdfsig)"]
async fn pdfsig_validates_the_letter_the_signing_service_signed() {
    let (_, pdf) = signed_through_the_service().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("surat.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let report = Command::new("pdfsig").arg(&file).output().expect("pdfsig runs");
    let report = String::from_utf8_lossy(&report.stdout);
    assert!(report.contains("Signature is Valid"), "{report}");
    assert!(report.contains("Bambang Santoso"), "{report}");
}

#[tokio::test]
async fn while_the_signing_service_is_down_the_letter_waits_and_is_signed_when_it_is_back() {
    let app = common::spawn().await;
    let server = contract(CertificateStatus::Issue).await;
    let addr = server.addr();
    configure(&app, &server.base_url()).await;
    let case = app.vpn_at_signing().await;
    server.stop().await;

    let queued = head_signs(&app, &case.id, PASSPHRASE).await;
    assert_eq!(queued.location.as_deref(), Some(format!("/permohonan/{}?antre=1", case.id).as_str()));
    let head = Browser::login(&app, "lmj-kadis").await;
    let page = head.get(&format!("/permohonan/{}?antre=1", case.id)).await;
    assert!(
        page.body.contains("menunggu tanda tangan di antrean")
            && page.body.contains("href=\"/agenda/antrean\"")
    );
    let queue = head.get("/agenda/antrean").await;
    assert!(queue.body.contains("tidak dapat dihubungi"), "{}", queue.body);
    let waiting = app.store.waiting_letters("lumajang").await.unwrap();
    let number = waiting[0].number.clone();
    assert!(queue.body.contains(&number));
    // Someone with no letter waiting and no register to read sees none of it.
    let requester = Browser::login(&app, "lmj-pemohon").await;
    assert_eq!(requester.get("/agenda/antrean").await.status, StatusCode::FORBIDDEN);
    let print = format!("/agenda/antrean/{}/cetak.pdf", waiting[0].id);
    assert_eq!(requester.get(&print).await.status, StatusCode::FORBIDDEN);
    assert_eq!(head.get(&print).await.status, StatusCode::OK);
    // The register shows it waiting; the send step refuses it.
    let registers = head.get("/agenda").await;
    assert!(registers.body.contains(&number) && registers.body.contains("menunggu tanda tangan"));
    let sekdin = Browser::login(&app, "lmj-sekdin").await;
    let send_page = sekdin.get(&format!("/permohonan/{}", case.id)).await;
    let via = ("dikirim_melalui", "langsung");
    let send = sekdin
        .post_multipart(&action_url(&send_page.body).unwrap(), form(&[("csrf", &send_page.csrf()), via]))
        .await;
    assert_eq!(send.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(send.body.contains("belum bertanda tangan"), "{}", send.body);
    // Still down: signing from the queue fails the same way.
    assert_eq!(queue_signs(&app, PASSPHRASE).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The service is back on the same address: the Head is told, and signs.
    let server = serve_on(tokio::net::TcpListener::bind(addr).await.unwrap(), CertificateStatus::Issue).await;
    web::signing_probe::round(&app.store).await;
    let told = head.get("/notifikasi").await;
    assert!(told.body.contains("dapat dihubungi lagi"), "{}", told.body);
    assert_eq!(queue_signs(&app, PASSPHRASE).await.status, StatusCode::OK);
    assert!(app.store.waiting_letters("lumajang").await.unwrap().is_empty());
    let send_page = sekdin.get(&format!("/permohonan/{}", case.id)).await;
    let via = ("dikirim_melalui", "langsung");
    let send = sekdin
        .post_multipart(&action_url(&send_page.body).unwrap(), form(&[("csrf", &send_page.csrf()), via]))
        .await;
    assert_eq!(send.status, StatusCode::SEE_OTHER, "{}", send.body);
    server.stop().await;
}

#[tokio::test]
async fn an_inactive_certificate_is_refused_before_a_number_is_taken() {
    let app = common::spawn().await;
    let server = contract(CertificateStatus::Expired).await;
    configure(&app, &server.base_url()).await;
    let case = app.vpn_at_signing().await;
    let refused = head_signs(&app, &case.id, PASSPHRASE).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("tidak aktif"), "{}", refused.body);
    assert!(app.store.outgoing_letter("lumajang", &case.id).await.unwrap().is_none(), "no number taken");
    server.stop().await;
}

#[tokio::test]
async fn where_the_agency_allows_it_a_wet_ink_scan_signs_a_waiting_letter() {
    let app = common::spawn().await;
    let (case, id, _) = letter_waiting(&app).await;
    let head = Browser::login(&app, "lmj-kadis").await;
    let scan = |bytes: &[u8]| reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("pindaian.pdf");
    // Not allowed until the agency says so.
    let token = head.get("/agenda/antrean").await.csrf();
    let refused = head
        .post_multipart(
            &format!("/agenda/antrean/{id}/basah"),
            form(&[("csrf", &token)]).part("pindaian", scan(common::PDF)),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let mut agency = app.store.agency("lumajang").await.unwrap();
    agency.letters.wet_ink_fallback = true;
    app.store.update_agency(&agency, Some("lmj-kasi")).await.unwrap();
    let head = Browser::login(&app, "lmj-kadis").await;
    let queue = head.get("/agenda/antrean").await;
    assert!(queue.body.contains("ditandatangani basah"), "{}", queue.body);
    let not_pdf = head
        .post_multipart(
            &format!("/agenda/antrean/{id}/basah"),
            form(&[("csrf", &queue.csrf())]).part("pindaian", scan(b"GIF89a")),
        )
        .await;
    assert_eq!(not_pdf.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = head
        .post_multipart(
            &format!("/agenda/antrean/{id}/basah"),
            form(&[("csrf", &queue.csrf())]).part("pindaian", scan(common::PDF)),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let letter = app.store.outgoing_letter("lumajang", &case.id).await.unwrap().unwrap();
    assert_eq!(letter.signed_with, Some(store::signing_queue::SignedWith::WetInk));
    let verified = Browser::new(&app).get(&format!("/verifikasi/{}", letter.code)).await;
    assert!(verified.body.contains("tanda tangan basah"), "{}", verified.body);
}

#[tokio::test]
async fn the_queue_is_read_and_signed_through_the_api_by_the_signer_only() {
    let app = common::spawn().await;
    let (_, id, addr) = letter_waiting(&app).await;

    let head = common::Api::of(&app, "lmj-kadis").await;
    let requester = common::Api::of(&app, "lmj-pemohon").await;
    let admin = common::Api::of(&app, "lmj-kasi").await;
    let (_, _, listed) = head.get("/signing-queue").await;
    assert_eq!(listed[0]["id"], id.as_str(), "{listed}");
    assert!(listed[0]["signing_error"].as_str().unwrap().contains("tidak dapat dihubungi"), "{listed}");
    assert_eq!(requester.get("/signing-queue").await.2, serde_json::json!([]), "none of theirs");
    assert_eq!(requester.get(&format!("/signing-queue/{id}/pdf")).await.0, StatusCode::FORBIDDEN);
    let print =
        head.client.get(format!("{}/api/v1/signing-queue/{id}/pdf", head.base)).bearer_auth(&head.token);
    let print = print.send().await.unwrap();
    assert_eq!(print.status(), StatusCode::OK);
    assert!(print.bytes().await.unwrap().starts_with(b"%PDF-"));

    let sign = |api: &common::Api, passphrase: &str| {
        api.client
            .post(format!("{}/api/v1/signing-queue/{id}/sign", api.base))
            .header("content-type", "application/json")
            .body(serde_json::json!({ "passphrase": passphrase }).to_string())
    };
    assert_eq!(admin.call(sign(&admin, PASSPHRASE)).await.0, StatusCode::FORBIDDEN, "the signer's only");
    let (status, _, problem) = head.call(sign(&head, PASSPHRASE)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "still down: {problem}");
    assert!(problem["type"].as_str().unwrap().ends_with("not-signed"), "{problem}");
    assert_eq!(app.store.waiting_letters("lumajang").await.unwrap().len(), 1, "it still waits");

    let server = serve_on(tokio::net::TcpListener::bind(addr).await.unwrap(), CertificateStatus::Issue).await;
    let (status, _, signed) = head.call(sign(&head, PASSPHRASE)).await;
    assert_eq!(status, StatusCode::OK, "{signed}");
    assert!(app.store.waiting_letters("lumajang").await.unwrap().is_empty());
    // Signed once: a second signature is a conflict, the unsigned PDF is
    // no longer there, and a letter no one has is not found.
    assert_eq!(head.call(sign(&head, PASSPHRASE)).await.0, StatusCode::CONFLICT, "signed once");
    // One who may not see the letter is not told it was signed.
    assert_eq!(requester.call(sign(&requester, PASSPHRASE)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(head.get(&format!("/signing-queue/{id}/pdf")).await.0, StatusCode::NOT_FOUND);
    let nowhere = head.client.post(format!("{}/api/v1/signing-queue/tidak-ada/sign", head.base));
    let nowhere = nowhere.header("content-type", "application/json").body(r#"{"passphrase": "x"}"#);
    assert_eq!(head.call(nowhere).await.0, StatusCode::NOT_FOUND);
    server.stop().await;
}

#[tokio::test]
async fn a_wet_ink_scan_is_sent_through_the_api_where_the_agency_allows_it() {
    let app = common::spawn().await;
    let (case, id, _) = letter_waiting(&app).await;
    let head = common::Api::of(&app, "lmj-kadis").await;
    let scan = |bytes: &'static [u8]| {
        head.client.post(format!("{}/api/v1/signing-queue/{id}/wet-ink", head.base)).body(bytes)
    };
    assert_eq!(
        head.call(scan(common::PDF)).await.0,
        StatusCode::FORBIDDEN,
        "not allowed until the agency says so"
    );
    let mut agency = app.store.agency("lumajang").await.unwrap();
    agency.letters.wet_ink_fallback = true;
    app.store.update_agency(&agency, Some("lmj-kasi")).await.unwrap();
    let (status, _, problem) = head.call(scan(b"GIF89a")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "scan");
    assert_eq!(head.call(scan(common::PDF)).await.0, StatusCode::OK);
    let letter = app.store.outgoing_letter("lumajang", &case.id).await.unwrap().unwrap();
    assert_eq!(letter.signed_with, Some(store::signing_queue::SignedWith::WetInk));
    assert_eq!(head.call(scan(common::PDF)).await.0, StatusCode::CONFLICT, "signed already");
}

#[tokio::test]
async fn the_signing_service_and_a_signers_nik_are_set_through_the_api() {
    let app = common::spawn().await;
    let server = contract(CertificateStatus::Issue).await;
    let admin = common::Api::of(&app, "lmj-kasi").await;
    let put = |path: &str, body: serde_json::Value| {
        admin
            .client
            .put(format!("{}/api/v1/settings/{path}", admin.base))
            .header("content-type", "application/json")
            .body(body.to_string())
    };
    let plain = serde_json::json!({ "url": "http://esign.contoh.go.id", "username": "sopir", "password": "x", "timeout_secs": 5 });
    let (status, _, problem) = admin.call(put("signing-service", plain)).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("url")),
        "{problem}"
    );
    let good = serde_json::json!({ "url": server.base_url(), "username": "sopir", "password": "rahasia-layanan", "timeout_secs": 5 });
    let (status, _, saved) = admin.call(put("signing-service", good)).await;
    assert_eq!((status, saved["username"].as_str()), (StatusCode::OK, Some("sopir")), "{saved}");
    assert!(!saved.to_string().contains("rahasia"), "the password is never read back");
    let (status, _, problem) =
        admin.call(put("signing-service/signers/lmj-kadis", serde_json::json!({ "nik": "12345" }))).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("nik"))
    );
    let (status, _, problem) =
        admin.call(put("signing-service/signers/nobody", serde_json::json!({ "nik": NIK }))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    assert_eq!(
        admin.call(put("signing-service/signers/lmj-kadis", serde_json::json!({ "nik": NIK }))).await.0,
        StatusCode::NO_CONTENT
    );

    // Set through the API, the service signs the Head's letter.
    let case = app.vpn_at_signing().await;
    head_signs(&app, &case.id, PASSPHRASE).await;
    assert!(app.store.waiting_letters("lumajang").await.unwrap().is_empty(), "signed by the service");
    let letter = app.store.outgoing_letter("lumajang", &case.id).await.unwrap().unwrap();
    assert_eq!(letter.signed_with, Some(store::signing_queue::SignedWith::Service));
    server.stop().await;
}
