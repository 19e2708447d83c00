//! `sopir signing-service`: what an agency tries letters' signing with
//! before it has BSrE's service or an official's certificate — the
//! contract server of [`web::signing_contract`] run on its own, signing
//! for each official named with a self-signed certificate, and a
//! self-signed PKCS#12 to keep in Sopir. Neither is a certified signature:
//! the certificates are made here, by no CA.

use std::io::BufRead;
use std::path::Path;

use documents::signature::self_signed_pkcs12;
use web::signing_contract::{self, ContractAccount};
use web::signing_service::CertificateStatus;

use crate::CliError;

/// Who signs the trial's letters, as their certificates name them.
const TRIAL_ORGANISATION: &str = "Layanan tanda tangan uji Sopir (bukan sertifikat BSrE)";

/// The `n`th official the trial service knows, given as `NIK=passphrase`;
/// a refusal names which one, never what was given (it holds a secret).
fn signer(n: usize, given: &str) -> Result<(String, String), CliError> {
    let bad = |why: &str| CliError::SigningTrial(format!("--signer ke-{n}: {why}"));
    let (nik, passphrase) = given.split_once('=').ok_or_else(|| bad("tulis NIK=passphrase"))?;
    if nik.len() != 16 || !nik.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("NIK harus 16 angka"));
    }
    if passphrase.is_empty() {
        return Err(bad("passphrase kosong"));
    }
    Ok((nik.to_string(), passphrase.to_string()))
}

/// Serves the signing-service contract on `addr` until interrupted.
pub async fn serve(addr: &str, username: &str, password: &str, signers: &[String]) -> Result<(), CliError> {
    let signers = signers.iter().enumerate().map(|(i, s)| signer(i + 1, s)).collect::<Result<Vec<_>, _>>()?;
    if username.is_empty() || password.is_empty() {
        return Err(CliError::SigningTrial("--username dan --password wajib diisi".into()));
    }
    let mut accounts = Vec::new();
    for (n, (nik, passphrase)) in signers.into_iter().enumerate() {
        // The PKCS#12's own passphrase never leaves this process; the
        // certificate names the official by number, not by NIK (personal
        // data, which every signed letter would then carry).
        let p12_passphrase = uuid::Uuid::new_v4().to_string();
        let p12 = self_signed_pkcs12(&format!("Pejabat uji {}", n + 1), TRIAL_ORGANISATION, &p12_passphrase)
            .map_err(|e| CliError::SigningTrial(e.to_string()))?;
        accounts.push(ContractAccount {
            nik,
            passphrase,
            status: CertificateStatus::Issue,
            p12,
            p12_passphrase,
        });
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| CliError::Serve(format!("tidak dapat membuka {addr}: {e}")))?;
    let count = accounts.len();
    let server = signing_contract::serve(listener, signing_contract::router(username, password, accounts))
        .map_err(|e| CliError::Serve(e.to_string()))?;
    println!(
        "Layanan tanda tangan uji berjalan di {} untuk {count} pejabat (sertifikat swa-tanda, bukan BSrE).",
        server.base_url()
    );
    println!(
        "Isikan alamat itu, --username dan --password-nya di Administrasi instansi → Kop surat dan sertifikat tanda tangan → Layanan tanda tangan elektronik. Ctrl-C menghentikannya."
    );
    tokio::signal::ctrl_c().await.map_err(|e| CliError::Serve(e.to_string()))?;
    server.stop().await;
    Ok(())
}

/// Writes a self-signed PKCS#12 for `name` of `organisation` to a new file
/// `output` (never over another), protected by the passphrase read from
/// standard input.
pub fn certificate(output: &Path, name: &str, organisation: &str) -> Result<(), CliError> {
    if name.trim().is_empty() || organisation.trim().is_empty() {
        return Err(CliError::SigningTrial("--name dan --organisation wajib diisi".into()));
    }
    eprintln!("Passphrase sertifikat (paling sedikit 8 karakter), lalu Enter:");
    let mut passphrase = String::new();
    std::io::stdin().lock().read_line(&mut passphrase).map_err(|e| CliError::SigningTrial(e.to_string()))?;
    let passphrase = passphrase.trim_end_matches(['\r', '\n']);
    if passphrase.chars().count() < 8 {
        return Err(CliError::SigningTrial("passphrase paling sedikit 8 karakter".into()));
    }
    let p12 = self_signed_pkcs12(name, organisation, passphrase)
        .map_err(|e| CliError::SigningTrial(e.to_string()))?;
    store::private_file::write_new(output, &p12).map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists => {
            CliError::SigningTrial(format!("{} sudah ada; pilih nama berkas lain", output.display()))
        }
        _ => CliError::Write { path: output.to_path_buf(), source },
    })?;
    println!(
        "{} ditulis: sertifikat swa-tanda untuk uji coba (bukan BSrE); unggah di Administrasi instansi → Kop surat dan sertifikat tanda tangan.",
        output.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signer_is_a_nik_and_a_passphrase_and_a_refusal_never_shows_what_was_given() {
        assert_eq!(
            signer(1, "3508010101700001=rahasia=juga").unwrap(),
            ("3508010101700001".into(), "rahasia=juga".into())
        );
        for (given, why) in [
            ("3508010101700001:rahasia", "NIK=passphrase"),
            ("rahasia=3508010101700001", "16 angka"),
            ("35080101017=rahasia", "16 angka"),
            ("350801010170000x=rahasia", "16 angka"),
            ("3508010101700001=", "kosong"),
        ] {
            let refused = signer(2, given).unwrap_err().to_string();
            assert!(refused.contains(why) && refused.contains("ke-2"), "{given}: {refused}");
            assert!(!refused.contains("rahasia") && !refused.contains("35080101"), "{refused}");
        }
    }
}
