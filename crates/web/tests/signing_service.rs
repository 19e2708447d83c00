//! The remote signing service's client against the local contract server
//! (docs/signing-service.md) on a random loopback port: a letter comes back
//! signed in its prepared field (and valid in poppler's `pdfsig`); a wrong
//! passphrase, a certificate not active, an unknown NIK and wrong agency
//! credentials are each told apart in Bahasa Indonesia; a stopped server, one
//! that never answers, and a 5xx are "unreachable" (the one case the caller
//! queues), and a 200 that is not a PDF is a bad answer.

use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use documents::signature::self_signed_pkcs12;
use documents::{Letter, Letterhead, SignatureSlot};
use tokio::net::TcpListener;
use web::signing_contract::{self, ContractAccount, ContractServer};
use web::signing_service::{CertificateStatus, SigningService, SigningServiceError};

const USERNAME: &str = "esign-lumajang";
const PASSWORD: &str = "rahasia-instansi";
const NIK: &str = "3508010101700001";
const PASSPHRASE: &str = "Passphrase#Pejabat-2026";
const P12_PASSPHRASE: &str = "kunci-berkas";

/// One key for every test (RSA key generation is slow).
fn p12() -> Vec<u8> {
    static P12: OnceLock<Vec<u8>> = OnceLock::new();
    P12.get_or_init(|| {
        self_signed_pkcs12("Contoh Pejabat", "Diskominfo Kabupaten Lumajang", P12_PASSPHRASE).unwrap()
    })
    .clone()
}

fn account(nik: &str, status: CertificateStatus) -> ContractAccount {
    ContractAccount {
        nik: nik.into(),
        passphrase: PASSPHRASE.into(),
        status,
        p12: p12(),
        p12_passphrase: P12_PASSPHRASE.into(),
    }
}

/// The officials the contract server knows: one per certificate state.
fn accounts() -> Vec<ContractAccount> {
    vec![
        account(NIK, CertificateStatus::Issue),
        account("3508010101700002", CertificateStatus::Expired),
        account("3508010101700003", CertificateStatus::Revoke),
        account("3508010101700004", CertificateStatus::Suspend),
        account("3508010101700005", CertificateStatus::New),
    ]
}

async fn contract_on(listener: TcpListener) -> ContractServer {
    signing_contract::serve(listener, signing_contract::router(USERNAME, PASSWORD, accounts())).unwrap()
}

async fn contract() -> ContractServer {
    contract_on(TcpListener::bind("127.0.0.1:0").await.unwrap()).await
}

fn client(base_url: &str) -> SigningService {
    SigningService::new(base_url, USERNAME, PASSWORD, Duration::from_secs(20))
}

fn letter() -> Letter {
    Letter {
        letterhead: Letterhead {
            lines: vec!["PEMERINTAH KABUPATEN LUMAJANG".into(), "DINAS KOMUNIKASI DAN INFORMATIKA".into()],
            address: "Jalan Contoh Nomor 1, Lumajang 67311".into(),
            logo: None,
        },
        place: "Lumajang".into(),
        date: "29 November 2026".into(),
        number: "060/021/427.53/2026".into(),
        nature: "Biasa".into(),
        enclosures: "-".into(),
        subject: "Pemberitahuan Akun E-mail".into(),
        recipient: vec!["Kepala Badan Perencanaan Pembangunan Daerah".into()],
        body: "Bersama ini kami sampaikan bahwa akun surat elektronik telah dibuat.".into(),
        signer_title: "Kepala Dinas Komunikasi dan Informatika".into(),
        signer_name: "Contoh Pejabat".into(),
        signer_nip: "197001011995031001".into(),
        copies: vec![],
        verification: None,
        draft: false,
        attached: Vec::new(),
    }
}

/// The letter with its empty signature field, as Sopir sends it.
fn unsigned() -> Vec<u8> {
    let slot = SignatureSlot {
        signer_name: "Contoh Pejabat".into(),
        reason: "Surat 060/021/427.53/2026".into(),
        location: "Lumajang".into(),
        date: "D:20261129101500+07'00'".into(),
    };
    letter().to_pdf(Some(&slot))
}

async fn sign_as(
    service: &SigningService,
    nik: &str,
    passphrase: &str,
) -> Result<Vec<u8>, SigningServiceError> {
    service.sign(unsigned(), nik, passphrase, "Surat 060/021/427.53/2026", "Lumajang").await
}

