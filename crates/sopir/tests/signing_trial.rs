//! `sopir signing-service`: the trial service, run as the command runs it,
//! answers Sopir's own client (an official's status, a letter signed in its
//! field, a wrong passphrase told); the trial certificate opens with the
//! passphrase it was written with and is never written over another file.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use documents::signature::Pkcs12Signer;
use documents::{Letter, Letterhead, SignatureSlot};
use web::signing_service::{CertificateStatus, SigningService, SigningServiceError};

const NIK: &str = "3508010101700001";

fn sopir() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sopir"))
}

/// Runs `sopir signing-service certificate` with `passphrase` on its input.
fn certificate(path: &std::path::Path, passphrase: &str) -> std::process::Output {
    let mut child = sopir()
        .args(["signing-service", "certificate", path.to_str().unwrap()])
        .args(["--name", "Sri Wahyuni", "--organisation", "Diskominfo Contoh"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{passphrase}").unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_trial_certificate_opens_with_its_passphrase_and_overwrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pejabat.p12");
    let made = certificate(&path, "rahasia-pejabat");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let p12 = std::fs::read(&path).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600, "a key: private");
    let info = Pkcs12Signer::new(p12.clone()).unlock("rahasia-pejabat").unwrap().info();
    assert!(info.subject.contains("CN=Sri Wahyuni"), "{}", info.subject);
    assert!(Pkcs12Signer::new(p12.clone()).unlock("keliru").is_err());

    let again = certificate(&path, "rahasia-lain-lagi");
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("sudah ada"));
    assert_eq!(std::fs::read(&path).unwrap(), p12, "the first certificate is kept");

    let short = certificate(&dir.path().join("pendek.p12"), "pendek");
    assert_eq!(short.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&short.stderr).contains("paling sedikit 8"));
    assert!(!dir.path().join("pendek.p12").exists());
}

#[test]
fn a_signer_without_a_sixteen_digit_nik_is_refused_before_serving() {
    let refused = sopir()
        .args(["signing-service", "trial", "--addr", "127.0.0.1:0", "--username", "u", "--password", "p"])
        .args(["--signer", "12345=rahasia-pejabat"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let told = String::from_utf8_lossy(&refused.stderr);
    assert!(told.contains("16 angka") && !told.contains("rahasia-pejabat"), "{told}");
}

/// A letter with its empty signature field, as Sopir sends it.
fn unsigned() -> Vec<u8> {
    let letter = Letter {
        letterhead: Letterhead {
            lines: vec!["PEMERINTAH KABUPATEN CONTOH".into()],
            address: "Jalan Contoh Nomor 1".into(),
            logo: None,
        },
        place: "Contoh".into(),
        date: "30 November 2026".into(),
        number: "060/001/2026".into(),
        nature: "Biasa".into(),
        enclosures: "-".into(),
        subject: "Uji tanda tangan".into(),
        recipient: vec!["Kepala Dinas".into()],
        body: "Surat uji.".into(),
        signer_title: "Kepala Dinas".into(),
        signer_name: "Sri Wahyuni".into(),
        signer_nip: "197001011995031001".into(),
        copies: vec![],
        verification: None,
        draft: false,
        attached: Vec::new(),
    };
    let slot = SignatureSlot {
        signer_name: "Sri Wahyuni".into(),
        reason: "Surat 060/001/2026".into(),
        location: "Contoh".into(),
        date: "D:20261130101500+07'00'".into(),
    };
    letter.to_pdf(Some(&slot))
}

/// The running service, stopped however the test ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_trial_service_signs_for_the_officials_it_was_given() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // The officials from the environment, where `ps` does not show them.
    let mut child = Running(
        sopir()
            .args(["signing-service", "trial", "--addr", &format!("127.0.0.1:{port}"), "--username", "esign"])
            .env("SOPIR_TRIAL_SIGNERS", format!("3508010101700009=lain,{NIK}=Passphrase#Pejabat"))
            .env("SOPIR_TRIAL_SIGNING_PASSWORD", "rahasia-instansi")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    // Kept open until the end: the service prints a second line.
    let mut said = BufReader::new(child.0.stdout.take().unwrap());
    let mut first = String::new();
    said.read_line(&mut first).unwrap();
    let base = format!("http://127.0.0.1:{port}");
    assert!(first.contains(&base) && first.contains("2 pejabat"), "{first}");

    let service = SigningService::new(&base, "esign", "rahasia-instansi", Duration::from_secs(20));
    assert_eq!(service.status(NIK).await.unwrap(), CertificateStatus::Issue);
    assert!(matches!(
        service.status("3508010101700008").await,
        Ok(CertificateStatus::NotRegistered) | Err(SigningServiceError::NotRegistered)
    ));
    let sign =
        |passphrase: &'static str| service.sign(unsigned(), NIK, passphrase, "Surat 060/001/2026", "Contoh");
    let signed = sign("Passphrase#Pejabat").await.unwrap();
    // The signature fills the field Sopir left zeroed.
    let field = signed.windows(11).rposition(|w| w == b"/Contents <").expect("a signature field") + 11;
    assert!(signed[field..field + 4] == *b"3082", "a DER CMS structure: {:?}", &signed[field..field + 16]);
    // Its certificate names no NIK, in the file or in the signature's hex.
    let nik_hex: String = NIK.bytes().map(|b| format!("{b:02x}")).collect();
    let text = String::from_utf8_lossy(&signed).to_lowercase();
    assert!(!text.contains(NIK) && !text.contains(&nik_hex), "the NIK is in the signed letter");
    assert!(matches!(sign("keliru").await, Err(SigningServiceError::WrongPassphrase)));
    let stranger = SigningService::new(&base, "esign", "bukan-sandinya", Duration::from_secs(20));
    assert!(matches!(stranger.status(NIK).await, Err(SigningServiceError::Unauthorized)));
    drop(said);
}