/// The hex of the PDF's last signature field.
fn signature_hex(pdf: &[u8]) -> String {
    let at = pdf.windows(11).rposition(|w| w == b"/Contents <").expect("a signature field") + 11;
    let end = at + pdf[at..].iter().position(|&b| b == b'>').unwrap();
    String::from_utf8(pdf[at..end].to_vec()).unwrap()
}

/// Officials read the message: Bahasa Indonesia, no English, no secret.
fn assert_told_in_indonesian(error: &SigningServiceError, needle: &str) {
    let message = error.to_string();
    assert!(message.contains(needle), "{needle:?} not in {message:?}");
    assert!(
        message.contains("tanda tangan elektronik") || message.contains("sertifikat elektronik"),
        "{message}"
    );
    let lower = message.to_lowercase();
    for english in [" the ", "error", "failed", "timeout", "connection", "refused", "invalid"] {
        assert!(!lower.contains(english), "English {english:?} in {message:?}");
    }
    for secret in [PASSPHRASE, PASSWORD, P12_PASSPHRASE] {
        assert!(!message.contains(secret) && !format!("{error:?}").contains(secret), "{message}");
    }
}

#[tokio::test]
async fn the_service_fills_the_prepared_signature_field() {
    let server = contract().await;
    let unsigned = unsigned();
    assert!(signature_hex(&unsigned).bytes().all(|b| b == b'0'), "sent with an empty field");
    let signed = sign_as(&client(&server.base_url()), NIK, PASSPHRASE).await.unwrap();
    assert!(signed.starts_with(b"%PDF-"));
    assert_ne!(signed, unsigned);
    assert_eq!(signed.len(), unsigned.len(), "filled in place, not appended");
    let hex = signature_hex(&signed);
    assert!(hex.starts_with("30"), "a DER CMS structure: {}", &hex[..16]);
    assert!(!hex.bytes().all(|b| b == b'0'));
    server.stop().await;
}

#[tokio::test]
#[ignore = "needs poppler-utils (pdfsig)"]
async fn the_signed_letter_is_valid_in_pdfsig() {
    let server = contract().await;
    let signed = sign_as(&client(&server.base_url()), NIK, PASSPHRASE).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("surat.pdf");
    std::fs::write(&file, &signed).unwrap();
    let report = Command::new("pdfsig").arg(&file).output().expect("pdfsig runs");
    let report = String::from_utf8_lossy(&report.stdout);
    assert!(report.contains("Signature is Valid"), "{report}");
    assert!(report.contains("Contoh Pejabat"), "{report}");
    assert!(report.contains("Total document signed"), "{report}");
    // The demo certificate is self-signed: poppler knows no issuer to trust
    // (it says so in words that vary with its version and NSS database).
    assert!(
        [
            "Certificate is Trusted",
            "Certificate issuer isn't Trusted",
            "Certificate issuer is unknown",
            "Unknown issue with Certificate",
        ]
        .iter()
        .any(|said| report.contains(said)),
        "{report}"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_wrong_passphrase_is_told_and_never_repeated() {
    let server = contract().await;
    let wrong = "Salah#Passphrase-99";
    let error = sign_as(&client(&server.base_url()), NIK, wrong).await.unwrap_err();
    assert_eq!(error, SigningServiceError::WrongPassphrase);
    assert_eq!(error.code(), "wrong_passphrase");
    assert!(!error.is_unreachable());
    assert_told_in_indonesian(&error, "Passphrase tanda tangan elektronik salah");
    assert!(!error.to_string().contains(wrong) && !format!("{error:?}").contains(wrong));
    // Nor does the client's own Debug show the agency's password.
    assert!(!format!("{:?}", client(&server.base_url())).contains(PASSWORD));
    server.stop().await;
}

#[tokio::test]
async fn an_expired_certificate_does_not_sign_and_says_so() {
    let server = contract().await;
    let error = sign_as(&client(&server.base_url()), "3508010101700002", PASSPHRASE).await.unwrap_err();
    assert_eq!(error, SigningServiceError::CertificateNotActive(Some(CertificateStatus::Expired)));
    assert_eq!(error.code(), "certificate_not_active");
    assert!(!error.is_unreachable());
    assert_told_in_indonesian(&error, "tidak aktif (sudah kedaluwarsa)");
    server.stop().await;
}

#[tokio::test]
async fn the_status_tells_revoked_and_suspended_certificates_from_active_ones() {
    let server = contract().await;
    let service = client(&server.base_url());
    let cases = [
        (NIK, CertificateStatus::Issue),
        ("3508010101700002", CertificateStatus::Expired),
        ("3508010101700003", CertificateStatus::Revoke),
        ("3508010101700004", CertificateStatus::Suspend),
        ("3508010101700005", CertificateStatus::New),
        ("3508019999999999", CertificateStatus::NotRegistered),
    ];
    for (nik, expected) in cases {
        let status = service.status(nik).await.unwrap();
        assert_eq!(status, expected, "{nik}");
        assert_eq!(status.is_active(), expected == CertificateStatus::Issue, "{nik}");
    }
    let revoked = sign_as(&service, "3508010101700003", PASSPHRASE).await.unwrap_err();
    assert_eq!(revoked, SigningServiceError::CertificateNotActive(Some(CertificateStatus::Revoke)));
    assert_told_in_indonesian(&revoked, "tidak aktif (sudah dicabut)");
    let suspended = sign_as(&service, "3508010101700004", PASSPHRASE).await.unwrap_err();
    assert_eq!(suspended, SigningServiceError::CertificateNotActive(Some(CertificateStatus::Suspend)));
    assert_told_in_indonesian(&suspended, "tidak aktif (sedang dibekukan)");
    server.stop().await;
}

#[tokio::test]
async fn an_unregistered_nik_is_told() {
    let server = contract().await;
    let error = sign_as(&client(&server.base_url()), "3508019999999999", PASSPHRASE).await.unwrap_err();
    assert_eq!(error, SigningServiceError::NotRegistered);
    assert_eq!(error.code(), "not_registered");
    assert!(!error.is_unreachable());
    assert_told_in_indonesian(&error, "NIK Anda belum terdaftar");
    server.stop().await;
}

#[tokio::test]
async fn wrong_agency_credentials_send_the_official_to_the_administrator() {
    let server = contract().await;
    let service =
        SigningService::new(&server.base_url(), USERNAME, "bukan-sandinya", Duration::from_secs(20));
    let error = sign_as(&service, NIK, PASSPHRASE).await.unwrap_err();
    assert_eq!(error, SigningServiceError::Unauthorized);
    assert_eq!(error.code(), "unauthorized");
    assert!(!error.is_unreachable());
    assert_told_in_indonesian(&error, "Minta administrator Sopir");
    assert_eq!(service.status(NIK).await.unwrap_err(), SigningServiceError::Unauthorized);
    server.stop().await;
}

#[tokio::test]
async fn a_stopped_service_is_unreachable_and_signs_again_once_restarted() {
    let server = contract().await;
    let addr = server.addr();
    let service = client(&server.base_url());
    sign_as(&service, NIK, PASSPHRASE).await.unwrap();

    server.stop().await;
    let error = sign_as(&service, NIK, PASSPHRASE).await.unwrap_err();
    assert!(matches!(error, SigningServiceError::Unreachable(_)), "{error:?}");
    assert_eq!(error.code(), "unreachable");
    assert!(error.is_unreachable());
    assert_told_in_indonesian(
        &error,
        "Layanan tanda tangan elektronik tidak dapat dihubungi: sambungan gagal",
    );
    assert!(service.status(NIK).await.unwrap_err().is_unreachable());

    let server = contract_on(TcpListener::bind(addr).await.unwrap()).await;
    assert!(!sign_as(&service, NIK, PASSPHRASE).await.unwrap().is_empty());
    server.stop().await;
}

#[tokio::test]
async fn a_service_that_never_answers_is_unreachable_after_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    // Accepts, reads nothing, answers nothing: the connections stay open.
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let service = SigningService::new(&base_url, USERNAME, PASSWORD, Duration::from_secs(1));
    let started = Instant::now();
    let error = sign_as(&service, NIK, PASSPHRASE).await.unwrap_err();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_secs(10), "{waited:?}");
    assert_eq!(error, SigningServiceError::Unreachable("tidak menjawab dalam 1 detik".into()));
    assert!(error.is_unreachable());
    assert_told_in_indonesian(&error, "tidak dapat dihubungi: tidak menjawab dalam 1 detik");
    silent.abort();
}

/// A server at the contract's address that answers the signing request
/// with `status` and `body`, whatever is sent.
async fn answering(status: u16, body: &'static str) -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let answer = move || async move {
        (StatusCode::from_u16(status).unwrap(), [("content-type", "application/json")], body)
    };
    let app = axum::Router::new()
        .route("/api/v2/sign/pdf", post(answer))
        .route("/api/v2/user/check/status", post(answer));
    (base_url, tokio::spawn(async move { axum::serve(listener, app).await.unwrap() }))
}

#[tokio::test]
async fn a_200_that_is_not_a_pdf_is_a_bad_answer() {
    let not_a_pdf: &'static str = Box::leak(
        format!(r#"{{"file": ["{}"], "time": 12}}"#, BASE64.encode("<html>Maintenance</html>"))
            .into_boxed_str(),
    );
    let (base_url, server) = answering(200, not_a_pdf).await;
    let error = sign_as(&client(&base_url), NIK, PASSPHRASE).await.unwrap_err();
    assert_eq!(error, SigningServiceError::BadAnswer("berkasnya bukan PDF".into()));
    assert_eq!(error.code(), "bad_answer");
    assert!(!error.is_unreachable());
    assert_told_in_indonesian(&error, "jawaban yang tidak dapat dipakai: berkasnya bukan PDF");
    server.abort();

    let (base_url, server) = answering(200, r#"{"time": 12}"#).await;
    let error = sign_as(&client(&base_url), NIK, PASSPHRASE).await.unwrap_err();
    assert_eq!(error, SigningServiceError::BadAnswer("tidak memuat berkas".into()));
    server.abort();

    let (base_url, server) = answering(200, "<html>Maintenance</html>").await;
    let error = sign_as(&client(&base_url), NIK, PASSPHRASE).await.unwrap_err();
    assert_eq!(error, SigningServiceError::BadAnswer("jawabannya bukan JSON".into()));
    server.abort();
}

#[tokio::test]
async fn a_200_carrying_an_error_code_is_that_error() {
    let (base_url, server) =
        answering(200, r#"{"status_code": 2031, "error": "Passphrase anda salah"}"#).await;
    let error = sign_as(&client(&base_url), NIK, PASSPHRASE).await.unwrap_err();
    assert_eq!(error, SigningServiceError::WrongPassphrase);
    server.abort();

    // A service echoing the passphrase back: it is not repeated.
    let echo: &'static str = Box::leak(
        format!(r#"{{"status_code": 2099, "error": "Gagal untuk {PASSPHRASE}"}}"#).into_boxed_str(),
    );
    let (base_url, server) = answering(200, echo).await;
    let error = sign_as(&client(&base_url), NIK, PASSPHRASE).await.unwrap_err();
    assert_eq!(
        error,
        SigningServiceError::Rejected { status: 200, code: Some(2099), message: "Gagal untuk ***".into() }
    );
    assert_told_in_indonesian(&error, "menolak permintaan (HTTP 200, kode 2099): Gagal untuk ***");
    server.abort();
}

#[tokio::test]
async fn a_document_without_a_signature_field_is_rejected_with_the_service_code() {
    let server = contract().await;
    let without_field = letter().to_pdf(None);
    let error = client(&server.base_url())
        .sign(without_field, NIK, PASSPHRASE, "Surat", "Lumajang")
        .await
        .unwrap_err();
    let SigningServiceError::Rejected { status: 400, code: Some(2000), message } = &error else {
        panic!("{error:?}");
    };
    assert!(message.starts_with("Dokumen tidak dapat ditandatangani"), "{message}");
    assert_eq!(error.code(), "rejected");
    assert!(!error.is_unreachable());
    assert_told_in_indonesian(&error, "menolak permintaan (HTTP 400, kode 2000)");
    server.stop().await;
}

#[tokio::test]
async fn a_fault_of_the_service_is_unreachable_and_may_be_queued() {
    for status in [500, 502, 503, 504] {
        let (base_url, server) = answering(status, r#"{"status_code": 500, "error": "Internal"}"#).await;
        let error = sign_as(&client(&base_url), NIK, PASSPHRASE).await.unwrap_err();
        assert_eq!(
            error,
            SigningServiceError::Unreachable(format!("layanan sedang bermasalah (HTTP {status})")),
        );
        assert!(error.is_unreachable());
        assert_told_in_indonesian(&error, "tidak dapat dihubungi");
        server.abort();
    }
}
